"""Publish the marts as one set: `serving.duckdb` and the Parquet files of one build, swapped in
by one atomic rename.

    <warehouse>/serving.duckdb  -> published/current/serving.duckdb
    <warehouse>/parquet         -> published/current/parquet
    <warehouse>/published/current  -> builds/<build>     (the one link a publication swaps)
    <warehouse>/published/previous -> builds/<build>     (the build before, kept for readers)
    <warehouse>/published/builds/<build>/serving.duckdb, parquet/<mart>.parquet

A build is written whole under its own folder, flushed to disk, and then `current` is pointed
at it by renaming a new link over the old one. A rename within a file system is atomic, so a
reader resolves either the old build or the new one, for the database and the Parquet files
alike, and a crash at any point leaves one of them whole. On Linux a reader that has the old
`serving.duckdb` open keeps its file: BI tools are never locked out and see the new marts on
their next connection. Builds other than `current` and `previous` (those of an interrupted
publication included) are deleted by the next publication.

Rows are written in the order of each mart's grain, so identical marts give identical bytes.
The serving file is written in DuckDB's storage format of v1.0.0, which every client from 1.0
on opens (BI tools and drivers ship 1.1 to 1.5 today; 2.0's own format opens only in 2.0), and
each table and column carries its dbt description as a comment, for the catalogue of a BI tool.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from contract.sources import quote_ident
from orchestration import paths
from orchestration.shared.duckdb_settings import DuckDBSettings, connect, resolve_settings
from orchestration.shared.errors import PipelineError, explain
from orchestration.shared.failpoints import failpoint

SERVING_SCHEMA = "marts"
_WORKING_ALIAS = "working"
_SERVING_FILE = "serving.duckdb"
_PARQUET_FOLDER = "parquet"
# The oldest storage format DuckDB 2.0 writes: clients 1.0 and later read it. Writing 2.0's
# own format made the file unreadable to every 1.x client ("version number 999").
SERVING_STORAGE_VERSION = "v1.0.0"


@dataclass(frozen=True)
class TableDoc:
    """What a mart's documentation says: of the table, and of each column by name."""

    description: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)


