{#
    One row per campaign: its current version, the one with the greatest updated_at landed by
    as_of (the contract's upsert rule). The one place that decides a campaign's current
    values; dim_campaigns publishes them and the resolution models read them here.
#}
with

campaign_versions as (

    select * from {{ ref('stg_app__campaigns') }}

),

current_campaigns as (

    {{ deduplicate('campaign_versions', partition_by='campaign_id', order_by='updated_at desc') }}

),

final as (

    select
        campaign_id,
        workspace_id,
        campaign_name,
        channel,
        campaign_status,
        template_id,
        template_category,
        conversion_window_hours,
        created_at,
        updated_at
    from current_campaigns

)

select * from final
