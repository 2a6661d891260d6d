{#
    The end of a message's delivery window: sent_at + `delivery_window_days` (default 30).
    Reports received after it are late; with no report by then a message times out.
#}
{% macro delivery_window_end(sent_at) -%}
    {{ dbt.dateadd('day', var('delivery_window_days'), sent_at) }}
{%- endmacro %}
