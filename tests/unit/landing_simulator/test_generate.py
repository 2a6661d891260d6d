"""The synthetic landing zone: deterministic, in the contract's layout and formats, and messy
in exactly the ways the contract allows (late, duplicated, a few marked malformed rows)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from contract.sources import CHANNELS, ENGAGEMENT_TYPES, SOURCES, FieldType
from landing_simulator import (
    MALFORMED_MARKER,
    MALFORMED_SOURCES,
    MAX_MALFORMED_PER_DAY,
    generate_landing,
)

START = date(2025, 3, 1)
FORMATS = ("jsonl", "jsonl.gz", "csv", "csv.gz", "parquet")
EVENT_SOURCES = ("executions", "sends", "delivery_reports", "engagements", "conversions")
Zone = tuple[Path, dict[str, int]]  # the landing folder and generate_landing's row counts


@dataclass(frozen=True)
class Row:
    source: str
    day: date
    file: str
    raw: str
    values: dict[str, Any] | None  # None: the line could not be parsed

    @property
    def marked(self) -> bool:
        return MALFORMED_MARKER in self.raw


def _format(path: Path) -> str:
    return next(f for f in sorted(FORMATS, key=len, reverse=True) if path.name.endswith(f))


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(".gz") else data).decode()


def _read_rows(path: Path) -> Iterator[tuple[str, dict[str, Any] | None]]:
    fmt = _format(path)
    if fmt == "parquet":
        for values in pq.read_table(path).to_pylist():
            yield repr(values), values
    elif fmt.startswith("jsonl"):
        for line in _text(path).splitlines():
            try:
                values = json.loads(line)
            except json.JSONDecodeError:
                values = None
            yield line, values if isinstance(values, dict) else None
    else:
        records = csv.reader(io.StringIO(_text(path), newline=""))
        header = next(records)
        for cells in records:
            if len(cells) != len(header):
                yield ",".join(cells), None
            else:
                yield ",".join(cells), dict(zip(header, [c or None for c in cells], strict=True))


def _load(landing: Path, sources: tuple[str, ...] = tuple(SOURCES)) -> list[Row]:
    rows = []
    for path in sorted(p for s in sources for p in landing.glob(f"{s}/*/*")):
        source, day = path.parent.parent.name, date.fromisoformat(path.parent.name)
        for raw, values in _read_rows(path):
            rows.append(Row(source, day, path.relative_to(landing).as_posix(), raw, values))
    return rows


def _timestamp(value: Any) -> datetime:
    """A contract timestamp as naive UTC: ISO with or without offset, or epoch seconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a timestamp")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(float(value), UTC).replace(tzinfo=None)
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _valid_value(kind: FieldType, value: Any, allowed: tuple[str, ...]) -> bool:
    if kind is FieldType.ID:
        return isinstance(value, str) and value.strip() != ""
    if kind is FieldType.STRING:
        return isinstance(value, str)
    if kind is FieldType.ENUM:
        return isinstance(value, str) and value.strip().lower() in allowed
    if kind is FieldType.BOOLEAN:
        return isinstance(value, bool) or str(value).lower() in ("true", "false", "1", "0")
    if kind is FieldType.INTEGER:
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, str) and value.lstrip("-").isdigit())
        )
    if kind is FieldType.DECIMAL:
        return isinstance(value, int | float | Decimal) or str(value).replace(".", "").isdigit()
    return True


def problems(row: Row) -> list[str]:
    """Why the contract would quarantine a row; empty when it is valid."""
    if row.values is None:
        return ["unparseable"]
    found = []
    latest = datetime.combine(row.day + timedelta(days=1), datetime.min.time())
    for f in SOURCES[row.source].fields:
        value = row.values.get(f.name)
        required = (
            f.required
            or (
                f.required_when is not None
                and row.values.get(f.required_when[0]) == f.required_when[1]
            )
            or (f.required_with is not None and row.values.get(f.required_with) is not None)
        )
        if value is None:
            if required:
                found.append(f"missing {f.name}")
            continue
        if f.kind is FieldType.TIMESTAMP:
            try:
                if _timestamp(value) > latest:
                    found.append(f"{f.name} after the arrival date")
            except (ValueError, TypeError):
                found.append(f"unparseable {f.name}")
        elif not _valid_value(f.kind, value, f.allowed):
            found.append(f"invalid {f.name}: {value!r}")
    return found


