{#
    Generic data test: the combination of `combination_of_columns` is unique (NULLs compare
    equal, as in GROUP BY). Written here because dbt hub packages are not installed.
#}
{% test unique_combination_of_columns(model, combination_of_columns) -%}
    {%- set columns_csv = combination_of_columns | join(', ') -%}
    select
        {{ columns_csv }},
        count(*) as rows_with_this_key
    from {{ model }}
    group by {{ columns_csv }}
    having count(*) > 1
{%- endtest %}
