-- Invariant: in mart_campaign_summary, messages_delivered + messages_undelivered +
-- messages_delivery_pending = messages_sent, and messages_sent + messages_dropped =
-- messages_attempted. A failure means an accepted message has no delivery status (or two),
-- or a send is neither accepted nor dropped: the delivery lifecycle is broken.
select
    campaign_id,
    messages_attempted,
    messages_sent,
    messages_dropped,
    messages_delivered,
    messages_undelivered,
    messages_delivery_pending
from {{ ref('mart_campaign_summary') }}
where messages_delivered + messages_undelivered + messages_delivery_pending <> messages_sent
    or messages_sent + messages_dropped <> messages_attempted
