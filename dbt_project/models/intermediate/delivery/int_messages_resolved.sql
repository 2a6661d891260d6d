{#
    One row per deduplicated send with its delivery lifecycle as of the run. A message is
    opened when it is delivered and has a read receipt or an open engagement: an open on a
    message with no delivery (pending, undelivered) does not count, so opens stay a subset of
    deliveries (the contract's integrity rule opens <= messages_delivered). What depends on
    the current dimensions (workspace, internal contact, exclusion) is applied on top of these
    rows by int_messages_classified, so that a dimension change recomputes no stored day.

    Stored by the arrival day of the message's execution (int_executions_arrived); a run
    recomputes the executions of int_executions_affected and replaces their rows.
#}
{{ per_execution_config() }}

with

{#
    `deliveries` is wide and read once; the incremental filters read the narrow
    `affected_messages`, since DuckDB materializes a CTE read more than once with every column
    it selects.
#}
deliveries as (

    select * from {{ ref('int_messages_delivery_resolved') }}
    {{ only_affected_executions() }}

),

{% if is_incremental() %}

affected_messages as (

    select message_id from {{ ref('int_messages_delivery_resolved') }}
    {{ only_affected_executions() }}

),

{% endif %}

all_sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

sends as (

    select * from all_sends
    {{ only_listed_in('affected_messages', 'message_id') }}

),

all_engagements as (

    select * from {{ ref('stg_campaign_engine__engagements') }}

),

engagements as (

    select * from all_engagements
    {{ only_listed_in('affected_messages', 'message_id') }}

),

{#
    The contract's default for a missing is_initial is the execution's earliest send:
    int_executions_resolved names it (first_message_id) and says whether any send of the
    execution is flagged initial. Read here by execution, a narrow join: ranking the sends in
    this model (a window, then a second join of every message) ran out of memory at 4 GB on a
    29-day backfill on top of 31 days of 100 k sends a day.
#}
executions as (

    select execution_id, first_message_id, has_flagged_initial_send, is_test
    from {{ ref('int_executions_resolved') }}
    {{ only_affected_executions() }}

),

first_opens as (

    select
        message_id,
        min(occurred_at) as first_open_at
    from engagements
    where engagement_type = 'open'
        and message_id is not null
        and not is_test
    group by message_id

),

joined as (

    select
        sends.message_id,
        deliveries.execution_arrival_date,
        sends.execution_id,
        sends.campaign_id,
        sends.step_id,
        sends.contact_id,
        sends.sender_id,
        sends.channel,
        sends.provider,
        sends.provider_message_id,
        sends.attempted_at,
        deliveries.sent_at,
        sends.outcome,
        sends.outcome = 'accepted' as is_accepted,
        sends.drop_reason,
        deliveries.delivery_status,
        deliveries.delivered_at,
        deliveries.read_at,
        deliveries.failed_at,
        deliveries.undelivered_at,
        deliveries.undelivered_reason,
        deliveries.error_code,
        deliveries.error_title,
        deliveries.delivery_window_ends_at,
        deliveries.has_delivery_receipts,
        deliveries.delivery_reports_counted,
        deliveries.late_reports,
        deliveries.delivery_status = 'delivered'
        and (deliveries.read_at is not null or first_opens.first_open_at is not null)
            as is_opened,
        least(
            coalesce(deliveries.read_at, first_opens.first_open_at),
            coalesce(first_opens.first_open_at, deliveries.read_at)
        ) as first_opened_at,
        sends.segments,
        sends.is_initial as is_flagged_initial,
        sends.message_id = executions.first_message_id as is_first_send,
        coalesce(executions.has_flagged_initial_send, false) as has_flagged_initial,
        sends.is_test or coalesce(executions.is_test, false) as is_test
    from sends
    inner join deliveries
        on sends.message_id = deliveries.message_id
    left join first_opens
        on sends.message_id = first_opens.message_id
    left join executions
        on sends.execution_id = executions.execution_id

),

final as (

    select
        message_id,
        execution_arrival_date,
        execution_id,
        campaign_id,
        step_id,
        contact_id,
        sender_id,
        channel,
        provider,
        provider_message_id,
        attempted_at,
        sent_at,
        outcome,
        is_accepted,
        drop_reason,
        delivery_status,
        delivered_at,
        read_at,
        failed_at,
        undelivered_at,
        undelivered_reason,
        error_code,
        error_title,
        delivery_window_ends_at,
        has_delivery_receipts,
        delivery_reports_counted,
        late_reports,
        is_opened,
        case when is_opened then first_opened_at end as opened_at,
        segments,
        coalesce(
            is_flagged_initial, not has_flagged_initial and coalesce(is_first_send, false)
        ) as is_initial,
        is_test
    from joined

)

select * from final
