{#
    The delivery lifecycle of every send, as of the run (metrics contract, "a message's
    delivery status"). One row per deduplicated send; the delivery columns are NULL for
    dropped sends.

    1. Only reports received (received_at, defaulted in staging to the start of the arrival
       date) at or before as_of and at or before sent_at + the delivery window count.
       Reports received after the window (and by as_of) are counted as late reports.
    2. delivered_at = earliest reported_at of a delivered or read report; read_at = earliest
       read; failed_at = earliest failed or undelivered.
    3. First match wins: delivered_at -> delivered; failed_at -> undelivered (reason from the
       error code of the earliest failure); channel without receipts -> delivered at sent_at;
       as_of >= sent_at + window -> undelivered, delivery_report_missing, at the window's end;
       otherwise delivery_pending.

    Stored by the arrival day of the message's execution (int_executions_arrived); a run
    recomputes the executions of int_executions_affected (the timeouts due by as_of
    included) and replaces their rows.
#}
{{ per_execution_config() }}

with

arrived as (

    select * from {{ ref('int_executions_arrived') }}
    {{ only_affected_executions() }}

),

all_sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

sends as (

    select
        all_sends.*,
        arrived.execution_arrival_date
    from all_sends
    {{ 'inner' if is_incremental() else 'left' }} join arrived
        on all_sends.execution_id = arrived.execution_id

),

all_reports as (

    select * from {{ ref('int_delivery_reports_matched') }}

),

reports as (

    select * from all_reports
    {{ only_listed_in('sends', 'message_id') }}

),

channels as (

    select * from {{ ref('channels') }}

),

error_codes as (

    select * from {{ ref('provider_error_codes') }}

),

accepted_sends as (

    select
        message_id,
        provider,
        attempted_at as sent_at,
        {{ delivery_window_end('attempted_at') }} as delivery_window_ends_at
    from sends
    where outcome = 'accepted'

),

message_reports as (

    select
        reports.message_id,
        reports.report_status,
        reports.error_code,
        reports.error_title,
        reports.reported_at,
        reports.received_at,
        reports.resolved_provider,
        reports.received_at <= accepted_sends.delivery_window_ends_at as is_within_window,
        reports.received_at <= {{ as_of() }} as is_received_by_as_of
    from reports
    inner join accepted_sends
        on reports.message_id = accepted_sends.message_id

),

counted_reports as (

    select * from message_reports
    where is_within_window
        and is_received_by_as_of

),

report_milestones as (

    select
        message_id,
        min(
            case when report_status in ('delivered', 'read') then reported_at end
        ) as delivered_at,
        min(case when report_status = 'read' then reported_at end) as read_at,
        min(
            case when report_status in ('failed', 'undelivered') then reported_at end
        ) as failed_at,
        count(*) as delivery_reports_counted
    from counted_reports
    group by message_id

),

late_reports as (

    select
        message_id,
        count(*) as late_reports
    from message_reports
    where not is_within_window
        and is_received_by_as_of
    group by message_id

),

failure_reports as (

    select * from counted_reports
    where report_status in ('failed', 'undelivered')

),

first_failures as (

    {{ deduplicate(
        'failure_reports',
        partition_by='message_id',
        order_by='reported_at, received_at, error_code, report_status'
    ) }}

),

listed_providers as (

    select distinct provider from error_codes

),

{# exact (provider, code) first; the code alone only when the provider is not listed #}
failure_reason_candidates as (

    select
        first_failures.message_id,
        error_codes.undelivered_reason,
        case
            when error_codes.provider = first_failures.resolved_provider then 0
            else 1
        end as match_rank,
        error_codes.provider as listed_provider
    from first_failures
    inner join error_codes
        on first_failures.error_code = error_codes.error_code
    where error_codes.provider = first_failures.resolved_provider
        or first_failures.resolved_provider is null
        or first_failures.resolved_provider not in (
            select listed_providers.provider from listed_providers
        )

),

failure_reasons as (

    {{ deduplicate(
        'failure_reason_candidates',
        partition_by='message_id',
        order_by='match_rank, listed_provider'
    ) }}

),

resolved as (

    select
        sends.message_id,
        sends.execution_id,
        sends.execution_arrival_date,
        accepted_sends.sent_at,
        accepted_sends.delivery_window_ends_at,
        coalesce(channels.has_delivery_receipts, true) as has_delivery_receipts,
        report_milestones.delivered_at as reported_delivered_at,
        report_milestones.read_at,
        report_milestones.failed_at,
        first_failures.error_code,
        first_failures.error_title,
        failure_reasons.undelivered_reason as error_code_reason,
        coalesce(report_milestones.delivery_reports_counted, 0) as delivery_reports_counted,
        coalesce(late_reports.late_reports, 0) as late_reports,
        case
            when accepted_sends.message_id is null then null
            when report_milestones.delivered_at is not null then 'delivered'
            when report_milestones.failed_at is not null then 'undelivered'
            when not coalesce(channels.has_delivery_receipts, true) then 'delivered'
            when {{ as_of() }} >= accepted_sends.delivery_window_ends_at then 'undelivered'
            else 'delivery_pending'
        end as delivery_status
    from sends
    left join accepted_sends
        on sends.message_id = accepted_sends.message_id
    left join channels
        on sends.channel = channels.channel
    left join report_milestones
        on sends.message_id = report_milestones.message_id
    left join late_reports
        on sends.message_id = late_reports.message_id
    left join first_failures
        on sends.message_id = first_failures.message_id
    left join failure_reasons
        on sends.message_id = failure_reasons.message_id

),

final as (

    select
        message_id,
        execution_id,
        execution_arrival_date,
        sent_at,
        delivery_window_ends_at,
        has_delivery_receipts,
        delivery_status,
        case
            when delivery_status = 'delivered' then coalesce(reported_delivered_at, sent_at)
        end as delivered_at,
        read_at,
        failed_at,
        case
            when delivery_status = 'undelivered'
                then coalesce(failed_at, delivery_window_ends_at)
        end as undelivered_at,
        case
            when delivery_status = 'undelivered' and failed_at is null
                then 'delivery_report_missing'
            when delivery_status = 'undelivered'
                then coalesce(error_code_reason, 'unknown')
        end as undelivered_reason,
        case when delivery_status = 'undelivered' then error_code end as error_code,
        case when delivery_status = 'undelivered' then error_title end as error_title,
        delivery_reports_counted,
        late_reports
    from resolved

)

select * from final
