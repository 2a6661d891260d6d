{#
    One row per campaign and currency: attributed conversions and their revenue. Currencies
    are never added together; conversions without revenue have currency NULL. Excluded rows
    are left out.
#}
with

conversions as (

    select * from {{ ref('fct_conversions') }}
    where not is_excluded
        and is_attributed

),

final as (

    select
        attributed_campaign_id as campaign_id,
        currency,
        count(*) as conversions,
        count(revenue) as conversions_with_revenue,
        sum(revenue) as revenue
    from conversions
    group by attributed_campaign_id, currency

)

select * from final
