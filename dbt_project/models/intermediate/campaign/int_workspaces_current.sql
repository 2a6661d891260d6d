{#
    One row per workspace: its current version, the one with the greatest updated_at landed
    by as_of, with the time zone its reports are dated in (a zone the database does not know
    falls back to UTC). The one place that decides a workspace's current values.
#}
with

workspace_versions as (

    select * from {{ ref('stg_app__workspaces') }}

),

current_workspaces as (

    {{ deduplicate('workspace_versions', partition_by='workspace_id', order_by='updated_at desc') }}

),

final as (

    select
        workspace_id,
        workspace_name,
        industry,
        timezone,
        {{ known_time_zone('timezone') }} as reporting_timezone,
        plan,
        monthly_contact_limit,
        updated_at
    from current_workspaces

)

select * from final
