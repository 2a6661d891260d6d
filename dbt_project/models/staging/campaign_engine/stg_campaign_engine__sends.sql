with

source as (

    select * from {{ source('raw', 'sends') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        message_id,
        execution_id,
        campaign_id,
        step_id,
        contact_id,
        sender_id,
        channel,
        attempted_at,
        outcome,
        drop_reason,
        {# provider is free text upstream; lower case so it matches reports and the seed #}
        lower(trim(provider)) as provider,
        provider_message_id,
        segments,
        {# NULL stays NULL: its default (the execution's earliest send) needs the other rows #}
        is_initial,
        coalesce(is_test, false) as is_test,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies('renamed', ['message_id']) }}

select * from deduplicated
