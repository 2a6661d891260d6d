{#
    The incremental strategy of every incremental model on DuckDB (set in dbt_project.yml):
    each run writes whole partitions (one value of the `partition_by` column, a day), and the
    partitions it writes replace the ones stored. It is what Spark's own `insert_overwrite`
    with dynamic partitions does; DuckDB has no such statement, so this strategy deletes the
    partitions the new rows hold, and inserts the new rows, in the transaction dbt wraps a
    materialization in. A model partitioned by arrival date also names its
    `overwrite_window_column`: every day of the run's window is replaced, also one that has
    become empty (a day re-ingested with --allow-empty-days).

    A model that names `recompute_keys` instead (the per-execution models: relation
    int_executions_affected, column execution_id, set by per_execution_config()) recomputes
    only the keys that relation lists, so the rows replaced are those keys' (wherever they
    were stored: a rerun can move an execution to an earlier day), not whole days, and a
    listed key that has no row any more loses its old ones.
#}
{% macro get_incremental_cw_partition_overwrite_sql(arg_dict) -%}
    {%- set partition_column = config.get('partition_by') -%}
    {%- if partition_column is not string -%}
        {{ exceptions.raise_compiler_error(
            "cw_partition_overwrite needs partition_by: the name of one column"
        ) }}
    {%- endif -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set keys = recompute_keys() if config.get('recompute_keys') else none -%}
    {%- set declared = rows_replaced_by_config(
        keys, ref(keys.relation) if keys else none, config.get('overwrite_window_column')
    ) -%}
    delete from {{ target }}
    where
    {%- if not keys %}
        {{ partition_column }} in (select distinct {{ partition_column }} from {{ source }})
        {%- if declared %} or{% endif %}
    {%- endif %}
        {{ declared }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }};
{%- endmacro %}

{#
    The model's `recompute_keys` config: {relation: the model listing the keys an incremental
    run recomputes, column: the key column, named alike in that model and in this one}.
    Read by the strategy above and by only_affected_executions(); a model that sets it
    declares the relation with a `-- depends_on:` line (per_execution_config()).
#}
{% macro recompute_keys() -%}
    {%- set keys = config.get('recompute_keys') -%}
    {%- if keys is not mapping
        or keys.get('relation') is not string
        or keys.get('column') is not string -%}
        {{ exceptions.raise_compiler_error(
            "recompute_keys must be {relation: <model>, column: <key column>}, got: " ~ keys
        ) }}
    {%- endif -%}
    {{ return(keys) }}
{%- endmacro %}

{#
    The rows of a model that a run replaces, as its config declares them, as one condition
    (empty when the config declares none): those of the keys `key_relation` lists
    (`recompute_keys`), and those from window_start() on in `window_column`
    (`overwrite_window_column`). The strategy above deletes them; a data test on the run's
    rows reads them (rows_written_predicate). One definition, so the two cannot drift apart.
#}
{% macro rows_replaced_by_config(keys, key_relation, window_column) -%}
    {%- set conditions = [] -%}
    {%- if keys -%}
        {%- do conditions.append(
            adapter.quote(keys.column) ~ ' in (select affected.' ~ keys.column
            ~ ' from ' ~ key_relation ~ ' as affected)'
        ) -%}
    {%- endif -%}
    {%- if window_column -%}
        {%- do conditions.append(window_column ~ ' >= ' ~ window_start()) -%}
    {%- endif -%}
    {{ return(conditions | join(' or ')) }}
{%- endmacro %}
