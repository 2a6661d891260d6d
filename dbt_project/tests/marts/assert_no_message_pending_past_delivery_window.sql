-- Invariant: no accepted message is still delivery_pending when as_of is at or past its
-- delivery window's end (sent_at + delivery_window_days). A failure means the timeout rule did
-- not fire: such messages must be undelivered with reason delivery_report_missing.
select
    message_id,
    sent_at,
    delivery_window_ends_at
from {{ ref('fct_messages') }}
where delivery_status = 'delivery_pending'
    and {{ as_of() }} >= {{ delivery_window_end('sent_at') }}