def publish_marts(
    working_db: Path,
    warehouse: Path,
    schema: str = "marts",
    prefix: str = "mart_",
    *,
    grains: Mapping[str, Sequence[str]] | None = None,
    docs: Mapping[str, TableDoc] | None = None,
    settings: DuckDBSettings | None = None,
    allow_shrink: bool = False,
) -> list[str]:
    """Copy every `<schema>.<prefix>*` table of `working_db` into a new build and publish it.

    `grains` gives the columns that identify a row of each mart, which order its rows (a
    mart without one is ordered by all its columns); `docs` the comments of its table and
    columns (what is not documented gets no comment). Returns the published marts' names,
    sorted. The working database is only read. Raises `PipelineError`, leaving the published
    build as it was, when any step fails or no mart matches, and, unless `allow_shrink`, when
    a mart would hold under half the rows of the published build (a landing zone that lost
    most of its files must not wipe what readers see).
    """
    published = paths.published_dir(warehouse)
    builds = published / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    settings = settings or resolve_settings(paths.spill_dir(warehouse))
    remove_unpublished_builds(warehouse)

    build = builds / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    (build / _PARQUET_FOLDER).mkdir(parents=True)
    try:
        marts = _write_build(
            build, working_db, schema, prefix, grains or {}, docs or {}, settings, warehouse
        )
        if not allow_shrink:
            _refuse_a_shrink(published / "current" / _SERVING_FILE, build / _SERVING_FILE)
        failpoint("publish.before_swap")
        _swap_current(published, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    _link_stable_names(warehouse)
    failpoint("publish.after_swap")
    remove_unpublished_builds(warehouse)
    return marts


def _write_build(
    build: Path,
    working_db: Path,
    schema: str,
    prefix: str,
    grains: Mapping[str, Sequence[str]],
    docs: Mapping[str, TableDoc],
    settings: DuckDBSettings,
    warehouse: Path,
) -> list[str]:
    serving = build / _SERVING_FILE
    # Where a full disk would be: the warehouse's, or the spill folder's if that has its own.
    written = (warehouse, settings.temp_directory)
    try:
        connection = connect(
            settings,
            str(serving),
            extra_config={"storage_compatibility_version": SERVING_STORAGE_VERSION},
        )
        try:
            failpoint("publish.write_serving")
            marts = _copy_marts(connection, working_db, schema, prefix, grains)
            _comment_marts(connection, marts, docs)
        finally:
            # Closing checkpoints the write-ahead log into the file, so the file is whole.
            connection.close()
        _fsync(serving)
    except PipelineError:
        raise
    except Exception as exc:
        raise PipelineError(explain(exc, f"writing {_SERVING_FILE}", written)) from exc
    try:
        with connect(settings, str(serving), read_only=True) as connection:
            for mart in marts:
                target = build / _PARQUET_FOLDER / f"{mart}.parquet"
                connection.execute(
                    f"copy {SERVING_SCHEMA}.{quote_ident(mart)} to ? (format parquet)",
                    [str(target)],
                )
                _fsync(target)
        _fsync(build / _PARQUET_FOLDER)
        _fsync(build)
    except Exception as exc:
        raise PipelineError(explain(exc, "writing the Parquet files", written)) from exc
    return marts


def _refuse_a_shrink(current: Path, new: Path) -> None:
    """Raise when a mart of the `new` serving file holds under half the rows it holds in the
    `current` one (a mart only one of them has is no shrink)."""
    if not current.exists():
        return
    with duckdb.connect() as connection:
        connection.execute("attach ? as published (read_only)", [str(current)])
        connection.execute("attach ? as candidate (read_only)", [str(new)])
        before, after = (
            {
                mart: _row_count(connection, database, mart)
                for (mart,) in connection.execute(
                    "select table_name from duckdb_tables() "
                    "where database_name = ? and schema_name = ?",
                    [database, SERVING_SCHEMA],
                ).fetchall()
            }
            for database in ("published", "candidate")
        )
    shrunk = [
        f"{mart} would go from {before[mart]:,} rows to {rows:,}"
        for mart, rows in sorted(after.items())
        if mart in before and rows * 2 < before[mart]
    ]
    if shrunk:
        raise PipelineError(
            f"under half the published rows: {'; '.join(shrunk)}; if that is right "
            "(a correction that removes data), rerun with --allow-shrink"
        )


def _row_count(connection: duckdb.DuckDBPyConnection, database: str, mart: str) -> int:
    relation = ".".join(quote_ident(part) for part in (database, SERVING_SCHEMA, mart))
    row = connection.execute(f"select count(*) from {relation}").fetchone()
    return int(row[0]) if row else 0


def _copy_marts(
    connection: duckdb.DuckDBPyConnection,
    working_db: Path,
    schema: str,
    prefix: str,
    grains: Mapping[str, Sequence[str]],
) -> list[str]:
    """Create schema `marts` in the connection's database with a copy of each mart."""
    connection.execute(f"attach ? as {quote_ident(_WORKING_ALIAS)} (read_only)", [str(working_db)])
    rows = connection.execute(
        """
        select table_name, list(column_name order by ordinal_position)
        from information_schema.columns
        where table_catalog = ? and table_schema = ? and starts_with(table_name, ?)
        group by table_name
        order by table_name
        """,
        [_WORKING_ALIAS, schema, prefix],
    ).fetchall()
    if not rows:
        # Publishing nothing would wipe what readers see; a wrong schema or prefix must not.
        raise PipelineError(f"no table {schema}.{prefix}* in {working_db}: nothing to publish")
    source = f"{quote_ident(_WORKING_ALIAS)}.{quote_ident(schema)}"
    connection.execute(f"create schema {SERVING_SCHEMA}")
    for mart, columns in rows:
        # The grain first, then every other column: a total order even if a grain repeats.
        grain = [c for c in grains.get(mart, ()) if c in columns]
        order = ", ".join(quote_ident(c) for c in [*grain, *(c for c in columns if c not in grain)])
        # A mart that dbt built as a view is published as a table all the same: readers
        # of the serving file cannot resolve the working database's objects.
        connection.execute(
            f"create table {SERVING_SCHEMA}.{quote_ident(mart)} as "
            f"select * from {source}.{quote_ident(mart)} order by {order}"
        )
    connection.execute(f"detach {quote_ident(_WORKING_ALIAS)}")
    return [mart for mart, _ in rows]


def _comment_marts(
    connection: duckdb.DuckDBPyConnection, marts: Sequence[str], docs: Mapping[str, TableDoc]
) -> None:
    """Give each published table and column its documentation as a comment.

    `comment on` takes no bind parameter, so the text goes in as a quoted literal; it comes
    from the project's own dbt yml, never from a data file.
    """
    for mart in marts:
        doc = docs.get(mart)
        if doc is None:
            continue
        table = f"{SERVING_SCHEMA}.{quote_ident(mart)}"
        if doc.description:
            connection.execute(f"comment on table {table} is {quote_literal(doc.description)}")
        columns = {
            name
            for (name,) in connection.execute(
                "select column_name from duckdb_columns() "
                "where database_name = current_database() and schema_name = ? and table_name = ?",
                [SERVING_SCHEMA, mart],
            ).fetchall()
        }
        for column, text in doc.columns.items():
            if column in columns and text:
                connection.execute(
                    f"comment on column {table}.{quote_ident(column)} is {quote_literal(text)}"
                )


def quote_literal(text: str) -> str:
    """A SQL string literal of `text`."""
    return "'" + text.replace("'", "''") + "'"


def _swap_current(published: Path, build: Path) -> None:
    """Point `current` at `build` (and `previous` at the build it replaces), atomically."""
    current = published / "current"
    target = Path("builds") / build.name
    old = _link_target(current)
    if old is not None and old != target:
        _replace_with_link(published / "previous", old, published)
    _replace_with_link(current, target, published)


def _link_stable_names(warehouse: Path) -> None:
    """Make `serving.duckdb` and `parquet` links into `published/current` (once per warehouse).

    A warehouse from before builds, or copied with its links followed, holds a file and a
    folder there: the file is replaced by a link atomically; the folder is set aside first.
    """
    published = paths.published_dir(warehouse).relative_to(warehouse)
    for name in (_SERVING_FILE, _PARQUET_FOLDER):
        link = warehouse / name
        target = published / "current" / name
        if _link_target(link) != target:
            _replace_with_link(link, target, paths.published_dir(warehouse))


def remove_unpublished_builds(warehouse: Path) -> list[Path]:
    """Delete every build that neither `current` nor `previous` names, and the leftovers of
    older publications (`.tmp` files, set-aside folders). Returns what was removed."""
    published = paths.published_dir(warehouse)
    keep = {
        name
        for link in ("current", "previous")
        if (target := _link_target(published / link)) is not None
        for name in [target.name]
    }
    removed: list[Path] = []
    builds = published / "builds"
    candidates = list(builds.iterdir()) if builds.is_dir() else []
    candidates += list(published.glob("old-*")) if published.is_dir() else []
    candidates += list(warehouse.glob(f".{_SERVING_FILE}.*.tmp*"))
    legacy_parquet = warehouse / _PARQUET_FOLDER
    if legacy_parquet.is_dir():
        candidates += list(legacy_parquet.glob(".*.parquet.*.tmp"))
    for path in candidates:
        if path.parent == builds and path.name in keep:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        removed.append(path)
    return removed


def _link_target(link: Path) -> Path | None:
    try:
        return Path(os.readlink(link))
    except OSError:
        return None


def _replace_with_link(link: Path, target: Path, aside: Path) -> None:
    """Make `link` a symbolic link to `target` by an atomic rename of a new link over it.

    A folder in its place (a warehouse from before builds, or copied with its links
    followed) cannot be renamed over: it is moved into `aside` first, for the next clean-up.
    """
    if link.is_dir() and not link.is_symlink():
        link.rename(aside / f"old-{link.name}-{uuid.uuid4().hex[:8]}")
    temporary = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.link")
    os.symlink(target, temporary)
    try:
        os.replace(temporary, link)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    _fsync(link.parent)


def _fsync(path: Path) -> None:
    """Flush a file or directory to disk, so a crash cannot leave a renamed empty file."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
