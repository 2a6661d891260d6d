{#
    The time zone name when the database knows it, else 'UTC', so that one workspace with a
    misspelt zone cannot fail the whole build of the period marts.
#}
{% macro known_time_zone(time_zone) -%}
    {{ return(adapter.dispatch('known_time_zone', 'campaign_warehouse')(time_zone)) }}
{%- endmacro %}

{# Without a catalogue of zone names to check against, trust the value. #}
{% macro default__known_time_zone(time_zone) -%}
    coalesce({{ time_zone }}, 'UTC')
{%- endmacro %}

{% macro duckdb__known_time_zone(time_zone) -%}
    case
        when {{ time_zone }} in (select tz.name from pg_timezone_names() as tz)
            then {{ time_zone }}
        else 'UTC'
    end
{%- endmacro %}
