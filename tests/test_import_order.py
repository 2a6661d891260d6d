"""The Python modules import one way, along the data's flow: landing -> raw -> dbt -> checks ->
publish, with the wiring (definitions, schedules, CLI) on top and a few shared helpers below;
and no modules import each other in a circle.

Every module of the three packages is given its stage here, so a new module needs a decision;
an import from a module into a later stage fails, naming the edge. The imports are read from
the source (function-local ones included), so nothing is imported to check them.
"""

from __future__ import annotations

import ast
import graphlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from orchestration import paths

PACKAGES = ("orchestration", "expectations", "landing_simulator", "contract")

SHARED, LANDING, RAW, DBT, CHECKS, PUBLISH, WIRING = range(7)
STAGE_NAMES = ("shared", "landing", "raw", "dbt", "checks", "publish", "wiring")

# A package's modules not named here take the stage of their package prefix (longest wins).
STAGES: dict[str, int] = {
    # Shared helpers: paths, progress reporting, errors, DuckDB settings, locks, partitions.
    "orchestration": SHARED,
    "orchestration.paths": SHARED,
    "orchestration.shared": SHARED,
    # The landing contract as data, the landing zone's files, and the simulator writing them.
    "contract": LANDING,
    "orchestration.ingest.landing": LANDING,
    "landing_simulator": LANDING,
    # Ingest into the raw layer and the checks that guard it (quarantine share, volume).
    "orchestration.ingest": RAW,
    "orchestration.ingest.readers": RAW,
    "orchestration.ingest.rawlayer": RAW,
    "orchestration.ingest.partition": RAW,
    "orchestration.ingest.assets": RAW,
    "orchestration.ingest.checks": RAW,
    "expectations": SHARED,
    "expectations.runner": SHARED,
    "expectations.dbt_vars": SHARED,
    "expectations.thresholds": SHARED,
    "expectations.quarantine": SHARED,
    "expectations.volume": SHARED,
    # dbt: the manifest, the launcher, the asset, and what reads its results.
    "orchestration.transform": DBT,
    "orchestration.transform.launcher": DBT,
    "orchestration.transform.manifest": DBT,
    "orchestration.transform.assets": DBT,
    "orchestration.transform.models_state": DBT,
    "orchestration.transform.row_counts": DBT,
    "orchestration.transform.spark_catalog": DBT,
    # The marts' Great Expectations guards.
    "orchestration.quality": CHECKS,
    "expectations.guards": SHARED,
    "expectations.rules": SHARED,
    "expectations.registry": SHARED,
    "expectations.fct_messages": SHARED,
    "expectations.mart_": SHARED,
    # Publication and what reads the published marts.
    "orchestration.publish": PUBLISH,
    # Wiring: the definitions, jobs, schedules, sensors and the command line.
    "orchestration.definitions": WIRING,
    "orchestration.schedules": WIRING,
    "orchestration.cli": WIRING,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(paths.PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((paths.PROJECT_ROOT / package).rglob("*.py"))
    }


def imported_modules(path: Path, known: Iterable[str]) -> set[str]:
    """The project's modules that `path` imports (a `from m import x` names m.x if x is one)."""
    known = set(known)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found & known


def stage_of(module: str, stages: Mapping[str, int] = STAGES) -> int | None:
    """The stage of the longest entry naming `module`, its package, or (ending in `_`) its
    name's beginning."""
    matches = [
        name
        for name in stages
        if module == name
        or module.startswith(name + ".")
        or (name.endswith("_") and module.startswith(name))
    ]
    return stages[max(matches, key=len)] if matches else None


def backward_imports(
    graph: Mapping[str, Iterable[str]], stages: Mapping[str, int] = STAGES
) -> list[str]:
    """Each import of a later stage's module by an earlier stage's, as 'a (raw) -> b (dbt)'."""
    found = []
    for importer, imported in sorted(graph.items()):
        for module in sorted(imported):
            low, high = stage_of(importer, stages), stage_of(module, stages)
            if low is not None and high is not None and high > low:
                found.append(f"{importer} ({STAGE_NAMES[low]}) -> {module} ({STAGE_NAMES[high]})")
    return found


def test_every_module_has_a_stage() -> None:
    assert [m for m in project_modules() if stage_of(m) is None] == []


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imported_modules(path, modules) - {name} for name, path in modules.items()}


def test_no_module_imports_a_later_stage() -> None:
    graph = import_graph()
    assert sum(len(v) for v in graph.values()) > 100  # the parser sees the imports
    assert backward_imports(graph) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    # Within a stage too: a circle (e.g. definitions -> alerts -> launch -> definitions) makes
    # the import order depend on which module is imported first.
    graphlib.TopologicalSorter(import_graph()).prepare()


def test_a_circle_is_reported() -> None:
    graph = {"orchestration.cli.launch": {"orchestration.definitions"}}
    graph["orchestration.definitions"] = {"orchestration.cli.launch"}
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter(graph).prepare()


def test_a_backward_import_is_reported() -> None:
    graph = {
        "orchestration.ingest.partition": {"orchestration.transform.assets", "contract.sources"},
        "expectations.mart_link_clicks": {"expectations.guards"},
    }
    assert backward_imports(graph) == [
        "orchestration.ingest.partition (raw) -> orchestration.transform.assets (dbt)"
    ]


def test_a_function_local_import_counts(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "def f():\n    from orchestration.transform import assets\n    return assets\n"
    )
    known = {"orchestration.transform", "orchestration.transform.assets"}
    assert imported_modules(module, known) == known
