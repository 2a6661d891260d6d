with

source as (

    select * from {{ source('raw', 'executions') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        event_id as execution_event_id,
        execution_id,
        campaign_id,
        contact_id,
        event_type,
        step_id,
        branch_label,
        occurred_at,
        coalesce(is_test, false) as is_test,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['execution_event_id']) }}

select * from deduplicated
