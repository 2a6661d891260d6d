-- Invariant: the period marts agree with the summary: for every campaign, each message-grain
-- count summed over mart_campaign_daily, mart_campaign_weekly and mart_campaign_monthly equals
-- mart_campaign_summary's, and mart_channel_daily summed per workspace equals the summary
-- summed per workspace. A failure means an event is dated twice or not at all, or the marts
-- apply different exclusions.
{%- set metrics = [
    'messages_attempted', 'messages_sent', 'messages_dropped', 'messages_delivered',
    'messages_undelivered', 'messages_delivery_pending', 'opens', 'clicks', 'responses',
    'conversions', 'segments_sent',
] %}
{%- set period_marts = ['mart_campaign_daily', 'mart_campaign_weekly', 'mart_campaign_monthly'] %}
with

summary as (

    select * from {{ ref('mart_campaign_summary') }}

),

{% for mart in period_marts %}
{{ mart }}_totals as (

    select
        '{{ mart }}' as mart,
        campaign_id as grain_id,
        {%- for metric in metrics %}
        sum({{ metric }}) as {{ metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref(mart) }}
    group by campaign_id

),
{% endfor %}

channel_totals as (

    select
        'mart_channel_daily' as mart,
        workspace_id as grain_id,
        {%- for metric in metrics %}
        sum({{ metric }}) as {{ metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('mart_channel_daily') }}
    group by workspace_id

),

summary_by_workspace as (

    select
        workspace_id as grain_id,
        {%- for metric in metrics %}
        sum({{ metric }}) as {{ metric }}{{ ',' if not loop.last }}
        {%- endfor %}
    from summary
    group by workspace_id

),

campaign_mismatches as (
{% for mart in period_marts %}
    select {{ mart }}_totals.mart, summary.campaign_id as grain_id
    from summary
    left join {{ mart }}_totals
        on summary.campaign_id = {{ mart }}_totals.grain_id
    where
    {%- for metric in metrics %}
        {{ 'or ' if not loop.first }}coalesce({{ mart }}_totals.{{ metric }}, 0) <> summary.{{ metric }}
    {%- endfor %}
    {{ 'union all' if not loop.last }}
{% endfor %}
),

workspace_mismatches as (

    select 'mart_channel_daily' as mart, summary_by_workspace.grain_id
    from summary_by_workspace
    left join channel_totals
        on summary_by_workspace.grain_id = channel_totals.grain_id
    where
    {%- for metric in metrics %}
        {{ 'or ' if not loop.first }}coalesce(channel_totals.{{ metric }}, 0) <> summary_by_workspace.{{ metric }}
    {%- endfor %}

)

select * from campaign_mismatches
union all
select * from workspace_mismatches
