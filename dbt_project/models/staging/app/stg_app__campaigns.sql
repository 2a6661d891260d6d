with

source as (

    select * from {{ source('raw', 'campaigns') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        campaign_id,
        workspace_id,
        name as campaign_name,
        channel,
        status as campaign_status,
        template_id,
        template_category,
        coalesce(
            conversion_window_hours, {{ var('default_conversion_window_hours') }}
        ) as conversion_window_hours,
        created_at,
        updated_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['campaign_id', 'updated_at']) }}

select * from deduplicated
