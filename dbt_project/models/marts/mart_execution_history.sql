{#
    One row per execution, test and internal ones included (flagged), as the campaign's
    history tab lists them: campaign, the contact's pseudonymous contact_key (never the
    handle), status, first and last event times, and each step's status in flow order as
    "step_id: status" separated by "; ".
#}
with

executions as (

    select * from {{ ref('fct_executions') }}

),

{#
    The stored steps, not fct_execution_steps: the history lists every step of every
    execution, so the step fact's join with the current contacts (for its exclusion flag)
    would be wasted on each of them.
#}
execution_steps as (

    select campaign_id, execution_id, step_id, step_status, first_reached_at
    from {{ ref('int_execution_steps_resolved') }}

),

steps as (

    select * from {{ ref('dim_campaign_steps') }}

),

ordered_steps as (

    select
        execution_steps.execution_id,
        execution_steps.step_id,
        execution_steps.step_status,
        execution_steps.first_reached_at,
        coalesce(steps.step_order, 0) as step_order
    from execution_steps
    left join steps
        on execution_steps.campaign_id = steps.campaign_id
        and execution_steps.step_id = steps.step_id

),

step_statuses as (

    select
        execution_id,
        count(*) as steps_reached,
        {{ ordered_string_agg(
            dbt.concat(['step_id', "': '", 'step_status']),
            "'; '",
            ['step_order', 'first_reached_at', 'step_id']
        ) }} as step_statuses
    from ordered_steps
    group by execution_id

),

final as (

    select
        executions.execution_id,
        executions.campaign_id,
        executions.workspace_id,
        {{ contact_key('executions.contact_id') }} as contact_key,
        executions.execution_status,
        executions.status_changed_at,
        executions.entered_at,
        executions.first_event_at,
        executions.last_event_at,
        executions.messages_attempted,
        coalesce(step_statuses.steps_reached, 0) as steps_reached,
        step_statuses.step_statuses,
        executions.is_test,
        executions.is_internal_contact,
        executions.is_excluded
    from executions
    left join step_statuses
        on executions.execution_id = step_statuses.execution_id

)

select * from final
