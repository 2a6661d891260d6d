{#
    The Monday that starts the ISO week of a date, as a date. The metrics contract's weekly
    rollup uses ISO weeks (Monday start); `date_trunc('week', ...)` means that on DuckDB,
    Postgres, Redshift, Spark and Snowflake's default WEEK_START, but a Sunday week on BigQuery.
#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start', 'campaign_warehouse')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}

{% macro bigquery__iso_week_start(date_expression) -%}
    date_trunc({{ date_expression }}, isoweek)
{%- endmacro %}
