"""Every guard of the marts and facts, in the order their checks are defined."""

from __future__ import annotations

from expectations import (
    fct_messages,
    mart_campaign_branches,
    mart_campaign_daily,
    mart_campaign_monthly,
    mart_campaign_revenue,
    mart_campaign_step_funnel,
    mart_campaign_summary,
    mart_campaign_weekly,
    mart_channel_daily,
    mart_data_quality,
    mart_execution_history,
    mart_failure_reasons,
    mart_link_clicks,
    mart_response_buttons,
    mart_sender_performance,
    mart_template_benchmarks,
)
from expectations.guards import Guard

GUARDS: tuple[Guard, ...] = tuple(
    module.GUARD
    for module in (
        mart_campaign_summary,
        mart_campaign_step_funnel,
        mart_campaign_branches,
        fct_messages,
        mart_campaign_daily,
        mart_campaign_weekly,
        mart_campaign_monthly,
        mart_channel_daily,
        mart_failure_reasons,
        mart_campaign_revenue,
        mart_link_clicks,
        mart_sender_performance,
        mart_response_buttons,
        mart_template_benchmarks,
        mart_execution_history,
        mart_data_quality,
    )
)

BY_ASSET: dict[str, Guard] = {guard.asset: guard for guard in GUARDS}
