{#
    One row per message the campaign engine tried to send, with its delivery lifecycle as of
    the run (resolved, and kept incrementally, by int_messages_resolved) and its workspace and
    exclusion from the current dimensions (int_messages_classified).
    The fact is those rows as BI-facing columns; the work, and what a run recomputes, is the
    intermediate models'.
    On Spark it is a table: the integrity checks read it through its files (a Spark view has
    none to read, orchestration/shared/spark_catalog.py).
#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}

with

classified as (

    select * from {{ ref('int_messages_classified') }}

)

select * from classified
