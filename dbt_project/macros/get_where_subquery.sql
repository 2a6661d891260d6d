{#
    What every generic data test reads of the model it tests (dbt wraps the test's `model`
    argument in this macro). Overrides dbt's own, which applies only the test's `where`, to
    test no more than the rows this run wrote: a night's tests then cost what the night
    touched, not the model's history.

    - A per-execution model (its `recompute_keys` config): the rows of the executions the
      run recomputed, and of its window's days (what cw_partition_overwrite replaces).
    - Any other incremental model (its `overwrite_window_column`): the days of the run's
      window, from window_start() on.
    - A table, a view, or any build without a window (the first one, --full-refresh, and the
      weekly full check, `full_check_job`): every row. So too for `unique_since_window_start`,
      which scopes itself: it probes all of history for the keys of the run's window.

    Rows outside the run's scope were tested by the run that wrote them. A key test (`unique`,
    `unique_combination_of_columns`) over the scope sees a duplicate within the rows written
    and not one between a written row and an older one: `unique_since_window_start` holds
    staging's keys against all of history, and the weekly full check holds the rest.
#}
{% macro get_where_subquery(relation) -%}
    {%- set scoped = rows_written_by_this_run(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ scoped }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(scoped) -%}
{%- endmacro %}

{#
    `relation` (a tested model), or a subquery of the rows of it this run wrote, as the
    model's incremental config says (see get_where_subquery).
#}
{% macro rows_written_by_this_run(relation) -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
    {%- if tested is none
        or test_name == 'unique_since_window_start'
        or tested.config.materialized != 'incremental'
        or window_start_date() == '1900-01-01' -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set keys = tested.config.get('recompute_keys') -%}
    {%- set window_column = tested.config.get('overwrite_window_column') -%}
    {%- if keys -%}
        {%- set key_node = graph.nodes.get('model.' ~ project_name ~ '.' ~ keys.relation) -%}
        {%- set key_relation = api.Relation.create(
            database=key_node.database, schema=key_node.schema, identifier=key_node.alias
        ) -%}
        {%- set scoped -%}
            (select * from {{ relation }}
             where {{ keys.column }} in (select {{ keys.column }} from {{ key_relation }})
             {%- if window_column %} or {{ window_column }} >= {{ window_start() }}{% endif %}) rows_written
        {%- endset -%}
    {%- elif window_column -%}
        {%- set scoped -%}
            (select * from {{ relation }} where {{ window_column }} >= {{ window_start() }}) rows_written
        {%- endset -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- do return(scoped) -%}
{%- endmacro %}
