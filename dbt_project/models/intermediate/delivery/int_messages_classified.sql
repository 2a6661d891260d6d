{#
    One row per message (int_messages_resolved) with what the current dimensions say about it:
    its workspace (the campaign's, else the contact's) and whether it is excluded from metrics.
    The one place that decides a message's exclusion: a test send, a send of a test execution,
    or a send to a contact that is internal now.

    A view, not a stored day: a contact turning internal (or a campaign becoming known) then
    changes every message of that contact on the next read, without recomputing the days its
    executions arrived on. Reading it costs one hash join with the current dimensions.
#}
{{ config(materialized='view') }}

with

messages as (

    select * from {{ ref('int_messages_resolved') }}

),

contacts as (

    select contact_id, workspace_id, is_internal from {{ ref('int_contacts_current') }}

),

campaigns as (

    select campaign_id, workspace_id from {{ ref('int_campaigns_current') }}

),

final as (

    select
        messages.message_id,
        messages.execution_arrival_date,
        messages.execution_id,
        messages.campaign_id,
        messages.step_id,
        messages.contact_id,
        messages.sender_id,
        coalesce(campaigns.workspace_id, contacts.workspace_id) as workspace_id,
        messages.channel,
        messages.provider,
        messages.provider_message_id,
        messages.attempted_at,
        messages.sent_at,
        messages.outcome,
        messages.is_accepted,
        messages.drop_reason,
        messages.delivery_status,
        messages.delivered_at,
        messages.read_at,
        messages.failed_at,
        messages.undelivered_at,
        messages.undelivered_reason,
        messages.error_code,
        messages.error_title,
        messages.delivery_window_ends_at,
        messages.has_delivery_receipts,
        messages.delivery_reports_counted,
        messages.late_reports,
        messages.is_opened,
        messages.opened_at,
        messages.segments,
        messages.is_initial,
        messages.is_test,
        coalesce(contacts.is_internal, false) as is_internal_contact,
        messages.is_test or coalesce(contacts.is_internal, false) as is_excluded
    from messages
    left join contacts
        on messages.contact_id = contacts.contact_id
    left join campaigns
        on messages.campaign_id = campaigns.campaign_id

)

select * from final
