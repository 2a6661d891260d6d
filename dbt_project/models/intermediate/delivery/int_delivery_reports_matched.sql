{#
    Each delivery report with the message it refers to: the accepted send with the same
    provider_message_id, and the same provider when both sides name one. An exact provider
    match wins over a match where one side's provider is unknown. Reports matching no send
    keep message_id NULL: orphans, kept because the send may land later.

    Stored by the report's arrival date. A run matches its window's reports, and again the
    days holding reports that a send of the window can match (an orphan's send has landed, or
    a better match has).
#}
{{ config(
    materialized='incremental',
    partition_by='_arrival_date',
    overwrite_window_column='_arrival_date',
) }}

with

reports as (

    select * from {{ ref('stg_providers__delivery_reports') }}

),

sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

{% if is_incremental() %}

ids_of_sends_in_window as (

    select provider_message_id from sends
    where _arrival_date >= {{ window_start() }}
        and outcome = 'accepted'
        and provider_message_id is not null

),

days_to_match_again as (

    select distinct _arrival_date
    from {{ this }}
    where provider_message_id in (
        select ids_of_sends_in_window.provider_message_id from ids_of_sends_in_window
    )

),

reports_to_match as (

    select * from reports
    where _arrival_date >= {{ window_start() }}
        or _arrival_date in (select days_to_match_again._arrival_date from days_to_match_again)

),

{% else %}

reports_to_match as (

    select * from reports

),

{% endif %}

accepted_sends as (

    select
        message_id,
        provider,
        provider_message_id
    from sends
    where outcome = 'accepted'
        and provider_message_id in (
            select reports_to_match.provider_message_id from reports_to_match
        )

),

candidate_matches as (

    select
        reports.report_id,
        reports.provider,
        reports.provider_message_id,
        reports.report_status,
        reports.error_code,
        reports.error_title,
        reports.reported_at,
        reports.received_at,
        reports._arrival_date,
        reports._source_file,
        reports._source_row,
        accepted_sends.message_id,
        coalesce(reports.provider, accepted_sends.provider) as resolved_provider,
        case
            when accepted_sends.message_id is null then 2
            when reports.provider = accepted_sends.provider then 0
            else 1
        end as match_rank
    from reports_to_match as reports
    left join accepted_sends
        on reports.provider_message_id = accepted_sends.provider_message_id
        and (
            reports.provider = accepted_sends.provider
            or reports.provider is null
            or accepted_sends.provider is null
        )

),

matched as (

    {{ deduplicate(
        'candidate_matches',
        partition_by='provider, provider_message_id, report_status, reported_at',
        order_by='match_rank, message_id'
    ) }}

),

final as (

    select
        report_id,
        provider,
        provider_message_id,
        report_status,
        error_code,
        error_title,
        reported_at,
        received_at,
        message_id,
        resolved_provider,
        message_id is not null as is_matched,
        _arrival_date,
        _source_file,
        _source_row
    from matched

)

select * from final
