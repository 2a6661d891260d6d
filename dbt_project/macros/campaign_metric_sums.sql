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
    (int_campaign_metrics_by_day).
#}
{% macro campaign_metric_sums() -%}
    {%- for metric in campaign_period_metrics() %}
        cast(
            coalesce(sum(case when metric = '{{ metric }}' then quantity end), 0)
            as {{ dbt.type_bigint() }}
        ) as {{ metric }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#
    A period mart (daily, weekly, monthly): the period metrics of each campaign summed per
    period of the workspace's local calendar, then labelled with the campaign's name, channel
    and workspace name. The three marts differ only in the period, so they share this body.
#}
{% macro campaign_metrics_per_period(period_column, period_start) -%}
with

events as (

    select * from {{ ref('int_campaign_metrics_by_day') }}

),

events_in_periods as (

    select
        workspace_id,
        campaign_id,
        reporting_timezone,
        {{ period_start }} as {{ period_column }},
        metric,
        quantity
    from events

),

period_sums as (

    select
        workspace_id,
        campaign_id,
        {{ period_column }},
        reporting_timezone,
        {{ campaign_metric_sums() }}
    from events_in_periods
    group by workspace_id, campaign_id, {{ period_column }}, reporting_timezone

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        period_sums.workspace_id,
        campaign_labels.workspace_name,
        period_sums.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        period_sums.{{ period_column }},
        period_sums.reporting_timezone,
        {%- for metric in campaign_period_metrics() %}
        period_sums.{{ metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from period_sums
    left join campaign_labels
        on period_sums.campaign_id = campaign_labels.campaign_id

)

select * from final
{%- endmacro %}
