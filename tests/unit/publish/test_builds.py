from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from orchestration.publish.builds import TableDoc, publish_marts
from orchestration.shared.duckdb_settings import DuckDBSettings
from orchestration.shared.errors import PipelineError

# Stands for a BI tool: opens the serving file read-only, reads, waits, reads again.
READER = textwrap.dedent(
    """
    import sys
    import duckdb

    connection = duckdb.connect(sys.argv[1], read_only=True)
    query = "select count(*), max(label) from marts.mart_a"
    print(*connection.execute(query).fetchone(), flush=True)
    sys.stdin.readline()
    print(*connection.execute(query).fetchone(), flush=True)
    """
)


def _working_db(path: Path, rows_in_a: int, label: str) -> Path:
    """A scratch working database: two marts, a mart view, and tables not to publish."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists marts")
        connection.execute("create schema if not exists staging")
        connection.execute(
            "create or replace table marts.mart_a as "
            "select range as id, ? as label, range * 0.5 as rate from range(?)",
            [label, rows_in_a],
        )
        connection.execute(
            'create or replace table marts."mart_b\'s" as '
            "select 'c' || range as campaign_id, range::bigint as contacts from range(3)"
        )
        connection.execute(
            "create or replace view marts.mart_view as select id * 2 as id from marts.mart_a"
        )
        connection.execute("create or replace table marts.fct_other as select 1 as x")
        connection.execute("create or replace table marts.martx as select 1 as x")
        connection.execute("create or replace table staging.mart_elsewhere as select 1 as x")
    return path


def _rows(connection: duckdb.DuckDBPyConnection, relation: str, *params: object) -> list[tuple]:
    return sorted(connection.execute(f"select * from {relation}", list(params)).fetchall())


def _leftovers(warehouse: Path) -> list[Path]:
    """Temporary files, and builds that neither `current` nor `previous` names."""
    builds = warehouse / "published" / "builds"
    named = {
        (warehouse / "published" / link).resolve()
        for link in ("current", "previous")
        if (warehouse / "published" / link).is_symlink()
    }
    return [p for p in warehouse.rglob("*") if p.name.endswith((".tmp", ".wal", ".link"))] + [
        p for p in (builds.iterdir() if builds.is_dir() else []) if p.resolve() not in named
    ]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse"


def test_publishes_every_mart_to_serving_and_parquet(tmp_path: Path, warehouse: Path) -> None:
    working = _working_db(tmp_path / "working.duckdb", 5, "v1")

    published = publish_marts(
        working, warehouse, settings=DuckDBSettings("1GB", 2, warehouse / "tmp")
    )

    assert published == ["mart_a", "mart_b's", "mart_view"]
    with (
        duckdb.connect(str(working), read_only=True) as source,
        duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as serving,
    ):
        tables = serving.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "order by table_name"
        ).fetchall()
        assert tables == [("marts", name, "BASE TABLE") for name in published]
        for mart in published:
            relation = 'marts."' + mart.replace('"', '""') + '"'
            expected = _rows(source, relation)
            assert _rows(serving, relation) == expected, mart
            parquet = warehouse / "parquet" / f"{mart}.parquet"
            assert _rows(source, "read_parquet(?)", str(parquet)) == expected
        serving_types = serving.execute("describe marts.mart_a").fetchall()
        assert serving_types == source.execute("describe marts.mart_a").fetchall()
    assert sorted(p.name for p in (warehouse / "parquet").iterdir()) == [
        f"{mart}.parquet" for mart in published
    ]
    assert _leftovers(warehouse) == []


def test_reader_of_the_old_serving_db_keeps_it_while_a_new_one_replaces_it(
    tmp_path: Path, warehouse: Path
) -> None:
    working = tmp_path / "working.duckdb"
    publish_marts(_working_db(working, 3, "old"), warehouse)
    serving = warehouse / "serving.duckdb"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(serving)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        assert reader.stdout.readline().split() == ["3", "old"]

        # The reader holds the file open; publishing must neither wait for nor disturb it.
        publish_marts(_working_db(working, 7, "new"), warehouse)
        with duckdb.connect(str(serving), read_only=True) as fresh:
            query = "select count(*), max(label) from marts.mart_a"
            assert fresh.execute(query).fetchone() == (7, "new")

        out, err = reader.communicate("\n", timeout=30)
        assert reader.returncode == 0, err
        assert out.split() == ["3", "old"]
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert _leftovers(warehouse) == []


def test_a_failed_publish_leaves_the_published_marts_and_no_temp_files(
    tmp_path: Path, warehouse: Path
) -> None:
    publish_marts(_working_db(tmp_path / "working.duckdb", 4, "kept"), warehouse)
    before = (warehouse / "serving.duckdb").read_bytes()

    with pytest.raises(PipelineError, match=r"writing serving\.duckdb failed"):
        publish_marts(tmp_path / "missing.duckdb", warehouse)

    assert (warehouse / "serving.duckdb").read_bytes() == before
    assert _leftovers(warehouse) == []


def test_no_matching_mart_publishes_nothing(tmp_path: Path, warehouse: Path) -> None:
    working = _working_db(tmp_path / "working.duckdb", 2, "x")
    publish_marts(working, warehouse)
    before = (warehouse / "serving.duckdb").read_bytes()

    with pytest.raises(PipelineError, match="nothing to publish"):
        publish_marts(working, warehouse, prefix="dim_")

    assert (warehouse / "serving.duckdb").read_bytes() == before
    assert _leftovers(warehouse) == []


def test_duckdb_spills_to_the_temp_directory_given(tmp_path: Path, warehouse: Path) -> None:
    spill = tmp_path / "spill"
    publish_marts(
        _working_db(tmp_path / "working.duckdb", 2, "x"),
        warehouse,
        settings=DuckDBSettings("256MB", 1, spill),
    )
    assert spill.is_dir()
    assert not (warehouse / "tmp").exists()


def _parquet_bytes(warehouse: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((warehouse / "parquet").glob("*.parquet"))}


def test_serving_and_parquet_are_one_build_swapped_by_one_link(
    tmp_path: Path, warehouse: Path
) -> None:
    working = tmp_path / "working.duckdb"
    publish_marts(_working_db(working, 3, "first"), warehouse)
    first = (warehouse / "published" / "current").resolve()
    publish_marts(_working_db(working, 5, "second"), warehouse)
    second = (warehouse / "published" / "current").resolve()

    assert first != second
    assert (warehouse / "serving.duckdb").resolve() == second / "serving.duckdb"
    assert (warehouse / "parquet").resolve() == second / "parquet"
    assert (warehouse / "published" / "previous").resolve() == first
    assert _leftovers(warehouse) == []


def test_only_the_current_and_the_previous_build_are_kept(tmp_path: Path, warehouse: Path) -> None:
    working = tmp_path / "working.duckdb"
    for label in ("a", "b", "c", "d"):
        publish_marts(_working_db(working, 2, label), warehouse)
    assert len(list((warehouse / "published" / "builds").iterdir())) == 2


def test_the_same_marts_publish_the_same_parquet_bytes_in_grain_order(
    tmp_path: Path, warehouse: Path
) -> None:
    working = tmp_path / "working.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create schema marts")
        # Inserted out of grain order, across several threads' worth of rows.
        connection.execute(
            "create table marts.mart_a as select (range * 7919) % 100003 as id, "
            "'x' || range as label from range(100003)"
        )
    publish_marts(working, warehouse, grains={"mart_a": ["id"]})
    first = _parquet_bytes(warehouse)
    publish_marts(working, warehouse, grains={"mart_a": ["id"]})

    assert _parquet_bytes(warehouse) == first
    ids = duckdb.sql(
        f"select id from read_parquet('{warehouse / 'parquet' / 'mart_a.parquet'}')"
    ).fetchall()
    assert [i for (i,) in ids] == list(range(100003))


def test_the_leftovers_of_an_interrupted_publication_are_removed(
    tmp_path: Path, warehouse: Path
) -> None:
    working = _working_db(tmp_path / "working.duckdb", 2, "x")
    publish_marts(working, warehouse)
    half_written = warehouse / "published" / "builds" / "20250101T000000-dead"
    (half_written / "parquet").mkdir(parents=True)
    (half_written / "serving.duckdb").write_bytes(b"half")
    legacy_tmp = warehouse / ".serving.duckdb.0123abcd.tmp"
    legacy_tmp.write_bytes(b"half")

    publish_marts(working, warehouse)

    assert not half_written.exists()
    assert not legacy_tmp.exists()
    assert _leftovers(warehouse) == []


def test_a_warehouse_published_as_plain_files_moves_to_builds(
    tmp_path: Path, warehouse: Path
) -> None:
    """Before builds, serving.duckdb was a file and parquet/ a folder, each renamed over."""
    working = _working_db(tmp_path / "working.duckdb", 2, "new")
    (warehouse / "parquet").mkdir(parents=True)
    (warehouse / "parquet" / "mart_a.parquet").write_bytes(b"old")
    (warehouse / "parquet" / ".mart_a.parquet.0123abcd.tmp").write_bytes(b"old")
    with duckdb.connect(str(warehouse / "serving.duckdb")) as connection:
        connection.execute("create table t as select 1 as x")

    publish_marts(working, warehouse)

    assert (warehouse / "serving.duckdb").is_symlink()
    assert (warehouse / "parquet").is_symlink()
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as serving:
        assert serving.execute("select max(label) from marts.mart_a").fetchone() == ("new",)
    publish_marts(working, warehouse)
    assert [p.name for p in (warehouse / "published").iterdir() if p.name.startswith("old-")] == []
    assert _leftovers(warehouse) == []


def test_serving_is_written_in_the_storage_format_of_duckdb_1_0(
    tmp_path: Path, warehouse: Path
) -> None:
    working = _working_db(tmp_path / "working.duckdb", 2, "v1")
    publish_marts(working, warehouse, settings=DuckDBSettings("1GB", 2, warehouse / "tmp"))

    serving = warehouse / "serving.duckdb"
    # The file header's version number: 64 is the format of DuckDB 1.0 to 1.1, which every
    # later client reads; DuckDB 2.0's default (999) opens in no 1.x client.
    header = serving.read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == 64
    with duckdb.connect(str(serving), read_only=True) as connection:
        tags = connection.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()
    assert tags == ({"storage_version": "v1.0.0+"},)


def test_documentation_becomes_table_and_column_comments(tmp_path: Path, warehouse: Path) -> None:
    working = _working_db(tmp_path / "working.duckdb", 2, "v1")
    docs = {
        "mart_a": TableDoc(
            "One row per thing, the user's view.",
            {"id": "The thing's id.", "rate": "A share; it's 0 when nothing was sent."},
        ),
        "mart_b's": TableDoc("", {"contacts": "Contacts."}),
        "mart_unpublished": TableDoc("Not in the working database.", {"x": "x"}),
    }
    publish_marts(
        working, warehouse, docs=docs, settings=DuckDBSettings("1GB", 2, warehouse / "tmp")
    )

    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as connection:
        tables = dict(
            connection.execute(
                "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
        columns = {
            (table, column): comment
            for table, column, comment in connection.execute(
                "select table_name, column_name, comment from duckdb_columns() "
                "where schema_name = 'marts'"
            ).fetchall()
        }
    assert tables == {
        "mart_a": "One row per thing, the user's view.",
        "mart_b's": None,
        "mart_view": None,
    }
    assert columns == {
        ("mart_a", "id"): "The thing's id.",
        ("mart_a", "label"): None,
        ("mart_a", "rate"): "A share; it's 0 when nothing was sent.",
        ("mart_b's", "campaign_id"): None,
        ("mart_b's", "contacts"): "Contacts.",
        ("mart_view", "id"): None,
    }


def test_a_mart_under_half_its_published_rows_is_refused_unless_allowed(
    tmp_path: Path, warehouse: Path
) -> None:
    settings = DuckDBSettings("1GB", 2, warehouse / "tmp")
    publish_marts(_working_db(tmp_path / "v1.duckdb", 10, "v1"), warehouse, settings=settings)
    before = _parquet_bytes(warehouse)

    with pytest.raises(PipelineError) as refused:
        publish_marts(_working_db(tmp_path / "v2.duckdb", 4, "v2"), warehouse, settings=settings)

    assert str(refused.value) == (
        "under half the published rows: mart_a would go from 10 rows to 4; mart_view would go "
        "from 10 rows to 4; if that is right (a correction that removes data), rerun with "
        "--allow-shrink"
    )
    assert _parquet_bytes(warehouse) == before
    assert _leftovers(warehouse) == []

    # Half is not under half; and a confirmed shrink publishes.
    publish_marts(_working_db(tmp_path / "v3.duckdb", 5, "v3"), warehouse, settings=settings)
    publish_marts(
        _working_db(tmp_path / "v4.duckdb", 1, "v4"),
        warehouse,
        settings=settings,
        allow_shrink=True,
    )
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as serving:
        assert serving.execute("select count(*), max(label) from marts.mart_a").fetchone() == (
            1,
            "v4",
        )
