-- Invariant: opens <= messages_delivered and contacts_opened <= contacts_sent in
-- mart_campaign_summary. A failure means a message counted as opened is not delivered, or a
-- contact with an opened message is not "sent": the opened rule and the status rules disagree.
select
    campaign_id,
    opens,
    messages_delivered,
    contacts_opened,
    contacts_sent
from {{ ref('mart_campaign_summary') }}
where opens > messages_delivered
    or contacts_opened > contacts_sent
