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
      weekly full check, `full_check_job`): every row.

    Rows outside the run's scope were tested by the run that wrote them. The key tests
    (`unique`, `unique_combination_of_columns`) hold the keys of the rows written against
    every row of the model (rows_sharing_a_written_key), so a key repeated between tonight's
    rows and older ones still fails the night.
#}
{% macro get_where_subquery(relation) -%}
    {%- set written = rows_written_predicate() -%}
    {%- set where = config.get('where', '') -%}
    {%- set conditions = [] -%}
    {%- if written %}{% do conditions.append('(' ~ written ~ ')') %}{% endif -%}
    {%- if where %}{% do conditions.append('(' ~ where ~ ')') %}{% endif -%}
    {%- if not conditions -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {#- The alias is not decoration: without one, Spark reads `where (` as a table alias
        with a column list. -#}
    {%- set filtered -%}
        (select * from {{ relation }} as rows_under_test
         where {{ conditions | join(' and ') }}) dbt_subquery
    {%- endset -%}
    {%- do return(filtered) -%}
{%- endmacro %}

{#
    The condition that keeps the rows of the tested model this run wrote, as the model's
    incremental config says (see get_where_subquery), or none when the test reads every row.
#}
{% macro rows_written_predicate() -%}
    {%- set tested = graph.nodes.get(model.attached_node) if execute and model.attached_node else none -%}
    {%- if tested is none
        or tested.config.materialized != 'incremental'
        or window_start_date() == '1900-01-01' -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set keys = tested.config.get('recompute_keys') -%}
    {%- set key_relation = none -%}
    {%- if keys -%}
        {%- set key_node = graph.nodes.get('model.' ~ project_name ~ '.' ~ keys.relation) -%}
        {%- set key_relation = api.Relation.create(
            database=key_node.database, schema=key_node.schema, identifier=key_node.alias
        ) -%}
    {%- endif -%}
    {%- do return(rows_replaced_by_config(
        keys, key_relation, tested.config.get('overwrite_window_column')
    ) or none) -%}
{%- endmacro %}

{#
    What a key test groups: every row of the tested model (its `where` applied) whose key is
    among `written_rows` (the test's `model` argument: the rows this run wrote); that argument
    itself when the test reads every row. (Not named `model`, which would hide dbt's node of
    the test.)
    A duplicate needs one of its rows written by this run, or it was caught when written.
#}
{% macro rows_sharing_a_written_key(written_rows, key_columns) -%}
    {%- if not rows_written_predicate() -%}
        {%- do return(written_rows) -%}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node) -%}
    {%- set whole = api.Relation.create(
        database=tested.database, schema=tested.schema, identifier=tested.alias
    ) -%}
    {%- set where = config.get('where', '') -%}
    {%- set sharing -%}
        (select whole_rows.*
         from {{ whole }} as whole_rows
         inner join (select distinct {{ key_columns | join(', ') }} from {{ written_rows }}) written_keys
             on
             {%- for column in key_columns %}
             {{ 'and ' if not loop.first }}{{ null_safe_equal('whole_rows.' ~ column, 'written_keys.' ~ column) }}
             {%- endfor %}
         {%- if where %}
         where {{ where }}
         {%- endif %}) rows_sharing_a_written_key
    {%- endset -%}
    {%- do return(sharing) -%}
{%- endmacro %}
