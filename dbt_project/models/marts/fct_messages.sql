{#
    One row per message the campaign engine tried to send, with its delivery lifecycle as of
    the run (resolved, and kept incrementally, by int_messages_resolved).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_messages_resolved') }}

)

select * from resolved
