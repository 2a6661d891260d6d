{#
    One row per message template, contact country, workspace industry and template category,
    over the accepted messages attempted in the 30 days before as_of ([as_of - 30 days,
    as_of), statuses as of the run): read rate (opened over delivered: a read receipt or an
    open) and click rate (delivered messages with a click over delivered), each against the
    75th percentile (percentile_cont, interpolated) of the rates of the comparable templates:
    one rate per template with at least one delivered message in the window in the same
    country, industry and category, itself included. Excluded rows are left out.
#}
with

messages as (

    select * from {{ ref('fct_messages') }}
    where not is_excluded
        and is_accepted
        and attempted_at >= {{ dbt.dateadd('day', -30, as_of()) }}
        and attempted_at < {{ as_of() }}

),

engagements as (

    select * from {{ ref('fct_engagements') }}
    where not is_excluded
        and engagement_type = 'click'
        and message_id is not null

),

campaigns as (

    select * from {{ ref('dim_campaigns') }}
    where template_id is not null

),

contacts as (

    select * from {{ ref('dim_contacts') }}

),

workspaces as (

    select * from {{ ref('dim_workspaces') }}

),

clicked_messages as (

    select distinct message_id from engagements

),

template_messages as (

    select
        campaigns.template_id,
        contacts.country,
        workspaces.industry,
        campaigns.template_category,
        messages.delivery_status,
        messages.is_opened,
        clicked_messages.message_id is not null as is_clicked
    from messages
    inner join campaigns
        on messages.campaign_id = campaigns.campaign_id
    left join contacts
        on messages.contact_id = contacts.contact_id
    left join workspaces
        on campaigns.workspace_id = workspaces.workspace_id
    left join clicked_messages
        on messages.message_id = clicked_messages.message_id

),

template_rates as (

    select
        template_id,
        country,
        industry,
        template_category,
        count(*) as messages_sent,
        count(case when delivery_status = 'delivered' then 1 end) as messages_delivered,
        count(case when is_opened then 1 end) as messages_read,
        count(case when delivery_status = 'delivered' and is_clicked then 1 end)
            as messages_clicked
    from template_messages
    group by template_id, country, industry, template_category

),

rated as (

    select
        *,
        {{ safe_divide('messages_read', 'messages_delivered') }} as read_rate,
        {{ safe_divide('messages_clicked', 'messages_delivered') }} as click_rate
    from template_rates

),

{# group by on nullable dimensions, joined back null-safely below #}
benchmarks as (

    select
        country,
        industry,
        template_category,
        count(*) as comparable_templates,
        percentile_cont(0.75) within group (order by read_rate) as read_rate_benchmark,
        percentile_cont(0.75) within group (order by click_rate) as click_rate_benchmark
    from rated
    where messages_delivered > 0
    group by country, industry, template_category

),

final as (

    select
        rated.template_id,
        rated.country,
        rated.industry,
        rated.template_category,
        rated.messages_sent,
        rated.messages_delivered,
        rated.messages_read,
        rated.messages_clicked,
        rated.read_rate,
        rated.click_rate,
        coalesce(benchmarks.comparable_templates, 0) as comparable_templates,
        benchmarks.read_rate_benchmark,
        benchmarks.click_rate_benchmark,
        rated.read_rate - benchmarks.read_rate_benchmark as read_rate_vs_benchmark,
        rated.click_rate - benchmarks.click_rate_benchmark as click_rate_vs_benchmark,
        {{ as_of() }} as as_of
    from rated
    left join benchmarks
        on (
            rated.country = benchmarks.country
            or (rated.country is null and benchmarks.country is null)
        )
        and (
            rated.industry = benchmarks.industry
            or (rated.industry is null and benchmarks.industry is null)
        )
        and (
            rated.template_category = benchmarks.template_category
            or (rated.template_category is null and benchmarks.template_category is null)
        )

)

select * from final
