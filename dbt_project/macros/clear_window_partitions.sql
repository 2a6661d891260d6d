{#
    A pre-hook of every model: on Spark, before an incremental run of a model that names an
    `overwrite_window_column`, drop the partitions of the run's window (from window_start()).
    Spark's insert_overwrite replaces only the partitions its new rows hold, so a window day
    that has become empty (a day re-ingested with nothing, --allow-empty-days) would keep its
    old rows; DuckDB's strategy deletes every window day (partition_overwrite.sql), and this
    gives Spark the same result. A model that reads its own stored window rows back
    (int_executions_touched) sets `keep_window_partitions`. Nothing on DuckDB.
#}
{% macro clear_window_partitions() -%}
    {{ return(adapter.dispatch('clear_window_partitions', 'campaign_warehouse')()) }}
{%- endmacro %}

{% macro default__clear_window_partitions() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__clear_window_partitions() -%}
    {%- set column = config.get('overwrite_window_column') -%}
    {%- if not (execute and column and is_incremental()) or config.get('keep_window_partitions', false) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set first = window_start_date() -%}
    {%- set dropped = [] -%}
    {%- for row in run_query('show partitions ' ~ this) -%}
        {%- set value = row[0].split('=', 1)[-1] -%}
        {%- if modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value) and value >= first -%}
            {%- do dropped.append("partition (" ~ column ~ " = date'" ~ value ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if dropped -%}
        {{ return('alter table ' ~ this ~ ' drop if exists ' ~ dropped | join(', ')) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
