{#
    Generic data test: the combination of `combination_of_columns` is unique (NULLs compare
    equal, as in GROUP BY). Written here because dbt hub packages are not installed. On a run
    that tests the rows it wrote, their keys are held against every row of the model.
#}
{% test unique_combination_of_columns(model, combination_of_columns) -%}
    {%- set columns_csv = combination_of_columns | join(', ') -%}
    select
        {{ columns_csv }},
        count(*) as rows_with_this_key
    from {{ rows_sharing_a_written_key(model, combination_of_columns) }}
    group by {{ columns_csv }}
    having count(*) > 1
{%- endtest %}
