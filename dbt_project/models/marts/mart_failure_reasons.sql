{#
    One row per campaign, stage (dropped: never left the platform; undelivered: the provider
    did not deliver) and reason: the messages and their share of the stage in the campaign.
    Excluded rows are left out, and so are messages of a campaign not (yet) in dim_campaigns,
    as in the summary, so each stage adds up to its messages_dropped / messages_undelivered.
#}
with

messages as (

    select * from {{ ref('fct_messages') }}
    where not is_excluded

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

counted_messages as (

    select messages.*
    from messages
    inner join campaigns
        on messages.campaign_id = campaigns.campaign_id

),

failures as (

    select
        campaign_id,
        'dropped' as stage,
        drop_reason as reason
    from counted_messages
    where not is_accepted

    union all

    select
        campaign_id,
        'undelivered' as stage,
        undelivered_reason as reason
    from counted_messages
    where delivery_status = 'undelivered'

),

reason_counts as (

    select
        campaign_id,
        stage,
        reason,
        count(*) as messages
    from failures
    group by campaign_id, stage, reason

),

final as (

    select
        campaign_id,
        stage,
        reason,
        messages,
        {# a window sum over a group by: the stage total of the campaign #}
        {{ safe_divide(
            'messages', 'sum(messages) over (partition by campaign_id, stage)'
        ) }} as share_of_stage
    from reason_counts

)

select * from final
