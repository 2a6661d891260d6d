"""The thresholds the checks share with the rest of the pipeline, each read from its one owner.

The delivery window is the dbt var `delivery_window_days`: the models time a message out with
it, so the check that no message is pending past it must use the same number. The quarantine
share is the warehouse resource's default and the raw checks' naming value.
"""

from __future__ import annotations

from expectations.dbt_vars import dbt_var

# A day's quarantined share of rows read above this blocks publication.
MAX_QUARANTINE_SHARE = 0.01


def delivery_window_days() -> int:
    """The dbt var `delivery_window_days` as dbt_project.yml sets it."""
    value = dbt_var("delivery_window_days")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"dbt var delivery_window_days must be a positive integer, not {value!r}")
    return value
