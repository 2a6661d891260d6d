{#
    The message-grain counts of the summary that the period marts sum per period, in their
    column order: the metrics int_campaign_metrics_by_day emits. The list itself is the var
    `campaign_period_metrics` (dbt_project.yml), which the Python checks read too.
#}
{% macro campaign_period_metrics() -%}
    {{ return(var('campaign_period_metrics')) }}
{%- endmacro %}

{#
    Each period metric summed from rows with a `metric` name and a `quantity`
    (int_campaign_metrics_by_day), in the var's order: the sums of the period marts (daily,
    weekly, monthly) and of mart_channel_daily, which each state their own select around it.
#}
{% macro campaign_metric_sums() -%}
    {%- for metric in campaign_period_metrics() %}
        cast(
            coalesce(sum(case when metric = '{{ metric }}' then quantity end), 0)
            as {{ dbt.type_bigint() }}
        ) as {{ metric }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
