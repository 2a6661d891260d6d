{#
    One row per execution and flow step it reached: a step_reached or branch_taken event on
    the step, or a send of the step. The step status summarises what happened there:
    opened > delivered > delivery_pending > undelivered > dropped for message steps, then
    branch_taken, then reached.
    The exclusion from metrics is applied on top of these rows by
    int_execution_steps_classified.

    Stored by the execution's arrival day (int_executions_arrived); a run recomputes the
    executions of int_executions_affected and replaces their rows.
#}
{{ per_execution_config() }}

with

{#
    CTEs read more than once name their columns: DuckDB materializes such a CTE with every
    column it selects; with `select *` of the wide models this model ran out of memory at a
    1 GB limit on 60 days of 100 k sends a day, where it now spills.
#}
executions as (

    select
        execution_id,
        execution_arrival_date,
        campaign_id,
        contact_id,
        is_test
    from {{ ref('int_executions_resolved') }}
    {{ only_affected_executions() }}

),

all_execution_events as (

    select * from {{ ref('stg_campaign_engine__executions') }}

),

step_events as (

    select
        execution_event_id,
        execution_id,
        step_id,
        event_type,
        occurred_at,
        branch_label
    from all_execution_events
    where event_type in ('step_reached', 'branch_taken')
        {% if is_incremental() -%}
        and execution_id in (select executions.execution_id from executions)
        {%- endif %}
        and step_id is not null

),

messages as (

    select * from {{ ref('int_messages_resolved') }}
    {{ only_affected_executions() }}

),

{# what happened on a step, events and sends alike, so one aggregate summarises both #}
step_happenings as (

    select
        execution_id,
        step_id,
        occurred_at as happened_at,
        event_type = 'step_reached' as is_reach_signal,
        false as is_send,
        cast(null as boolean) as is_accepted,
        cast(null as {{ dbt.type_string() }}) as delivery_status,
        cast(null as boolean) as is_opened
    from step_events

    union all

    select
        execution_id,
        step_id,
        attempted_at as happened_at,
        true as is_reach_signal,
        true as is_send,
        is_accepted,
        delivery_status,
        is_opened
    from messages
    where step_id is not null

),

step_summaries as (

    select
        execution_id,
        step_id,
        min(happened_at) as first_reached_at,
        max(case when is_reach_signal then 1 else 0 end) = 1 as is_reached,
        count(case when is_send then 1 end) as messages_attempted,
        count(case when is_accepted then 1 end) as messages_sent,
        count(case when delivery_status = 'delivered' then 1 end) as messages_delivered,
        count(case when delivery_status = 'undelivered' then 1 end)
            as messages_undelivered,
        count(case when delivery_status = 'delivery_pending' then 1 end)
            as messages_delivery_pending,
        count(case when is_opened then 1 end) as messages_opened
    from step_happenings
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

final as (

    select
        step_summaries.execution_id,
        step_summaries.step_id,
        executions.execution_arrival_date,
        executions.campaign_id,
        executions.contact_id,
        step_summaries.first_reached_at,
        step_summaries.is_reached,
        latest_branches.branch_label,
        step_summaries.messages_attempted,
        step_summaries.messages_sent,
        step_summaries.messages_delivered,
        step_summaries.messages_opened,
        case
            when step_summaries.messages_opened > 0 then 'opened'
            when step_summaries.messages_delivered > 0 then 'delivered'
            when step_summaries.messages_delivery_pending > 0 then 'delivery_pending'
            when step_summaries.messages_undelivered > 0 then 'undelivered'
            when step_summaries.messages_attempted > 0 then 'dropped'
            when latest_branches.branch_label is not null then 'branch_taken'
            else 'reached'
        end as step_status,
        coalesce(executions.is_test, false) as is_test
    from step_summaries
    left join latest_branches
        on step_summaries.execution_id = latest_branches.execution_id
        and step_summaries.step_id = latest_branches.step_id
    left join executions
        on step_summaries.execution_id = executions.execution_id

)

select * from final
