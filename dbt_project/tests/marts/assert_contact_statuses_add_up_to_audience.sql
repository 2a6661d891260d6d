-- Invariant: in mart_campaign_summary, contacts_sent + contacts_failed + contacts_limited +
-- contacts_pending = audience_contacts for every campaign (each audience contact has exactly
-- one status). A failure means a contact was counted in two statuses or in none: the contact
-- status logic (fct_campaign_contacts) or the exclusions disagree between counts.
select
    campaign_id,
    audience_contacts,
    contacts_sent,
    contacts_failed,
    contacts_limited,
    contacts_pending
from {{ ref('mart_campaign_summary') }}
where contacts_sent + contacts_failed + contacts_limited + contacts_pending
    <> audience_contacts
