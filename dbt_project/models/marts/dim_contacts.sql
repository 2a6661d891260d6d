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
        {{ contact_key('contact_id') }} as contact_key,
        workspace_id,
        country,
        is_internal,
        created_at,
        updated_at
    from current_contacts

)

select * from final
