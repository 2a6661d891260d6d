{#
    One row per campaign and day in the workspace's time zone with any activity: the
    summary's message-grain counts, each dated by its own event (see
    int_campaign_metrics_by_day). Summed over all periods they equal the summary.
#}
with

events as (

    select * from {{ ref('int_campaign_metrics_by_day') }}

),

{# the period of each event: its local day #}
events_in_periods as (

    select
        workspace_id,
        campaign_id,
        reporting_timezone,
        event_date as activity_date,
        metric,
        quantity
    from events

),

{# the period metrics (the var campaign_period_metrics), summed per campaign and period #}
period_sums as (

    select
        workspace_id,
        campaign_id,
        activity_date,
        reporting_timezone,
        {{ campaign_metric_sums() }}
    from events_in_periods
    group by workspace_id, campaign_id, activity_date, reporting_timezone

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

{# labelled after the sums, so the labels are not grouped by #}
final as (

    select
        period_sums.workspace_id,
        campaign_labels.workspace_name,
        period_sums.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        period_sums.activity_date,
        period_sums.reporting_timezone,
        {%- for metric in campaign_period_metrics() %}
        period_sums.{{ metric }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from period_sums
    left join campaign_labels
        on period_sums.campaign_id = campaign_labels.campaign_id

)

select * from final
