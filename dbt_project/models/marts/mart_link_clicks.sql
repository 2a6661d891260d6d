{#
    One row per campaign, step, link and carousel card (NULL when the click names none): every
    click counts in clicks; unique_clickers counts contacts. Excluded rows are left out, and so
    are clicks of a campaign not (yet) in dim_campaigns, as in the summary.
#}
with

engagements as (

    select * from {{ ref('fct_engagements') }}
    where not is_excluded
        and engagement_type = 'click'

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
        link_id,
        card_index,
        max(url) as url,
        count(*) as clicks,
        count(distinct contact_id) as unique_clickers,
        min(occurred_at) as first_clicked_at,
        max(occurred_at) as last_clicked_at
    from counted_engagements
    group by campaign_id, step_id, link_id, card_index

)

select * from final
