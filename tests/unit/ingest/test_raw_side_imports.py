"""The raw layer runs before dbt and must load without it: nothing on its side imports dbt."""

from __future__ import annotations

import json
import subprocess
import sys

from tests import REPOSITORY

_PROBE = """
import json, sys
import orchestration.ingest.assets
later = ("orchestration.transform", "orchestration.quality", "orchestration.publish")
print(json.dumps(sorted(m for m in sys.modules if m.startswith((*later, "dagster_dbt", "dbt")))))
"""


def test_importing_the_ingestion_does_not_import_dbt() -> None:
    # A fresh interpreter: this test process may have imported the dbt module already.
    result = subprocess.run(
        [sys.executable, "-c", _PROBE],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
