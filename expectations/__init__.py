"""Great Expectations suites guarding metric integrity, one module per guarded asset.

Each module exposes `build_suite()` and the `FRAME_SQL` that builds, from the working
database, the small aggregate frame the suite validates; `runner.run_suite` validates it. A
module guarding several marts alike (`period_marts`, `mart_grains`) exposes
`build_suite(mart)` and `FRAME_SQL[mart]`; `rules` holds the pieces the cross-mart suites share.
"""

from expectations.runner import (
    ExpectationOutcome,
    Severity,
    SuiteOutcome,
    make_suite,
    rule,
    run_suite,
)

__all__ = [
    "ExpectationOutcome",
    "Severity",
    "SuiteOutcome",
    "make_suite",
    "rule",
    "run_suite",
]
