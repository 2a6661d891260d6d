{#
    The predicate that keeps a raw row when it landed in this run's window: on or after
    `window_start()` and on or before the last arrival date D (`< as_of`). A full build (first
    run, --full-refresh) reads every arrival date up to D.
#}
{% macro arrived_in_window(arrival_date_column='_arrival_date') -%}
    {%- if is_incremental() -%}
        {{ arrival_date_column }} >= {{ window_start() }} and {{ arrived_before_as_of(arrival_date_column) }}
    {%- else -%}
        {{ arrived_before_as_of(arrival_date_column) }}
    {%- endif -%}
{%- endmacro %}
