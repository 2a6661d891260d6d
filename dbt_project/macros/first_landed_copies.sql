{#
    The two CTEs that end every staging model of landed rows, so that the key is written once:
    `first_landed` drops the window's rows whose key an earlier run already stored
    (keep_first_landed), and `deduplicated` keeps the first landed copy of each key among the
    rest (deduplicate, in landing order). The model ends with `select * from deduplicated`.
#}
{% macro first_landed_copies(relation, keys) -%}
first_landed as (

    {{ keep_first_landed(relation, keys) }}

),

deduplicated as (

    {{ deduplicate('first_landed', partition_by=keys | join(', ')) }}

)
{%- endmacro %}
