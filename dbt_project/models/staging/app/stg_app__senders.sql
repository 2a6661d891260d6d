with

source as (

    select * from {{ source('raw', 'senders') }}
    where {{ arrived_before_as_of() }}

),

renamed as (

    select
        sender_id,
        workspace_id,
        channel,
        display_name as sender_name,
        updated_at,
        _arrival_date,
        _source_file,
        _source_row
    from source

),

deduplicated as (

    {{ deduplicate('renamed', partition_by='sender_id, updated_at') }}

)

select * from deduplicated
