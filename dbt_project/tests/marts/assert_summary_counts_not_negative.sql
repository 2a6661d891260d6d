-- Invariant: no count of mart_campaign_summary is negative. A failure means a count is derived
-- by subtraction somewhere and went wrong.
{%- set count_columns = [
    'audience_entries', 'audience_contacts', 'contacts_sent', 'contacts_failed',
    'contacts_limited', 'contacts_pending', 'contacts_opened', 'contacts_clicked',
    'contacts_replied', 'contacts_engaged', 'contacts_converted', 'messages_attempted',
    'messages_sent', 'messages_dropped', 'messages_delivered', 'messages_undelivered',
    'messages_delivery_pending', 'opens', 'clicks', 'conversions', 'responses', 'unsubscribes',
    'initials_sent', 'segments_sent', 'conversations_replied', 'senders', 'opt_outs_auto',
    'opt_outs_manual', 'opt_outs_total',
] %}
select *
from {{ ref('mart_campaign_summary') }}
where
{%- for column in count_columns %}
    {{ 'or ' if not loop.first }}{{ column }} < 0
{%- endfor %}
