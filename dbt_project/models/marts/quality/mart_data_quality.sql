{#
    One row per source and arrival date (UTC) with anything landed or quarantined: rows
    landed in raw, rows quarantined (total and by reason code), duplicates removed by staging
    (a repeated event or dimension version counts on the later arrival date, as the first
    landed copy is kept), orphans (rows whose campaign, contact, workspace or message is not
    known), late delivery reports, rows excluded from metrics (test, internal contact),
    unattributed conversions, and failure reports whose error code the seed does not know.
#}
with

{#
    The CTEs over the large sources and facts name their columns: most are read more than
    once, and DuckDB materializes such a CTE with every column it selects.
#}
landed_files as (

    select * from {{ ref('stg_ingest__landed_files') }}

),

quarantined_rows as (

    select * from {{ ref('stg_ingest__quarantine') }}

),

workspaces as (

    select * from {{ ref('stg_app__workspaces') }}

),

contacts as (

    select * from {{ ref('stg_app__contacts') }}

),

senders as (

    select * from {{ ref('stg_app__senders') }}

),

campaigns as (

    select * from {{ ref('stg_app__campaigns') }}

),

campaign_steps as (

    select * from {{ ref('stg_app__campaign_steps') }}

),

execution_events as (

    select execution_id, campaign_id, contact_id, _arrival_date
    from {{ ref('stg_campaign_engine__executions') }}

),

sends as (

    select message_id, campaign_id, contact_id, _arrival_date
    from {{ ref('stg_campaign_engine__sends') }}

),

engagements as (

    select engagement_id, message_id, campaign_id, contact_id, _arrival_date
    from {{ ref('stg_campaign_engine__engagements') }}

),

conversions as (

    select conversion_id, message_id, campaign_id, contact_id, _arrival_date
    from {{ ref('stg_tracker__conversions') }}

),

reports as (

    select
        message_id,
        is_matched,
        report_status,
        error_code,
        resolved_provider,
        received_at,
        _arrival_date
    from {{ ref('int_delivery_reports_matched') }}

),

known_workspaces as (

    select workspace_id from {{ ref('dim_workspaces') }}

),

known_contacts as (

    select contact_id from {{ ref('dim_contacts') }}

),

known_campaigns as (

    select campaign_id from {{ ref('dim_campaigns') }}

),

messages as (

    select message_id, delivery_window_ends_at, is_test, is_internal_contact
    from {{ ref('fct_messages') }}

),

executions as (

    select execution_id, is_test, is_internal_contact
    from {{ ref('fct_executions') }}

),

engagement_facts as (

    select engagement_id, is_known_message, is_test, is_internal_contact
    from {{ ref('fct_engagements') }}

),

conversion_facts as (

    select conversion_id, is_attributed, is_internal_contact
    from {{ ref('fct_conversions') }}

),

error_codes as (

    select * from {{ ref('provider_error_codes') }}

),

{# each finding is one row with the arrival date of the row it is about #}
staged_rows as (

    select 'workspaces' as source_name, _arrival_date as arrival_date from workspaces
    union all
    select 'contacts' as source_name, _arrival_date as arrival_date from contacts
    union all
    select 'senders' as source_name, _arrival_date as arrival_date from senders
    union all
    select 'campaigns' as source_name, _arrival_date as arrival_date from campaigns
    union all
    select 'campaign_steps' as source_name, _arrival_date as arrival_date from campaign_steps
    union all
    select 'executions' as source_name, _arrival_date as arrival_date from execution_events
    union all
    select 'sends' as source_name, _arrival_date as arrival_date from sends
    union all
    select 'delivery_reports' as source_name, _arrival_date as arrival_date from reports
    union all
    select 'engagements' as source_name, _arrival_date as arrival_date from engagements
    union all
    select 'conversions' as source_name, _arrival_date as arrival_date from conversions

),

{#
    A key is an orphan when it is set and its dimension does not know it
    (macros/rows_with_unknown_keys.sql). An engagement's message is checked by its fact's
    is_known_message, so engagements join their fact and are written out.
#}
orphan_rows as (

    {{ rows_with_unknown_keys('contacts', {'workspace_id': 'known_workspaces'}) }}

    union all

    {{ rows_with_unknown_keys('senders', {'workspace_id': 'known_workspaces'}) }}

    union all

    {{ rows_with_unknown_keys('campaigns', {'workspace_id': 'known_workspaces'}) }}

    union all

    {{ rows_with_unknown_keys('campaign_steps', {'campaign_id': 'known_campaigns'}) }}

    union all

    {{ rows_with_unknown_keys(
        'executions',
        {'campaign_id': 'known_campaigns', 'contact_id': 'known_contacts'},
        relation='execution_events'
    ) }}

    union all

    {{ rows_with_unknown_keys(
        'sends', {'campaign_id': 'known_campaigns', 'contact_id': 'known_contacts'}
    ) }}

    union all

    select 'delivery_reports' as source_name, _arrival_date as arrival_date from reports
    where not is_matched

    union all

    select 'engagements' as source_name, engagements._arrival_date as arrival_date
    from engagements
    inner join engagement_facts
        on engagements.engagement_id = engagement_facts.engagement_id
    left join known_campaigns
        on engagements.campaign_id = known_campaigns.campaign_id
    left join known_contacts
        on engagements.contact_id = known_contacts.contact_id
    where (engagements.message_id is not null and not engagement_facts.is_known_message)
        or (engagements.campaign_id is not null and known_campaigns.campaign_id is null)
        or (engagements.contact_id is not null and known_contacts.contact_id is null)

    union all

    {{ rows_with_unknown_keys('conversions', {
        'contact_id': 'known_contacts',
        'message_id': 'messages',
        'campaign_id': 'known_campaigns',
    }) }}

),

late_report_rows as (

    select 'delivery_reports' as source_name, reports._arrival_date as arrival_date
    from reports
    inner join messages
        on reports.message_id = messages.message_id
    where reports.received_at > messages.delivery_window_ends_at
        and reports.received_at <= {{ as_of() }}

),

excluded_rows as (

    select
        'executions' as source_name,
        execution_events._arrival_date as arrival_date,
        executions.is_test,
        executions.is_internal_contact
    from execution_events
    inner join executions
        on execution_events.execution_id = executions.execution_id

    union all

    select
        'sends' as source_name,
        sends._arrival_date as arrival_date,
        messages.is_test,
        messages.is_internal_contact
    from sends
    inner join messages
        on sends.message_id = messages.message_id

    union all

    select
        'engagements' as source_name,
        engagements._arrival_date as arrival_date,
        engagement_facts.is_test,
        engagement_facts.is_internal_contact
    from engagements
    inner join engagement_facts
        on engagements.engagement_id = engagement_facts.engagement_id

    union all

    select
        'conversions' as source_name,
        conversions._arrival_date as arrival_date,
        false as is_test,
        conversion_facts.is_internal_contact
    from conversions
    inner join conversion_facts
        on conversions.conversion_id = conversion_facts.conversion_id

),

{#
    a failure report whose error code the seed does not resolve, by the rule of
    int_messages_delivery_resolved: (provider, code), or the code alone when the provider is
    unknown or not in the seed; a failure without a code is unknown too
#}
unknown_error_code_rows as (

    select 'delivery_reports' as source_name, reports._arrival_date as arrival_date
    from reports
    where reports.report_status in ('failed', 'undelivered')
        and not exists (
            select 1
            from error_codes
            where error_codes.error_code = reports.error_code
                and (
                    error_codes.provider = reports.resolved_provider
                    or reports.resolved_provider is null
                    or reports.resolved_provider not in (
                        select listed_codes.provider from error_codes as listed_codes
                    )
                )
        )

),

unattributed_rows as (

    select 'conversions' as source_name, conversions._arrival_date as arrival_date
    from conversions
    inner join conversion_facts
        on conversions.conversion_id = conversion_facts.conversion_id
    where not conversion_facts.is_attributed

),

findings as (

    select source_name, arrival_date, 'staged' as finding from staged_rows
    union all
    select source_name, arrival_date, 'orphan' as finding from orphan_rows
    union all
    select source_name, arrival_date, 'late_report' as finding from late_report_rows
    union all
    select source_name, arrival_date, 'excluded_test' as finding from excluded_rows
    where is_test
    union all
    select source_name, arrival_date, 'excluded_internal' as finding from excluded_rows
    where is_internal_contact
    union all
    select source_name, arrival_date, 'unattributed' as finding from unattributed_rows
    union all
    select source_name, arrival_date, 'unknown_error_code' as finding
    from unknown_error_code_rows

),

finding_counts as (

    select
        source_name,
        arrival_date,
        count(case when finding = 'staged' then 1 end) as rows_staged,
        count(case when finding = 'orphan' then 1 end) as orphans,
        count(case when finding = 'late_report' then 1 end) as late_reports,
        count(case when finding = 'excluded_test' then 1 end) as excluded_test_rows,
        count(case when finding = 'excluded_internal' then 1 end) as excluded_internal_rows,
        count(case when finding = 'unattributed' then 1 end) as unattributed_conversions,
        count(case when finding = 'unknown_error_code' then 1 end) as unknown_error_codes
    from findings
    group by source_name, arrival_date

),

landed_counts as (

    select
        source_name,
        arrival_date,
        cast(sum(rows_loaded) as {{ dbt.type_bigint() }}) as rows_landed
    from landed_files
    group by source_name, arrival_date
    having sum(rows_loaded) > 0

),

quarantine_reason_counts as (

    select
        source_name,
        arrival_date,
        reason_code,
        count(*) as rows_quarantined
    from quarantined_rows
    group by source_name, arrival_date, reason_code

),

quarantine_counts as (

    select
        source_name,
        arrival_date,
        cast(sum(rows_quarantined) as {{ dbt.type_bigint() }}) as rows_quarantined,
        {{ collect_sorted_struct_list(['reason_code', 'rows_quarantined']) }} as quarantine_reasons
    from quarantine_reason_counts
    group by source_name, arrival_date

),

source_days as (

    select source_name, arrival_date from landed_counts
    union
    select source_name, arrival_date from quarantine_counts

),

final as (

    select
        source_days.source_name,
        source_days.arrival_date,
        coalesce(landed_counts.rows_landed, 0) as rows_landed,
        coalesce(quarantine_counts.rows_quarantined, 0) as rows_quarantined,
        quarantine_counts.quarantine_reasons,
        {{ safe_divide(
            'coalesce(quarantine_counts.rows_quarantined, 0)',
            'coalesce(landed_counts.rows_landed, 0) + coalesce(quarantine_counts.rows_quarantined, 0)'
        ) }} as quarantined_share,
        coalesce(finding_counts.rows_staged, 0) as rows_staged,
        coalesce(landed_counts.rows_landed, 0) - coalesce(finding_counts.rows_staged, 0)
            as duplicates_removed,
        coalesce(finding_counts.orphans, 0) as orphans,
        coalesce(finding_counts.late_reports, 0) as late_reports,
        coalesce(finding_counts.excluded_test_rows, 0) as excluded_test_rows,
        coalesce(finding_counts.excluded_internal_rows, 0) as excluded_internal_rows,
        coalesce(finding_counts.unattributed_conversions, 0) as unattributed_conversions,
        coalesce(finding_counts.unknown_error_codes, 0) as unknown_error_codes
    from source_days
    left join landed_counts
        on source_days.source_name = landed_counts.source_name
        and source_days.arrival_date = landed_counts.arrival_date
    left join quarantine_counts
        on source_days.source_name = quarantine_counts.source_name
        and source_days.arrival_date = quarantine_counts.arrival_date
    left join finding_counts
        on source_days.source_name = finding_counts.source_name
        and source_days.arrival_date = finding_counts.arrival_date

)

select * from final
