{#
    One row per execution (one entry of one contact into one campaign). An execution is known
    from its engine events or, when those have not landed yet, from its sends: a send proves
    the entry, so every message belongs to an execution here. Status is the latest of the
    completed / limited / failed / interrupted events (ties broken by event id), else pending.
    What depends on the current dimensions (workspace, internal contact, exclusion) is applied
    on top of these rows by int_executions_classified, so that a dimension change recomputes no
    stored day.

    Stored by the execution's arrival day (int_executions_arrived); a run recomputes the
    executions of int_executions_affected and replaces their rows.
#}
{{ per_execution_config() }}

with

{#
    CTEs read more than once name their columns: DuckDB materializes such a CTE with every
    column it selects, and a `select *` of a wide model there costs memory and time.
#}
arrived as (

    select execution_id, execution_arrival_date from {{ ref('int_executions_arrived') }}
    {{ only_affected_executions() }}

),

all_execution_events as (

    select * from {{ ref('stg_campaign_engine__executions') }}

),

execution_events as (

    select
        execution_event_id,
        execution_id,
        campaign_id,
        contact_id,
        event_type,
        occurred_at,
        is_test
    from all_execution_events
    {{ only_listed_in('arrived', 'execution_id') }}

),

all_sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

sends as (

    select message_id, execution_id, campaign_id, contact_id, attempted_at, is_initial, is_test
    from all_sends
    {{ only_listed_in('arrived', 'execution_id') }}

),

first_events as (

    {{ deduplicate(
        'execution_events',
        partition_by='execution_id',
        order_by='occurred_at, execution_event_id'
    ) }}

),

event_summaries as (

    select
        execution_id,
        min(case when event_type = 'entered' then occurred_at end) as entered_at,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        {{ dbt.bool_or('is_test') }} as has_test_event
    from execution_events
    group by execution_id

),

terminal_events as (

    select * from execution_events
    where event_type in ('completed', 'limited', 'failed', 'interrupted')

),

latest_terminal_events as (

    {{ deduplicate(
        'terminal_events',
        partition_by='execution_id',
        order_by='occurred_at desc, execution_event_id desc'
    ) }}

),

first_sends as (

    {{ deduplicate('sends', partition_by='execution_id', order_by='attempted_at, message_id') }}

),

send_summaries as (

    select
        execution_id,
        min(attempted_at) as first_attempted_at,
        max(attempted_at) as last_attempted_at,
        count(*) as messages_attempted,
        {{ dbt.bool_or('coalesce(is_initial, false)') }} as has_flagged_initial_send,
        {{ dbt.bool_or('is_test') }} as has_test_send
    from sends
    group by execution_id

),

execution_ids as (

    select execution_id from event_summaries
    union
    select execution_id from send_summaries

),

executions as (

    select
        execution_ids.execution_id,
        coalesce(first_events.campaign_id, first_sends.campaign_id) as campaign_id,
        coalesce(first_events.contact_id, first_sends.contact_id) as contact_id,
        coalesce(latest_terminal_events.event_type, 'pending') as execution_status,
        latest_terminal_events.occurred_at as status_changed_at,
        event_summaries.entered_at,
        least(
            coalesce(event_summaries.first_event_at, send_summaries.first_attempted_at),
            coalesce(send_summaries.first_attempted_at, event_summaries.first_event_at)
        ) as first_event_at,
        greatest(
            coalesce(event_summaries.last_event_at, send_summaries.last_attempted_at),
            coalesce(send_summaries.last_attempted_at, event_summaries.last_event_at)
        ) as last_event_at,
        coalesce(send_summaries.messages_attempted, 0) as messages_attempted,
        first_sends.message_id as first_message_id,
        coalesce(send_summaries.has_flagged_initial_send, false) as has_flagged_initial_send,
        event_summaries.execution_id is not null as has_execution_events,
        coalesce(event_summaries.has_test_event, false)
        or coalesce(send_summaries.has_test_send, false) as is_test
    from execution_ids
    left join event_summaries
        on execution_ids.execution_id = event_summaries.execution_id
    left join first_events
        on execution_ids.execution_id = first_events.execution_id
    left join latest_terminal_events
        on execution_ids.execution_id = latest_terminal_events.execution_id
    left join send_summaries
        on execution_ids.execution_id = send_summaries.execution_id
    left join first_sends
        on execution_ids.execution_id = first_sends.execution_id

),

final as (

    select
        executions.execution_id,
        arrived.execution_arrival_date,
        executions.campaign_id,
        executions.contact_id,
        executions.execution_status,
        executions.status_changed_at,
        executions.entered_at,
        executions.first_event_at,
        executions.last_event_at,
        executions.messages_attempted,
        executions.first_message_id,
        executions.has_flagged_initial_send,
        executions.has_execution_events,
        executions.is_test
    from executions
    left join arrived
        on executions.execution_id = arrived.execution_id

)

select * from final
