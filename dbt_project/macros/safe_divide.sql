{#
    A rate: numerator / denominator as a double, NULL when the denominator is 0 or NULL.
#}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}
