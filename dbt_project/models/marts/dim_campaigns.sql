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
