{#
    One row per workspace, channel (of the message) and day in the workspace's time zone: the
    campaign counts of mart_campaign_daily aggregated over campaigns.
#}
with

events as (

    select * from {{ ref('int_campaign_metrics_by_day') }}

),

final as (

    select
        workspace_id,
        channel,
        event_date as activity_date,
        reporting_timezone,
        {{ campaign_metric_sums() }}
    from events
    group by workspace_id, channel, event_date, reporting_timezone

)

select * from final
