{#
    The lineage columns every landed row carries from the raw layer (arrival date, file, row).
    Every staging model of landed rows selects them, last: keep_first_landed compares the
    stored `_arrival_date`, and deduplicate's default order is landing order over all three.
#}
{% macro landing_lineage_columns() -%}
    _arrival_date, _source_file, _source_row
{%- endmacro %}
