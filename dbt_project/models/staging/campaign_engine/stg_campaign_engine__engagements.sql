with

source as (

    select * from {{ source('raw', 'engagements') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        engagement_id,
        message_id,
        execution_id,
        campaign_id,
        step_id,
        contact_id,
        engagement_type,
        occurred_at,
        link_id,
        url,
        card_index,
        button_id,
        button_label,
        opt_out_method,
        coalesce(is_test, false) as is_test,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['engagement_id']) }}

select * from deduplicated
