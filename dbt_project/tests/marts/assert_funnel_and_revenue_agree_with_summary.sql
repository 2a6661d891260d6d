-- Invariant: per campaign, the step funnel's messages_sent and conversions do not exceed the
-- summary's (sends and conversions of messages without a step are in the summary only), and
-- mart_campaign_revenue's conversions equal the summary's conversions. A failure means a
-- message or conversion is counted under two steps or currencies, or the marts apply
-- different exclusions.
with

summary as (

    select * from {{ ref('mart_campaign_summary') }}

),

funnel as (

    select
        campaign_id,
        sum(messages_sent) as messages_sent,
        sum(conversions) as conversions
    from {{ ref('mart_campaign_step_funnel') }}
    group by campaign_id

),

revenue as (

    select
        campaign_id,
        sum(conversions) as conversions
    from {{ ref('mart_campaign_revenue') }}
    group by campaign_id

)

select summary.campaign_id
from summary
left join funnel
    on summary.campaign_id = funnel.campaign_id
left join revenue
    on summary.campaign_id = revenue.campaign_id
where coalesce(funnel.messages_sent, 0) > summary.messages_sent
    or coalesce(funnel.conversions, 0) > summary.conversions
    or coalesce(revenue.conversions, 0) <> summary.conversions
