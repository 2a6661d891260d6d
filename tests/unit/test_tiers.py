"""The root conftest's hand-kept list of the longest modules names modules that exist."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import LONGEST_FIRST, TIERS

TESTS = Path(__file__).resolve().parents[1]


def test_every_module_listed_as_longest_exists_in_a_tier() -> None:
    for module in LONGEST_FIRST:
        assert (TESTS / module).is_file(), module
        assert module.split("/")[0] in TIERS, module
