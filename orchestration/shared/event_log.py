"""Dagster's SQLite event log, keeping one engine per database file instead of one per event.

For every event it stores, Dagster's `SqliteEventLogStorage` builds a SQLAlchemy engine, opens
a connection, commits, and disposes of both. The last close of a file in WAL mode also
checkpoints it. A one-day night stores about 700 events (most of them asset checks), and that
was 10 of its 56 s.

This subclass keeps an open engine per shard (the run's file and the cross-run index) for the
life of the process, and commits without waiting for the disk (`synchronous = normal`). The
files stay in WAL mode, so a killed process loses nothing it committed; only a power cut can
lose the last events, which a run history can afford.

File layout, schema, migrations and the UI's reads are all Dagster's. A home written by this
class is read by the plain class, and the other way round. `dagster dev` and the daemon, which
read `dagster.yaml`, use the plain class unless that file names this one (docs/operations.md).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as db
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData

# Engines kept open: the index shard and the few runs one process writes. A process that reads
# many runs' files (housekeeping deleting old runs) closes the least recently used engine.
_ENGINES_KEPT = 8
# The keys of a `dagster.yaml` that choose the storage: a home that sets any of them keeps its
# own choice.
_STORAGE_KEYS = ("storage", "run_storage", "event_log_storage", "schedule_storage")


def _commit_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("pragma synchronous = normal")
    cursor.close()


class KeptEngineSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage`, configured the same way (`base_dir`), that keeps its engines."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> KeptEngineSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> db.engine.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            # SQLAlchemy's default pool for a SQLite file keeps the connection open between uses
            # (and lets it cross threads; `_db_lock` lets one use it at a time).
            engine = db.create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            db.event.listen(engine, "connect", _commit_without_fsync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > _ENGINES_KEPT:
            _, least_recent = self._engines.popitem(last=False)
            least_recent.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def close_shard(self, shard: str) -> None:
        """Close the engine of `shard`'s file, if one is kept (before the file is deleted)."""
        with self._db_lock:
            engine = self._engines.pop(shard, None)
            if engine is not None:
                engine.dispose()
            self._initialized_dbs.discard(shard)

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


def home_config(home: Path) -> dict[str, Any]:
    """What `home`'s `dagster.yaml` says (empty when it has none)."""
    config_file = home / "dagster.yaml"
    return (yaml.safe_load(config_file.read_text()) if config_file.exists() else None) or {}


def kept_engine_overrides(home: Path) -> dict[str, Any]:
    """The instance overrides that give `home`'s instance this event log, in Dagster's own folder
    (`history/runs/`); none when `home`'s `dagster.yaml` chooses a storage itself."""
    if any(key in home_config(home) for key in _STORAGE_KEYS):
        return {}
    return {
        "event_log_storage": {
            "module": __name__,
            "class": KeptEngineSqliteEventLogStorage.__name__,
            "config": {"base_dir": str(home / "history" / "runs")},
        }
    }
