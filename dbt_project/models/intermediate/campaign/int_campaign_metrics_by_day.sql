{#
    The summary's message-grain counts per campaign, channel and local day of the campaign's
    workspace, each event dated by itself: sends (attempted, sent, dropped, still pending, SMS
    segments) by attempt, deliveries by delivery, undelivered messages by failure or timeout,
    opens by first open, clicks and responses and attributed conversions by occurrence.
    Excluded rows are left out. Summing a metric over all days gives the summary's number;
    the period marts sum days into weeks and months.
#}
with

{#
    `messages` is read three times, so DuckDB materializes it: it names only the columns the
    counts need instead of the 35 of the view (which also joins the current dimensions).
#}
messages as (

    select
        message_id,
        campaign_id,
        channel,
        attempted_at,
        is_accepted,
        delivery_status,
        delivered_at,
        undelivered_at,
        is_opened,
        opened_at,
        segments,
        is_excluded
    from {{ ref('int_messages_classified') }}

),

engagements as (

    select * from {{ ref('int_engagements_linked') }}
    where not is_excluded

),

conversions as (

    select * from {{ ref('int_conversions_attributed') }}
    where not is_excluded
        and is_attributed

),

campaigns as (

    select * from {{ ref('int_campaigns_current') }}

),

workspaces as (

    select * from {{ ref('int_workspaces_current') }}

),

counted_messages as (

    select * from messages
    where not is_excluded

),

message_events as (

    select
        campaign_id,
        channel,
        'messages_attempted' as metric,
        attempted_at as occurred_at,
        1 as quantity
    from counted_messages

    union all

    select
        campaign_id,
        channel,
        'messages_sent' as metric,
        attempted_at as occurred_at,
        1 as quantity
    from counted_messages
    where is_accepted

    union all

    select
        campaign_id,
        channel,
        'messages_dropped' as metric,
        attempted_at as occurred_at,
        1 as quantity
    from counted_messages
    where not is_accepted

    union all

    select
        campaign_id,
        channel,
        'messages_delivered' as metric,
        delivered_at as occurred_at,
        1 as quantity
    from counted_messages
    where delivery_status = 'delivered'

    union all

    select
        campaign_id,
        channel,
        'messages_undelivered' as metric,
        undelivered_at as occurred_at,
        1 as quantity
    from counted_messages
    where delivery_status = 'undelivered'

    union all

    select
        campaign_id,
        channel,
        'messages_delivery_pending' as metric,
        attempted_at as occurred_at,
        1 as quantity
    from counted_messages
    where delivery_status = 'delivery_pending'

    union all

    select
        campaign_id,
        channel,
        'opens' as metric,
        opened_at as occurred_at,
        1 as quantity
    from counted_messages
    where is_opened

    union all

    select
        campaign_id,
        channel,
        'segments_sent' as metric,
        attempted_at as occurred_at,
        segments as quantity
    from counted_messages
    where is_accepted
        and channel = 'sms'
        and segments is not null

),

engagement_events as (

    select
        engagements.campaign_id,
        coalesce(messages.channel, campaigns.channel) as channel,
        case when engagements.engagement_type = 'click' then 'clicks' else 'responses' end
            as metric,
        engagements.occurred_at,
        1 as quantity
    from engagements
    left join messages
        on engagements.message_id = messages.message_id
    left join campaigns
        on engagements.campaign_id = campaigns.campaign_id
    where engagements.engagement_type = 'click'
        or engagements.is_response

),

conversion_events as (

    select
        conversions.attributed_campaign_id as campaign_id,
        messages.channel,
        'conversions' as metric,
        conversions.occurred_at,
        1 as quantity
    from conversions
    inner join messages
        on conversions.attributed_message_id = messages.message_id

),

events as (

    select * from message_events
    union all
    select * from engagement_events
    union all
    select * from conversion_events

),

dated as (

    select
        campaigns.workspace_id,
        events.campaign_id,
        events.channel,
        events.metric,
        coalesce(workspaces.reporting_timezone, 'UTC') as reporting_timezone,
        cast(
            {{ to_local_timestamp(
                'events.occurred_at', "coalesce(workspaces.reporting_timezone, 'UTC')"
            ) }} as date
        ) as event_date,
        events.quantity
    {# the inner join drops the events of a campaign not (yet) in dim_campaigns: orphans #}
    from events
    inner join campaigns
        on events.campaign_id = campaigns.campaign_id
    left join workspaces
        on campaigns.workspace_id = workspaces.workspace_id

),

final as (

    select
        workspace_id,
        campaign_id,
        channel,
        metric,
        reporting_timezone,
        event_date,
        cast(sum(quantity) as {{ dbt.type_bigint() }}) as quantity
    from dated
    group by workspace_id, campaign_id, channel, metric, reporting_timezone, event_date

)

select * from final
