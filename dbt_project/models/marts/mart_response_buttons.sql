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

final as (

    select
        campaign_id,
        step_id,
        button_id,
        card_index,
        max(button_label) as button_label,
        count(*) as responses,
        count(distinct contact_id) as unique_responders
    from counted_engagements
    group by campaign_id, step_id, button_id, card_index

)

select * from final