@pytest.fixture(scope="session")
def long_zone(tmp_path_factory: pytest.TempPathFactory) -> Zone:
    """Long enough for reports beyond the 30-day delivery window."""
    landing = tmp_path_factory.mktemp("long")
    return landing, generate_landing(landing, START, days=34, sends_per_day=300, seed=7)


@pytest.fixture(scope="session")
def dense_zone(tmp_path_factory: pytest.TempPathFactory) -> Zone:
    """Busy enough days for malformed rows in every large event source."""
    landing = tmp_path_factory.mktemp("dense")
    return landing, generate_landing(landing, START, days=3, sends_per_day=6000, seed=11)


@pytest.fixture(scope="session")
def long_rows(long_zone: Zone) -> list[Row]:
    return _load(long_zone[0])


@pytest.fixture(scope="session")
def dense_rows(dense_zone: Zone) -> list[Row]:
    return _load(dense_zone[0], MALFORMED_SOURCES)


def _valid(rows: list[Row], source: str) -> list[dict[str, Any]]:
    return [r.values for r in rows if r.source == source and not r.marked and r.values]


def _files(landing: Path) -> dict[str, bytes]:
    return {p.relative_to(landing).as_posix(): p.read_bytes() for p in landing.rglob("*.*")}


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate_landing(tmp_path / "a", START, days=4, sends_per_day=400, seed=3)
    second = generate_landing(tmp_path / "b", START, days=4, sends_per_day=400, seed=3)
    assert first == second
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate_landing(tmp_path / "a", START, days=2, sends_per_day=300, seed=1)
    generate_landing(tmp_path / "b", START, days=2, sends_per_day=300, seed=2)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert any(a[name] != b.get(name) for name in a)


def test_every_source_and_format_lands_in_the_contract_layout(long_zone: Zone) -> None:
    landing, counts = long_zone
    assert set(counts) == set(SOURCES)
    assert {p.name for p in landing.iterdir()} == set(SOURCES)
    paths = list(landing.glob("*/*/*"))
    assert len(paths) == len(list(landing.rglob("*.*")))  # nothing deeper or shallower
    for path in paths:
        day = date.fromisoformat(path.parent.name)
        assert START <= day < START + timedelta(days=34)
    assert {_format(p) for p in paths} == set(FORMATS)
    files_per_day = Counter((p.parent.parent.name, p.parent.name) for p in paths)
    assert max(files_per_day.values()) > 1


def test_volume_follows_sends_per_day(dense_zone: Zone) -> None:
    # 3 days of 6000: the first day has no follow-up messages yet, duplicates add a few.
    assert 0.75 * 18_000 < dense_zone[1]["sends"] < 1.1 * 18_000


def test_counts_are_the_rows_written(long_zone: Zone, long_rows: list[Row]) -> None:
    written = Counter(r.source for r in long_rows)
    assert dict(written) == long_zone[1]
    assert all(written[s] > 0 for s in SOURCES)


def test_every_file_is_readable_by_duckdb(long_zone: Zone, long_rows: list[Row]) -> None:
    landing = long_zone[0]
    expected = Counter(str(landing / r.file) for r in long_rows if not r.marked)
    readers = {
        "parquet": "read_parquet(?, filename = true, union_by_name = true)",
        "jsonl": "read_ndjson_objects(?, filename = true, ignore_errors = true)",
        "csv": "read_csv(?, filename = true, all_varchar = true, ignore_errors = true)",
    }
    by_reader: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in landing.glob("*/*/*"):
        by_reader[path.parent.parent.name, _format(path).removesuffix(".gz")].append(str(path))
    conn = duckdb.connect()
    read: Counter[str] = Counter()
    for (_, fmt), paths in sorted(by_reader.items()):
        query = f"select filename, count(*) from {readers[fmt]} group by filename"
        read.update(dict(conn.execute(query, [sorted(paths)]).fetchall()))
    assert set(read) == set(expected)
    assert all(read[name] >= count for name, count in expected.items())


