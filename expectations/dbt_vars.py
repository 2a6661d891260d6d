"""The dbt project's vars, read where dbt reads them: `dbt_project.yml`.

A value the models and the checks must agree on (the delivery window, the period metrics)
has its one owner there; the checks read it instead of restating it.

The checks sit below the pipeline and import nothing of it, so the dbt project's folder is
located here, in the repository or in the installed wheel, and `orchestration.paths` takes it
from here: one owner.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

# Where this package sits: the repository's root in a checkout or an editable install,
# site-packages in an installed wheel.
_BESIDE = Path(__file__).resolve().parent.parent
# The installed wheel's copy of the dbt project, seeds and workspace (build_backend/).
PACKAGED_FILES_DIR = _BESIDE / "campaign_warehouse_files"
# The folder holding dbt_project/, seeds/ and workspace.yaml: the repository's own when there
# is one beside this package, else the wheel's copy.
PROJECT_FILES_DIR = (
    _BESIDE if (_BESIDE / "dbt_project" / "dbt_project.yml").is_file() else PACKAGED_FILES_DIR
)
# An installed project is never written to (it may be read-only): its manifest is parsed
# when the wheel is built, and every run writes under its warehouse folder.
IS_PACKAGED = PROJECT_FILES_DIR == PACKAGED_FILES_DIR
DBT_PROJECT_DIR = PROJECT_FILES_DIR / "dbt_project"


@functools.cache
def _project_vars() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(project["vars"])


def dbt_var(name: str) -> Any:
    """The var `name` as dbt_project.yml sets it; a KeyError names a var it does not set."""
    return _project_vars()[name]


def campaign_period_metrics() -> tuple[str, ...]:
    """The counts the period marts sum per period, in their column order (dbt var
    `campaign_period_metrics`, which the models' macro campaign_period_metrics() returns)."""
    value = dbt_var("campaign_period_metrics")
    if not isinstance(value, list) or not value or not all(isinstance(m, str) for m in value):
        raise ValueError(f"dbt var campaign_period_metrics must be a list of names, not {value!r}")
    return tuple(value)
