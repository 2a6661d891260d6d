{#
    Generic data test of a staging model kept by arrival date: `combination_of_columns` is
    unique over all its rows (NULLs compare equal), checked for the keys of the rows the run
    replaced, those landed from window_start() on (every row on a full build). Rows before the
    window were checked when they were built and no later run changes them, so a nightly run
    probes history for the night's keys instead of grouping all of history (the plain
    `unique` on the engine's events took 13 s a night at 100 k sends a day over 60 days).
#}
{% test unique_since_window_start(model, combination_of_columns) -%}
    {%- set columns_csv = combination_of_columns | join(', ') -%}
with

window_keys as (

    select distinct {{ columns_csv }}
    from {{ model }}
    where _arrival_date >= {{ window_start() }}

),

rows_with_a_window_key as (

    select
        {%- for column in combination_of_columns %}
        all_rows.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ model }} as all_rows
    inner join window_keys
        on
        {%- for column in combination_of_columns %}
        {{ 'and ' if not loop.first }}{{ null_safe_equal('all_rows.' ~ column, 'window_keys.' ~ column) }}
        {%- endfor %}

),

final as (

    select
        {{ columns_csv }},
        count(*) as rows_with_this_key
    from rows_with_a_window_key
    group by {{ columns_csv }}
    having count(*) > 1

)

select * from final
{%- endtest %}
