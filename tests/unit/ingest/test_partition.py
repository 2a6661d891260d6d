"""The ingest: every landing format read, bad rows and files quarantined, reruns idempotent."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from contract.sources import SOURCES
from orchestration.ingest.partition import IngestResult, emptied_days, ingest_partition
from orchestration.ingest.rawlayer import create_raw_views, partition_dir
from orchestration.shared.duckdb_settings import DuckDBSettings

DAY = date(2024, 3, 10)


def _send(message_id: str, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "message_id": message_id,
        "execution_id": "e1",
        "campaign_id": "c1",
        "contact_id": "k1",
        "channel": "sms",
        "attempted_at": "2024-03-10T09:00:00Z",
        "outcome": "accepted",
        "provider_message_id": f"p-{message_id}",
    }
    row.update(overrides)
    return row


def _write_jsonl(path: Path, rows: list[object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)


class RawLayer:
    """A raw layer in a scratch folder, and a connection that reads it as `raw.*` views."""

    def __init__(self, folder: Path) -> None:
        self.raw = folder / "raw"
        self.settings = DuckDBSettings("1GB", 2, folder / "spill")
        self.db = duckdb.connect()

    def execute(self, sql: str, parameters: object = None) -> duckdb.DuckDBPyConnection:
        return self.db.execute(sql, parameters)


@pytest.fixture
def conn(tmp_path: Path) -> RawLayer:
    return RawLayer(tmp_path / "_warehouse")


def _day_dir(landing: Path, source: str = "sends") -> Path:
    return landing / source / DAY.isoformat()


def _ingest(conn: RawLayer, landing: Path, source: str = "sends") -> IngestResult:
    result = ingest_partition(SOURCES[source], landing, DAY, conn.raw, conn.settings)
    create_raw_views(conn.db, conn.raw)
    return result


def _quarantine(conn: RawLayer) -> list[tuple]:
    return conn.execute(
        "select source_file, source_row, reason from raw.quarantine order by all"
    ).fetchall()


def test_every_format_is_read_and_typed_in_utc(conn, tmp_path: Path) -> None:
    day = _day_dir(tmp_path)
    _write_jsonl(day / "a.jsonl", [_send("m1", attempted_at="2024-03-10T11:00:00+02:00")])
    _write_jsonl(day / "b.jsonl.gz", [_send("m2", attempted_at=1710061200)])
    (day / "c.csv").write_text(
        "message_id,execution_id,campaign_id,contact_id,channel,attempted_at,outcome,"
        "drop_reason,is_test,segments\n"
        'm3,e1,"c,1",k1, SMS ,2024-03-10 09:00:00,dropped,Rate_Limited,1,\n'
    )
    (day / "d.csv.gz").write_bytes(
        gzip.compress(
            b"message_id,execution_id,campaign_id,contact_id,channel,attempted_at,outcome,"
            b"provider_message_id,segments\nm4,e1,c1,k1,sms,1710061200,accepted,p4,3\n"
        )
    )
    table = pa.table(
        {
            "message_id": ["m5"],
            "execution_id": ["e1"],
            "campaign_id": ["c1"],
            "contact_id": ["k1"],
            "channel": ["email"],
            "attempted_at": [datetime(2024, 3, 10, 9, 0)],
            "outcome": ["accepted"],
            "provider_message_id": ["p5"],
            "is_test": [False],
        }
    )
    pq.write_table(table, day / "e.parquet")

    result = _ingest(conn, tmp_path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 5, 0)
    rows = conn.execute(
        "select message_id, campaign_id, channel, attempted_at, drop_reason, is_test, segments, "
        "_source_file from raw.sends order by message_id"
    ).fetchall()
    nine = datetime(2024, 3, 10, 9, 0)
    assert rows == [
        ("m1", "c1", "sms", nine, None, None, None, "sends/2024-03-10/a.jsonl"),
        ("m2", "c1", "sms", nine, None, None, None, "sends/2024-03-10/b.jsonl.gz"),
        ("m3", "c,1", "sms", nine, "rate_limited", True, None, "sends/2024-03-10/c.csv"),
        ("m4", "c1", "sms", nine, None, None, 3, "sends/2024-03-10/d.csv.gz"),
        ("m5", "c1", "email", nine, None, False, None, "sends/2024-03-10/e.parquet"),
    ]


def test_each_kind_of_bad_row_is_quarantined_with_its_reason_and_location(
    conn, tmp_path: Path
) -> None:
    _write_jsonl(
        _day_dir(tmp_path) / "a.jsonl",
        [
            _send("good"),
            "not json",
            "[1, 2]",
            _send(""),
            _send("m-enum", channel="fax"),
            _send("m-ts", attempted_at="yesterday"),
            _send("m-future", attempted_at="2024-03-11T00:00:01Z"),
            _send("m-type", segments="two"),
            _send("m-drop", outcome="dropped"),
            {k: v for k, v in _send("m-missing").items() if k != "contact_id"},
            _send("m-edge", attempted_at="2024-03-11T00:00:00Z"),
        ],
    )

    result = _ingest(conn, tmp_path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (11, 2, 9)
    assert [r[1:] for r in _quarantine(conn)] == [
        (2, "not_json"),
        (3, "not_an_object"),
        (4, "empty_id:message_id"),
        (5, "invalid_enum:channel"),
        (6, "invalid_timestamp:attempted_at"),
        (7, "future_timestamp:attempted_at"),
        (8, "invalid_type:segments"),
        (9, "missing_required:drop_reason (when outcome is dropped)"),
        (10, "missing_required:contact_id"),
    ]
    raw_text = conn.execute("select raw_text from raw.quarantine where source_row = 2").fetchone()
    assert raw_text == ("not json",)


def test_an_unreadable_file_is_quarantined_whole_and_the_others_are_loaded(
    conn, tmp_path: Path
) -> None:
    day = _day_dir(tmp_path)
    _write_jsonl(day / "good.jsonl", [_send("m1")])
    (day / "corrupt.jsonl.gz").write_bytes(b"this is not gzip")
    (day / "bad.parquet").write_bytes(b"PAR1 nope")
    (day / "notes.txt").write_text("hello")

    result = _ingest(conn, tmp_path)

    assert (result.rows_loaded, result.unreadable_files) == (1, 3)
    quarantined = conn.execute(
        "select source_file, source_row, reason_code from raw.quarantine order by source_file"
    ).fetchall()
    assert quarantined == [
        ("sends/2024-03-10/bad.parquet", None, "unreadable_file"),
        ("sends/2024-03-10/corrupt.jsonl.gz", None, "unreadable_file"),
        ("sends/2024-03-10/notes.txt", None, "unreadable_file"),
    ]


def test_a_csv_row_that_cannot_be_parsed_is_quarantined_and_the_rest_loaded(
    conn, tmp_path: Path
) -> None:
    (_day_dir(tmp_path)).mkdir(parents=True)
    (_day_dir(tmp_path) / "a.csv").write_text(
        "message_id,execution_id,campaign_id,contact_id,channel,attempted_at,outcome,"
        "provider_message_id\n"
        "m1,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p1\n"
        "m2,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p2,surplus\n"
        "m3,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p3\n"
    )

    result = _ingest(conn, tmp_path)

    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert _quarantine(conn) == [
        ("sends/2024-03-10/a.csv", 3, "unparseable_row: too many columns"),
    ]


def test_rerunning_a_partition_replaces_it(conn, tmp_path: Path) -> None:
    _write_jsonl(_day_dir(tmp_path) / "a.jsonl", [_send("m1"), _send("m1"), "oops"])

    first = _ingest(conn, tmp_path)
    snapshot = conn.execute("select * from raw.sends order by all").fetchall()
    second = _ingest(conn, tmp_path)

    assert first == second
    assert conn.execute("select * from raw.sends order by all").fetchall() == snapshot
    assert conn.execute("select count(*) from raw.quarantine").fetchone() == (1,)
    assert conn.execute("select count(*) from raw.landed_files").fetchone() == (1,)


def test_a_missing_folder_is_an_empty_day(conn, tmp_path: Path) -> None:
    result = _ingest(conn, tmp_path)
    assert (result.files, result.rows_read) == (0, 0)


def test_an_empty_day_has_the_schema_of_a_day_with_rows(conn, tmp_path: Path) -> None:
    # Spark (and any engine that merges Parquet schemas) refuses a partition whose column
    # types differ from the others': an empty day once wrote _source_file as INTEGER.
    ingest_partition(SOURCES["sends"], tmp_path / "empty", DAY, conn.raw, conn.settings)
    empty = {
        name: pq.read_schema(partition_dir(conn.raw, "sends", DAY) / name)
        for name in ("rows.parquet", "quarantine.parquet", "files.parquet")
    }
    _write_jsonl(_day_dir(tmp_path) / "a.jsonl", [_send("m1"), "oops"])
    _ingest(conn, tmp_path)

    for name, schema in empty.items():
        landed = pq.read_schema(partition_dir(conn.raw, "sends", DAY) / name)
        assert [(f.name, str(f.type)) for f in schema] == [(f.name, str(f.type)) for f in landed], (
            name
        )


def test_sql_in_values_is_data_not_code(conn, tmp_path: Path) -> None:
    name = 'Robert\'); drop table raw.sends; -- "x" 🎉'
    _write_jsonl(
        _day_dir(tmp_path, "campaigns") / "c.jsonl",
        [
            {
                "campaign_id": "c1",
                "workspace_id": "w1",
                "name": name,
                "channel": "sms",
                "status": "active",
                "updated_at": "2024-03-10T08:00:00Z",
            }
        ],
    )
    _ingest(conn, tmp_path, "campaigns")
    assert conn.execute("select name from raw.campaigns").fetchone() == (name,)
    assert conn.execute("select count(*) from raw.sends").fetchone() == (0,)


def test_a_line_of_any_length_is_judged_alone_and_costs_no_other_line(conn, tmp_path: Path) -> None:
    """A 20 MB line is ten times DuckDB's default line limit; plain and gzipped alike."""
    giant_valid = _send("giant", provider="x" * 20_000_000)
    giant_broken = '{"message_id": "' + "y" * 3_000_000
    rows = [_send("m1"), giant_valid, giant_broken, _send("m2")]
    _write_jsonl(_day_dir(tmp_path) / "a.jsonl", rows)
    _write_jsonl(_day_dir(tmp_path) / "b.jsonl.gz", rows)

    result = _ingest(conn, tmp_path)

    assert (result.rows_read, result.rows_loaded, result.unreadable_files) == (8, 6, 0)
    loaded = conn.execute(
        "select _source_file, _source_row, message_id, length(provider) from raw.sends order by all"
    ).fetchall()
    assert [r[1:] for r in loaded] == [
        (1, "m1", None),
        (2, "giant", 20_000_000),
        (4, "m2", None),
    ] * 2
    assert [r[1:] for r in _quarantine(conn)] == [(3, "not_json"), (3, "not_json")]


