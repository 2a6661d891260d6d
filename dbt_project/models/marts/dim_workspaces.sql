{# Workspaces, current values (int_workspaces_current). #}
with

current_workspaces as (

    select * from {{ ref('int_workspaces_current') }}

),

final as (

    select
        workspace_id,
        workspace_name,
        industry,
        timezone,
        reporting_timezone,
        plan,
        monthly_contact_limit,
        updated_at
    from current_workspaces

)

select * from final
