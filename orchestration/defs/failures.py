"""Step failures that say why: the one line an operator reads, the traceback in the log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from orchestration.lib.errors import explain


@contextmanager
def failure_explained(doing: str) -> Iterator[None]:
    """Turn any error of the block into a `dg.Failure` whose description is one plain line,
    e.g. "disk full writing serving.duckdb"; the original error stays its cause."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as exc:
        raise dg.Failure(description=explain(exc, doing)) from exc