def test_names_with_quotes_commas_and_newlines_round_trip_through_csv(long_zone: Zone) -> None:
    conn = duckdb.connect()
    path = long_zone[0] / "campaigns" / START.isoformat() / "campaigns.csv"
    names = {
        n
        for (n,) in conn.execute(
            "select name from read_csv(?, all_varchar = true)", [str(path)]
        ).fetchall()
    }
    assert 'Robert\'); drop table sends;-- "summer" 🎉' in names
    assert "Back in stock\nlimited run" in names
    assert 'Black Friday, "doors open" at 8' in names


def test_only_marked_rows_are_invalid(long_rows: list[Row], dense_rows: list[Row]) -> None:
    checked = long_rows + dense_rows
    wrong = [(r.file, r.raw[:200], problems(r)) for r in checked if bool(problems(r)) != r.marked]
    assert wrong == []


def test_valid_timestamps_are_never_after_their_arrival_day(long_rows: list[Row]) -> None:
    checked = 0
    for row in long_rows:
        if row.marked:
            continue
        latest = datetime.combine(row.day + timedelta(days=1), datetime.min.time())
        for f in SOURCES[row.source].fields:
            if f.kind is FieldType.TIMESTAMP and row.values.get(f.name) is not None:
                assert _timestamp(row.values[f.name]) <= latest, (row.file, f.name)
                checked += 1
    assert checked > 50_000


@pytest.mark.parametrize("zone", ["long_rows", "dense_rows"])
def test_malformed_rows_are_rare_and_only_in_large_event_sources(
    zone: str, request: pytest.FixtureRequest
) -> None:
    rows: list[Row] = request.getfixturevalue(zone)
    total, bad = Counter(), Counter()
    for r in rows:
        total[r.source, r.day] += 1
        bad[r.source, r.day] += r.marked
    for (source, day), n_bad in bad.items():
        if source not in MALFORMED_SOURCES:
            assert n_bad == 0, source
        assert n_bad <= MAX_MALFORMED_PER_DAY
        assert n_bad / total[source, day] < 0.005, (source, day)
    if zone == "dense_rows":  # busy days: every large source has some, of every kind
        assert {s for (s, _), n in bad.items() if n} == set(MALFORMED_SOURCES)
        reasons = {p.split(" ")[0] for r in rows if r.marked for p in problems(r)}
        assert {"unparseable", "missing", "invalid"} <= reasons


def test_every_event_source_has_duplicates_across_files_and_days(long_rows: list[Row]) -> None:
    for source in EVENT_SOURCES:
        key = SOURCES[source].key
        seen: dict[tuple, set[tuple[date, str]]] = defaultdict(set)
        copies = Counter()
        for r in long_rows:
            if r.source == source and not r.marked:
                k = tuple(
                    str(_timestamp(r.values[f]) if f.endswith("_at") else r.values[f]) for f in key
                )
                seen[k].add((r.day, r.file))
                copies[k] += 1
        assert any(n > 1 for n in copies.values()), source
        assert any(len({d for d, _ in places}) > 1 for places in seen.values()), source
        assert any(len({f for _, f in places}) > 1 for places in seen.values()), source


def test_delivery_reports_are_late_out_of_order_and_incomplete(long_rows: list[Row]) -> None:
    sends = {
        s["provider_message_id"]: s for s in _valid(long_rows, "sends") if s["provider_message_id"]
    }
    reports = [r for r in long_rows if r.source == "delivery_reports" and not r.marked]
    beyond_window, unreceived = 0, 0
    statuses: dict[str, dict[str, datetime]] = defaultdict(dict)
    for r in reports:
        v = r.values
        received = _timestamp(v["received_at"]) if v["received_at"] else None
        if received is None:
            unreceived += 1
        else:
            assert received.date() == r.day  # a report lands on the day it was received
        arrived = received or datetime.combine(r.day, datetime.min.time())
        send = sends.get(v["provider_message_id"])
        if send and arrived - _timestamp(send["attempted_at"]) > timedelta(days=30):
            beyond_window += 1
        first = statuses[v["provider_message_id"]].get(v["status"])
        statuses[v["provider_message_id"]][v["status"]] = min(first or arrived, arrived)
        if send and send["channel"] == "instagram_dm":
            assert v["status"] == "read"
    assert beyond_window > 0
    assert unreceived > 0
    assert any("read" in s and "delivered" not in s for s in statuses.values())
    assert any(
        "read" in s and "delivered" in s and s["delivered"] > s["read"] for s in statuses.values()
    )
    accepted = {p for p, s in sends.items() if s["channel"] in ("whatsapp", "sms", "email")}
    assert accepted - set(statuses), "some messages are never reported"
    codes = {r.values["error_code"] for r in reports if r.values["error_code"]}
    assert {"131049", "131026", "130472", "30003", "30007", "30034"} <= codes


