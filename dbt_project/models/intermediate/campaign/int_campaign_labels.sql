{#
    One row per campaign: the names a chart labels it with (current values). Every
    campaign-grain mart carries them, so a BI tool needs no join to say which campaign,
    channel and workspace a number is about.
#}
with

current_campaigns as (

    select * from {{ ref('int_campaigns_current') }}

),

current_workspaces as (

    select * from {{ ref('int_workspaces_current') }}

),

final as (

    select
        current_campaigns.campaign_id,
        current_campaigns.campaign_name,
        current_campaigns.channel,
        current_campaigns.workspace_id,
        current_workspaces.workspace_name
    from current_campaigns
    left join current_workspaces
        on current_campaigns.workspace_id = current_workspaces.workspace_id

)

select * from final
