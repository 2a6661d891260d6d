{#
    One row per conversion, credited to at most one message (by int_conversions_attributed).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_conversions_attributed') }}

)

select * from resolved