def test_executions_include_pending_limited_and_test_entries(long_rows: list[Row]) -> None:
    events = _valid(long_rows, "executions")
    by_execution: dict[str, set[str]] = defaultdict(set)
    for e in events:
        by_execution[e["execution_id"]].add(e["event_type"])
    terminal = {"completed", "limited", "failed", "interrupted"}
    assert {t for types in by_execution.values() for t in types} == set(
        SOURCES["executions"].fields[4].allowed
    )
    assert any(not types & terminal for types in by_execution.values())
    assert {e["branch_label"] for e in events if e["event_type"] == "branch_taken"} == {
        "clicked",
        "not_clicked",
    }
    assert any(e["is_test"] in (True, "true") for e in events)
    test_sends = [s for s in _valid(long_rows, "sends") if s["is_test"] in (True, "true")]
    assert test_sends


def test_sends_cover_channels_outcomes_and_sms_segments(long_rows: list[Row]) -> None:
    sends = _valid(long_rows, "sends")
    assert {s["channel"] for s in sends} == set(CHANNELS)
    assert {s["outcome"] for s in sends} == {"accepted", "dropped"}
    assert all(s["provider_message_id"] for s in sends if s["outcome"] == "accepted")
    assert all(s["drop_reason"] for s in sends if s["outcome"] == "dropped")
    assert {s["channel"] for s in sends if s["segments"] is not None} == {"sms"}
    assert {str(s.get("is_initial")).lower() for s in sends} == {"true", "false", "none"}


def test_dimensions_have_time_zones_templates_and_history(long_rows: list[Row]) -> None:
    workspaces = _valid(long_rows, "workspaces")
    assert {"America/Los_Angeles", "Asia/Tokyo", "UTC"} <= {w["timezone"] for w in workspaces}
    assert len({w["plan"] for w in workspaces if w["workspace_id"] == "ws_nimbus"}) == 2
    campaigns = _valid(long_rows, "campaigns")
    assert {c["channel"] for c in campaigns} == set(CHANNELS)
    statuses = defaultdict(set)
    for c in campaigns:
        statuses[c["campaign_id"]].add(c["status"])
    assert any({"active", "finished"} <= s for s in statuses.values())
    assert all(
        c["template_id"] and c["template_category"] for c in campaigns if c["channel"] == "whatsapp"
    )
    assert {c["conversion_window_hours"] is None for c in campaigns} == {True, False}
    steps = _valid(long_rows, "campaign_steps")
    assert {s["step_type"] for s in steps} == {"message", "conversion_link", "logic", "delay"}
    assert {s["branch_label"] for s in steps} >= {"clicked", "not_clicked"}
    contacts = _valid(long_rows, "contacts")
    countries = defaultdict(set)
    for c in contacts:
        countries[c["contact_id"]].add(c["country"])
    assert any(len(c) > 1 for c in countries.values())
    internal = {c["contact_id"] for c in contacts if c["is_internal"] in ("true", "1")}
    assert internal & {s["contact_id"] for s in _valid(long_rows, "sends")}
    # ... and some contacts turn internal during the range.
    assert internal & {c["contact_id"] for c in contacts if c["is_internal"] not in ("true", "1")}


def test_engagements_and_conversions_have_every_shape(long_rows: list[Row]) -> None:
    engagements = _valid(long_rows, "engagements")
    assert {e["engagement_type"] for e in engagements} == set(ENGAGEMENT_TYPES)
    assert any(e["message_id"] is None for e in engagements if e["engagement_type"] == "reply")
    assert any(e["card_index"] is not None for e in engagements)
    assert {e["opt_out_method"] for e in engagements if e["opt_out_method"]} == {"auto", "manual"}
    conversions = _valid(long_rows, "conversions")
    assert {c["message_id"] is None for c in conversions} == {True, False}
    assert len({c["currency"] for c in conversions if c["currency"]}) >= 2
    assert any(c["revenue"] is None for c in conversions)
