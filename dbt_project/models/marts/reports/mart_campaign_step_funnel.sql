{#
    One row per step of each campaign's flow (current definition), with the contract's funnel
    counts. Excluded rows (test, internal contacts) are left out. dropoff_rate compares a step
    with its parent step; it is NULL for a step without a parent (the first step) and when the
    parent reached no one.
#}
with

steps as (

    select * from {{ ref('dim_campaign_steps') }}

),

execution_steps as (

    select * from {{ ref('fct_execution_steps') }}
    where not is_excluded

),

messages as (

    select * from {{ ref('fct_messages') }}
    where not is_excluded
        and step_id is not null

),

engagements as (

    select * from {{ ref('fct_engagements') }}
    where not is_excluded
        and step_id is not null

),

conversions as (

    select * from {{ ref('fct_conversions') }}
    where not is_excluded
        and attributed_step_id is not null

),

reach_counts as (

    select
        campaign_id,
        step_id,
        count(distinct contact_id) as contacts_reached
    from execution_steps
    where is_reached
    group by campaign_id, step_id

),

message_counts as (

    select
        campaign_id,
        step_id,
        count(case when is_accepted then 1 end) as messages_sent,
        count(distinct case when is_opened then contact_id end) as contacts_seen
    from messages
    group by campaign_id, step_id

),

click_counts as (

    select
        campaign_id,
        step_id,
        count(distinct contact_id) as contacts_clicked
    from engagements
    where engagement_type = 'click'
    group by campaign_id, step_id

),

conversion_counts as (

    select
        attributed_campaign_id as campaign_id,
        attributed_step_id as step_id,
        count(*) as conversions
    from conversions
    group by attributed_campaign_id, attributed_step_id

),

step_counts as (

    select
        steps.campaign_id,
        steps.step_id,
        steps.step_type,
        steps.step_order,
        steps.parent_step_id,
        steps.branch_label,
        steps.step_name,
        coalesce(reach_counts.contacts_reached, 0) as contacts_reached,
        coalesce(message_counts.messages_sent, 0) as messages_sent,
        coalesce(message_counts.contacts_seen, 0) as contacts_seen,
        coalesce(click_counts.contacts_clicked, 0) as contacts_clicked,
        coalesce(conversion_counts.conversions, 0) as conversions
    from steps
    left join reach_counts
        on steps.campaign_id = reach_counts.campaign_id
        and steps.step_id = reach_counts.step_id
    left join message_counts
        on steps.campaign_id = message_counts.campaign_id
        and steps.step_id = message_counts.step_id
    left join click_counts
        on steps.campaign_id = click_counts.campaign_id
        and steps.step_id = click_counts.step_id
    left join conversion_counts
        on steps.campaign_id = conversion_counts.campaign_id
        and steps.step_id = conversion_counts.step_id

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        step_counts.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        step_counts.step_id,
        step_counts.step_type,
        step_counts.step_order,
        step_counts.parent_step_id,
        step_counts.branch_label,
        step_counts.step_name,
        step_counts.contacts_reached,
        step_counts.messages_sent,
        step_counts.contacts_seen,
        step_counts.contacts_clicked,
        step_counts.conversions,
        parent_steps.contacts_reached as parent_contacts_reached,
        1 - {{ safe_divide('step_counts.contacts_reached', 'parent_steps.contacts_reached') }}
            as dropoff_rate
    from step_counts
    left join step_counts as parent_steps
        on step_counts.campaign_id = parent_steps.campaign_id
        and step_counts.parent_step_id = parent_steps.step_id
    left join campaign_labels
        on step_counts.campaign_id = campaign_labels.campaign_id

)

select * from final
