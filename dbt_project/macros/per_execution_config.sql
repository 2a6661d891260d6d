{#
    The config of every per-execution model (int_executions_resolved,
    int_messages_delivery_resolved, int_messages_resolved, int_execution_steps_resolved,
    int_execution_step_lists), so that they are stored and recomputed alike: by the arrival day
    of their execution (int_executions_arrived), an incremental run replacing the rows of the
    executions that `recompute_keys` lists (the executions of int_executions_affected, which
    only_affected_executions() keeps and the strategy replaces). That filter reads its models
    only on an incremental run, so dbt would not see them at parse time: the depends_on lines
    declare them.
#}
{% macro per_execution_config() -%}
    {%- set keys = {'relation': 'int_executions_affected', 'column': 'execution_id'} -%}
    {{ config(
        materialized='incremental',
        partition_by='execution_arrival_date',
        overwrite_window_column='execution_arrival_date',
        recompute_keys=keys,
    ) }}
    -- depends_on: {{ ref(keys.relation) }}
    -- depends_on: {{ ref('int_executions_arrived') }}
{%- endmacro %}
