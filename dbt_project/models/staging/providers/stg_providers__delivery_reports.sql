with

source as (

    select * from {{ source('raw', 'delivery_reports') }}
    where {{ arrived_in_window() }}

),

renamed as (

    select
        report_id,
        {# provider is free text upstream; lower case so it matches sends and the seed #}
        lower(trim(provider)) as provider,
        provider_message_id,
        status as report_status,
        trim(error_code) as error_code,
        error_title,
        reported_at,
        {# the contract's default: a report without received_at was received when it landed #}
        coalesce(received_at, cast(_arrival_date as timestamp)) as received_at,
        {{ landing_lineage_columns() }}
    from source

),

{{ first_landed_copies(
    'renamed', ['provider', 'provider_message_id', 'report_status', 'reported_at']
) }}

select * from deduplicated
