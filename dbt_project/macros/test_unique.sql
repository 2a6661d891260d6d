{#
    dbt's `unique`, with the keys of the rows this run wrote held against every row
    (rows_sharing_a_written_key): found before the project's dispatch order reaches dbt's own.
#}
{% macro default__test_unique(model, column_name) -%}
    select
        {{ column_name }} as unique_field,
        count(*) as n_records
    from {{ rows_sharing_a_written_key(model, [column_name]) }}
    where {{ column_name }} is not null
    group by {{ column_name }}
    having count(*) > 1
{%- endmacro %}
