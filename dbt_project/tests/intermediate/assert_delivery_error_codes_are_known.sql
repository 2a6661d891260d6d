-- Invariant (warning): every failure report that decided a message's status has an error code
-- listed in seeds/provider_error_codes.csv. A warning means undelivered messages were given
-- the reason `unknown`: extend the seed with the codes listed here.
{{ config(severity='warn') }}
select
    error_code,
    count(*) as undelivered_messages
from {{ ref('int_messages_delivery_resolved') }}
where undelivered_reason = 'unknown'
group by error_code
