{#
    Contacts, current values (int_contacts_current), with the pseudonymous contact_key. No
    handle: it never leaves the raw layer.
#}
with

current_contacts as (

    select * from {{ ref('int_contacts_current') }}

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
