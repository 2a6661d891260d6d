{#
    Generic data test: none of `column_names` holds a NULL. One test (one query, one scan, one
    Dagster check) per model instead of one `not_null` per column: a night runs every test of
    the project, and each test costs dbt and Dagster the same fixed work however few rows it
    reads. Returns one row per column that has NULLs, with how many.
#}
{% test not_null_columns(model, column_names) -%}
    with null_counts as (
        select
            {%- for column_name in column_names %}
            sum(case when {{ column_name }} is null then 1 else 0 end) as nulls_{{ loop.index }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ model }}
    ),

    columns_with_nulls as (
        {%- for column_name in column_names %}
        select '{{ column_name }}' as column_name, nulls_{{ loop.index }} as rows_with_null
        from null_counts
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    )

    select column_name, rows_with_null
    from columns_with_nulls
    where rows_with_null > 0
{%- endtest %}
