with

source as (

    select * from {{ source('raw', 'campaign_steps') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        campaign_id,
        step_id,
        step_type,
        step_order,
        parent_step_id,
        branch_label,
        name as step_name,
        updated_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['campaign_id', 'step_id', 'updated_at']) }}

select * from deduplicated
