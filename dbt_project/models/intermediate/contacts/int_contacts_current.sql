{#
    One row per contact: its current version, the one with the greatest updated_at landed by
    as_of (the contract's upsert rule). The one place that decides a contact's current
    values; dim_contacts publishes them and the resolution models read is_internal here.
#}
with

contact_versions as (

    select * from {{ ref('stg_app__contacts') }}

),

current_contacts as (

    {{ deduplicate('contact_versions', partition_by='contact_id', order_by='updated_at desc') }}

),

final as (

    select
        contact_id,
        workspace_id,
        country,
        is_internal,
        created_at,
        updated_at
    from current_contacts

)

select * from final
