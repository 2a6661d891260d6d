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

counted_engagements as (

    {{ of_known_campaigns('engagements') }}

),

link_clicks as (

    select
        counted_engagements.campaign_id,
        counted_engagements.step_id,
        counted_engagements.link_id,
        counted_engagements.card_index,
        max(counted_engagements.url) as url,
        count(*) as clicks,
        count(distinct counted_engagements.contact_id) as unique_clickers,
        min(counted_engagements.occurred_at) as first_clicked_at,
        max(counted_engagements.occurred_at) as last_clicked_at
    from counted_engagements
    group by
        counted_engagements.campaign_id,
        counted_engagements.step_id,
        counted_engagements.link_id,
        counted_engagements.card_index

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        link_clicks.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        link_clicks.step_id,
        link_clicks.link_id,
        link_clicks.card_index,
        link_clicks.url,
        link_clicks.clicks,
        link_clicks.unique_clickers,
        link_clicks.first_clicked_at,
        link_clicks.last_clicked_at
    from link_clicks
    left join campaign_labels
        on link_clicks.campaign_id = campaign_labels.campaign_id

)

select * from final
