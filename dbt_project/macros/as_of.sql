{#
    The run's as-of instant as a SQL timestamp literal: the as-of date at 00:00 UTC, that is the
    end of the last arrival date D. `var('as_of')` wins (unit tests set it with
    `overrides: vars:`), else the environment variable CW_AS_OF. The value is checked to be a
    plain date before it reaches SQL text. Nothing here reads the wall clock.
#}
{% macro as_of() -%}
    {%- set configured = var('as_of', none) -%}
    {%- if configured is none or configured | string | trim == '' -%}
        {%- set configured = env_var('CW_AS_OF', '') -%}
    {%- endif -%}
    {%- set as_of_date = configured | string | trim -%}
    {%- if as_of_date == '' -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error(
                "as_of is not set: export CW_AS_OF=YYYY-MM-DD (the last arrival date + 1 day)"
                ~ " or pass --vars '{as_of: YYYY-MM-DD}'"
            ) }}
        {%- endif -%}
        {# Parsing only renders SQL to find refs and configs; it never runs this value. #}
        {%- set as_of_date = '1970-01-01' -%}
    {%- endif -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of_date) -%}
        {{ exceptions.raise_compiler_error(
            "as_of must be a date YYYY-MM-DD, got: " ~ as_of_date
        ) }}
    {%- endif -%}
    {%- set parsed = modules.datetime.datetime.strptime(as_of_date, '%Y-%m-%d') -%}
    cast('{{ parsed.strftime("%Y-%m-%d %H:%M:%S") }}' as timestamp)
{%- endmacro %}
