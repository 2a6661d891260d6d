{#
    The filter of every per-execution model: on an incremental run, only the keys that the
    model's `recompute_keys` relation (int_executions_affected) says this run recomputes; on a
    full build, nothing.

    DuckDB replaces stored rows by that key (macros/partition_overwrite.sql), so it recomputes
    exactly the affected executions. Spark's insert_overwrite replaces whole partitions, so it
    recomputes every execution of an affected execution's arrival day: a partition written
    with only some of its executions would lose the others.
#}
{% macro only_affected_executions() -%}
    {%- if is_incremental() -%}
    {{ adapter.dispatch('only_affected_executions', 'campaign_warehouse')(recompute_keys()) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__only_affected_executions(keys) -%}
    where {{ keys.column }} in (
        select affected.{{ keys.column }}
        from {{ ref(keys.relation) }} as affected
    )
{%- endmacro %}

{% macro spark__only_affected_executions(keys) -%}
    where execution_arrival_date in (
        select arrived.execution_arrival_date
        from {{ ref('int_executions_arrived') }} as arrived
        inner join {{ ref(keys.relation) }} as affected
            on arrived.{{ keys.column }} = affected.{{ keys.column }}
    )
{%- endmacro %}
