-- Invariant: mart_campaign_summary has one row for every campaign of dim_campaigns, sent or
-- not. A failure means the summary lost its campaign spine (a campaign with no sends vanished
-- from the report).
-- Shown in Dagster as a check of mart_campaign_summary: it reads two models, and dagster-dbt
-- makes a check of a test of several models only where its meta names the one it guards.
{{ config(meta={'dagster': {'ref': {'name': 'mart_campaign_summary'}}}) }}
select campaigns.campaign_id
from {{ ref('dim_campaigns') }} as campaigns
left join {{ ref('mart_campaign_summary') }} as campaign_summary
    on campaigns.campaign_id = campaign_summary.campaign_id
where campaign_summary.campaign_id is null
