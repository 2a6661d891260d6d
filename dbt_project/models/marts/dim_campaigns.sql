{# Campaigns, current values (int_campaigns_current). #}
with

current_campaigns as (

    select * from {{ ref('int_campaigns_current') }}

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
