{#
    One row per campaign (every campaign of dim_campaigns, sent or not), with the metrics of
    the contract's mart_campaign_summary. Every count leaves out excluded rows (test sends and
    executions, internal contacts). Rates are doubles, NULL when their base is 0.
#}
with

campaigns as (

    select * from {{ ref('dim_campaigns') }}

),

campaign_contacts as (

    select * from {{ ref('fct_campaign_contacts') }}
    where not is_excluded

),

executions as (

    select * from {{ ref('fct_executions') }}
    where not is_excluded

),

{# messages and engagements are read more than once (so materialized): named columns #}
messages as (

    select
        campaign_id,
        execution_id,
        contact_id,
        sender_id,
        channel,
        is_accepted,
        delivery_status,
        is_opened,
        is_initial,
        segments
    from {{ ref('fct_messages') }}
    where not is_excluded

),

engagements as (

    select
        engagement_id,
        campaign_id,
        execution_id,
        contact_id,
        engagement_type,
        is_response,
        is_reply_or_auto_opt_out,
        opt_out_method,
        occurred_at
    from {{ ref('fct_engagements') }}
    where not is_excluded

),

conversions as (

    select * from {{ ref('fct_conversions') }}
    where not is_excluded
        and is_attributed

),

contact_counts as (

    select
        campaign_id,
        count(*) as audience_contacts,
        count(case when contact_status = 'sent' then 1 end) as contacts_sent,
        count(case when contact_status = 'failed' then 1 end) as contacts_failed,
        count(case when contact_status = 'limited' then 1 end) as contacts_limited,
        count(case when contact_status = 'pending' then 1 end) as contacts_pending
    from campaign_contacts
    group by campaign_id

),

execution_counts as (

    select
        campaign_id,
        count(*) as audience_entries
    from executions
    group by campaign_id

),

message_counts as (

    select
        campaign_id,
        count(*) as messages_attempted,
        count(case when is_accepted then 1 end) as messages_sent,
        count(case when not is_accepted then 1 end) as messages_dropped,
        count(case when delivery_status = 'delivered' then 1 end) as messages_delivered,
        count(case when delivery_status = 'undelivered' then 1 end)
            as messages_undelivered,
        count(case when delivery_status = 'delivery_pending' then 1 end)
            as messages_delivery_pending,
        count(case when is_opened then 1 end) as opens,
        count(distinct case when is_opened then contact_id end) as contacts_opened,
        count(distinct case when is_initial and is_accepted then execution_id end)
            as initials_sent,
        cast(
            sum(case when is_accepted and channel = 'sms' then segments end)
            as {{ dbt.type_bigint() }}
        ) as segments_sent,
        count(distinct sender_id) as senders
    from messages
    group by campaign_id

),

engagement_counts as (

    select
        campaign_id,
        count(case when engagement_type = 'click' then 1 end) as clicks,
        count(case when is_response then 1 end) as responses,
        count(distinct case when engagement_type = 'click' then contact_id end)
            as contacts_clicked,
        count(distinct case when is_reply_or_auto_opt_out then contact_id end)
            as contacts_replied,
        count(distinct case when is_reply_or_auto_opt_out then execution_id end)
            as conversations_replied,
        count(distinct case when engagement_type in ('opt_out', 'unsubscribe') then contact_id end)
            as unsubscribes
    from engagements
    group by campaign_id

),

{# an execution's opt-out method is that of its first opt-out that names one #}
opt_out_events as (

    select * from engagements
    where engagement_type = 'opt_out'
        and execution_id is not null

),

opt_out_methods as (

    {{ deduplicate(
        'opt_out_events',
        partition_by='campaign_id, execution_id',
        order_by='case when opt_out_method is null then 1 else 0 end, occurred_at, engagement_id'
    ) }}

),

opt_out_counts as (

    select
        campaign_id,
        count(case when opt_out_method = 'auto' then 1 end) as opt_outs_auto,
        count(case when opt_out_method = 'manual' then 1 end) as opt_outs_manual,
        count(*) as opt_outs_total
    from opt_out_methods
    group by campaign_id

),

engaged_contacts as (

    select campaign_id, contact_id from engagements
    union
    select campaign_id, contact_id from messages
    where is_opened

),

engaged_counts as (

    select
        campaign_id,
        count(distinct contact_id) as contacts_engaged
    from engaged_contacts
    group by campaign_id

),

conversion_counts as (

    select
        attributed_campaign_id as campaign_id,
        count(*) as conversions,
        count(distinct contact_id) as contacts_converted
    from conversions
    group by attributed_campaign_id

),

campaign_labels as (

    select * from {{ ref('int_campaign_labels') }}

),

counts as (

    select
        campaigns.workspace_id,
        campaign_labels.workspace_name,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.campaign_status,
        {{ as_of() }} as as_of,
        coalesce(execution_counts.audience_entries, 0) as audience_entries,
        coalesce(contact_counts.audience_contacts, 0) as audience_contacts,
        coalesce(contact_counts.contacts_sent, 0) as contacts_sent,
        coalesce(contact_counts.contacts_failed, 0) as contacts_failed,
        coalesce(contact_counts.contacts_limited, 0) as contacts_limited,
        coalesce(contact_counts.contacts_pending, 0) as contacts_pending,
        coalesce(message_counts.contacts_opened, 0) as contacts_opened,
        coalesce(engagement_counts.contacts_clicked, 0) as contacts_clicked,
        coalesce(engagement_counts.contacts_replied, 0) as contacts_replied,
        coalesce(engaged_counts.contacts_engaged, 0) as contacts_engaged,
        coalesce(conversion_counts.contacts_converted, 0) as contacts_converted,
        coalesce(message_counts.messages_attempted, 0) as messages_attempted,
        coalesce(message_counts.messages_sent, 0) as messages_sent,
        coalesce(message_counts.messages_dropped, 0) as messages_dropped,
        coalesce(message_counts.messages_delivered, 0) as messages_delivered,
        coalesce(message_counts.messages_undelivered, 0) as messages_undelivered,
        coalesce(message_counts.messages_delivery_pending, 0) as messages_delivery_pending,
        coalesce(message_counts.opens, 0) as opens,
        coalesce(engagement_counts.clicks, 0) as clicks,
        coalesce(conversion_counts.conversions, 0) as conversions,
        coalesce(engagement_counts.responses, 0) as responses,
        coalesce(engagement_counts.unsubscribes, 0) as unsubscribes,
        coalesce(message_counts.initials_sent, 0) as initials_sent,
        coalesce(message_counts.segments_sent, 0) as segments_sent,
        coalesce(engagement_counts.conversations_replied, 0) as conversations_replied,
        coalesce(message_counts.senders, 0) as senders,
        coalesce(opt_out_counts.opt_outs_auto, 0) as opt_outs_auto,
        coalesce(opt_out_counts.opt_outs_manual, 0) as opt_outs_manual,
        coalesce(opt_out_counts.opt_outs_total, 0) as opt_outs_total
    from campaigns
    left join campaign_labels
        on campaigns.campaign_id = campaign_labels.campaign_id
    left join contact_counts
        on campaigns.campaign_id = contact_counts.campaign_id
    left join execution_counts
        on campaigns.campaign_id = execution_counts.campaign_id
    left join message_counts
        on campaigns.campaign_id = message_counts.campaign_id
    left join engagement_counts
        on campaigns.campaign_id = engagement_counts.campaign_id
    left join opt_out_counts
        on campaigns.campaign_id = opt_out_counts.campaign_id
    left join engaged_counts
        on campaigns.campaign_id = engaged_counts.campaign_id
    left join conversion_counts
        on campaigns.campaign_id = conversion_counts.campaign_id

),

rated as (

    select
        workspace_id,
        workspace_name,
        campaign_id,
        campaign_name,
        channel,
        campaign_status,
        as_of,
        audience_entries,
        audience_contacts,
        contacts_sent,
        contacts_failed,
        contacts_limited,
        contacts_pending,
        contacts_opened,
        contacts_clicked,
        contacts_replied,
        contacts_engaged,
        contacts_converted,
        {{ safe_divide('contacts_sent', 'audience_contacts') }} as sent_rate,
        {{ safe_divide('contacts_failed', 'audience_contacts') }} as failed_rate,
        {{ safe_divide('contacts_opened', 'contacts_sent') }} as open_rate_of_sent,
        {{ safe_divide('contacts_converted', 'contacts_sent') }} as conversion_rate_of_sent,
        {{ safe_divide('contacts_sent + contacts_failed', 'audience_contacts') }}
            as progress_rate,
        messages_attempted,
        messages_sent,
        messages_dropped,
        messages_delivered,
        messages_undelivered,
        messages_delivery_pending,
        {{ safe_divide('messages_delivered', 'messages_sent') }} as delivery_rate,
        opens,
        {{ safe_divide('opens', 'messages_delivered') }} as open_rate,
        clicks,
        {{ safe_divide('clicks', 'messages_delivered') }} as click_through_rate,
        conversions,
        {{ safe_divide('conversions', 'messages_delivered') }} as conversion_rate,
        responses,
        {{ safe_divide('responses', 'messages_delivered') }} as response_rate,
        unsubscribes,
        {{ safe_divide('unsubscribes', 'messages_delivered') }} as unsubscribe_rate,
        initials_sent,
        segments_sent,
        conversations_replied,
        {{ safe_divide('conversations_replied', 'initials_sent') }} as reply_rate,
        senders,
        {{ safe_divide('audience_entries', 'senders') }} as conversations_per_sender,
        opt_outs_auto,
        opt_outs_manual,
        opt_outs_total
    from counts

),

final as (

    select
        *,
        {{ delivery_health('delivery_rate') }} as delivery_health
    from rated

)

select * from final
