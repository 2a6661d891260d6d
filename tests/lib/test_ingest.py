"""The ingest: every landing format read, bad rows and files quarantined, reruns idempotent."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.lib.ingest import configure, file_format, ingest_partition
from orchestration.lib.sources import SOURCES, all_raw_ddl

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


@pytest.fixture
def conn(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    configure(connection, "1GB", tmp_path / "spill")
    for statement in all_raw_ddl():
        connection.execute(statement)
    return connection


def _day_dir(landing: Path, source: str = "sends") -> Path:
    return landing / source / DAY.isoformat()


def _ingest(conn: duckdb.DuckDBPyConnection, landing: Path, source: str = "sends"):
    return ingest_partition(conn, SOURCES[source], landing, DAY)


def _quarantine(conn: duckdb.DuckDBPyConnection) -> list[tuple]:
    return conn.execute(
        "select source_file, source_row, reason from raw.quarantine order by all"
    ).fetchall()


def test_file_format_is_taken_from_the_extension() -> None:
    assert file_format(Path("a.jsonl.gz")) == "jsonl"
    assert file_format(Path("a.CSV.gz")) == "csv"
    assert file_format(Path("a.parquet")) == "parquet"
    assert file_format(Path("a.json")) == "unsupported"


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
