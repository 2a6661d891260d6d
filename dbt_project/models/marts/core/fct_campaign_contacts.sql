{#
    One row per campaign and contact with the contact's status in the campaign (by
    int_campaign_contact_statuses).
    The fact is the resolved rows as BI-facing columns; the work, and what a run recomputes,
    is the intermediate model's.
#}
{{ config(materialized='view') }}

with

resolved as (

    select * from {{ ref('int_campaign_contact_statuses') }}

)

select * from resolved
