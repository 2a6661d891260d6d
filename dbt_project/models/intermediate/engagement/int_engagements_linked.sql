{#
    One row per deduplicated engagement, linked to its execution and step. The execution is
    the engagement's own, else its message's, else inferred: the contact's latest execution of
    the campaign that started at or before the engagement (else its earliest), so inbound
    replies not tied to a message still count per conversation. The step is the engagement's
    own, else its message's. The one place that decides whether an engagement is excluded
    from metrics: a test engagement, one on a test message or of a test execution, or one of
    an internal contact.
#}
with

engagements as (

    select * from {{ ref('stg_campaign_engine__engagements') }}

),

messages as (

    select * from {{ ref('int_messages_resolved') }}

),

{# read twice, so materialized by DuckDB: only the columns linking needs #}
executions as (

    select execution_id, campaign_id, contact_id, first_event_at, is_test
    from {{ ref('int_executions_resolved') }}

),

contacts as (

    select * from {{ ref('int_contacts_current') }}

),

linked as (

    select
        engagements.engagement_id,
        engagements.engagement_type,
        engagements.occurred_at,
        engagements.campaign_id,
        engagements.contact_id,
        engagements.message_id,
        messages.message_id is not null as is_known_message,
        coalesce(engagements.execution_id, messages.execution_id) as linked_execution_id,
        coalesce(engagements.step_id, messages.step_id) as step_id,
        engagements.link_id,
        engagements.url,
        engagements.card_index,
        engagements.button_id,
        engagements.button_label,
        engagements.opt_out_method,
        engagements.is_test or coalesce(messages.is_test, false) as is_test
    from engagements
    left join messages
        on engagements.message_id = messages.message_id

),

unlinked as (

    select
        engagement_id,
        campaign_id,
        contact_id,
        occurred_at
    from linked
    where linked_execution_id is null

),

execution_candidates as (

    select
        unlinked.engagement_id,
        executions.execution_id,
        executions.first_event_at,
        case when executions.first_event_at <= unlinked.occurred_at then 0 else 1 end
            as starts_after_engagement,
        case
            when executions.first_event_at <= unlinked.occurred_at
                then executions.first_event_at
        end as started_before_engagement_at
    from unlinked
    inner join executions
        on unlinked.campaign_id = executions.campaign_id
        and unlinked.contact_id = executions.contact_id

),

inferred_executions as (

    {{ deduplicate(
        'execution_candidates',
        partition_by='engagement_id',
        order_by='starts_after_engagement, started_before_engagement_at desc, first_event_at, execution_id'
    ) }}

),

final as (

    select
        linked.engagement_id,
        linked.engagement_type,
        linked.occurred_at,
        linked.campaign_id,
        linked.step_id,
        linked.message_id,
        coalesce(linked.linked_execution_id, inferred_executions.execution_id) as execution_id,
        linked.linked_execution_id is null
        and inferred_executions.execution_id is not null as is_execution_inferred,
        linked.contact_id,
        linked.link_id,
        linked.url,
        linked.card_index,
        linked.button_id,
        linked.button_label,
        linked.opt_out_method,
        linked.is_known_message,
        linked.engagement_type in ('reply', 'button_click') as is_response,
        linked.engagement_type = 'reply'
        or (linked.engagement_type = 'opt_out' and linked.opt_out_method = 'auto')
            as is_reply_or_auto_opt_out,
        linked.is_test or coalesce(executions.is_test, false) as is_test,
        coalesce(contacts.is_internal, false) as is_internal_contact,
        linked.is_test
        or coalesce(executions.is_test, false)
        or coalesce(contacts.is_internal, false) as is_excluded
    from linked
    left join inferred_executions
        on linked.engagement_id = inferred_executions.engagement_id
    left join executions
        on coalesce(linked.linked_execution_id, inferred_executions.execution_id)
        = executions.execution_id
    left join contacts
        on linked.contact_id = contacts.contact_id

)

select * from final
