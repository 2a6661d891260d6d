{#
    The pseudonymous key of a contact: a salted hash of contact_id, the only contact identifier
    a mart may carry. The salt comes from CW_CONTACT_KEY_SALT and is quoted as a literal.
#}
{% macro contact_key(contact_id) -%}
    {%- set salt = env_var('CW_CONTACT_KEY_SALT', 'campaign-warehouse') -%}
    {%- set salt_literal = "'" ~ salt | replace("'", "''") ~ "'" -%}
    {{ dbt.hash(dbt.concat([salt_literal, "'|'", contact_id])) }}
{%- endmacro %}
