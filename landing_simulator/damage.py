"""Malformed rows: copies of real rows, each broken in one way the ingest must survive."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import pyarrow as pa

from landing_simulator.files import FileSpec

# Malformed rows go only into text files of the large event sources, at most one per
# ROWS_PER_MALFORMED rows of a source and day (0.2 %): the pipeline blocks above 1 %.
MALFORMED_SOURCES = ("sends", "delivery_reports", "engagements")
MAX_MALFORMED_PER_DAY = 5
ROWS_PER_MALFORMED = 500
# Every malformed row carries this word in one of its IDs and no valid row does, so tests and
# people can tell the injected damage from a generator bug.
MALFORMED_MARKER = "malformed"


class Damage(NamedTuple):
    """Where a source's malformed rows are broken."""

    key: str  # the ID left empty by "empty_id"
    marker: str  # an ID that carries MALFORMED_MARKER
    required: str  # the required field "missing_required" leaves out
    enum: str  # the enumeration "unknown_enum" sets to bad_enum
    bad_enum: str
    timestamp: str


DAMAGE = {
    "sends": Damage(
        "message_id", "execution_id", "contact_id", "outcome", "Queued", "attempted_at"
    ),
    "delivery_reports": Damage(
        "provider_message_id", "report_id", "status", "status", "seen", "reported_at"
    ),
    "engagements": Damage(
        "engagement_id", "contact_id", "campaign_id", "engagement_type", "forward", "occurred_at"
    ),
}
_DAMAGE_KINDS = (
    "unparseable",
    "missing_required",
    "unknown_enum",
    "empty_id",
    "bad_timestamp",
    "future_timestamp",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    return value


def malformed_lines(
    source: str, template: pa.Table, spec: FileSpec, day: int, day_end: datetime
) -> list[str]:
    """Copies of real rows, each broken in one way, with fresh marked IDs."""
    damage = DAMAGE[source]
    lines = []
    for i, row in enumerate(template.to_pylist()):  # a handful of rows a day
        kind = _DAMAGE_KINDS[(day + i) % len(_DAMAGE_KINDS)]
        tag = f"{MALFORMED_MARKER}_{day}_{i}"
        row = {k: _plain(v) for k, v in row.items()}
        row[damage.marker] = f"x_{tag}"
        row[damage.key] = "" if kind == "empty_id" else f"k_{tag}"
        if kind == "missing_required":
            row[damage.required] = None
            if spec.is_json:
                del row[damage.required]
        elif kind == "unknown_enum":
            row[damage.enum] = damage.bad_enum
        elif kind == "bad_timestamp":
            row[damage.timestamp] = "2025-13-45T25:61:00Z"
        elif kind == "future_timestamp":
            row[damage.timestamp] = (day_end + timedelta(days=2)).isoformat() + "Z"
        lines.append(_malformed_line(row, kind, spec))
    return lines


def _malformed_line(row: dict[str, Any], kind: str, spec: FileSpec) -> str:
    if spec.is_json:
        text = json.dumps(row, ensure_ascii=False)
        return text[:-2] if kind == "unparseable" else text  # a write cut short
    cells = ["" if v is None else _csv_cell(v, spec) for v in row.values()]
    if kind == "unparseable":
        cells += ["unexpected", "columns"]  # more cells than the header has
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _csv_cell(value: Any, spec: FileSpec) -> str:
    if isinstance(value, bool):
        return ("1" if value else "0") if spec.bool_digits else str(value).lower()
    return str(value)
