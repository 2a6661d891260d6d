{#
    Keep the first row of each `partition_by` group in `order_by` order. The default order is
    landing order (first landed wins, then file, then row), the contract's deterministic
    tie-break for repeated deliveries.
#}
{% macro deduplicate(relation, partition_by, order_by='_arrival_date, _source_file, _source_row') -%}
    {{ return(adapter.dispatch('deduplicate', 'campaign_warehouse')(relation, partition_by, order_by)) }}
{%- endmacro %}

{#
    ANSI window function in a derived table. Adapters without `qualify` keep the helper column
    `_dedup_row_number_<hash>` (always 1) in the result; its name is unique to the call, so a
    relation deduplicated twice (a CTE over a deduplicated CTE) holds two different ones.
#}
{% macro default__deduplicate(relation, partition_by, order_by) -%}
    {%- set helper = '_dedup_row_number_' ~ local_md5(relation ~ '|' ~ partition_by ~ '|' ~ order_by)[:8] -%}
    select ranked.*
    from (
        select
            candidates.*,
            row_number() over (
                partition by {{ partition_by }}
                order by {{ order_by }}
            ) as {{ helper }}
        from {{ relation }} as candidates
    ) as ranked
    where ranked.{{ helper }} = 1
{%- endmacro %}

{% macro duckdb__deduplicate(relation, partition_by, order_by) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ partition_by }}
        order by {{ order_by }}
    ) = 1
{%- endmacro %}
