{#
    One row per campaign, logic step (step_id) and branch label: the contacts (and executions)
    that took the branch, excluded rows left out. Branches come from the flow (the children
    of a logic step carry the label of the branch that leads to them) and from the
    branch_taken events, so a branch nobody took shows 0 and a label missing from the flow
    still shows.
#}
with

steps as (

    select * from {{ ref('dim_campaign_steps') }}

),

execution_steps as (

    select * from {{ ref('fct_execution_steps') }}
    where not is_excluded
        and branch_label is not null

),

flow_branches as (

    select
        child_steps.campaign_id,
        child_steps.parent_step_id as step_id,
        child_steps.branch_label,
        min(child_steps.step_id) as next_step_id
    from steps as child_steps
    inner join steps as logic_steps
        on child_steps.campaign_id = logic_steps.campaign_id
        and child_steps.parent_step_id = logic_steps.step_id
    where logic_steps.step_type = 'logic'
        and child_steps.branch_label is not null
    group by child_steps.campaign_id, child_steps.parent_step_id, child_steps.branch_label

),

taken_branches as (

    select
        campaign_id,
        step_id,
        branch_label,
        count(distinct contact_id) as contacts,
        count(distinct execution_id) as executions
    from execution_steps
    group by campaign_id, step_id, branch_label

),

branches as (

    select campaign_id, step_id, branch_label from flow_branches
    union
    select campaign_id, step_id, branch_label from taken_branches

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        branches.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        branches.step_id,
        branches.branch_label,
        flow_branches.next_step_id,
        flow_branches.step_id is not null as is_in_flow,
        coalesce(taken_branches.contacts, 0) as contacts,
        coalesce(taken_branches.executions, 0) as executions
    from branches
    left join flow_branches
        on branches.campaign_id = flow_branches.campaign_id
        and branches.step_id = flow_branches.step_id
        and branches.branch_label = flow_branches.branch_label
    left join taken_branches
        on branches.campaign_id = taken_branches.campaign_id
        and branches.step_id = taken_branches.step_id
        and branches.branch_label = taken_branches.branch_label
    left join campaign_labels
        on branches.campaign_id = campaign_labels.campaign_id

)

select * from final
