{#
    Campaigns, current values: int_campaigns_current decides them and its columns are the ones
    published (documented in dim_campaigns.yml).
#}
with

current_campaigns as (

    select * from {{ ref('int_campaigns_current') }}

)

select * from current_campaigns
