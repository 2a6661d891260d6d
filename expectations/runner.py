"""Validate a GX suite over a small pandas frame and report each expectation by a stable name.

GX's SQL datasource returns empty results on DuckDB, so frames are built in DuckDB and
validated with the pandas datasource of one ephemeral context, created on first use and reused:
a pipeline run validates about fifteen suites and the context is the slow part to set up.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

import great_expectations as gx
import pandas as pd
from great_expectations.core.batch_definition import BatchDefinition
from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.expectation import Expectation

Severity = Literal["error", "warn"]
"""`error` blocks publication; `warn` is reported and lets the run go on."""

_SEVERITIES: tuple[str, ...] = get_args(Severity)
_E = TypeVar("_E", bound=Expectation)
_SAMPLE_SIZE = 5
# GX's own batch API is not documented as thread-safe; a run validates small frames only.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ExpectationOutcome:
    """The result of one expectation, under the stable name the suite gave it."""

    name: str
    severity: Severity
    success: bool
    description: str
    unexpected_count: int | None  # None for expectations over an aggregate, not rows
    observed_value: Any = None  # set by aggregate expectations (max, sum, ...)
    unexpected_sample: tuple[Any, ...] = ()
    error: str | None = None  # the expectation could not run (e.g. a missing column)
    column: str | None = None  # the column a column expectation judges
    unexpected_rows: tuple[int, ...] = ()  # positions in the frame of the first unexpected rows
    expected: str | None = None  # what the expectation allows: "<= 0.01", "between 0 and 1"

    @property
    def blocks(self) -> bool:
        """Whether this outcome must stop publication."""
        return not self.success and self.severity == "error"


@dataclass(frozen=True)
class SuiteOutcome:
    """Every expectation's outcome, in the order the suite declares them."""

    suite_name: str
    expectations: tuple[ExpectationOutcome, ...]

    @property
    def success(self) -> bool:
        """Every expectation passed, warnings included."""
        return all(e.success for e in self.expectations)

    @property
    def blocks(self) -> bool:
        """At least one blocking (`error`) expectation failed."""
        return any(e.blocks for e in self.expectations)

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(e for e in self.expectations if not e.success)

    def __getitem__(self, name: str) -> ExpectationOutcome:
        for outcome in self.expectations:
            if outcome.name == name:
                return outcome
        raise KeyError(name)


def rule(expectation: _E, *, name: str, severity: Severity, description: str) -> _E:
    """Give an expectation its stable name and severity, kept in `meta` to stay in the suite."""
    if severity not in _SEVERITIES:
        raise ValueError(f"severity must be one of {_SEVERITIES}, not {severity!r}")
    expectation.meta = {**(expectation.meta or {}), "name": name, "severity": severity}
    expectation.description = description
    return expectation


def make_suite(name: str, expectations: Sequence[Expectation]) -> gx.ExpectationSuite:
    """A suite of named expectations, built without a data context."""
    # `add_expectation` needs an active context; the constructor does not, but it logs and
    # drops an invalid expectation instead of raising, so the count is checked here.
    suite = gx.ExpectationSuite(name=name, expectations=list(expectations))
    if len(suite.expectations) != len(expectations):
        raise ValueError(f"suite {name!r} rejected an invalid expectation")
    return suite


def run_suite(suite: gx.ExpectationSuite, frame: pd.DataFrame) -> SuiteOutcome:
    """Validate `frame` against `suite` and return one outcome per expectation."""
    names = [_meta(e.meta)[0] for e in suite.expectations]
    if len(set(names)) != len(names):
        raise ValueError(f"suite {suite.name!r} repeats an expectation name: {names}")
    with _LOCK:
        batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
        # COMPLETE adds the unexpected rows' index; frames are small aggregates.
        result = batch.validate(suite, result_format="COMPLETE")
    # GX does not keep the suite's order in its results; the names restore it.
    by_name = {_meta(r.expectation_config.meta)[0]: _outcome(r) for r in result.results}
    return SuiteOutcome(suite_name=suite.name, expectations=tuple(by_name[n] for n in names))


@functools.cache
def _batch_definition() -> BatchDefinition:
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        # A pipeline run must not call out to GX's analytics service.
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    asset = context.data_sources.add_pandas("frames").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole_frame")


def _meta(meta: Mapping[str, Any] | None) -> tuple[str, Severity]:
    meta = meta or {}
    name, severity = meta.get("name"), meta.get("severity")
    if not isinstance(name, str) or severity not in _SEVERITIES:
        raise ValueError(f"expectation without a name and severity in its meta: {meta}")
    return name, severity


def _outcome(result: ExpectationValidationResult) -> ExpectationOutcome:
    config = result.expectation_config
    name, severity = _meta(config.meta)
    details = result.result or {}
    error = _error(result.exception_info)
    count = details.get("unexpected_count")
    sample = details.get("partial_unexpected_list") or ()
    indexes = details.get("unexpected_index_list") or ()
    return ExpectationOutcome(
        name=name,
        severity=severity,
        success=bool(result.success) and error is None,
        description=config.description or "",
        unexpected_count=None if count is None else int(count),
        observed_value=_plain(details.get("observed_value")),
        unexpected_sample=tuple(_plain(v) for v in list(sample)[:_SAMPLE_SIZE]),
        error=error,
        column=config.kwargs.get("column"),
        unexpected_rows=tuple(int(i) for i in list(indexes)[:_SAMPLE_SIZE] if _is_int(i)),
        expected=expected_bounds(config.kwargs),
    )


def expected_bounds(kwargs: Mapping[str, Any]) -> str | None:
    """What an expectation's arguments allow, in a few words, so a failure can say by how
    much it missed: the observed value beside the allowed one."""
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        return f"between {low} and {high}"
    if low is not None:
        return f">= {low}"
    if high is not None:
        return f"<= {high}"
    if kwargs.get("value") is not None:
        return f"= {kwargs['value']}"
    if kwargs.get("value_set") is not None:
        return f"in {sorted(map(str, kwargs['value_set']))}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(_plain(value), int)


def _error(exception_info: Mapping[str, Any] | None) -> str | None:
    """The first error message; GX nests it per metric when a metric failed to resolve."""
    info = exception_info or {}
    candidates = [info, *(v for v in info.values() if isinstance(v, Mapping))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return str(candidate.get("exception_message") or "expectation raised")
    return None


def _plain(value: Any) -> Any:
    """numpy scalars to Python ones, so outcomes serialise as metadata."""
    if isinstance(value, tuple | list):
        return tuple(_plain(v) for v in value)
    item = getattr(value, "item", None)
    return item() if callable(item) else value
