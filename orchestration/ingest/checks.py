"""The raw layer's checks, run by each raw asset over the arrival dates it ingested.

- the quarantine suite: a warning on any quarantined row, blocking above the share limit;
- the volume suite (event sources): a warning when a day holds far less than its recent norm;
- the landing layout: a warning naming what the ingest skipped under the source's folder.

This module knows nothing of dbt or the marts: the raw layer runs before them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, timedelta

import dagster as dg
import duckdb
import great_expectations as gx

from contract.sources import Source
from expectations import quarantine, volume
from expectations.runner import run_suite
from expectations.thresholds import MAX_QUARANTINE_SHARE
from orchestration.ingest.landing import describe_skipped
from orchestration.shared.suite_checks import DETAIL_KEY, suite_check_results, suite_check_specs

LAYOUT_CHECK = "landing_layout_recognised"
_DAY_LABEL = ("arrival_date",)


def raw_key(source: Source) -> dg.AssetKey:
    """`raw/<source>`: the name of dbt's `source('raw', '<source>')` as an asset key."""
    return dg.AssetKey(["raw", source.name])


@functools.cache
def _quarantine_suite(max_share: float) -> gx.ExpectationSuite:
    return quarantine.build_suite(max_share)


@functools.cache
def _volume_suite() -> gx.ExpectationSuite:
    return volume.build_suite()


def raw_check_specs(source: Source) -> list[dg.AssetCheckSpec]:
    """The checks of one raw asset (the share limit does not change their names)."""
    key = raw_key(source)
    specs = suite_check_specs(key, _quarantine_suite(MAX_QUARANTINE_SHARE))
    if not source.is_dimension:
        specs += suite_check_specs(key, _volume_suite())
    specs.append(
        dg.AssetCheckSpec(
            name=LAYOUT_CHECK,
            asset=key,
            description=(
                "Everything under the source's landing folder is an arrival-date folder "
                "(YYYY-MM-DD) of files; anything else is skipped and named here."
            ),
            blocking=False,
        )
    )
    return specs


def raw_check_results(
    conn: duckdb.DuckDBPyConnection,
    source: Source,
    dates: Sequence[date],
    max_share: float,
    skipped: Sequence[str],
) -> list[dg.AssetCheckResult]:
    """Validate the arrival dates `dates` of `source` in the working database."""
    key = raw_key(source)
    start, end = dates[0], dates[-1] + timedelta(days=1)
    frame = conn.execute(
        quarantine.FRAME_SQL, quarantine.frame_parameters(source.name, start, end)
    ).df()
    results = suite_check_results(
        key,
        run_suite(_quarantine_suite(max_share), frame),
        frame=frame,
        label_columns=_DAY_LABEL,
        extra={"max_share": max_share},
    )
    if not source.is_dimension:
        frame = conn.execute(
            volume.FRAME_SQL, volume.frame_parameters(source.name, start, end)
        ).df()
        results += suite_check_results(
            key, run_suite(_volume_suite(), frame), frame=frame, label_columns=_DAY_LABEL
        )
    metadata: dict[str, object] = {"skipped": list(skipped)}
    if skipped:
        metadata[DETAIL_KEY] = f"skipped {len(skipped)}: {describe_skipped(skipped)}"
    results.append(
        dg.AssetCheckResult(
            asset_key=key,
            check_name=LAYOUT_CHECK,
            passed=not skipped,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )
    )
    return results
