"""The published `serving.duckdb` as BI tools meet it: opened by an older DuckDB client, with
every table and column described."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests import REPOSITORY

# The oldest client the docs promise, and the oldest that BI tools and drivers still ship:
# pinned in requirements-clients.lock, which `python3 dev.py test` installs in a virtual
# environment of its own.
CLIENTS_LOCK = REPOSITORY / "requirements-clients.lock"
CLIENT_PYTHON = Path(sys.prefix) / "clients" / "duckdb" / "bin" / "python"

# Run by the old client: each mart's row count, and the comments it sees.
READ_EVERY_MART = textwrap.dedent(
    """
    import json, sys
    import duckdb

    connection = duckdb.connect(sys.argv[1], read_only=True)
    marts = [
        name for (name,) in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    print(json.dumps({
        "version": duckdb.__version__,
        "rows": {
            mart: connection.execute(f'select count(*) from marts."{mart}"').fetchone()[0]
            for mart in marts
        },
        "commented_columns": connection.execute(
            "select count(*) from duckdb_columns() "
            "where schema_name = 'marts' and comment is not null"
        ).fetchone()[0],
    }))
    """
)


def _pinned_version() -> str:
    pins = [
        line.split("==", 1)[1].strip()
        for line in CLIENTS_LOCK.read_text().splitlines()
        if line.startswith("duckdb==")
    ]
    assert len(pins) == 1, pins
    return pins[0]


@pytest.fixture(scope="module")
def oldest_client() -> Path:
    """The Python of the oldest supported DuckDB client's own environment."""
    if not CLIENT_PYTHON.exists():
        pytest.fail(f"{CLIENT_PYTHON} is missing: `python3 dev.py test` installs it")
    return CLIENT_PYTHON


def _published(published_scenario: Path) -> Path:
    return published_scenario / "warehouse" / "serving.duckdb"


def test_the_oldest_supported_client_reads_every_mart(
    published_scenario: Path, oldest_client: Path
) -> None:
    serving = _published(published_scenario)
    with duckdb.connect(str(serving), read_only=True) as connection:
        marts = connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        expected = {
            mart: connection.execute(f'select count(*) from marts."{mart}"').fetchone()[0]
            for (mart,) in marts
        }
        commented = connection.execute(
            "select count(*) from duckdb_columns() where schema_name = 'marts'"
        ).fetchone()
    assert len(expected) == 15

    result = subprocess.run(
        [oldest_client, "-c", READ_EVERY_MART, str(serving)],
        check=True,
        capture_output=True,
        text=True,
    )

    seen = json.loads(result.stdout)
    assert seen["version"] == _pinned_version()
    assert seen["rows"] == expected
    assert commented == (seen["commented_columns"],)


def test_every_published_table_and_column_carries_its_dbt_description(
    published_scenario: Path,
) -> None:
    with duckdb.connect(str(_published(published_scenario)), read_only=True) as connection:
        tables = connection.execute(
            "select table_name, comment from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
        columns = connection.execute(
            "select table_name, column_name, comment from duckdb_columns() "
            "where schema_name = 'marts'"
        ).fetchall()
        summary = connection.execute(
            "select comment from duckdb_columns() "
            "where table_name = 'mart_campaign_summary' and column_name = 'delivery_rate'"
        ).fetchone()
    assert len(tables) == 15
    assert len(columns) > 200
    assert [t for t, comment in tables if not comment] == []
    assert [(t, c) for t, c, comment in columns if not comment] == []
    # The text is dbt's, on one line.
    assert summary is not None
    assert "delivered" in summary[0] and "\n" not in summary[0]
