"""The landing zone's layout: a root that is not one is refused, what is skipped is named."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from orchestration.ingest.landing import (
    check_landing_root,
    file_format,
    is_arrival_date,
    list_landed_files,
    unrecognised_entries,
)
from orchestration.shared.errors import PipelineError

DAY = date(2025, 3, 16)


def test_a_landing_root_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="does not exist"):
        check_landing_root(tmp_path / "land_typo")


def test_a_landing_root_without_any_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "something_else").mkdir()
    with pytest.raises(PipelineError, match="holds none of the sources"):
        check_landing_root(tmp_path)


def test_a_landing_root_with_one_source_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "conversions").mkdir()
    check_landing_root(tmp_path)


def test_file_format_is_taken_from_the_extension() -> None:
    assert file_format(Path("a.jsonl.gz")) == "jsonl"
    assert file_format(Path("a.CSV.gz")) == "csv"
    assert file_format(Path("a.parquet")) == "parquet"
    assert file_format(Path("a.json")) == "unsupported"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2025-03-16", True),
        ("2025-3-16", False),
        ("2025-03-16_retry", False),
        ("latest", False),
        ("2025-02-30", False),
    ],
)
def test_only_real_dates_are_arrival_dates(name: str, expected: bool) -> None:
    assert is_arrival_date(name) is expected


def test_folders_that_are_not_arrival_dates_are_named_not_skipped_silently(
    tmp_path: Path,
) -> None:
    sends = tmp_path / "sends"
    for name in ("2025-03-16", "latest", "2025-3-16", "2025-03-16_retry", ".uploading"):
        (sends / name).mkdir(parents=True)
    (sends / "stray.jsonl").write_text("{}\n")
    (sends / "2025-03-16" / "nested").mkdir()

    skipped = unrecognised_entries(tmp_path, "sends", [DAY])

    assert skipped == [
        "sends/2025-03-16/nested",
        "sends/2025-03-16_retry",
        "sends/2025-3-16",
        "sends/latest",
        "sends/stray.jsonl",
    ]


def test_a_link_out_of_the_landing_root_is_refused_and_one_inside_is_read(
    tmp_path: Path,
) -> None:
    landing = tmp_path / "landing"
    day = landing / "sends" / DAY.isoformat()
    day.mkdir(parents=True)
    outside = tmp_path / "secret.jsonl"
    outside.write_text('{"message_id": "m1"}\n')
    inside = landing / "sends" / "kept.jsonl"
    inside.write_text('{"message_id": "m2"}\n')
    os.symlink(outside, day / "a_outside.jsonl")
    os.symlink(inside, day / "b_inside.jsonl")
    os.symlink(landing / "gone.jsonl", day / "c_dangling.jsonl")
    (day / ".partial.jsonl").write_text("{}")

    files = {
        f.relative_path.rsplit("/", 1)[-1]: f for f in list_landed_files(landing, "sends", DAY)
    }

    assert sorted(files) == ["a_outside.jsonl", "b_inside.jsonl", "c_dangling.jsonl"]
    assert files["a_outside.jsonl"].refused == "a link to a file outside the landing root"
    assert files["a_outside.jsonl"].size_bytes == outside.stat().st_size
    assert files["b_inside.jsonl"].refused is None
    assert files["c_dangling.jsonl"].refused == "a link to a file that does not exist"
