{# `handle` is personal data: it is never selected, so it cannot leave the raw schema. #}
with

source as (

    select
        contact_id,
        workspace_id,
        country,
        is_internal,
        created_at,
        updated_at,
        {{ landing_lineage_columns() }}
    from {{ source('raw', 'contacts') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        contact_id,
        workspace_id,
        country,
        coalesce(is_internal, false) as is_internal,
        created_at,
        updated_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['contact_id', 'updated_at']) }}

select * from deduplicated
