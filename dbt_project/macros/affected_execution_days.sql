{#
    The filter of every model stored by execution arrival day: on an incremental run, only the
    days int_execution_days_affected says this run recomputes; on a full build, nothing.
#}
{% macro only_affected_execution_days() -%}
    {%- if is_incremental() -%}
    where execution_arrival_date in (
        select affected.execution_arrival_date
        from {{ ref('int_execution_days_affected') }} as affected
    )
    {%- endif -%}
{%- endmacro %}
