"""A small hand-built landing zone whose every metric is worked out by hand in the tests.

Eight campaigns. The first three (`test_campaign_marts.py`, `test_bad_input.py`):

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

Five more for the other marts (`test_other_marts.py`), with contacts k12..k17 that appear in
no campaign above (so c1..c3 keep their numbers). k12..k15 are US contacts and k16 a German
one of `w1`; k17 is of `w2`. Senders: snd4 (WhatsApp, w1) and snd5 (e-mail, w1, never used).

- `c4` "Carousel sale", `c5` "Quick replies", `c6` "Reminder", `c7` "VIP": WhatsApp
  marketing templates t2, t3, t4, t5 of `w1` (retail), one message step s1 each; c4 sends
  from snd1, c5..c7 from snd4 (but c5's German message from snd1).
- `c8` "New Year SMS" (SMS, `w2` in Los Angeles, snd2): s1 message -> s2 message, one
  execution e30 of k17 that enters at 2024-12-31 20:55 local time.

| message | exec | contact | sent (UTC) | what happens |
| --- | --- | --- | --- | --- |
| m31 | e30 | k17 | 01-01 05:00 | c8 s1, 1 segment (12-31 21:00 local); delivered 00:30 local |
| m32 | e30 | k17 | 01-02 18:00 | c8 s2, 2 segments, delivered 18:01 (report lands 01-03) |
| m15 | e14 | k15 | 01-02 15:00 | c4, read; click on L3: outside the 30 days before as-of 02-02 |
| m16 | e15 | k12 | 01-10 09:00 | c4, read; clicks cards 0, 1, 0, Buy on card 1, a test click |
| m17 | e16 | k13 | 01-10 09:00 | c4 carousel, read; clicks card 0, Buy on card 0 |
| m18 | e17 | k14 | 01-10 09:00 | c4, only a read report (10:00): delivered and read |
| m19 | e18 | k15 | 01-10 09:00 | c4, delivered, not read (k15's second entry into c4) |
| m20 | e19 | k16 | 01-10 09:00 | c4 to DE, delivered and read |
| m21, m22 | e20, e21 | k12, k13 | 01-15 12:00 | c5, read; k12 taps yes twice, k13 taps no |
| m23 | e22 | k14 | 01-15 12:00 | c5, failed, 131049 (recipient_limit) |
| m24 | e23 | k15 | 01-15 12:00 | c5, delivered, not read |
| m25 | e24 | k16 | 01-15 12:00 | c5 to DE via snd1, failed, unknown code 999999; interrupted |
| m26 | e25 | k12 | 01-20 08:00 | c6, delivered, not read |
| m27 | e26 | k13 | 01-20 08:00 | c6, never reported: still pending as of 02-02 |
| m28 | e27 | k14 | 01-25 10:00 | c7, read (the read report lands twice), clicked L5 |
| m29 | e28 | k15 | 01-25 10:00 | c7, no read report but an `open`, clicked L5 |
| m30 | e29 | k16 | 01-25 10:00 | c7, dropped, paused_template |

m16 lands again on 01-11. Conversions: cv7 (12.50 EUR, m16) and cv9 (7.25 EUR, m17) and
cv10 (30 USD, m18) carry their message; cv8 (a sign-up of k12, no revenue) goes to m16 by
rule 2; cv11 (150 USD, k17, 01-02 17:00 local) goes to m32, the last delivered; cv12 is of
an unknown contact k99 (orphan, unattributed); cv7 lands twice. A delivery report for an
unknown provider message id `p-ghost` lands on 01-20 (orphan).
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

# The scenario's arrival dates, and the as-of of a run through the last of them.
FIRST_DAY, LAST_DAY, AS_OF = "2025-01-01", "2025-02-01", "2025-02-02"
CAMPAIGN_NAME = 'Robert\'); drop table sends;-- "summer" 🎉, 50% off'
# The WhatsApp marketing campaigns of workspace w1 (retail) whose templates are compared.
TEMPLATE_CAMPAIGNS = (
    ("c4", "Carousel sale", "t2"),
    ("c5", "Quick replies", "t3"),
    ("c6", "Reminder", "t4"),
    ("c7", "VIP", "t5"),
)
HANDLES = {f"k{n}": f"+1555000{n:04d}" for n in range(1, 18)}
WESTCO_CONTACTS = ("k9", "k10", "k17")  # workspace w2 (Los Angeles); the others are in w1
COUNTRIES = {"k16": "DE"}  # every other contact is in the US

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
            "workspace_id": "w2" if contact in WESTCO_CONTACTS else "w1",
            "handle": handle,
            "country": COUNTRIES.get(contact, "US"),
            "is_internal": "true" if contact == "k7" else "false",
            "updated_at": "2024-12-01T00:00:00Z",
        }
        for contact, handle in HANDLES.items()
    ]
    _write_csv(_folder(landing, "contacts", day) / "contacts.csv", contacts)
    _write_jsonl(
        _folder(landing, "senders", day) / "senders.jsonl",
        [
            {
                "sender_id": sender,
                "workspace_id": workspace,
                "channel": channel,
                "display_name": name,
                "updated_at": day,
            }
            for sender, workspace, channel, name in (
                ("snd1", "w1", "whatsapp", None),
                ("snd2", "w2", "sms", None),
                ("snd3", "w1", "instagram_dm", None),
                ("snd4", "w1", "whatsapp", "Acme WhatsApp 2"),
                ("snd5", "w1", "email", "Acme mail"),  # never used
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
            *(
                {
                    "campaign_id": campaign_id,
                    "workspace_id": "w1",
                    "name": name,
                    "channel": "whatsapp",
                    "status": "active",
                    "template_id": template,
                    "template_category": "marketing",
                    "updated_at": "2024-12-20T00:00:00Z",
                }
                for campaign_id, name, template in TEMPLATE_CAMPAIGNS
            ),
            {
                "campaign_id": "c8",
                "workspace_id": "w2",
                "name": "New Year SMS",
                "channel": "sms",
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
        *((c, "s1", "message", 1, None, None) for c, _, _ in TEMPLATE_CAMPAIGNS),
        ("c8", "s1", "message", 1, None, None),
        ("c8", "s2", "message", 2, "s1", None),
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
    # The other marts' campaigns (c4..c8), appended so the event ids above stay the same.
    # c8 (Los Angeles): k17 enters at 2024-12-31 20:55 local time.
    add(d1, "e30", "c8", "k17", "entered", "2025-01-01T04:55:00Z")
    add(d1, "e30", "c8", "k17", "step_reached", "2025-01-01T04:55:00Z", "s1")
    add(d2, "e30", "c8", "k17", "step_reached", "2025-01-02T18:00:00Z", "s2")
    add(d2, "e30", "c8", "k17", "completed", "2025-01-02T18:05:00Z")
    # c4: k15 enters on 01-02 (e14) and again on 01-10 (e18): a recurring campaign.
    c4_entries = (
        ("e14", "k15", "2025-01-02", "14:55", "15:01"),
        *((f"e{n}", f"k{n - 3}", "2025-01-10", "08:55", "09:01") for n in range(15, 20)),
    )
    for execution, contact, day, start, end in c4_entries:
        add(day, execution, "c4", contact, "entered", f"{day}T{start}:00Z")
        add(day, execution, "c4", contact, "step_reached", f"{day}T{start}:00Z", "s1")
        add(day, execution, "c4", contact, "completed", f"{day}T{end}:00Z")
    other_entries = (
        *((f"e{n}", "c5", f"k{n - 8}", "2025-01-15T11:55:00Z") for n in range(20, 25)),
        ("e25", "c6", "k12", "2025-01-20T07:55:00Z"),
        ("e26", "c6", "k13", "2025-01-20T07:55:00Z"),
        *((f"e{n}", "c7", f"k{n - 13}", "2025-01-25T09:55:00Z") for n in range(27, 30)),
    )
    for execution, campaign, contact, at in other_entries:
        add(at[:10], execution, campaign, contact, "entered", at)
        add(at[:10], execution, campaign, contact, "step_reached", at, "s1")
    add("2025-01-15", "e24", "c5", "k16", "interrupted", "2025-01-15T12:30:00Z")

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
    _other_sends(landing)


def _other_sends(landing: Path) -> None:
    """The sends of c4..c8, in files of their own (see the second table of the docstring)."""
    sms = {"sender": "snd2", "channel": "sms"}
    snd4 = {"sender": "snd4"}
    jan10 = "2025-01-10T09:00:00Z"
    c4_jan10 = [
        _send(f"m{n}", f"e{n - 1}", "c4", f"k{n - 4}", jan10) for n in range(16, 21)
    ]  # m16..m20 to k12..k16
    days: dict[str, list[Row]] = {
        # 2024-12-31 21:00 in Los Angeles.
        "2025-01-01": [_send("m31", "e30", "c8", "k17", "2025-01-01T05:00:00Z", segments=1, **sms)],
        "2025-01-02": [
            _send("m15", "e14", "c4", "k15", "2025-01-02T15:00:00Z"),
            _send("m32", "e30", "c8", "k17", "2025-01-02T18:00:00Z", step="s2", segments=2, **sms),
        ],
        "2025-01-10": c4_jan10,
        # m16 lands again the next day.
        "2025-01-11": [c4_jan10[0]],
        "2025-01-15": [
            *(
                _send(f"m{n}", f"e{n - 1}", "c5", f"k{n - 9}", "2025-01-15T12:00:00Z", **snd4)
                for n in range(21, 25)
            ),  # m21..m24 to k12..k15 from snd4
            _send("m25", "e24", "c5", "k16", "2025-01-15T12:00:00Z"),  # the DE contact, snd1
        ],
        "2025-01-20": [
            _send("m26", "e25", "c6", "k12", "2025-01-20T08:00:00Z", **snd4),
            _send("m27", "e26", "c6", "k13", "2025-01-20T08:00:00Z", **snd4),
        ],
        "2025-01-25": [
            _send("m28", "e27", "c7", "k14", "2025-01-25T10:00:00Z", **snd4),
            _send("m29", "e28", "c7", "k15", "2025-01-25T10:00:00Z", **snd4),
            _send(
                "m30",
                "e29",
                "c7",
                "k16",
                "2025-01-25T10:00:00Z",
                outcome="dropped",
                drop_reason="paused_template",
                **snd4,
            ),
        ],
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "sends", day) / "sends-other-marts.jsonl", rows)


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
    _other_delivery_reports(landing)


def _other_delivery_reports(landing: Path) -> None:
    def delivered(message: str, at: str, provider: str = "meta") -> Row:
        return _report(message, "delivered", at, provider)

    read_m28 = _report("m28", "read", "2025-01-25T10:02:00Z")
    days: dict[str, list[Row]] = {
        "2025-01-01": [delivered("m31", "2025-01-01T08:30:00Z", "twilio")],
        "2025-01-02": [
            delivered("m15", "2025-01-02T15:01:00Z"),
            _report("m15", "read", "2025-01-02T15:30:00Z"),
        ],
        "2025-01-03": [delivered("m32", "2025-01-02T18:01:00Z", "twilio")],
        "2025-01-10": [
            delivered("m16", "2025-01-10T09:01:00Z"),
            _report("m16", "read", "2025-01-10T09:05:00Z"),
            delivered("m17", "2025-01-10T09:01:00Z"),
            _report("m17", "read", "2025-01-10T09:30:00Z"),
            # m18: only a read report, which also delivers it.
            _report("m18", "read", "2025-01-10T10:00:00Z"),
            delivered("m19", "2025-01-10T09:02:00Z"),
            delivered("m20", "2025-01-10T09:03:00Z"),
            _report("m20", "read", "2025-01-10T09:10:00Z"),
        ],
        "2025-01-15": [
            delivered("m21", "2025-01-15T12:01:00Z"),
            _report("m21", "read", "2025-01-15T12:05:00Z"),
            delivered("m22", "2025-01-15T12:01:00Z"),
            _report("m22", "read", "2025-01-15T12:10:00Z"),
            _report("m23", "failed", "2025-01-15T12:01:00Z", error_code="131049"),
            delivered("m24", "2025-01-15T12:02:00Z"),
            # A code the seed does not list: reason unknown.
            _report("m25", "failed", "2025-01-15T12:01:00Z", error_code="999999"),
        ],
        "2025-01-20": [
            delivered("m26", "2025-01-20T08:01:00Z"),
            # No send has this provider message id: an orphan.
            delivered("ghost", "2025-01-20T08:01:00Z"),
        ],
        "2025-01-25": [
            delivered("m28", "2025-01-25T10:01:00Z"),
            read_m28,
            delivered("m29", "2025-01-25T10:01:00Z"),
        ],
        "2025-01-26": [read_m28],  # the same report, delivered twice
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "delivery_reports", day) / "reports-other-marts.jsonl", rows)


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
    _other_engagements(landing)


def _other_engagements(landing: Path) -> None:
    def on(message: str, execution: str, campaign: str) -> dict[str, str]:
        return {"message_id": message, "execution_id": execution, "campaign": campaign}

    def card_click(gid: str, contact: str, at: str, card: int, **link: Any) -> Row:
        return _engagement(
            gid,
            "click",
            contact,
            at,
            link_id="shop",
            url=f"https://example.com/shop?card={card}",
            card_index=card,
            **link,
        )

    def button(gid: str, contact: str, at: str, button_id: str, **extra: Any) -> Row:
        label = {"buy": "Buy", "yes": "Yes", "no": "No"}[button_id]
        return _engagement(
            gid, "button_click", contact, at, button_id=button_id, button_label=label, **extra
        )

    m16, m17 = on("m16", "e15", "c4"), on("m17", "e16", "c4")
    m21, m22 = on("m21", "e20", "c5"), on("m22", "e21", "c5")
    days: dict[str, list[Row]] = {
        "2025-01-02": [
            _engagement(
                "g10",
                "click",
                "k15",
                "2025-01-02T16:00:00Z",
                link_id="L3",
                url="https://example.com/preview",
                **on("m15", "e14", "c4"),
            ),
        ],
        # The carousel of c4: k12 clicks card 0 twice and card 1 once, k13 card 0.
        "2025-01-10": [
            card_click("g11", "k12", "2025-01-10T09:10:00Z", 0, **m16),
            card_click("g12", "k12", "2025-01-10T09:12:00Z", 1, **m16),
            card_click("g13", "k12", "2025-01-10T09:20:00Z", 0, **m16),
            button("g14", "k12", "2025-01-10T09:15:00Z", "buy", card_index=1, **m16),
            card_click("g15", "k13", "2025-01-10T09:40:00Z", 0, **m17),
            button("g16", "k13", "2025-01-10T09:45:00Z", "buy", card_index=0, **m17),
            # A test click: excluded everywhere.
            card_click("g24", "k12", "2025-01-10T09:50:00Z", 0, is_test=True, **m16),
        ],
        # The quick replies of c5: k12 taps yes twice, k13 taps no.
        "2025-01-15": [
            button("g17", "k12", "2025-01-15T12:06:00Z", "yes", **m21),
            button("g18", "k12", "2025-01-15T12:08:00Z", "yes", **m21),
            button("g19", "k13", "2025-01-15T12:20:00Z", "no", **m22),
        ],
        "2025-01-25": [
            _engagement(
                "g20",
                "click",
                "k14",
                "2025-01-25T10:03:00Z",
                link_id="L5",
                url="https://example.com/vip",
                **on("m28", "e27", "c7"),
            ),
            _engagement("g21", "open", "k15", "2025-01-25T11:00:00Z", **on("m29", "e28", "c7")),
            _engagement(
                "g22",
                "click",
                "k15",
                "2025-01-25T11:01:00Z",
                link_id="L5",
                url="https://example.com/vip",
                **on("m29", "e28", "c7"),
            ),
        ],
    }
    for day, rows in days.items():
        _write_jsonl(_folder(landing, "engagements", day) / "engagements-other-marts.jsonl", rows)


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

    cv7 = conversion(
        "cv7",
        "w1",
        "k12",
        "2025-01-10T10:00:00Z",
        message_id="m16",
        revenue="12.50",
        currency="EUR",
    )
    other_days: dict[str, list[Row]] = {
        # k17 (Los Angeles) buys at 01-02 17:00 local; cv11 goes to m32, the last delivered.
        "2025-01-03": [
            conversion("cv11", "w2", "k17", "2025-01-03T01:00:00Z", revenue=150, currency="USD")
        ],
        "2025-01-10": [
            cv7,
            # A sign-up without revenue: rule 2, k12's only delivered message by then is m16.
            {**conversion("cv8", "w1", "k12", "2025-01-10T11:00:00Z"), "event_name": "signup"},
            conversion(
                "cv10",
                "w1",
                "k14",
                "2025-01-10T12:00:00Z",
                message_id="m18",
                revenue=30,
                currency="USD",
            ),
        ],
        "2025-01-11": [
            conversion(
                "cv9",
                "w1",
                "k13",
                "2025-01-11T10:00:00Z",
                message_id="m17",
                revenue="7.25",
                currency="EUR",
            ),
            cv7,  # lands again
        ],
        # Of a contact nobody knows: an orphan, and unattributed.
        "2025-01-20": [conversion("cv12", "w1", "k99", "2025-01-20T10:00:00Z")],
    }
    for day, rows in other_days.items():
        _write_jsonl(_folder(landing, "conversions", day) / "conversions-other-marts.jsonl", rows)


def build_landing(landing: Path) -> Path:
    """Write the scenario's landing zone under `landing` and return it."""
    _dimensions(landing)
    _executions(landing)
    _sends(landing)
    _delivery_reports(landing)
    _engagements(landing)
    _conversions(landing)
    return landing
