"""A small hand-built landing zone whose every metric is worked out by hand in the tests.

Three campaigns:

- `c1` (WhatsApp, workspace `w1` in UTC, a name full of quotes and SQL) with a flow
  s1 message -> s2 logic -> s3 message (branch "yes") / s4 conversion link (branch "no").
  Contacts k1..k6 and k8, plus the internal contact k7 and a test execution of k1.
- `c2` (SMS, workspace `w2` in America/Los_Angeles, 48 h conversion window): k9 and k10.
- `c3` (Instagram DM, no delivery receipts): k11.

The messages, by what the contract makes of them:

| message | contact | step | what happens |
| --- | --- | --- | --- |
| m1 | k1 | s1 | delivered; read report arrives a day later, and again the day after (duplicate) |
| m2 | k2 | s1 | read report arrives before the delivered report (out of order) |
| m3 | k3 | s1 | sent at 2025-01-01 00:00:00, never reported: pending until as-of 01-31 00:00 |
| m4 | k4 | s1 | failed report, WhatsApp code 131026 |
| m5 | k5 | s1 | dropped, frequency_capped |
| m6 | k6 | s1 | delivered report received 2025-02-01, after its window (01-31 10:00): ignored |
| m7 | k7 | s1 | internal contact: excluded |
| m8 | k1 | s1 | test send of a test execution: excluded |
| m9 | k1 | s3 | delivered, opened by an `open` engagement |
| m10 | k2 | s4 | delivered, clicked (the click lands twice), button click |
| m11, m12 | k9 | c2 s1 | delivered SMS, 2 and 1 segments; m11 at 2025-01-02 22:00 in Los Angeles |
| m13 | k10 | c2 s1 | undelivered SMS (Twilio 30007), 3 segments |
| m14 | k11 | c3 s1 | Instagram DM: delivered at sending, never times out |

Conversions: cv1 carries m10 (rule 1); cv2 of k1 has no message and goes to m9, engaged
later than m1 (rule 2, latest engagement); cv3 of k9 goes to m12, the last delivered (rule 2,
none engaged); cv4 of k4 has no delivered message and cv6 of k9 is outside c2's 48 h window
(rule 3, unattributed); cv5 is of the internal contact.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

CAMPAIGN_NAME = 'Robert\'); drop table sends;-- "summer" 🎉, 50% off'
HANDLES = {f"k{n}": f"+1555000{n:04d}" for n in range(1, 12)}

Row = Mapping[str, Any]


def _write_jsonl(path: Path, rows: Iterable[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(row) + "\n" for row in rows)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)


def _write_csv(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = sorted({key for row in rows for key in row})
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _write_parquet(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = sorted({key for row in rows for key in row})
    columns = {name: [row.get(name) for row in rows] for name in fields}
    pq.write_table(pa.table(columns), path)


def _folder(landing: Path, source: str, day: str) -> Path:
    return landing / source / day


def _dimensions(landing: Path) -> None:
    day = "2025-01-01"
    _write_csv(
        _folder(landing, "workspaces", day) / "workspaces.csv",
        [
            {
                "workspace_id": "w1",
                "name": "Acme",
                "industry": "retail",
                "timezone": "UTC",
                "plan": "pro",
                "monthly_contact_limit": 1000,
                "updated_at": "2024-12-01T00:00:00Z",
            },
            {
                "workspace_id": "w2",
                "name": "Westco",
                "industry": "travel",
                "timezone": "America/Los_Angeles",
                "plan": "free",
                "updated_at": "2024-12-01T00:00:00Z",
            },
        ],
    )
    contacts = [
        {
            "contact_id": contact,
            "workspace_id": "w2" if contact in ("k9", "k10") else "w1",
            "handle": handle,
            "country": "US",
            "is_internal": "true" if contact == "k7" else "false",
            "updated_at": "2024-12-01T00:00:00Z",
        }
        for contact, handle in HANDLES.items()
    ]
    _write_csv(_folder(landing, "contacts", day) / "contacts.csv", contacts)
    _write_jsonl(
        _folder(landing, "senders", day) / "senders.jsonl",
        [
            {"sender_id": sender, "workspace_id": workspace, "channel": channel, "updated_at": day}
            for sender, workspace, channel in (
                ("snd1", "w1", "whatsapp"),
                ("snd2", "w2", "sms"),
                ("snd3", "w1", "instagram_dm"),
            )
        ],
    )
    campaign = {
        "campaign_id": "c1",
        "workspace_id": "w1",
        "name": CAMPAIGN_NAME,
        "channel": "whatsapp",
        "status": "active",
        "template_id": "t1",
        "template_category": "marketing",
        "updated_at": "2024-12-20T00:00:00Z",
    }
    _write_jsonl(
        _folder(landing, "campaigns", day) / "campaigns.jsonl",
        [
            campaign,
            {
                "campaign_id": "c2",
                "workspace_id": "w2",
                "name": "SMS promo",
                "channel": "sms",
                "status": "active",
                "conversion_window_hours": 48,
                "updated_at": "2024-12-20T00:00:00Z",
            },
            {
                "campaign_id": "c3",
                "workspace_id": "w1",
                "name": "IG drop",
                "channel": "instagram_dm",
                "status": "finished",
                "updated_at": "2024-12-20T00:00:00Z",
            },
        ],
    )
    # c1 finishes on 01-10; a stale upsert (older updated_at) arriving later must not win.
    _write_jsonl(
        _folder(landing, "campaigns", "2025-01-10") / "campaigns.jsonl",
        [{**campaign, "status": "finished", "updated_at": "2025-01-10T08:00:00Z"}],
    )
    _write_jsonl(
        _folder(landing, "campaigns", "2025-01-12") / "campaigns.jsonl.gz",
        [{**campaign, "status": "paused", "updated_at": "2025-01-05T08:00:00Z"}],
    )
    steps = [
        ("c1", "s1", "message", 1, None, None),
        ("c1", "s2", "logic", 2, "s1", None),
        ("c1", "s3", "message", 3, "s2", "yes"),
        ("c1", "s4", "conversion_link", 3, "s2", "no"),
        ("c2", "s1", "message", 1, None, None),
        ("c3", "s1", "message", 1, None, None),
    ]
    _write_jsonl(
        _folder(landing, "campaign_steps", day) / "steps.jsonl",
        [
            {
                "campaign_id": c,
                "step_id": s,
                "step_type": t,
                "step_order": o,
                "parent_step_id": p,
                "branch_label": b,
                "updated_at": "2024-12-20T00:00:00Z",
            }
            for c, s, t, o, p, b in steps
        ],
    )


def _executions(landing: Path) -> None:
    events: list[tuple[str, str, str, str, str, str | None, str | None, str, bool]] = []

    def add(
        day: str,
        execution: str,
        campaign: str,
        contact: str,
        kind: str,
        at: str,
        step: str | None = None,
        branch: str | None = None,
        is_test: bool = False,
    ) -> None:
        events.append((day, execution, campaign, contact, kind, step, branch, at, is_test))

    d1, d2 = "2025-01-01", "2025-01-02"
    for n in range(1, 8):
        execution, contact = f"e{n}", f"k{n}"
        add(d1, execution, "c1", contact, "entered", "2024-12-31T23:00:00Z")
        add(d1, execution, "c1", contact, "step_reached", "2024-12-31T23:30:00Z", "s1")
    for execution, contact, branch, step in (("e1", "k1", "yes", "s3"), ("e2", "k2", "no", "s4")):
        add(d2, execution, "c1", contact, "step_reached", "2025-01-02T09:00:00Z", "s2")
        add(d2, execution, "c1", contact, "branch_taken", "2025-01-02T09:00:00Z", "s2", branch)
        add(d2, execution, "c1", contact, "step_reached", "2025-01-02T10:00:00Z", step)
        add(d2, execution, "c1", contact, "completed", "2025-01-02T10:05:00Z")
    add(d1, "e4", "c1", "k4", "failed", "2025-01-01T10:05:00Z")
    add("2025-01-03", "e8", "c1", "k1", "entered", "2025-01-03T08:00:00Z", is_test=True)
    add("2025-01-03", "e8", "c1", "k1", "step_reached", "2025-01-03T08:00:00Z", "s1", is_test=True)
    add(d1, "e9", "c1", "k8", "entered", "2025-01-01T09:00:00Z")
    add(d1, "e9", "c1", "k8", "limited", "2025-01-01T09:00:01Z")
    add("2025-01-05", "e10", "c1", "k1", "entered", "2025-01-05T09:00:00Z")
    for execution, contact in (("e11", "k9"), ("e12", "k10")):
        add("2025-01-03", execution, "c2", contact, "entered", "2025-01-03T05:00:00Z")
        add("2025-01-03", execution, "c2", contact, "step_reached", "2025-01-03T05:00:00Z", "s1")
    add("2025-01-02", "e13", "c3", "k11", "entered", "2025-01-02T09:00:00Z")
    add("2025-01-02", "e13", "c3", "k11", "step_reached", "2025-01-02T09:00:00Z", "s1")

    by_day: dict[str, list[Row]] = {}
    for n, (day, execution, campaign, contact, kind, step, branch, at, is_test) in enumerate(
        events
    ):
        by_day.setdefault(day, []).append(
            {
                "event_id": f"ev{n}",
                "execution_id": execution,
                "campaign_id": campaign,
                "contact_id": contact,
                "event_type": kind,
                "step_id": step,
                "branch_label": branch,
                "occurred_at": at,
                "is_test": is_test,
            }
        )
    for day, rows in by_day.items():
        _write_jsonl(_folder(landing, "executions", day) / "executions.jsonl", rows)
    # At-least-once delivery: the first day's file lands again the next day.
    _write_jsonl(
        _folder(landing, "executions", "2025-01-02") / "executions-redelivered.jsonl",
        by_day["2025-01-01"],
    )


def _send(
    message: str,
    execution: str,
    campaign: str,
    contact: str,
    at: str,
    *,
    step: str = "s1",
    sender: str = "snd1",
    channel: str = "whatsapp",
    outcome: str = "accepted",
    **extra: Any,
) -> Row:
    row: dict[str, Any] = {
        "message_id": message,
        "execution_id": execution,
        "campaign_id": campaign,
        "step_id": step,
        "contact_id": contact,
        "sender_id": sender,
        "channel": channel,
        "attempted_at": at,
        "outcome": outcome,
        "provider": "twilio" if channel == "sms" else "meta",
    }
    if outcome == "accepted":
        row["provider_message_id"] = f"p-{message}"
    row.update(extra)
    return row


def _sends(landing: Path) -> None:
    ten = "2025-01-01T10:00:00Z"
    first_day = [
        _send("m1", "e1", "c1", "k1", ten, is_initial=True),
        _send("m2", "e2", "c1", "k2", ten),
        _send("m3", "e3", "c1", "k3", "2025-01-01T00:00:00Z"),
        _send("m4", "e4", "c1", "k4", ten),
        _send("m5", "e5", "c1", "k5", ten, outcome="dropped", drop_reason="frequency_capped"),
        _send("m6", "e6", "c1", "k6", ten),
        _send("m7", "e7", "c1", "k7", ten),
    ]
    _write_parquet(_folder(landing, "sends", "2025-01-01") / "sends.parquet", first_day)
    _write_jsonl(
        _folder(landing, "sends", "2025-01-02") / "sends.jsonl",
        [
            _send("m9", "e1", "c1", "k1", "2025-01-02T10:00:00Z", step="s3"),
            _send("m10", "e2", "c1", "k2", "2025-01-02T10:00:00Z", step="s4"),
            _send(
                "m14",
                "e13",
                "c3",
                "k11",
                "2025-01-02T10:00:00Z",
                sender="snd3",
                channel="instagram_dm",
            ),
            # m2 lands again: the same event, delivered twice.
            first_day[1],
        ],
    )
    sms = {"sender": "snd2", "channel": "sms"}
    _write_jsonl(
        _folder(landing, "sends", "2025-01-03") / "sends.jsonl.gz",
        [
            _send("m8", "e8", "c1", "k1", "2025-01-03T08:00:00Z", is_test=True),
            _send("m11", "e11", "c2", "k9", "2025-01-03T06:00:00Z", segments=2, **sms),
            _send("m13", "e12", "c2", "k10", "2025-01-03T07:00:00Z", segments=3, **sms),
        ],
    )
    _write_jsonl(
        _folder(landing, "sends", "2025-01-04") / "sends.jsonl",
        [_send("m12", "e11", "c2", "k9", "2025-01-04T06:00:00Z", segments=1, **sms)],
    )


def _report(
    message: str, status: str, reported_at: str | int, provider: str = "meta", **extra: Any
) -> Row:
    return {
        "provider": provider,
        "provider_message_id": f"p-{message}",
        "status": status,
        "reported_at": reported_at,
        **extra,
    }


def _delivery_reports(landing: Path) -> None:
    read_m1 = _report("m1", "read", "2025-01-01T12:00:00Z")
    days: dict[str, list[Row]] = {
        "2025-01-01": [
            _report("m1", "delivered", "2025-01-01T10:01:00Z"),
            _report("m2", "read", "2025-01-01T11:00:00Z"),
            # 10:02 UTC as epoch seconds, as providers send it.
            _report("m4", "failed", 1735725720, error_code="131026"),
            _report("m7", "delivered", "2025-01-01T10:01:00Z"),
        ],
        "2025-01-02": [
            read_m1,
            _report("m2", "delivered", "2025-01-01T12:30:00+02:00"),
            _report("m9", "delivered", "2025-01-02T10:01:00Z"),
            _report("m10", "delivered", "2025-01-02T10:02:00Z"),
        ],
        "2025-01-03": [
            read_m1,
            _report("m11", "delivered", "2025-01-03T06:01:00Z", provider="twilio"),
            _report("m13", "undelivered", "2025-01-03T07:01:00Z", "twilio", error_code="30007"),
        ],
        "2025-01-04": [_report("m12", "delivered", "2025-01-04T06:01:00Z", provider="twilio")],
        "2025-02-01": [
            _report("m6", "delivered", "2025-01-01T10:05:00Z", received_at="2025-02-01T00:00:00Z")
        ],
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "delivery_reports", day) / "reports.jsonl", rows)


def _engagement(
    engagement: str, kind: str, contact: str, at: str, campaign: str = "c1", **extra: Any
) -> Row:
    return {
        "engagement_id": engagement,
        "engagement_type": kind,
        "campaign_id": campaign,
        "contact_id": contact,
        "occurred_at": at,
        **extra,
    }


def _engagements(landing: Path) -> None:
    click = _engagement(
        "g3",
        "click",
        "k2",
        "2025-01-02T11:00:00Z",
        message_id="m10",
        execution_id="e2",
        step_id="s4",
        link_id="L1",
        url="https://example.com/offer?a=1&b='2'",
    )
    days: dict[str, list[Row]] = {
        "2025-01-01": [
            _engagement(
                "g1", "reply", "k1", "2025-01-01T13:00:00Z", message_id="m1", execution_id="e1"
            ),
            _engagement("g6", "click", "k7", "2025-01-01T13:00:00Z", message_id="m7"),
        ],
        "2025-01-02": [
            _engagement(
                "g2",
                "open",
                "k1",
                "2025-01-02T12:00:00Z",
                message_id="m9",
                execution_id="e1",
                step_id="s3",
            ),
            click,
            _engagement(
                "g7",
                "button_click",
                "k2",
                "2025-01-02T11:30:00Z",
                message_id="m10",
                execution_id="e2",
                step_id="s4",
                button_id="b1",
                button_label="Yes",
            ),
            _engagement("g8", "unsubscribe", "k4", "2025-01-02T08:00:00Z", execution_id="e4"),
        ],
        "2025-01-03": [
            click,
            _engagement(
                "g4",
                "opt_out",
                "k3",
                "2025-01-03T09:00:00Z",
                execution_id="e3",
                opt_out_method="auto",
            ),
            _engagement(
                "g9",
                "opt_out",
                "k10",
                "2025-01-03T08:00:00Z",
                campaign="c2",
                execution_id="e12",
                opt_out_method="auto",
            ),
        ],
        "2025-01-04": [
            _engagement(
                "g5",
                "opt_out",
                "k6",
                "2025-01-04T09:00:00Z",
                execution_id="e6",
                opt_out_method="manual",
            ),
        ],
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "engagements", day) / "engagements.jsonl", rows)


def _conversions(landing: Path) -> None:
    def conversion(cid: str, workspace: str, contact: str, at: str, **extra: Any) -> Row:
        return {
            "conversion_id": cid,
            "workspace_id": workspace,
            "contact_id": contact,
            "event_name": "purchase",
            "occurred_at": at,
            **extra,
        }

    days: dict[str, list[Row]] = {
        "2025-01-02": [
            conversion(
                "cv1",
                "w1",
                "k2",
                "2025-01-02T12:00:00Z",
                message_id="m10",
                campaign_id="c1",
                revenue="10.00",
                currency="USD",
            ),
        ],
        "2025-01-03": [
            conversion("cv2", "w1", "k1", "2025-01-03T09:00:00Z", revenue=20, currency="EUR"),
            conversion("cv4", "w1", "k4", "2025-01-03T09:00:00Z"),
            conversion(
                "cv5", "w1", "k7", "2025-01-03T09:00:00Z", message_id="m7", campaign_id="c1"
            ),
        ],
        "2025-01-04": [
            conversion("cv3", "w2", "k9", "2025-01-04T12:00:00Z", revenue=5, currency="USD"),
        ],
        "2025-01-07": [conversion("cv6", "w2", "k9", "2025-01-07T12:00:00Z")],
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "conversions", day) / "conversions.jsonl", rows)


def build_landing(landing: Path) -> Path:
    """Write the scenario's landing zone under `landing` and return it."""
    _dimensions(landing)
    _executions(landing)
    _sends(landing)
    _delivery_reports(landing)
    _engagements(landing)
    _conversions(landing)
    return landing
