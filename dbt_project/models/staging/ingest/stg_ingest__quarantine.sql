{#
    Rows and files the ingest quarantined, without raw_text: the raw line may hold personal
    data (a handle), and the reason says what was wrong.
#}
{{ config(partition_by='arrival_date', overwrite_window_column='arrival_date') }}

with

source as (

    select
        source,
        arrival_date,
        source_file,
        source_row,
        reason_code,
        reason
    from {{ source('raw', 'quarantine') }}
    where {{ arrived_in_window('arrival_date') }}

),

renamed as (

    select
        source as source_name,
        arrival_date,
        source_file,
        source_row,
        reason_code,
        reason
    from source

)

select * from renamed
