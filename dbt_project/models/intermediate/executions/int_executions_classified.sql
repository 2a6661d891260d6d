{#
    One row per execution (int_executions_resolved) with what the current dimensions say about
    it: its campaign's workspace and whether it is excluded from metrics. The one place that
    decides an execution's exclusion: a test event or test send, or a contact that is internal
    now.

    A view, not a stored day: a contact turning internal (or a campaign becoming known or
    moving workspace) then changes every execution concerned on the next read, without
    recomputing the days they arrived on.
#}
{{ config(materialized='view') }}

with

executions as (

    select * from {{ ref('int_executions_resolved') }}

),

contacts as (

    select contact_id, is_internal from {{ ref('int_contacts_current') }}

),

campaigns as (

    select campaign_id, workspace_id from {{ ref('int_campaigns_current') }}

),

final as (

    select
        executions.execution_id,
        executions.execution_arrival_date,
        executions.campaign_id,
        executions.contact_id,
        campaigns.workspace_id,
        executions.execution_status,
        executions.status_changed_at,
        executions.entered_at,
        executions.first_event_at,
        executions.last_event_at,
        executions.messages_attempted,
        executions.has_execution_events,
        executions.is_test,
        coalesce(contacts.is_internal, false) as is_internal_contact,
        executions.is_test or coalesce(contacts.is_internal, false) as is_excluded
    from executions
    left join contacts
        on executions.contact_id = contacts.contact_id
    left join campaigns
        on executions.campaign_id = campaigns.campaign_id

)

select * from final
