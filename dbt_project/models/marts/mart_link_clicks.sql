{#
    One row per campaign, step, link and carousel card (NULL when the click names none): every
    click counts in clicks; unique_clickers counts contacts. Excluded rows are left out.
#}
with

engagements as (

    select * from {{ ref('fct_engagements') }}
    where not is_excluded
        and engagement_type = 'click'

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
    from engagements
    group by campaign_id, step_id, link_id, card_index

)

select * from final
