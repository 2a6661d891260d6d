{#
    The rows of `relation` (this run's arrivals) whose key was not landed before the window,
    first landed copy first: the contract's at-least-once delivery, deduplicated across days.
    A key first landed on an earlier arrival date keeps that copy, which an earlier run stored
    in this model's partitions before the window; within the window, the earliest arrival (then
    file, then row) wins. `keys` may hold NULLs (a report without a provider): they compare
    equal. Incremental models only read `this`; a full build deduplicates all of history.
#}
{% macro keep_first_landed(relation, keys) -%}
    {%- if is_incremental() %}
    select arrivals.*
    from {{ relation }} as arrivals
    where not exists (
        select 1
        from {{ this }} as landed
        where landed._arrival_date < {{ window_start() }}
        {%- for key in keys %}
            and {{ null_safe_equal('landed.' ~ key, 'arrivals.' ~ key) }}
        {%- endfor %}
    )
    {%- else %}
    select * from {{ relation }}
    {%- endif %}
{%- endmacro %}