def test_line_numbers_hold_across_crlf_blank_and_non_utf8_lines(conn, tmp_path: Path) -> None:
    day = _day_dir(tmp_path)
    day.mkdir(parents=True)
    line = lambda m: json.dumps(_send(m)).encode()  # noqa: E731
    (day / "a.jsonl").write_bytes(
        line("m1")
        + b"\r\n"
        + b"\n"
        + b'{"message_id": "\xff"}\n'
        + line("m4")
        + b"\n"
        + b'{"control": "a\x1fb"}\n'
        + line("m6")
    )

    _ingest(conn, tmp_path)

    loaded = conn.execute("select _source_row, message_id from raw.sends order by 1").fetchall()
    assert loaded == [(1, "m1"), (4, "m4"), (6, "m6")]
    assert [r[1:] for r in _quarantine(conn)] == [
        (3, "not_json: invalid encoding"),
        (5, "not_json"),  # raw control characters are not JSON
    ]
    raw = conn.execute("select raw_text from raw.quarantine where source_row = 5").fetchone()
    assert raw == ('{"control": "a\x1fb"}',)  # whole, control character and all


def test_a_csv_row_after_an_unparseable_one_keeps_its_own_number(conn, tmp_path: Path) -> None:
    (_day_dir(tmp_path)).mkdir(parents=True)
    (_day_dir(tmp_path) / "a.csv").write_text(
        "message_id,execution_id,campaign_id,contact_id,channel,attempted_at,outcome,"
        "provider_message_id\n"
        "m1,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p1\n"
        "m2,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p2,surplus\n"
        "m3,e1,c1,k1,sms,2024-03-10 09:00:00,accepted,p3\n"
    )
    _ingest(conn, tmp_path)
    loaded = conn.execute("select _source_row, message_id from raw.sends order by 1").fetchall()
    assert loaded == [(2, "m1"), (4, "m3")]


