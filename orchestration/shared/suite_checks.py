"""Great Expectations suites as Dagster asset checks: one check per expectation.

A suite's `error` expectations become blocking checks: when one fails, Dagster skips every
asset downstream in the run, publication included. `warn` expectations are reported only.
The raw layer's checks and the marts' checks both build on these two functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import dagster as dg
import great_expectations as gx
import pandas as pd

from expectations.runner import ExpectationOutcome, SuiteOutcome

# Metadata key of a failed check's one-line account, which the run summary prints.
DETAIL_KEY = "detail"
# ... and of what the failed expectation allows ("<= 0.01"), which the summary prints after it.
EXPECTED_KEY = "expected"
# The failing rows a one-line account names.
_DETAIL_ROWS = 3


def suite_check_specs(
    asset_key: dg.AssetKey,
    suite: gx.ExpectationSuite,
    reads: Sequence[dg.AssetKey] = (),
) -> list[dg.AssetCheckSpec]:
    """One spec per expectation of `suite`, blocking when its severity is `error`."""
    return [
        dg.AssetCheckSpec(
            name=e.meta["name"],
            asset=asset_key,
            description=e.description,
            blocking=e.meta["severity"] == "error",
            additional_deps=list(reads),
        )
        for e in suite.expectations
    ]


def suite_check_results(
    asset_key: dg.AssetKey,
    outcome: SuiteOutcome,
    *,
    frame: pd.DataFrame | None = None,
    label_columns: Sequence[str] = (),
    extra: dict[str, Any] | None = None,
) -> list[dg.AssetCheckResult]:
    """One `AssetCheckResult` per expectation, with the unexpected counts as metadata.

    With the validated `frame` and the columns that name one of its rows (an arrival date, a
    campaign), a failed check also says which rows failed and by how much.
    """
    results = []
    for e in outcome.expectations:
        metadata: dict[str, Any] = {"description": e.description, **(extra or {})}
        if e.unexpected_count is not None:
            metadata["unexpected_count"] = e.unexpected_count
        if e.observed_value is not None:
            metadata["observed_value"] = str(e.observed_value)
        if e.unexpected_sample:
            metadata["unexpected_sample"] = str(list(e.unexpected_sample))
        if e.error:
            metadata["error"] = e.error
        if not e.success:
            metadata[DETAIL_KEY] = _detail(e, frame, label_columns)
            if e.expected:
                metadata[EXPECTED_KEY] = e.expected
        results.append(
            dg.AssetCheckResult(
                asset_key=asset_key,
                check_name=e.name,
                passed=e.success,
                severity=(
                    dg.AssetCheckSeverity.ERROR
                    if e.severity == "error"
                    else dg.AssetCheckSeverity.WARN
                ),
                metadata=metadata,
            )
        )
    return results


def _detail(
    outcome: ExpectationOutcome, frame: pd.DataFrame | None, label_columns: Sequence[str]
) -> str:
    """`2025-03-09: share_of_norm=0.03; ...`, else how many rows failed (of how many), else the
    value GX observed. What the expectation allows is the `expected` metadata beside it."""
    if outcome.error:
        return f"could not run: {outcome.error}"
    rows = []
    if frame is not None and outcome.column and outcome.unexpected_rows:
        for index in outcome.unexpected_rows[:_DETAIL_ROWS]:
            if index not in frame.index:
                continue
            row = frame.loc[index]
            label = " ".join(_text(row[c]) for c in label_columns if c in frame.columns)
            value = _number(row.get(outcome.column))
            rows.append(f"{label}: {outcome.column}={value}" if label else f"{value}")
    if rows:
        more = (outcome.unexpected_count or len(rows)) - len(rows)
        return "; ".join(rows) + (f" and {more} more" if more > 0 else "")
    if outcome.unexpected_count is not None and frame is not None:
        return f"{outcome.unexpected_count} of {len(frame)} rows failing"
    if outcome.unexpected_count is not None:
        return f"{outcome.unexpected_count} unexpected"
    return f"observed {outcome.observed_value}"


def _text(value: Any) -> str:
    """A label value as written: a date without its midnight time."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
