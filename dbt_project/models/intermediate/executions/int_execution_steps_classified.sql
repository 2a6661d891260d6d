{#
    One row per execution and flow step it reached (int_execution_steps_resolved) with whether
    it is excluded from metrics: an execution's exclusion is its steps' (a test execution, or
    a contact that is internal now; the same rule as int_executions_classified, on the step's
    own execution and contact columns, so that no join with the executions is needed).

    A view, not a stored day, for the same reason as int_executions_classified.
#}
{{ config(materialized='view') }}

with

steps as (

    select * from {{ ref('int_execution_steps_resolved') }}

),

contacts as (

    select contact_id, is_internal from {{ ref('int_contacts_current') }}

),

final as (

    select
        steps.execution_id,
        steps.step_id,
        steps.execution_arrival_date,
        steps.campaign_id,
        steps.contact_id,
        steps.first_reached_at,
        steps.is_reached,
        steps.branch_label,
        steps.messages_attempted,
        steps.messages_sent,
        steps.messages_delivered,
        steps.messages_opened,
        steps.step_status,
        steps.is_test,
        steps.is_test or coalesce(contacts.is_internal, false) as is_excluded
    from steps
    left join contacts
        on steps.contact_id = contacts.contact_id

)

select * from final
