{#
    The incremental filter of an input that has no arrival date for only_affected_executions()
    to filter by (staging, int_delivery_reports_matched): on an incremental run, only the rows
    whose `key` is in `relation`, a CTE of the executions or messages this run recomputes; on a
    full build, nothing.
#}
{% macro only_listed_in(relation, key) -%}
    {%- if is_incremental() -%}
    where {{ key }} in (select {{ relation }}.{{ key }} from {{ relation }})
    {%- endif -%}
{%- endmacro %}
