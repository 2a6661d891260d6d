"""`campaign-warehouse ui`: the Dagster UI on the warehouse, landing zone and run history that
`run` uses with the same flags, so the command's runs show there and the UI's own runs and
backfills work on the same folders."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from orchestration import paths
from orchestration.cli.launch import RunTarget, prepare_home
from orchestration.cli.run import resolve_target
from orchestration.shared.engine import ENGINE_ENV


def ui_command(
    target: RunTarget, port: int, environment: Mapping[str, str]
) -> tuple[list[str], dict[str, str]]:
    """`dagster dev` on the project's workspace, and its environment: `environment` with the
    target's Dagster home, landing zone, warehouse and engine."""
    argv = [
        paths.DAGSTER_EXECUTABLE,
        "dev",
        "--workspace",
        str(paths.WORKSPACE_FILE),
        "--port",
        str(port),
    ]
    env = {
        **environment,
        paths.DAGSTER_HOME_ENV: str(target.dagster_home),
        paths.LANDING_ENV: str(target.landing),
        paths.WAREHOUSE_ENV: str(target.warehouse),
        ENGINE_ENV: target.engine,
    }
    return argv, env


def cmd_ui(args: argparse.Namespace) -> int:
    from orchestration.transform.manifest import prepare_manifest

    try:
        target = resolve_target(args.landing, args.warehouse, args.engine or "")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    prepare_home(target.dagster_home)
    prepare_manifest()  # the definitions read it as they load
    argv, env = ui_command(target, args.port, os.environ)
    print(
        f"Dagster UI on {target.warehouse} (landing {target.landing}): "
        f"http://127.0.0.1:{args.port}",
        flush=True,
    )
    os.execve(argv[0], argv, env)
    return 0  # not reached: the process became `dagster dev`
