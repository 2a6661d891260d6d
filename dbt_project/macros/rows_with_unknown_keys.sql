{#
    The orphan rule of mart_data_quality, one source at a time: a row is an orphan when one of
    its keys is set and the relation of the known keys does not hold it. `known_keys` maps
    each key column to that relation (the same column name on both sides), in the order the
    joins and conditions are written. Left joins to the known keys, not "not in (subquery)":
    under "or", Spark plans a null-aware "not in" as a nested-loop join of every row with
    every key.
#}
{% macro rows_with_unknown_keys(source_name, known_keys, relation=none) -%}
    {%- set relation = relation or source_name -%}
    select '{{ source_name }}' as source_name, {{ relation }}._arrival_date as arrival_date
    from {{ relation }}
    {%- for column, known in known_keys.items() %}
    left join {{ known }}
        on {{ relation }}.{{ column }} = {{ known }}.{{ column }}
    {%- endfor %}
    {%- for column, known in known_keys.items() %}
        {%- set unknown -%}
            {{ relation }}.{{ column }} is not null and {{ known }}.{{ column }} is null
        {%- endset %}
        {%- if loop.first %}
    where {{ unknown if loop.length == 1 else '(' ~ unknown ~ ')' }}
        {%- else %}
        or ({{ unknown }})
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
