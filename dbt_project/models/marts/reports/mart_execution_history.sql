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

step_lists as (

    select * from {{ ref('int_execution_step_lists') }}

),

{#
    The flow order is looked up when the mart is built, not stored with the lists: a campaign
    whose flow changes is re-sorted here, with no execution recomputed.
#}
campaign_step_orders as (

    select
        campaign_id,
        {{ collect_map('step_id', 'step_order') }} as step_orders
    from {{ ref('dim_campaign_steps') }}
    group by campaign_id

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        executions.execution_id,
        executions.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        executions.workspace_id,
        campaign_labels.workspace_name,
        {{ contact_key('executions.contact_id') }} as contact_key,
        executions.execution_status,
        executions.status_changed_at,
        executions.entered_at,
        executions.first_event_at,
        executions.last_event_at,
        executions.messages_attempted,
        coalesce(step_lists.steps_reached, 0) as steps_reached,
        {{ step_statuses_in_flow_order(
            'step_lists.steps', 'campaign_step_orders.step_orders'
        ) }} as step_statuses,
        executions.is_test,
        executions.is_internal_contact,
        executions.is_excluded
    from executions
    left join step_lists
        on executions.execution_id = step_lists.execution_id
    left join campaign_step_orders
        on executions.campaign_id = campaign_step_orders.campaign_id
    left join campaign_labels
        on executions.campaign_id = campaign_labels.campaign_id

)

select * from final
