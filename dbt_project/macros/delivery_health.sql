{#
    The delivery-health band of a success rate: high above 0.95, moderate from 0.80, low below,
    NULL when there is no rate (nothing was sent).
#}
{% macro delivery_health(rate) -%}
    case
        when {{ rate }} is null then null
        when {{ rate }} > 0.95 then 'high'
        when {{ rate }} >= 0.80 then 'moderate'
        else 'low'
    end
{%- endmacro %}
