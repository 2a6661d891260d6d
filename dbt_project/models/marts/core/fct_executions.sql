{#
    One row per execution, an entry of a contact into a campaign (resolved, and kept
    incrementally, by int_executions_resolved), with its workspace and exclusion from the
    current dimensions (int_executions_classified).
    The fact is those rows as BI-facing columns; the work, and what a run recomputes, is the
    intermediate models'.
#}
{{ config(materialized='view') }}

with

classified as (

    select * from {{ ref('int_executions_classified') }}

)

select * from classified