def test_file_names_are_read_literally_never_as_patterns(conn, tmp_path: Path) -> None:
    """A landing root with `=` in it is not read as Hive partitions either."""
    landing = tmp_path / "env=prod"
    day = _day_dir(landing)
    _write_jsonl(day / "*.jsonl", [_send("star")])
    _write_jsonl(day / "[ab].jsonl", [_send("bracket")])
    _write_jsonl(day / "a.jsonl", [_send(f"a{n}") for n in range(20)])
    _write_jsonl(day / "b.jsonl", [_send(f"b{n}") for n in range(20)])

    result = _ingest(conn, landing)

    assert (result.files, result.rows_loaded) == (4, 42)
    counts = conn.execute(
        "select _source_file, count(*) from raw.sends group by all order by all"
    ).fetchall()
    assert counts == [
        ("sends/2024-03-10/*.jsonl", 1),
        ("sends/2024-03-10/[ab].jsonl", 1),
        ("sends/2024-03-10/a.jsonl", 20),
        ("sends/2024-03-10/b.jsonl", 20),
    ]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"segments": 2.5}, "invalid_type:segments"),
        ({"segments": "2.0"}, "invalid_type:segments"),
        ({"segments": 1e3}, "invalid_type:segments"),
        ({"segments": 0}, "out_of_range:segments (less than 1)"),
        ({"segments": -3}, "out_of_range:segments (less than 1)"),
        (
            {"channel": "mms", "segments": 1},
            "not_applicable:segments (set only when channel is sms)",
        ),
        ({"segments": 3}, None),
        ({"segments": " 3"}, None),
        ({"channel": "mms"}, None),
    ],
)
def test_integers_are_exact_and_within_the_contract(
    conn, tmp_path: Path, overrides: dict[str, object], reason: str | None
) -> None:
    _write_jsonl(_day_dir(tmp_path) / "a.jsonl", [_send("m1", **overrides)])
    _ingest(conn, tmp_path)
    assert [r[2] for r in _quarantine(conn)] == ([reason] if reason else [])


