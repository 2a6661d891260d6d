{#
    The execution arrival days this run recomputes: the days of every execution whose facts
    can have changed since the models were last built (that is, since the window's first
    arrival date; see window_start()). An execution changes when
    - its engine events or its sends arrive (new, duplicated, late, or re-ingested),
    - a delivery report arrives for one of its messages, or a send arrives that can take over
      a report of one of its messages (the same provider_message_id),
    - an open engagement arrives for one of its messages,
    - one of its messages reaches the end of its delivery window (the timeout: pending
      becomes undelivered, delivery_report_missing) between the window's start and as_of,
    - its contact's is_internal changes, or its campaign becomes known or moves workspace.
    Anything else about an execution is fixed once its day is built. On a full build (no
    window) every day is recomputed and this model is not read.
#}
with

arrived as (

    select * from {{ ref('int_executions_arrived') }}

),

execution_events as (

    select * from {{ ref('stg_campaign_engine__executions') }}

),

sends as (

    select * from {{ ref('stg_campaign_engine__sends') }}

),

reports as (

    select * from {{ ref('stg_providers__delivery_reports') }}

),

engagements as (

    select * from {{ ref('stg_campaign_engine__engagements') }}

),

contact_versions as (

    select * from {{ ref('stg_app__contacts') }}

),

current_contacts as (

    select * from {{ ref('int_contacts_current') }}

),

campaign_versions as (

    select * from {{ ref('stg_app__campaigns') }}

),

current_campaigns as (

    select * from {{ ref('int_campaigns_current') }}

),

sends_in_window as (

    select * from sends
    where _arrival_date >= {{ window_start() }}

),

{# provider_message_ids of this window's reports and accepted sends #}
reported_ids as (

    select provider_message_id from reports
    where _arrival_date >= {{ window_start() }}
    union
    select provider_message_id from sends_in_window
    where outcome = 'accepted'

),

opened_messages as (

    select message_id from engagements
    where _arrival_date >= {{ window_start() }}
        and engagement_type = 'open'
        and message_id is not null

),

{# the contact's is_internal before the window: its latest version landed before it #}
contact_versions_before as (

    select * from contact_versions
    where _arrival_date < {{ window_start() }}

),

contacts_before as (

    {{ deduplicate('contact_versions_before', partition_by='contact_id', order_by='updated_at desc') }}

),

changed_contacts as (

    select current_contacts.contact_id
    from current_contacts
    left join contacts_before
        on current_contacts.contact_id = contacts_before.contact_id
    where current_contacts.contact_id in (
        select contact_versions.contact_id from contact_versions
        where contact_versions._arrival_date >= {{ window_start() }}
    )
        and coalesce(contacts_before.is_internal, false) <> current_contacts.is_internal

),

campaign_versions_before as (

    select * from campaign_versions
    where _arrival_date < {{ window_start() }}

),

campaigns_before as (

    {{ deduplicate('campaign_versions_before', partition_by='campaign_id', order_by='updated_at desc') }}

),

changed_campaigns as (

    select current_campaigns.campaign_id
    from current_campaigns
    left join campaigns_before
        on current_campaigns.campaign_id = campaigns_before.campaign_id
    where campaigns_before.campaign_id is null
        or campaigns_before.workspace_id <> current_campaigns.workspace_id

),

touched_executions as (

    select execution_id from execution_events
    where _arrival_date >= {{ window_start() }}

    union

    select execution_id from sends_in_window

    union

    select execution_id from sends
    where provider_message_id in (select reported_ids.provider_message_id from reported_ids)

    union

    select execution_id from sends
    where message_id in (select opened_messages.message_id from opened_messages)

    union

    select execution_id from sends
    where outcome = 'accepted'
        and {{ delivery_window_end('attempted_at') }} > cast({{ window_start() }} as timestamp)
        and {{ delivery_window_end('attempted_at') }} <= {{ as_of() }}

    union

    select execution_id from execution_events
    where contact_id in (select changed_contacts.contact_id from changed_contacts)
        or campaign_id in (select changed_campaigns.campaign_id from changed_campaigns)

    union

    select execution_id from sends
    where contact_id in (select changed_contacts.contact_id from changed_contacts)
        or campaign_id in (select changed_campaigns.campaign_id from changed_campaigns)

),

final as (

    select distinct execution_arrival_date
    from arrived
    where execution_id in (select touched_executions.execution_id from touched_executions)

)

select * from final
