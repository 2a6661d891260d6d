with

source as (

    select * from {{ source('raw', 'senders') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        sender_id,
        workspace_id,
        channel,
        display_name as sender_name,
        updated_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['sender_id', 'updated_at']) }}

select * from deduplicated
