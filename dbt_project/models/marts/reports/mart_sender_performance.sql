{#
    One row per sender (every sender of dim_senders, and any sender id used by a message): its
    messages sent (accepted) over its lifetime and over the 30 days before as_of (attempted in
    [as_of - 30 days, as_of): the run's as-of, never the wall clock), and its success rate,
    delivered over delivered + undelivered (pending messages are not decided yet), with the
    delivery-health band of the lifetime rate. Excluded rows are left out.
#}
with

senders as (

    select * from {{ ref('dim_senders') }}

),

messages as (

    select * from {{ ref('fct_messages') }}
    where not is_excluded
        and sender_id is not null

),

dated_messages as (

    select
        sender_id,
        is_accepted,
        delivery_status,
        attempted_at,
        (
            attempted_at >= {{ dbt.dateadd('day', -30, as_of()) }}
            and attempted_at < {{ as_of() }}
        ) as is_last_30_days
    from messages

),

message_counts as (

    select
        sender_id,
        count(case when is_accepted then 1 end) as messages_sent,
        count(case when delivery_status = 'delivered' then 1 end) as messages_delivered,
        count(case when delivery_status = 'undelivered' then 1 end) as messages_undelivered,
        count(case when is_accepted and is_last_30_days then 1 end) as messages_sent_30d,
        count(case when delivery_status = 'delivered' and is_last_30_days then 1 end)
            as messages_delivered_30d,
        count(case when delivery_status = 'undelivered' and is_last_30_days then 1 end)
            as messages_undelivered_30d,
        max(attempted_at) as last_attempted_at
    from dated_messages
    group by sender_id

),

sender_ids as (

    select sender_id from senders
    union
    select sender_id from message_counts

),

rated as (

    select
        sender_ids.sender_id,
        senders.workspace_id,
        senders.channel,
        senders.sender_name,
        coalesce(message_counts.messages_sent, 0) as messages_sent,
        coalesce(message_counts.messages_delivered, 0) as messages_delivered,
        coalesce(message_counts.messages_undelivered, 0) as messages_undelivered,
        {{ safe_divide(
            'message_counts.messages_delivered',
            'message_counts.messages_delivered + message_counts.messages_undelivered'
        ) }} as success_rate,
        coalesce(message_counts.messages_sent_30d, 0) as messages_sent_30d,
        {{ safe_divide(
            'message_counts.messages_delivered_30d',
            'message_counts.messages_delivered_30d + message_counts.messages_undelivered_30d'
        ) }} as success_rate_30d,
        message_counts.last_attempted_at
    from sender_ids
    left join senders
        on sender_ids.sender_id = senders.sender_id
    left join message_counts
        on sender_ids.sender_id = message_counts.sender_id

),

final as (

    select
        sender_id,
        workspace_id,
        channel,
        sender_name,
        messages_sent,
        messages_delivered,
        messages_undelivered,
        success_rate,
        messages_sent_30d,
        success_rate_30d,
        {{ delivery_health('success_rate') }} as delivery_health,
        last_attempted_at,
        {{ as_of() }} as as_of
    from rated

)

select * from final
