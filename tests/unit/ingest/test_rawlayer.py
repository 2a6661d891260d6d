"""The raw layer: a partition is swapped in whole, and whatever a crash leaves is undone."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import rawlayer
from orchestration.ingest.rawlayer import (
    create_raw_views,
    ingested_dates,
    latest_arrival_date,
    new_staging_dir,
    partition_dir,
    recover,
    restore_set_aside,
    swap_in,
)

DAY = date(2025, 3, 1)


def _partition(raw: Path, content: str) -> Path:
    staged = new_staging_dir(raw, "sends", DAY)
    (staged / "rows.parquet").write_text(content)
    return staged


def test_a_partition_is_swapped_in_whole_and_the_old_one_removed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    swap_in(_partition(raw, "first"), partition_dir(raw, "sends", DAY))
    swap_in(_partition(raw, "second"), partition_dir(raw, "sends", DAY))

    assert (partition_dir(raw, "sends", DAY) / "rows.parquet").read_text() == "second"
    assert list((raw / "_staging").iterdir()) == []
    assert ingested_dates(raw, "sends") == [DAY]
    assert latest_arrival_date(raw) == DAY


def test_without_an_atomic_exchange_a_crash_between_renames_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    swap_in(_partition(raw, "old"), partition_dir(raw, "sends", DAY))
    monkeypatch.setattr(rawlayer, "_exchange", lambda first, second: False)
    renames = []
    real_rename = os.rename

    def rename_then_crash(source: object, target: object) -> None:
        renames.append(target)
        if len(renames) == 2:
            raise SystemExit("killed between the two renames")
        real_rename(source, target)

    monkeypatch.setattr(rawlayer.os, "rename", rename_then_crash)
    with pytest.raises(SystemExit):
        swap_in(_partition(raw, "new"), partition_dir(raw, "sends", DAY))
    monkeypatch.undo()
    assert not partition_dir(raw, "sends", DAY).exists()

    recover(raw)

    assert (partition_dir(raw, "sends", DAY) / "rows.parquet").read_text() == "old"
    assert not (raw / "_staging").exists()


def test_a_source_recovers_only_its_own_partitions_and_staging(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for source in ("sends", "contacts"):
        final = partition_dir(raw, source, DAY)
        final.mkdir(parents=True)
        final.rename(final.with_name(final.name + ".aside"))
    other_staging = new_staging_dir(raw, "contacts", DAY)
    own_staging = new_staging_dir(raw, "sends", DAY)

    recover(raw, "sends")

    assert partition_dir(raw, "sends", DAY).is_dir()
    assert not own_staging.exists()
    assert not partition_dir(raw, "contacts", DAY).exists()
    assert other_staging.is_dir()  # another source's ingest may be writing it


def test_a_reader_puts_back_what_was_set_aside_and_leaves_the_staging(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    final = partition_dir(raw, "sends", DAY)
    final.mkdir(parents=True)
    final.rename(final.with_name(final.name + ".aside"))
    staging = new_staging_dir(raw, "contacts", DAY)  # a writer's, not the reader's to delete

    restore_set_aside(raw)

    assert final.is_dir()
    assert staging.is_dir()


def test_views_over_an_empty_raw_layer_are_empty_and_typed(tmp_path: Path) -> None:
    with duckdb.connect() as conn:
        create_raw_views(conn, tmp_path / "raw")
        assert conn.execute("select count(*) from raw.sends").fetchone() == (0,)
        types = dict(conn.execute("describe raw.landed_files").fetchall()[i][:2] for i in range(3))
    assert types == {"source": "VARCHAR", "arrival_date": "DATE", "source_file": "VARCHAR"}
