"""Freshness checks: is the data as new as the nightly schedule promises?

The schedule runs at 02:00 UTC for the arrival date that has just ended. By 04:00 UTC:

- each raw source holds the partition of the day that ended (a landing drop that never came,
  or a night that failed before ingesting, shows here);
- every mart, and the published serving build, was updated in the last 26 hours.

They warn and never block: a stale mart is still the last good one. A sensor (on by default)
evaluates them, so they run without a job; the nightly job leaves them out.
"""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration.ingest.assets import raw_assets
from orchestration.publish.assets import MART_KEYS, serving_marts

# Two hours after the nightly schedule's 02:00 UTC.
FRESHNESS_DEADLINE_CRON = "0 4 * * *"
# A day plus the night's run time: yesterday's publication still counts until 04:00.
MARTS_MAX_AGE = timedelta(hours=26)

raw_freshness_checks = dg.build_time_partition_freshness_checks(
    assets=raw_assets, deadline_cron=FRESHNESS_DEADLINE_CRON, timezone="UTC"
)
mart_freshness_checks = dg.build_last_update_freshness_checks(
    assets=[*MART_KEYS, serving_marts],
    lower_bound_delta=MARTS_MAX_AGE,
    deadline_cron=FRESHNESS_DEADLINE_CRON,
    timezone="UTC",
)
freshness_checks = [*raw_freshness_checks, *mart_freshness_checks]

freshness_sensor = dg.build_sensor_for_freshness_checks(
    freshness_checks=freshness_checks, default_status=dg.DefaultSensorStatus.RUNNING
)
