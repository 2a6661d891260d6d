{#
    The execution arrival days this run recomputes: the days of every execution whose facts
    can have changed since the models were last built (that is, since the window's first
    arrival date; see window_start()). An execution changes when
    - its engine events or its sends arrive (new, duplicated, late, or re-ingested),
    - a delivery report arrives for one of its messages, or a send arrives that can take over
      a report of one of its messages (the same provider_message_id),
    - an open engagement arrives for one of its messages,
    - one of its messages reaches the end of its delivery window (the timeout: pending
      becomes undelivered, delivery_report_missing) between the window's start and as_of.
    Anything else about an execution is fixed once its day is built. What depends on the
    current dimensions (an internal contact, the campaign's workspace) is not stored by day:
    the *_classified views apply it on read, so a dimension change recomputes no day. On a
    full build (no window) every day is recomputed and this model is not read.
#}
with

arrived as (

    select * from {{ ref('int_executions_arrived') }}

),

execution_events as (

    select * from {{ ref('stg_campaign_engine__executions') }}

),

sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

reports as (

    select * from {{ ref('stg_providers__delivery_reports') }}

),

engagements as (

    select * from {{ ref('stg_campaign_engine__engagements') }}

),

sends_in_window as (

    select * from sends
    where _arrival_date >= {{ window_start() }}

),

{# provider_message_ids of this window's reports and accepted sends #}
reported_ids as (

    select provider_message_id from reports
    where _arrival_date >= {{ window_start() }}
    union
    select provider_message_id from sends_in_window
    where outcome = 'accepted'

),

opened_messages as (

    select message_id from engagements
    where _arrival_date >= {{ window_start() }}
        and engagement_type = 'open'
        and message_id is not null

),

touched_executions as (

    select execution_id from execution_events
    where _arrival_date >= {{ window_start() }}

    union

    select execution_id from sends_in_window

    union

    select execution_id from sends
    where provider_message_id in (select reported_ids.provider_message_id from reported_ids)

    union

    select execution_id from sends
    where message_id in (select opened_messages.message_id from opened_messages)

    union

    select execution_id from sends
    where outcome = 'accepted'
        and {{ delivery_window_end('attempted_at') }} > cast({{ window_start() }} as timestamp)
        and {{ delivery_window_end('attempted_at') }} <= {{ as_of() }}

),

final as (

    select distinct execution_arrival_date
    from arrived
    where execution_id in (select touched_executions.execution_id from touched_executions)

)

select * from final
