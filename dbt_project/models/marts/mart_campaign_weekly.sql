{#
    One row per campaign and ISO week (Monday start) in the workspace's time zone with any
    activity: the summary's message-grain counts, each dated by its own event (see
    int_campaign_metrics_by_day). Summed over all periods they equal the summary.
#}
with

events as (

    select * from {{ ref('int_campaign_metrics_by_day') }}

),

periods as (

    select
        workspace_id,
        campaign_id,
        reporting_timezone,
        {{ iso_week_start('event_date') }} as week_start_date,
        metric,
        quantity
    from events

),

final as (

    select
        workspace_id,
        campaign_id,
        week_start_date,
        reporting_timezone,
        {{ campaign_metric_sums() }}
    from periods
    group by workspace_id, campaign_id, week_start_date, reporting_timezone

)

select * from final
