{#
    A contact's status in a campaign over all its executions (metrics contract), first match
    wins: sent (an accepted message that is not undelivered) > failed (a dropped or undelivered
    message, or a failed execution) > limited (a limited execution) > pending.
    Test executions and test sends do not decide the status of a contact that also has real
    ones; a contact with only test activity keeps a status computed from it and is_test.
    Whether the contact is internal is a property of the contact, so it is joined once per
    campaign and contact, after the aggregation, from the current contacts.
#}
with

executions as (

    select * from {{ ref('int_executions_resolved') }}

),

messages as (

    select * from {{ ref('int_messages_resolved') }}

),

contacts as (

    select contact_id, is_internal from {{ ref('int_contacts_current') }}

),

execution_signals as (

    select
        campaign_id,
        contact_id,
        is_test,
        1 as is_execution,
        0 as is_sent,
        case when execution_status = 'failed' then 1 else 0 end as is_failed,
        case when execution_status = 'limited' then 1 else 0 end as is_limited,
        first_event_at as occurred_at
    from executions

),

message_signals as (

    select
        campaign_id,
        contact_id,
        is_test,
        0 as is_execution,
        case
            when outcome = 'accepted' and delivery_status <> 'undelivered' then 1 else 0
        end as is_sent,
        case
            when outcome = 'dropped' or delivery_status = 'undelivered' then 1 else 0
        end as is_failed,
        0 as is_limited,
        attempted_at as occurred_at
    from messages

),

signals as (

    select * from execution_signals
    union all
    select * from message_signals

),

by_test_flag as (

    select
        campaign_id,
        contact_id,
        is_test,
        count(case when is_execution = 1 then 1 end) as executions,
        max(is_sent) as has_sent,
        max(is_failed) as has_failed,
        max(is_limited) as has_limited,
        min(occurred_at) as first_activity_at,
        case when is_test then 1 else 0 end as test_rank
    from signals
    group by campaign_id, contact_id, is_test

),

{# real activity decides; test activity only when there is nothing else #}
decisive as (

    {{ deduplicate('by_test_flag', partition_by='campaign_id, contact_id', order_by='test_rank') }}

),

final as (

    select
        decisive.campaign_id,
        decisive.contact_id,
        case
            when decisive.has_sent = 1 then 'sent'
            when decisive.has_failed = 1 then 'failed'
            when decisive.has_limited = 1 then 'limited'
            else 'pending'
        end as contact_status,
        decisive.executions,
        decisive.first_activity_at,
        decisive.is_test,
        coalesce(contacts.is_internal, false) as is_internal_contact,
        decisive.is_test or coalesce(contacts.is_internal, false) as is_excluded
    from decisive
    left join contacts
        on decisive.contact_id = contacts.contact_id

)

select * from final
