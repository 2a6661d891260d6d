"""The generated landing zone is pinned byte for byte: any change of output fails here.

The digest was computed with the generator as it was before it moved into its own package,
so refactorings prove they keep every file identical. A change of output that is meant
(a new kind of mess, another format) updates the digest in the same commit, saying why.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from landing_simulator import MALFORMED_MARKER, generate_landing

# Three days across a month's end, busy enough for malformed rows in the large sources.
_START = date(2025, 2, 27)
_DAYS = 3
_SENDS_PER_DAY = 1500
_SEED = 5
_DIGEST = "2194a972cc99acda7bcd30f6f2e20573132817885cba7e8e1b55ad8da10fd5a8"
_COUNTS = {
    "workspaces": 6,
    "contacts": 1516,
    "senders": 33,
    "campaigns": 42,
    "campaign_steps": 124,
    "executions": 13205,
    "sends": 3965,
    "delivery_reports": 5060,
    "engagements": 630,
    "conversions": 76,
}


def _digest(landing: Path) -> str:
    """sha256 over every file: its relative path, its length and its bytes, in path order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(path.relative_to(landing).as_posix().encode() + b"\0")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def test_a_small_landing_zone_is_byte_for_byte_the_pinned_one(tmp_path: Path) -> None:
    counts = generate_landing(tmp_path, _START, _DAYS, sends_per_day=_SENDS_PER_DAY, seed=_SEED)
    assert counts == _COUNTS
    # The pinned zone must hold the injected damage too, or the digest would not cover it.
    assert any(MALFORMED_MARKER in p.read_text() for p in tmp_path.glob("*/*/*.jsonl"))
    assert _digest(tmp_path) == _DIGEST
