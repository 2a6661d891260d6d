{#
    One row per execution with the arrival date on which it was first seen: the earliest
    arrival of its engine events and sends. That date is the partition every per-execution
    model (executions, their messages, their steps) is stored by: on Spark, the unit a run
    overwrites; on DuckDB, a run replaces the rows of the executions it recomputes
    (int_executions_affected).

    Incrementally, the executions seen in the window are placed again (a rerun of a past day
    may find one earlier), with every execution of the days they already sat in, so each day
    written is whole.
#}
{{ config(
    materialized='incremental',
    partition_by='execution_arrival_date',
    overwrite_window_column='execution_arrival_date',
) }}

with

execution_events as (

    select execution_id, _arrival_date from {{ ref('stg_campaign_engine__executions') }}

),

sends as (

    select execution_id, _arrival_date from {{ ref('stg_campaign_engine__sends') }}

),

{% if is_incremental() %}

seen_in_window as (

    select execution_id from execution_events
    where _arrival_date >= {{ window_start() }}
    union
    select execution_id from sends
    where _arrival_date >= {{ window_start() }}

),

days_of_seen as (

    select distinct execution_arrival_date
    from {{ this }}
    where execution_id in (select seen_in_window.execution_id from seen_in_window)

),

placed as (

    select execution_id
    from {{ this }}
    where execution_arrival_date in (select days_of_seen.execution_arrival_date from days_of_seen)
    union
    select execution_id from seen_in_window

),

evidence as (

    select * from execution_events
    where execution_id in (select placed.execution_id from placed)
    union all
    select * from sends
    where execution_id in (select placed.execution_id from placed)

),

{% else %}

evidence as (

    select * from execution_events
    union all
    select * from sends

),

{% endif %}

final as (

    select
        execution_id,
        min(_arrival_date) as execution_arrival_date
    from evidence
    group by execution_id

)

select * from final
