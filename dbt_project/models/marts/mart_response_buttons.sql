{#
    One row per campaign, step, button and carousel card (NULL when the event names none): the
    button_click responses and the contacts that gave them. Excluded rows are left out, and so
    are responses of a campaign not (yet) in dim_campaigns, as in the summary.
#}
with

engagements as (

    select * from {{ ref('fct_engagements') }}
    where not is_excluded
        and engagement_type = 'button_click'

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

counted_engagements as (

    select engagements.*
    from engagements
    inner join campaigns
        on engagements.campaign_id = campaigns.campaign_id

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        counted_engagements.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        counted_engagements.step_id,
        counted_engagements.button_id,
        counted_engagements.card_index,
        max(counted_engagements.button_label) as button_label,
        count(*) as responses,
        count(distinct counted_engagements.contact_id) as unique_responders
    from counted_engagements
    left join campaign_labels
        on counted_engagements.campaign_id = campaign_labels.campaign_id
    group by
        counted_engagements.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        counted_engagements.step_id,
        counted_engagements.button_id,
        counted_engagements.card_index

)

select * from final
