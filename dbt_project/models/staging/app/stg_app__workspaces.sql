with

source as (

    select * from {{ source('raw', 'workspaces') }}
    where {{ arrived_before_as_of() }}

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
        _arrival_date,
        _source_file,
        _source_row
    from source

),

deduplicated as (

    {{ deduplicate('renamed', partition_by='workspace_id, updated_at') }}

)

select * from deduplicated
