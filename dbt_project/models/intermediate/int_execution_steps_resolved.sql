{#
    One row per execution and flow step it reached: a step_reached or branch_taken event on
    the step, or a send of the step. The step status summarises what happened there:
    opened > delivered > delivery_pending > undelivered > dropped for message steps, then
    branch_taken, then reached.
    An execution's exclusion is its steps'.

    Stored by the execution's arrival day (int_executions_arrived); a run recomputes the days
    of int_execution_days_affected.
#}
{{ config(
    materialized='incremental',
    partition_by='execution_arrival_date',
    overwrite_window_column='execution_arrival_date',
) }}
-- depends_on: {{ ref('int_execution_days_affected') }}

with

executions as (

    select * from {{ ref('int_executions_resolved') }}
    {{ only_affected_execution_days() }}

),

all_execution_events as (

    select * from {{ ref('stg_campaign_engine__executions') }}

),

execution_events as (

    select * from all_execution_events
    {% if is_incremental() -%}
    where execution_id in (select executions.execution_id from executions)
    {%- endif %}

),

messages as (

    select * from {{ ref('int_messages_resolved') }}
    {{ only_affected_execution_days() }}

),

step_events as (

    select * from execution_events
    where event_type in ('step_reached', 'branch_taken')
        and step_id is not null

),

step_event_summaries as (

    select
        execution_id,
        step_id,
        min(case when event_type = 'step_reached' then occurred_at end) as first_reached_at,
        max(case when event_type = 'step_reached' then 1 else 0 end) as has_step_reached,
        min(occurred_at) as first_event_at
    from step_events
    group by execution_id, step_id

),

branch_events as (

    select * from step_events
    where event_type = 'branch_taken'

),

latest_branches as (

    {{ deduplicate(
        'branch_events',
        partition_by='execution_id, step_id',
        order_by='occurred_at desc, execution_event_id desc'
    ) }}

),

step_messages as (

    select
        execution_id,
        step_id,
        min(attempted_at) as first_attempted_at,
        count(*) as messages_attempted,
        count(case when is_accepted then 1 end) as messages_sent,
        count(case when delivery_status = 'delivered' then 1 end) as messages_delivered,
        count(case when delivery_status = 'undelivered' then 1 end)
            as messages_undelivered,
        count(case when delivery_status = 'delivery_pending' then 1 end)
            as messages_delivery_pending,
        count(case when is_opened then 1 end) as messages_opened
    from messages
    where step_id is not null
    group by execution_id, step_id

),

execution_steps as (

    select execution_id, step_id from step_event_summaries
    union
    select execution_id, step_id from step_messages

),

final as (

    select
        execution_steps.execution_id,
        execution_steps.step_id,
        executions.execution_arrival_date,
        executions.campaign_id,
        executions.contact_id,
        least(
            coalesce(step_event_summaries.first_event_at, step_messages.first_attempted_at),
            coalesce(step_messages.first_attempted_at, step_event_summaries.first_event_at)
        ) as first_reached_at,
        coalesce(step_event_summaries.has_step_reached, 0) = 1
        or step_messages.execution_id is not null as is_reached,
        latest_branches.branch_label,
        coalesce(step_messages.messages_attempted, 0) as messages_attempted,
        coalesce(step_messages.messages_sent, 0) as messages_sent,
        coalesce(step_messages.messages_delivered, 0) as messages_delivered,
        coalesce(step_messages.messages_opened, 0) as messages_opened,
        case
            when step_messages.messages_opened > 0 then 'opened'
            when step_messages.messages_delivered > 0 then 'delivered'
            when step_messages.messages_delivery_pending > 0 then 'delivery_pending'
            when step_messages.messages_undelivered > 0 then 'undelivered'
            when step_messages.messages_attempted > 0 then 'dropped'
            when latest_branches.branch_label is not null then 'branch_taken'
            else 'reached'
        end as step_status,
        coalesce(executions.is_test, false) as is_test,
        coalesce(executions.is_excluded, false) as is_excluded
    from execution_steps
    left join step_event_summaries
        on execution_steps.execution_id = step_event_summaries.execution_id
        and execution_steps.step_id = step_event_summaries.step_id
    left join step_messages
        on execution_steps.execution_id = step_messages.execution_id
        and execution_steps.step_id = step_messages.step_id
    left join latest_branches
        on execution_steps.execution_id = latest_branches.execution_id
        and execution_steps.step_id = latest_branches.step_id
    left join executions
        on execution_steps.execution_id = executions.execution_id

)

select * from final
