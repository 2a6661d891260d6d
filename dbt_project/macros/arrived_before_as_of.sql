{#
    The predicate that keeps a raw row only when it landed on or before the last arrival date
    D (`_arrival_date < as_of`), so a rerun for an earlier date ignores later arrivals.
#}
{% macro arrived_before_as_of(arrival_date_column='_arrival_date') -%}
    {{ arrival_date_column }} < cast({{ as_of() }} as date)
{%- endmacro %}
