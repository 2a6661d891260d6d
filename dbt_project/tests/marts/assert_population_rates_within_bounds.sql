-- Invariant: every fraction-of-population rate of mart_campaign_summary (a numerator that is
-- a subset of its base) is NULL or within [0, 1]. Event rates (clicks, conversions,
-- responses per delivered message), conversion_rate_of_sent (a conversion through a tracked
-- link can credit a message that was never delivered), unsubscribe_rate and reply_rate may
-- exceed 1 and are not checked. A failure means a numerator counts outside its base.
select
    campaign_id,
    sent_rate,
    failed_rate,
    progress_rate,
    open_rate_of_sent,
    delivery_rate,
    open_rate
from {{ ref('mart_campaign_summary') }}
where sent_rate not between 0 and 1
    or failed_rate not between 0 and 1
    or progress_rate not between 0 and 1
    or open_rate_of_sent not between 0 and 1
    or delivery_rate not between 0 and 1
    or open_rate not between 0 and 1
