{#
    Lists of structs, the type both engines store and Parquet writes as a nested column: a
    group's rows collected as a list (in no particular order), and a group's key-value pairs
    collected as a map.
#}
{% macro collect_struct_list(fields) -%}
    {{ return(adapter.dispatch('collect_struct_list', 'campaign_warehouse')(fields)) }}
{%- endmacro %}

{% macro default__collect_struct_list(fields) -%}
    list(struct_pack(
        {%- for field in fields %}
        {{ field }} := {{ field }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro spark__collect_struct_list(fields) -%}
    collect_list(named_struct(
        {%- for field in fields %}
        '{{ field }}', {{ field }}{{ ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}

{% macro collect_map(key, value) -%}
    {{ return(adapter.dispatch('collect_map', 'campaign_warehouse')(key, value)) }}
{%- endmacro %}

{% macro default__collect_map(key, value) -%}
    map_from_entries(list(struct_pack(k := {{ key }}, v := {{ value }})))
{%- endmacro %}

{% macro spark__collect_map(key, value) -%}
    map_from_entries(collect_list(struct({{ key }}, {{ value }})))
{%- endmacro %}

{#
    A list of step_id, step_status and first_reached_at structs (int_execution_step_lists) as
    a list of (step_id, step_status) structs, ordered by each step's flow order (looked up in
    `step_orders`, a map of step_id to step_order; 0 when the step is not in the flow), then
    by when it was first reached, then by step_id. A typed list, not a string, so that a BI
    tool or a reader of the Parquet file unnests it without parsing.
#}
{% macro step_statuses_in_flow_order(steps, step_orders) -%}
    {{ return(adapter.dispatch('step_statuses_in_flow_order', 'campaign_warehouse')(steps, step_orders)) }}
{%- endmacro %}

{% macro default__step_statuses_in_flow_order(steps, step_orders) -%}
    list_transform(
        list_sort(list_transform(
            {{ steps }},
            lambda step: struct_pack(
                step_order := coalesce({{ step_orders }}[step.step_id], 0),
                first_reached_at := step.first_reached_at,
                step_id := step.step_id,
                step_status := step.step_status
            )
        )),
        lambda step: struct_pack(step_id := step.step_id, step_status := step.step_status)
    )
{%- endmacro %}

{% macro spark__step_statuses_in_flow_order(steps, step_orders) -%}
    transform(
        array_sort(transform(
            {{ steps }},
            step -> named_struct(
                'step_order', coalesce(try_element_at({{ step_orders }}, step.step_id), 0),
                'first_reached_at', step.first_reached_at,
                'step_id', step.step_id,
                'step_status', step.step_status
            )
        )),
        step -> named_struct('step_id', step.step_id, 'step_status', step.step_status)
    )
{%- endmacro %}

{#
    A group's rows collected as a list of structs sorted by their fields in order (the first
    field first): a list whose order a reader can rely on, the same on both engines.
#}
{% macro collect_sorted_struct_list(fields) -%}
    {{ return(adapter.dispatch('collect_sorted_struct_list', 'campaign_warehouse')(fields)) }}
{%- endmacro %}

{% macro default__collect_sorted_struct_list(fields) -%}
    list_sort({{ default__collect_struct_list(fields) }})
{%- endmacro %}

{% macro spark__collect_sorted_struct_list(fields) -%}
    array_sort({{ spark__collect_struct_list(fields) }})
{%- endmacro %}
