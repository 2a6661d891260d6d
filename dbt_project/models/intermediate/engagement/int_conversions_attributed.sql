{#
    One row per deduplicated conversion, credited to at most one message (metrics contract,
    "conversion attribution"):
    1. it carries the message_id of a known message: that message (rule message_id);
    2. else, among the contact's delivered messages sent before the conversion and within
       their campaign's conversion window: the one whose latest engagement (open - a read
       receipt included -, click, reply, button click) before the conversion is latest
       (rule last_engaged); if none was engaged with, the one delivered last
       (rule last_delivered). Test sends are never credited under this rule;
    3. else unattributed.
    The one place that decides whether a conversion is excluded from metrics: one of an
    internal contact, or credited to an excluded message.
#}
with

conversions as (

    select * from {{ ref('stg_tracker__conversions') }}

),

{# read four times, so materialized by DuckDB: only the columns attribution needs #}
messages as (

    select
        message_id,
        execution_id,
        campaign_id,
        step_id,
        contact_id,
        attempted_at,
        delivered_at,
        read_at,
        delivery_status,
        is_test,
        is_excluded
    from {{ ref('int_messages_classified') }}

),

engagements as (

    select * from {{ ref('int_engagements_linked') }}

),

campaigns as (

    select * from {{ ref('int_campaigns_current') }}

),

contacts as (

    select * from {{ ref('int_contacts_current') }}

),

tagged_conversions as (

    select
        conversions.conversion_id,
        messages.message_id as tagged_message_id
    from conversions
    inner join messages
        on conversions.message_id = messages.message_id

),

delivered_messages as (

    select
        messages.message_id,
        messages.contact_id,
        messages.attempted_at,
        messages.delivered_at,
        {{ dbt.dateadd(
            'hour',
            'coalesce(campaigns.conversion_window_hours, ' ~ var('default_conversion_window_hours') ~ ')',
            'messages.attempted_at'
        ) }} as conversion_window_ends_at
    from messages
    left join campaigns
        on messages.campaign_id = campaigns.campaign_id
    where messages.delivery_status = 'delivered'
        and not messages.is_test

),

message_touches as (

    select
        message_id,
        occurred_at as touched_at
    from engagements
    where engagement_type in ('open', 'click', 'reply', 'button_click')
        and message_id is not null
        and not is_test

    union all

    select
        message_id,
        read_at as touched_at
    from messages
    where read_at is not null

),

candidate_messages as (

    select
        conversions.conversion_id,
        conversions.occurred_at,
        delivered_messages.message_id,
        delivered_messages.delivered_at,
        delivered_messages.attempted_at
    from conversions
    inner join delivered_messages
        on conversions.contact_id = delivered_messages.contact_id
        and conversions.occurred_at > delivered_messages.attempted_at
        and conversions.occurred_at <= delivered_messages.conversion_window_ends_at
    where
        conversions.conversion_id not in (
            select tagged_conversions.conversion_id from tagged_conversions
        )

),

candidate_engagement as (

    select
        candidate_messages.conversion_id,
        candidate_messages.message_id,
        candidate_messages.delivered_at,
        candidate_messages.attempted_at,
        max(message_touches.touched_at) as last_engaged_at
    from candidate_messages
    left join message_touches
        on candidate_messages.message_id = message_touches.message_id
        and candidate_messages.occurred_at > message_touches.touched_at
    group by
        candidate_messages.conversion_id,
        candidate_messages.message_id,
        candidate_messages.delivered_at,
        candidate_messages.attempted_at

),

ranked_candidates as (

    select
        *,
        case when last_engaged_at is null then 1 else 0 end as is_unengaged
    from candidate_engagement

),

window_attributions as (

    {{ deduplicate(
        'ranked_candidates',
        partition_by='conversion_id',
        order_by='is_unengaged, last_engaged_at desc, delivered_at desc, attempted_at desc, message_id desc'
    ) }}

),

attributed as (

    select
        conversions.conversion_id,
        coalesce(
            tagged_conversions.tagged_message_id, window_attributions.message_id
        ) as attributed_message_id,
        case
            when tagged_conversions.tagged_message_id is not null then 'message_id'
            when window_attributions.is_unengaged = 0 then 'last_engaged'
            when window_attributions.is_unengaged = 1 then 'last_delivered'
            else 'unattributed'
        end as attribution_rule
    from conversions
    left join tagged_conversions
        on conversions.conversion_id = tagged_conversions.conversion_id
    left join window_attributions
        on conversions.conversion_id = window_attributions.conversion_id

),

final as (

    select
        conversions.conversion_id,
        conversions.workspace_id,
        conversions.contact_id,
        conversions.event_name,
        conversions.occurred_at,
        conversions.revenue,
        conversions.currency,
        conversions.message_id,
        conversions.campaign_id,
        attributed.attribution_rule,
        attributed.attributed_message_id,
        attributed_messages.campaign_id as attributed_campaign_id,
        attributed_messages.step_id as attributed_step_id,
        attributed_messages.execution_id as attributed_execution_id,
        attributed.attributed_message_id is not null as is_attributed,
        coalesce(contacts.is_internal, false) as is_internal_contact,
        coalesce(contacts.is_internal, false)
        or coalesce(attributed_messages.is_excluded, false) as is_excluded
    from conversions
    inner join attributed
        on conversions.conversion_id = attributed.conversion_id
    left join messages as attributed_messages
        on attributed.attributed_message_id = attributed_messages.message_id
    left join contacts
        on conversions.contact_id = contacts.contact_id

)

select * from final
