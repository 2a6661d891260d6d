{#
    One row per execution that reached a step: how many steps it reached and, for each, its
    step status and when it was first reached, as a list. mart_execution_history puts the list
    in flow order on read, so a change of a campaign's flow (dim_campaign_steps) re-sorts the
    lists without recomputing them, and a night stores only the executions it touched instead
    of aggregating the steps of every execution again.

    Stored by the execution's arrival day (int_executions_arrived); a run recomputes the
    executions of int_executions_affected and replaces their rows.
#}
{{ per_execution_config() }}

with

execution_steps as (

    select
        execution_id,
        execution_arrival_date,
        step_id,
        step_status,
        first_reached_at
    from {{ ref('int_execution_steps_resolved') }}
    {{ only_affected_executions() }}

),

final as (

    select
        execution_id,
        execution_arrival_date,
        count(*) as steps_reached,
        {{ collect_struct_list(['step_id', 'step_status', 'first_reached_at']) }} as steps
    from execution_steps
    group by execution_id, execution_arrival_date

)

select * from final
