"""The yardstick: one hand-written DuckDB query over the landing files, no pipeline around it.

It does the heart of the pipeline's work in one statement: read the sends and delivery
reports of a range of arrival dates, drop duplicates, resolve each accepted message's
delivery status (delivered or read first, then failed, then the 30-day timeout) as of the end
of the range, and count messages per campaign and status. It skips everything else the
pipeline does (validation, quarantine, the other sources, the marts, checks, publication), so
it is a lower bound: how long DuckDB alone needs to read and aggregate those files.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

# Sends land as JSON Lines on some days and Parquet on others: one branch per format, and only
# for formats present (DuckDB's readers refuse an empty file list). The branches are fixed text.
_SENDS_COLUMNS = (
    "message_id, campaign_id, channel, attempted_at::varchar as attempted_at, outcome, "
    "provider, provider_message_id, is_test::varchar as is_test"
)
_SENDS_JSON = (
    f"select {_SENDS_COLUMNS} from read_json($sends_json, format = 'newline_delimited', "
    "columns = {message_id: 'varchar', campaign_id: 'varchar', channel: 'varchar', "
    "attempted_at: 'varchar', outcome: 'varchar', provider: 'varchar', "
    "provider_message_id: 'varchar', is_test: 'varchar'}, ignore_errors = true)"
)
_SENDS_PARQUET = f"select {_SENDS_COLUMNS} from read_parquet($sends_parquet, union_by_name = true)"

_QUERY = """
with sends_landed as (
    {sends}
),

sends_unique as (
    select distinct on (message_id)
        message_id,
        campaign_id,
        channel,
        provider,
        provider_message_id,
        try_cast(attempted_at as timestamp) as sent_at
    from sends_landed
    where outcome = 'accepted' and coalesce(is_test, 'false') <> 'true'
    order by message_id, attempted_at
),

reports_landed as (
    select *
    from read_json(
        $reports,
        format = 'newline_delimited',
        columns = {
            report_id: 'varchar', provider: 'varchar', provider_message_id: 'varchar',
            status: 'varchar', reported_at: 'varchar', received_at: 'varchar'
        },
        ignore_errors = true
    )
),

reports_unique as (
    select distinct on (report_id)
        provider,
        provider_message_id,
        status,
        coalesce(
            try_cast(reported_at as timestamp),
            to_timestamp(try_cast(reported_at as bigint))::timestamp
        ) as reported_at,
        try_cast(received_at as timestamp) as received_at
    from reports_landed
    order by report_id, received_at
),

messages_resolved as (
    select
        sends_unique.campaign_id,
        sends_unique.channel,
        sends_unique.sent_at,
        min(reports_unique.reported_at)
            filter (where reports_unique.status in ('delivered', 'read')) as delivered_at,
        min(reports_unique.reported_at)
            filter (where reports_unique.status in ('failed', 'undelivered')) as failed_at
    from sends_unique
    left join reports_unique
        on reports_unique.provider = sends_unique.provider
        and reports_unique.provider_message_id = sends_unique.provider_message_id
        and reports_unique.received_at < $as_of
        and reports_unique.received_at <= sends_unique.sent_at + interval 30 day
    group by all
)

select
    campaign_id,
    case
        when delivered_at is not null or channel = 'instagram_dm' then 'delivered'
        when failed_at is not null then 'undelivered'
        when $as_of >= sent_at + interval 30 day then 'undelivered'
        else 'delivery_pending'
    end as delivery_status,
    count(*) as messages
from messages_resolved
group by all
order by all
"""


def _files(landing: Path, source: str, days: list[date], pattern: str) -> list[str]:
    return [str(p) for d in days for p in sorted((landing / source / str(d)).glob(pattern))]


def run_baseline(
    landing: Path, first: date, last: date, memory_limit: str, temp_directory: Path
) -> tuple[float, int]:
    """Seconds the query takes over arrival dates first..last, and the messages it resolved."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    files = {
        "sends_json": _files(landing, "sends", days, "*.jsonl*"),
        "sends_parquet": _files(landing, "sends", days, "*.parquet"),
        "reports": _files(landing, "delivery_reports", days, "*.jsonl*"),
    }
    branches = [
        branch
        for key, branch in (("sends_json", _SENDS_JSON), ("sends_parquet", _SENDS_PARQUET))
        if files[key]
    ]
    parameters = {key: value for key, value in files.items() if value}
    query = _QUERY.replace("{sends}", "\n    union all\n    ".join(branches))
    temp_directory.mkdir(parents=True, exist_ok=True)
    config = {
        "memory_limit": memory_limit,
        "temp_directory": str(temp_directory),
    }
    with duckdb.connect(config=config) as conn:
        conn.execute("set enable_progress_bar = false")
        began = time.perf_counter()
        rows = conn.execute(query, {**parameters, "as_of": last + timedelta(days=1)}).fetchall()
        seconds = time.perf_counter() - began
    return seconds, sum(int(row[2]) for row in rows)
