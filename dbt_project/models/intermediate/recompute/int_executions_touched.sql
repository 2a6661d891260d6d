{#
    One row per execution and arrival date on which something landed that can change the
    execution's facts:
    - its engine events or its sends (new, duplicated, late, or re-ingested);
    - a delivery report for one of its messages (matched by provider_message_id);
    - an accepted send that can take a report over from one of its messages (the same
      provider_message_id);
    - an open engagement of one of its messages.

    Stored by arrival date. An incremental run recomputes the window's dates from staging and
    keeps what it had stored for them, so that a row removed by a corrected re-ingest of a past
    day still marks the execution it used to touch (int_executions_affected recomputes it, and
    the removal reaches the facts). A stale row costs one execution's recomputation, never a
    wrong number. Its window rows are read back before they are replaced, so Spark must not
    drop them first (keep_window_partitions, macros/clear_window_partitions.sql).
#}
{{ config(
    materialized='incremental',
    partition_by='arrival_date',
    overwrite_window_column='arrival_date',
    keep_window_partitions=true,
) }}

with

{#
    Narrow CTEs: each staging model is read for three or four columns, and `sends` twice
    (DuckDB materializes a CTE read more than once with every column it selects).
#}
execution_events as (

    select execution_id, _arrival_date
    from {{ ref('stg_campaign_engine__executions') }}
    where {{ arrived_in_window() }}

),

sends as (

    select message_id, execution_id, provider_message_id, outcome, _arrival_date
    from {{ ref('stg_campaign_engine__sends') }}

),

sends_in_window as (

    select * from sends
    where {{ arrived_in_window() }}

),

reports_in_window as (

    select provider_message_id, _arrival_date
    from {{ ref('stg_providers__delivery_reports') }}
    where {{ arrived_in_window() }}

),

opens_in_window as (

    select message_id, _arrival_date
    from {{ ref('stg_campaign_engine__engagements') }}
    where {{ arrived_in_window() }}
        and engagement_type = 'open'
        and message_id is not null

),

touched_by_events as (

    select execution_id, _arrival_date as arrival_date from execution_events

),

touched_by_sends as (

    select execution_id, _arrival_date as arrival_date from sends_in_window

),

touched_by_reports as (

    select
        sends.execution_id,
        reports_in_window._arrival_date as arrival_date
    from reports_in_window
    inner join sends
        on reports_in_window.provider_message_id = sends.provider_message_id

),

{# a send that arrives with a provider_message_id already known can take that id's reports over #}
touched_by_takeovers as (

    select
        sends.execution_id,
        sends_in_window._arrival_date as arrival_date
    from sends_in_window
    inner join sends
        on sends_in_window.provider_message_id = sends.provider_message_id
    where sends_in_window.outcome = 'accepted'

),

touched_by_opens as (

    select
        sends.execution_id,
        opens_in_window._arrival_date as arrival_date
    from opens_in_window
    inner join sends
        on opens_in_window.message_id = sends.message_id

),

{% if is_incremental() %}

touched_before as (

    select execution_id, arrival_date from {{ this }}
    where arrival_date >= {{ window_start() }}

),

{% endif %}

final as (

    select execution_id, arrival_date from touched_by_events
    union
    select execution_id, arrival_date from touched_by_sends
    union
    select execution_id, arrival_date from touched_by_reports
    union
    select execution_id, arrival_date from touched_by_takeovers
    union
    select execution_id, arrival_date from touched_by_opens
    {% if is_incremental() -%}
    union
    select execution_id, arrival_date from touched_before
    {%- endif %}

)

select * from final
