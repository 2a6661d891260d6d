"""`campaign-warehouse demo`: generate a landing zone, run it end to end, show the marts."""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from orchestration import paths
from orchestration.cli.run import new_log_file, print_summary, resolve_target, run_pipeline
from orchestration.shared.errors import PipelineError

DEMO_START = date(2025, 3, 1)
DEMO_DAYS = 45

HEADLINE_SQL = """
select campaign_name, channel, audience_contacts, contacts_sent, messages_sent,
    messages_delivered, messages_undelivered, messages_delivery_pending,
    round(delivery_rate, 3) as delivery_rate, round(open_rate, 3) as open_rate,
    clicks, conversions
from marts.mart_campaign_summary
order by messages_sent desc, campaign_id
limit 5
"""


def cmd_demo(args: argparse.Namespace) -> int:
    import duckdb

    from landing_simulator import generate_landing

    root = Path(args.dir).resolve()
    landing, warehouse = root / "landing", root / "warehouse"
    end = DEMO_START + timedelta(days=DEMO_DAYS - 1)
    print(f"generating a landing zone in {landing} ({DEMO_START}..{end})")
    generate_landing(landing, DEMO_START, DEMO_DAYS, sends_per_day=args.sends_per_day, seed=7)
    target = resolve_target(str(landing), str(warehouse))
    log_file = new_log_file(warehouse, DEMO_START, end)
    try:
        summary = run_pipeline(DEMO_START, end, target, log_file)
    except PipelineError as exc:
        print(f"demo run FAILED: {exc}\n  full log: {log_file}", file=sys.stderr)
        return 1
    print_summary(summary, DEMO_START, end, warehouse, log_file)
    if not summary.published:
        return 1
    with duckdb.connect(str(paths.serving_db(warehouse)), read_only=True) as conn:
        frame = conn.execute(HEADLINE_SQL).df()
    print("\nheadline metrics of the five largest campaigns:")
    print(frame.to_string(index=False))
    print(
        f"\nmarts: {paths.serving_db(warehouse)} (schema marts, open read-only) and "
        f"{paths.parquet_dir(warehouse)}/*.parquet\n"
        f"UI: campaign-warehouse ui --landing {landing} --warehouse {warehouse}"
    )
    from orchestration.cli.report import write_report

    report = write_report(paths.serving_db(warehouse), paths.report_file(warehouse))
    print(f"report: {report} (open it in a browser; it works offline)")
    return 0
