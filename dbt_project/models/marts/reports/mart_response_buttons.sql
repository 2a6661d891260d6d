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

counted_engagements as (

    {{ of_known_campaigns('engagements') }}

),

button_responses as (

    select
        counted_engagements.campaign_id,
        counted_engagements.step_id,
        counted_engagements.button_id,
        counted_engagements.card_index,
        max(counted_engagements.button_label) as button_label,
        count(*) as responses,
        count(distinct counted_engagements.contact_id) as unique_responders
    from counted_engagements
    group by
        counted_engagements.campaign_id,
        counted_engagements.step_id,
        counted_engagements.button_id,
        counted_engagements.card_index

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        button_responses.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        button_responses.step_id,
        button_responses.button_id,
        button_responses.card_index,
        button_responses.button_label,
        button_responses.responses,
        button_responses.unique_responders
    from button_responses
    left join campaign_labels
        on button_responses.campaign_id = campaign_labels.campaign_id

)

select * from final
