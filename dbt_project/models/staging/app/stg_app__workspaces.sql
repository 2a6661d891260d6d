with

source as (

    select * from {{ source('raw', 'workspaces') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        workspace_id,
        name as workspace_name,
        industry,
        coalesce(timezone, 'UTC') as timezone,
        plan,
        monthly_contact_limit,
        updated_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['workspace_id', 'updated_at']) }}

select * from deduplicated
