{#
    The executions whose facts this run recomputes: those int_executions_touched marks on an
    arrival date of the run's window (see window_start()), and those with a message whose
    delivery window closed between the window's start and as_of (the timeout: pending becomes
    undelivered, delivery_report_missing). Nothing else about an execution changes once it is
    built. What depends on the current dimensions (an internal contact, the campaign's
    workspace) is not stored: the *_classified views apply it on read, so a dimension change
    recomputes no execution.

    The per-execution models (int_executions_resolved, int_messages_delivery_resolved,
    int_messages_resolved, int_execution_steps_resolved, int_execution_step_lists) recompute
    exactly these executions and replace their stored rows (macros/partition_overwrite.sql),
    so a night costs what it touched, not its whole delivery window. On a full build every execution is built and this
    model is not read.
#}
with

touched as (

    select execution_id from {{ ref('int_executions_touched') }}
    where arrival_date >= {{ window_start() }}

),

accepted_sends as (

    select execution_id, attempted_at
    from {{ ref('stg_campaign_engine__sends') }}
    where outcome = 'accepted'

),

timed_out as (

    select execution_id from accepted_sends
    where {{ delivery_window_end('attempted_at') }} > cast({{ window_start() }} as timestamp)
        and {{ delivery_window_end('attempted_at') }} <= {{ as_of() }}

),

final as (

    select execution_id from touched
    union
    select execution_id from timed_out

)

select * from final