@pytest.mark.parametrize(
    ("revenue", "stored"),
    [("12.5", "12.5000"), (12.3456, "12.3456"), ("1e2", "100.0000"), ("12.34567", None)],
)
def test_a_decimal_is_never_rounded(conn, tmp_path: Path, revenue: object, stored) -> None:
    row = {
        "conversion_id": "v1",
        "workspace_id": "w1",
        "contact_id": "k1",
        "event_name": "purchase",
        "occurred_at": "2024-03-10T09:00:00Z",
        "revenue": revenue,
        "currency": "EUR",
    }
    _write_jsonl(_day_dir(tmp_path, "conversions") / "a.jsonl", [row])
    _ingest(conn, tmp_path, "conversions")
    values = conn.execute("select cast(revenue as varchar) from raw.conversions").fetchall()
    if stored is None:
        assert values == []
        assert [r[2] for r in _quarantine(conn)] == ["invalid_type:revenue"]
    else:
        assert values == [(stored,)]


def test_a_truncated_gzip_counts_at_least_the_lines_it_held(conn, tmp_path: Path) -> None:
    day = _day_dir(tmp_path)
    _write_jsonl(day / "good.jsonl.gz", [_send(f"g{n}") for n in range(100)])
    full = gzip.compress(
        ("\n".join(json.dumps(_send(f"t{n}")) for n in range(2000)) + "\n").encode()
    )
    (day / "truncated.jsonl.gz").write_bytes(full[: len(full) // 2])

    result = _ingest(conn, tmp_path)

    assert (result.rows_loaded, result.unreadable_files) == (100, 1)
    assert 900 <= result.rows_estimated_unreadable < 2000
    assert conn.execute(
        "select reason from raw.quarantine where source_file like '%truncated%'"
    ).fetchall() == [("unreadable_file: jsonl.gz: the gzip stream is truncated or corrupt",)]


def test_an_unreadable_file_is_estimated_from_its_size_against_the_days_other_files(
    conn, tmp_path: Path
) -> None:
    day = _day_dir(tmp_path)
    _write_jsonl(day / "good.jsonl", [_send(f"g{n}") for n in range(100)])
    good_bytes = (day / "good.jsonl").stat().st_size
    # Three times the size of the good file, but not gzip at all.
    (day / "broken.jsonl.gz").write_bytes(b"x" * good_bytes * 3)
    (day / "notes.txt").write_text("not data")

    result = _ingest(conn, tmp_path)

    estimates = dict(
        conn.execute(
            "select source_file, rows_estimated from raw.landed_files where is_unreadable"
        ).fetchall()
    )
    assert estimates == {"sends/2024-03-10/broken.jsonl.gz": 300, "sends/2024-03-10/notes.txt": 1}
    assert result.rows_estimated_unreadable == 301


def test_a_file_outside_the_landing_root_is_refused_with_a_record(conn, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    outside = tmp_path / "elsewhere.jsonl"
    _write_jsonl(outside, [_send("secret")])
    _write_jsonl(_day_dir(landing) / "a.jsonl", [_send("m1")])
    os.symlink(outside, _day_dir(landing) / "b.jsonl")

    result = _ingest(conn, landing)

    assert (result.rows_loaded, result.unreadable_files) == (1, 1)
    assert conn.execute("select reason_code, reason from raw.quarantine").fetchall() == [
        ("refused_file", "refused_file: a link to a file outside the landing root")
    ]


def test_a_day_that_held_rows_and_is_now_empty_is_found(conn, tmp_path: Path) -> None:
    _write_jsonl(_day_dir(tmp_path) / "a.jsonl", [_send("m1")])
    _ingest(conn, tmp_path)
    other = date(2024, 3, 11)

    assert emptied_days(conn.raw, "sends", {DAY: [], other: []}) == [DAY]
    assert emptied_days(conn.raw, "sends", {DAY: ["a file"]}) == []
    assert emptied_days(conn.raw, "engagements", {DAY: []}) == []
