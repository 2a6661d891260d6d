{#
    The filter of every per-execution model: on an incremental run, only what
    int_executions_affected says this run recomputes; on a full build, nothing.

    DuckDB replaces stored rows by execution (macros/partition_overwrite.sql), so it recomputes
    exactly the affected executions. Spark's insert_overwrite replaces whole partitions, so it
    recomputes every execution of an affected execution's arrival day: a partition written
    with only some of its executions would lose the others.
#}
{% macro only_affected_executions() -%}
    {%- if is_incremental() -%}
    {{ adapter.dispatch('only_affected_executions', 'campaign_warehouse')() }}
    {%- endif -%}
{%- endmacro %}

{% macro default__only_affected_executions() -%}
    where execution_id in (
        select affected.execution_id
        from {{ ref('int_executions_affected') }} as affected
    )
{%- endmacro %}

{% macro spark__only_affected_executions() -%}
    where execution_arrival_date in (
        select arrived.execution_arrival_date
        from {{ ref('int_executions_arrived') }} as arrived
        inner join {{ ref('int_executions_affected') }} as affected
            on arrived.execution_id = affected.execution_id
    )
{%- endmacro %}
