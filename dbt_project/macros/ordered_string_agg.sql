{#
    The values of a group joined by `separator` in the order of `order_by_columns` (each
    ascending), as `string_agg(... order by ...)` does. Spark has no ordered string aggregate
    (dbt's `listagg` with an order refuses to compile there): it sorts the group's list of
    structs, whose fields are the order columns followed by the value, then joins the values.
#}
{% macro ordered_string_agg(value, separator, order_by_columns) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'campaign_warehouse')(value, separator, order_by_columns)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(value, separator, order_by_columns) -%}
    {{ dbt.listagg(value, separator, 'order by ' ~ (order_by_columns | join(', '))) }}
{%- endmacro %}

{% macro spark__ordered_string_agg(value, separator, order_by_columns) -%}
    array_join(
        transform(
            array_sort(collect_list(struct(
                {%- for column in order_by_columns %}
                {{ column }} as sort_key_{{ loop.index }},
                {%- endfor %}
                {{ value }} as sorted_value
            ))),
            entry -> entry.sorted_value
        ),
        {{ separator }}
    )
{%- endmacro %}
