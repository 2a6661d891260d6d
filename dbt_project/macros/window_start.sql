{#
    The first arrival date this run recomputes, as a SQL date literal. The pipeline sets
    CW_WINDOW_START to the day after the last arrival date the models already hold (or to the
    run's first date when that is earlier, a rerun of a past day), so a run processes every
    arrival date it has not seen and nothing it has, and no run leaves a gap. `var('window_start')`
    wins (unit tests). Unset, the window is all of history: correct, and as costly as a full
    refresh. Validated as a plain date before it reaches SQL text.
#}
{% macro window_start() -%}
    cast('{{ window_start_date() }}' as date)
{%- endmacro %}

{# The same first arrival date, as the string YYYY-MM-DD (for Jinja that compares dates). #}
{% macro window_start_date() -%}
    {%- set configured = var('window_start', none) -%}
    {%- if configured is none or configured | string | trim == '' -%}
        {%- set configured = env_var('CW_WINDOW_START', '') -%}
    {%- endif -%}
    {%- set window_start_date = configured | string | trim or '1900-01-01' -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', window_start_date) -%}
        {{ exceptions.raise_compiler_error(
            "window_start must be a date YYYY-MM-DD, got: " ~ window_start_date
        ) }}
    {%- endif -%}
    {{ return(window_start_date) }}
{%- endmacro %}
