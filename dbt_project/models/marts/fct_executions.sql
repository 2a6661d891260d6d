{#
    One row per execution, an entry of a contact into a campaign (resolved, and kept
    incrementally, by int_executions_resolved).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_executions_resolved') }}

)

select * from resolved
