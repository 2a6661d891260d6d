with

source as (

    select * from {{ source('raw', 'conversions') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        conversion_id,
        workspace_id,
        contact_id,
        event_name,
        occurred_at,
        revenue,
        upper(trim(currency)) as currency,
        message_id,
        campaign_id,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['conversion_id']) }}

select * from deduplicated
