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

counted_messages as (

    {{ of_known_campaigns('messages') }}

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

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        reason_counts.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        reason_counts.stage,
        reason_counts.reason,
        reason_counts.messages,
        {# the stage total of the campaign, beside each reason #}
        {{ safe_divide(
            'reason_counts.messages',
            'sum(reason_counts.messages) over '
            ~ '(partition by reason_counts.campaign_id, reason_counts.stage)'
        ) }} as share_of_stage
    from reason_counts
    left join campaign_labels
        on reason_counts.campaign_id = campaign_labels.campaign_id

)

select * from final
