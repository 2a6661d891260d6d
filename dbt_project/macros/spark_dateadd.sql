{#
    dbt's `dateadd` on Spark. dbt-spark's own version builds the result from unix seconds
    and gives NULL for an interval that is a column rather than a literal (no message ever
    timed out on Spark). Spark 3.3+ has `timestampadd`, which takes any unit and any integer
    expression. Found before dbt-spark's by the `dispatch` search order in dbt_project.yml.
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
