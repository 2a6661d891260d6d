"""`mart_campaign_monthly` adds up to the summary, per campaign: the daily mart's rules."""

from __future__ import annotations

from expectations.mart_campaign_daily import period_guard

GUARD = period_guard("mart_campaign_monthly")
