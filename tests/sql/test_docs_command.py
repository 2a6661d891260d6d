"""`campaign-warehouse docs` builds dbt's static docs site of a warehouse, here one whose raw
layer holds an empty day of every source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.sql.dbt import write_empty_raw_layer


def test_docs_generates_a_static_site_with_the_marts(tmp_path: Path) -> None:
    write_empty_raw_layer(tmp_path / "raw", tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CW_", "DAGSTER_"))}

    result = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "docs", "--warehouse", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    site = (tmp_path / "docs" / "static_index.html").read_text()
    assert "mart_campaign_summary" in site
    assert "as of 2025-01-02" in result.stdout
