{#
    The rows of `relation` whose campaign dim_campaigns knows. The per-campaign marts count a
    campaign's rows only once the campaign is in dim_campaigns, as mart_campaign_summary (one
    row per campaign of dim_campaigns) does, so their totals add up to the summary's.
#}
{% macro of_known_campaigns(relation, campaign_column='campaign_id') -%}
    select {{ relation }}.*
    from {{ relation }}
    inner join {{ ref('dim_campaigns') }} as campaigns
        on {{ relation }}.{{ campaign_column }} = campaigns.campaign_id
{%- endmacro %}
