{#
    One row per execution and flow step it reached (resolved, and kept incrementally, by
    int_execution_steps_resolved).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_execution_steps_resolved') }}

)

select * from resolved
