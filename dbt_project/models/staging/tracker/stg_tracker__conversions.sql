with

source as (

    select * from {{ source('raw', 'conversions') }}
    where {{ arrived_before_as_of() }}

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
        _arrival_date,
        _source_file,
        _source_row
    from source

),

deduplicated as (

    {{ deduplicate('renamed', partition_by='conversion_id') }}

)

select * from deduplicated
