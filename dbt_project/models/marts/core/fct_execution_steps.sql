{#
    One row per execution and flow step it reached (resolved, and kept incrementally, by
    int_execution_steps_resolved), with its exclusion from the current dimensions
    (int_execution_steps_classified).
    The fact is those rows as BI-facing columns; the work, and what a run recomputes, is the
    intermediate models'.
#}
{{ config(materialized='view') }}

with

classified as (

    select * from {{ ref('int_execution_steps_classified') }}

)

select * from classified
