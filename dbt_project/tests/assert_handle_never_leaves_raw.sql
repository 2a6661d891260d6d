-- depends_on: {{ ref('stg_app__contacts') }}, {{ ref('dim_contacts') }}, {{ ref('mart_execution_history') }}
-- Invariant: no relation the project builds has a column named `handle` (the contact's
-- personal data stays in the raw schema; marts carry contact_key at most). A failure means a
-- model selected the handle: remove it before anything is published.
select
    table_schema,
    table_name,
    column_name
from information_schema.columns
where lower(column_name) = 'handle'
    and lower(table_schema) in ('staging', 'intermediate', 'marts', 'reference')
