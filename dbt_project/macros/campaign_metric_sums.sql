{#
    The message-grain counts of the summary, summed from int_campaign_metric_events (one row
    per dated event with a `metric` name and a `quantity`) for the period marts. The list here
    is the list of metrics that model emits.
#}
{% macro campaign_metric_sums() -%}
    {%- set metrics = [
        'messages_attempted',
        'messages_sent',
        'messages_dropped',
        'messages_delivered',
        'messages_undelivered',
        'messages_delivery_pending',
        'opens',
        'clicks',
        'responses',
        'conversions',
        'segments_sent',
    ] -%}
    {%- for metric in metrics %}
        cast(
            coalesce(sum(case when metric = '{{ metric }}' then quantity end), 0)
            as {{ dbt.type_bigint() }}
        ) as {{ metric }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
