{#
    The ingest's record of every landed file by as_of: rows read, loaded and quarantined, and
    whether it could be read at all.
#}
{{ config(partition_by='arrival_date', overwrite_window_column='arrival_date') }}

with

source as (

    select * from {{ source('raw', 'landed_files') }}
    where {{ arrived_in_window('arrival_date') }}

),

renamed as (

    select
        source as source_name,
        arrival_date,
        source_file,
        file_format,
        rows_read,
        rows_loaded,
        rows_quarantined,
        is_unreadable,
        file_bytes,
        rows_estimated
    from source

)

select * from renamed
