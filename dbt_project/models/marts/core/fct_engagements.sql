{#
    One row per engagement, linked to its execution and step (by int_engagements_linked).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_engagements_linked') }}

)

select * from resolved
