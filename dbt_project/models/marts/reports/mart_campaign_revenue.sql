{#
    One row per campaign and currency: attributed conversions and their revenue. Currencies
    are never added together; conversions without revenue have currency NULL. Excluded rows
    are left out, and so are conversions credited to a campaign not (yet) in dim_campaigns, as
    in the summary. Revenue is a decimal(18, 4), the raw column's type.
#}
with

conversions as (

    select * from {{ ref('fct_conversions') }}
    where not is_excluded
        and is_attributed

),

counted_conversions as (

    {{ of_known_campaigns('conversions', campaign_column='attributed_campaign_id') }}

),

revenue_by_currency as (

    select
        counted_conversions.attributed_campaign_id as campaign_id,
        counted_conversions.currency,
        count(*) as conversions,
        count(counted_conversions.revenue) as conversions_with_revenue,
        cast(sum(counted_conversions.revenue) as decimal(18, 4)) as revenue
    from counted_conversions
    group by
        counted_conversions.attributed_campaign_id,
        counted_conversions.currency

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

final as (

    select
        revenue_by_currency.campaign_id,
        campaign_labels.campaign_name,
        campaign_labels.channel,
        campaign_labels.workspace_id,
        campaign_labels.workspace_name,
        revenue_by_currency.currency,
        revenue_by_currency.conversions,
        revenue_by_currency.conversions_with_revenue,
        revenue_by_currency.revenue
    from revenue_by_currency
    left join campaign_labels
        on revenue_by_currency.campaign_id = campaign_labels.campaign_id

)

select * from final
