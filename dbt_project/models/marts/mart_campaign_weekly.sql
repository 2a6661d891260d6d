{#
    One row per campaign and ISO week (Monday start) in the workspace's time zone with any
    activity: the summary's message-grain counts, each dated by its own event (see
    int_campaign_metrics_by_day). Summed over all periods they equal the summary.
#}
with

events as (

    select * from {{ ref('int_campaign_metrics_by_day') }}

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

periods as (

    select
        events.workspace_id,
        campaign_labels.workspace_name,
        events.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        events.reporting_timezone,
        {{ iso_week_start('events.event_date') }} as week_start_date,
        events.metric,
        events.quantity
    from events
    left join campaign_labels
        on events.campaign_id = campaign_labels.campaign_id

),

final as (

    select
        workspace_id,
        workspace_name,
        campaign_id,
        campaign_name,
        channel,
        week_start_date,
        reporting_timezone,
        {{ campaign_metric_sums() }}
    from periods
    group by
        workspace_id, workspace_name, campaign_id, campaign_name, channel, week_start_date,
        reporting_timezone

)

select * from final
