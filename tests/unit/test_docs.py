"""The README and docs/ stand alone and do not drift from the code.

- The README's stage diagram shows the data-flow stages in the order of the import layers
  declared in `pyproject.toml` (`[tool.importlinter]`).
- Every folder and file the README's tree and its "where does X live" table name exists.
- No page points at a contract folder outside the repository, which a clone does not have.
- Every relative link of the README and of docs/ resolves, anchors included.

Text only: nothing of the project is imported and no pipeline runs.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = (README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "dbt_project" / "README.md")

# The stages data flows through, each an orchestration package and a box of the diagram.
FLOW_STAGES = frozenset({"ingest", "transform", "quality", "publish"})
# The box the data flows out of: the landing zone, not a package.
SOURCE_BOX = "landing"
# The box above the flow, and the layers it stands for.
TOP_BOX = "cli"
TOP_LAYERS = ("orchestration.cli", "orchestration.schedules")

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
_NODE_LABEL = re.compile(r'^\s*(\w+)\s*[\[(]+"([^"]*)"', re.MULTILINE)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"<[^>]+>")
_FILE_SUFFIX = re.compile(r"\.(py|sql|yml|yaml|toml|md|csv|lock|json)$")


def import_layers() -> list[str]:
    """The layers of the import-linter `layers` contract, top to bottom."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    linter = config.get("tool", {}).get("importlinter")
    assert linter is not None, "pyproject.toml declares no [tool.importlinter]"
    layered = [c for c in linter.get("contracts", []) if c.get("type") == "layers"]
    assert len(layered) == 1, f"expected one import-linter layers contract, found {len(layered)}"
    return list(layered[0]["layers"])


def section(text: str, heading: str) -> str:
    """The body of the `## heading` section, up to the next `## ` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"no section '## {heading}'"
    return match.group(1)


def fenced_blocks(text: str, language: str | None = None) -> list[str]:
    """The bodies of the fenced code blocks of `text` (of one language, if given)."""
    return [body for lang, body in _FENCE.findall(text) if language is None or lang == language]


def without_code(text: str) -> str:
    return _FENCE.sub("", text)


def stage_diagram() -> str:
    blocks = fenced_blocks(section(README.read_text(), "The stages"), "mermaid")
    assert len(blocks) == 1, "the stages section holds one mermaid diagram"
    return blocks[0]


def data_flow(diagram: str) -> list[str]:
    """The boxes along the diagram's solid arrows (`-->`), from the landing zone on."""
    successor: dict[str, str] = {}
    for line in diagram.splitlines():
        if "-->" not in line:
            continue
        boxes = [re.match(r"\s*(\w+)", part) for part in line.split("-->")]
        names = [box.group(1) for box in boxes if box is not None]
        for before, after in pairwise(names):
            assert successor.setdefault(before, after) == after, f"{before} flows two ways"
    flow = [SOURCE_BOX]
    while flow[-1] in successor:
        assert successor[flow[-1]] not in flow, f"the flow loops back at {flow[-1]}"
        flow.append(successor[flow[-1]])
    return flow


def test_the_stage_diagram_follows_the_import_layers() -> None:
    """Data flows up the layers: the lowest flow stage is the first box after the landing zone."""
    layers = import_layers()
    flow_layers = [layer for layer in layers if layer.removeprefix("orchestration.") in FLOW_STAGES]
    assert {layer.removeprefix("orchestration.") for layer in flow_layers} == FLOW_STAGES, (
        f"every flow stage is a layer of its own: {flow_layers}"
    )
    in_data_order = [layer.removeprefix("orchestration.") for layer in reversed(flow_layers)]

    assert data_flow(stage_diagram()) == [SOURCE_BOX, *in_data_order]


def test_each_box_of_the_diagram_names_its_folder() -> None:
    labels = dict(_NODE_LABEL.findall(stage_diagram()))
    for stage in FLOW_STAGES:
        assert f"orchestration/{stage}/" in labels.get(stage, ""), f"box {stage}"
    top = labels.get(TOP_BOX, "")
    for layer in TOP_LAYERS:
        assert layer.replace(".", "/") + "/" in top, f"box {TOP_BOX} names {layer}"


def test_the_command_and_the_schedules_sit_above_every_stage() -> None:
    layers = import_layers()
    lowest_top = max(layers.index(layer) for layer in TOP_LAYERS)
    highest_stage = min(layers.index(f"orchestration.{stage}") for stage in FLOW_STAGES)
    assert lowest_top < highest_stage
    assert TOP_BOX not in data_flow(stage_diagram())


def tree_paths(text: str) -> Iterator[str]:
    """The paths of the tree block: a line's first word, under the folder it is indented in."""
    (block,) = fenced_blocks(section(text, "The tree"))
    folders: list[tuple[int, str]] = []
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        while folders and folders[-1][0] >= indent:
            folders.pop()
        path = (folders[-1][1] if folders else "") + line.split()[0]
        if path.endswith("/"):
            folders.append((indent, path))
        yield path


def is_repository_path(token: str) -> bool:
    """A folder or file of the repository, not a command, a setting or a runtime path."""
    return (
        not re.search(r"\s", token)
        and not token.startswith(("<", "$", "[", "."))
        and ("/" in token or _FILE_SUFFIX.search(token) is not None)
    )


def table_paths(text: str) -> Iterator[str]:
    """The repository paths quoted in the "where" column of the where-does-X-live table."""
    for row in section(text, "Where does X live").splitlines():
        if not row.startswith("|") or set(row) <= set("|- "):
            continue
        where = row.strip().strip("|").split("|")[-1]
        yield from (t for t in re.findall(r"`([^`]+)`", where) if is_repository_path(t))


def named_paths() -> list[str]:
    text = README.read_text()
    return sorted({*tree_paths(text), *table_paths(text)})


def exists(path: str, root: Path = ROOT) -> bool:
    """Whether `path` exists under `root`; `<name>` stands for any one name."""
    pattern = _PLACEHOLDER.sub("*", path.rstrip("/"))
    candidates = list(root.glob(pattern)) if "*" in pattern else [root / pattern]
    wanted = Path.is_dir if path.endswith("/") else Path.is_file
    return any(wanted(candidate) for candidate in candidates)


def test_the_readme_names_the_stages_and_where_they_live() -> None:
    """The parsers find what the README promises a newcomer, so the next test is not empty."""
    paths = named_paths()
    for stage in (*FLOW_STAGES, "cli", "schedules", "shared"):
        assert f"orchestration/{stage}/" in paths
    for folder in ("contract/", "expectations/", "dbt_project/models/marts/reports/", "docs/"):
        assert folder in paths


def test_every_path_the_readme_names_exists() -> None:
    missing = [path for path in named_paths() if not exists(path)]
    assert not missing, f"the README names paths the repository does not have: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_no_page_points_outside_the_repository(page: Path) -> None:
    text = page.read_text()
    for outside in ("../shared", "shared/contract"):
        assert outside not in text, f"{page.name} mentions {outside}"


def anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings."""
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in _HEADING.findall(without_code(page.read_text()))
    }


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for link in _LINK.findall(without_code(page.read_text())):
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        resolved = (page.parent / target).resolve() if target else page
        if not resolved.exists() or (anchor and anchor not in anchors(resolved)):
            broken.append(link)
    assert not broken, f"{page.name}: broken links {broken}"
