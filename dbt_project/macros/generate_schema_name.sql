{#
    Each folder's `+schema` is the schema itself (staging, intermediate, marts, reference), not
    a suffix of the target schema: the publisher looks for `marts.mart_*` by that exact name.
    Nodes without a custom schema (tests, unit-test fixtures) stay in the target schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
