"""The whole pipeline on the hand-built scenario (`scenario.py`), with exact numbers.

Runs, on one warehouse, as nightly operation would (one process, as a scheduler starts them):
A = arrival dates 01-01..01-29, B = 01-30 (m3 reaches exactly 30 days), C = 01-31..02-01
(m6's window has passed and its late report arrives), then C again. The backfill they must
agree with is the shared one of 01-01..02-01 in one run (`published_scenario`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.e2e.pipeline import Snapshot, rows_by, run_arguments, run_many, snapshot
from tests.e2e.scenario import CAMPAIGN_NAME, HANDLES, build_landing


@dataclass(frozen=True)
class Runs:
    landing: Path
    warehouse: Path
    after_a: Snapshot
    after_b: Snapshot
    after_c: Snapshot
    after_c_again: Snapshot
    backfill: Snapshot
    summary_a: dict[Any, dict[str, Any]]
    summary_b: dict[Any, dict[str, Any]]
    summary_c: dict[Any, dict[str, Any]]
    funnel_c: dict[Any, dict[str, Any]]
    branches_c: dict[Any, dict[str, Any]]


def _summary(published: Path) -> dict[Any, dict[str, Any]]:
    return rows_by(published, "mart_campaign_summary", "campaign_id")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, published_scenario: Path) -> Runs:
    root = tmp_path_factory.mktemp("scenario")
    landing = build_landing(root / "landing")
    warehouse = root / "warehouse"
    nights = {"a": ("2025-01-01", "2025-01-29"), "b": ("2025-01-30", "2025-01-30")}
    nights |= {"c": ("2025-01-31", "2025-02-01"), "c_again": ("2025-01-31", "2025-02-01")}
    kept = {name: root / f"after_{name}.duckdb" for name in nights}
    outcomes = run_many(
        [run_arguments(landing, warehouse, start, end) for start, end in nights.values()],
        keep_published=list(kept.values()),
    )
    assert [o.returncode for o in outcomes] == [0] * len(nights), [o.output for o in outcomes]

    return Runs(
        landing=landing,
        warehouse=warehouse,
        after_a=snapshot(kept["a"]),
        after_b=snapshot(kept["b"]),
        after_c=snapshot(kept["c"]),
        after_c_again=snapshot(kept["c_again"]),
        backfill=snapshot(published_scenario / "warehouse"),
        summary_a=_summary(kept["a"]),
        summary_b=_summary(kept["b"]),
        summary_c=_summary(kept["c"]),
        funnel_c=rows_by(kept["c"], "mart_campaign_step_funnel", "campaign_id", "step_id"),
        branches_c=rows_by(
            kept["c"], "mart_campaign_branches", "campaign_id", "step_id", "branch_label"
        ),
    )


# Worked out by hand from the contract; see the table in scenario.py.
EXPECTED_SUMMARY_C: dict[str, dict[str, Any]] = {
    "c1": {
        "workspace_id": "w1",
        "campaign_name": CAMPAIGN_NAME,
        "channel": "whatsapp",
        "campaign_status": "finished",  # the stale 'paused' upsert has an older updated_at
        "audience_entries": 8,  # e1..e6, e9, e10 (e7 internal, e8 test)
        "audience_contacts": 7,  # k1..k6, k8
        "contacts_sent": 2,  # k1, k2
        "contacts_failed": 4,  # k3 and k6 timed out, k4 undelivered, k5 dropped
        "contacts_limited": 1,  # k8
        "contacts_pending": 0,
        "contacts_opened": 2,  # k1 (m1 read, m9 open), k2 (m2 read)
        "contacts_clicked": 1,  # k2
        "contacts_replied": 2,  # k1 reply, k3 auto opt-out
        "contacts_engaged": 5,  # k1, k2, k3, k4 (unsubscribe), k6 (manual opt-out)
        "contacts_converted": 2,  # k2 (cv1 -> m10), k1 (cv2 -> m9)
        "sent_rate": 2 / 7,
        "failed_rate": 4 / 7,
        "open_rate_of_sent": 1.0,
        "conversion_rate_of_sent": 1.0,
        "progress_rate": 6 / 7,
        "messages_attempted": 8,  # m1..m6, m9, m10
        "messages_sent": 7,
        "messages_dropped": 1,
        "messages_delivered": 4,  # m1, m2, m9, m10
        "messages_undelivered": 3,  # m3, m6 (report missing), m4 (131026)
        "messages_delivery_pending": 0,
        "delivery_rate": 4 / 7,
        "opens": 3,  # m1, m2, m9
        "open_rate": 3 / 4,
        "clicks": 1,  # g3, landed twice
        "click_through_rate": 1 / 4,
        "conversions": 2,
        "conversion_rate": 2 / 4,
        "responses": 2,  # g1 reply, g7 button click
        "response_rate": 2 / 4,
        "unsubscribes": 3,  # k3, k6 opt-outs, k4 unsubscribe
        "unsubscribe_rate": 3 / 4,
        "initials_sent": 5,  # e1, e2, e3, e4, e6 (e5's initial was dropped)
        "segments_sent": 0,
        "conversations_replied": 2,  # e1, e3
        "reply_rate": 2 / 5,
        "senders": 1,
        "conversations_per_sender": 8.0,
        "opt_outs_auto": 1,
        "opt_outs_manual": 1,
        "opt_outs_total": 2,
        "delivery_health": "low",
    },
    "c2": {
        "workspace_id": "w2",
        "campaign_name": "SMS promo",
        "channel": "sms",
        "campaign_status": "active",
        "audience_entries": 2,
        "audience_contacts": 2,
        "contacts_sent": 1,
        "contacts_failed": 1,
        "contacts_limited": 0,
        "contacts_pending": 0,
        "contacts_opened": 0,
        "contacts_clicked": 0,
        "contacts_replied": 1,  # k10's auto opt-out is a keyword reply
        "contacts_engaged": 1,
        "contacts_converted": 1,  # k9 (cv3 -> m12)
        "sent_rate": 0.5,
        "failed_rate": 0.5,
        "open_rate_of_sent": 0.0,
        "conversion_rate_of_sent": 1.0,
        "progress_rate": 1.0,
        "messages_attempted": 3,
        "messages_sent": 3,
        "messages_dropped": 0,
        "messages_delivered": 2,
        "messages_undelivered": 1,
        "messages_delivery_pending": 0,
        "delivery_rate": 2 / 3,
        "opens": 0,
        "open_rate": 0.0,
        "clicks": 0,
        "click_through_rate": 0.0,
        "conversions": 1,
        "conversion_rate": 0.5,
        "responses": 0,
        "response_rate": 0.0,
        "unsubscribes": 1,
        "unsubscribe_rate": 0.5,
        "initials_sent": 2,
        "segments_sent": 6,
        "conversations_replied": 1,
        "reply_rate": 0.5,
        "senders": 1,
        "conversations_per_sender": 2.0,
        "opt_outs_auto": 1,
        "opt_outs_manual": 0,
        "opt_outs_total": 1,
        "delivery_health": "low",
    },
    "c3": {
        "workspace_id": "w1",
        "campaign_name": "IG drop",
        "channel": "instagram_dm",
        "campaign_status": "finished",
        "audience_entries": 1,
        "audience_contacts": 1,
        "contacts_sent": 1,
        "contacts_failed": 0,
        "contacts_limited": 0,
        "contacts_pending": 0,
        "contacts_opened": 0,
        "contacts_clicked": 0,
        "contacts_replied": 0,
        "contacts_engaged": 0,
        "contacts_converted": 0,
        "sent_rate": 1.0,
        "failed_rate": 0.0,
        "open_rate_of_sent": 0.0,
        "conversion_rate_of_sent": 0.0,
        "progress_rate": 1.0,
        "messages_attempted": 1,
        "messages_sent": 1,
        "messages_dropped": 0,
        "messages_delivered": 1,  # no receipts on Instagram DMs: delivered at sending
        "messages_undelivered": 0,  # and never timed out, though 30 days have passed
        "messages_delivery_pending": 0,
        "delivery_rate": 1.0,
        "opens": 0,
        "open_rate": 0.0,
        "clicks": 0,
        "click_through_rate": 0.0,
        "conversions": 0,
        "conversion_rate": 0.0,
        "responses": 0,
        "response_rate": 0.0,
        "unsubscribes": 0,
        "unsubscribe_rate": 0.0,
        "initials_sent": 1,
        "segments_sent": 0,
        "conversations_replied": 0,
        "reply_rate": 0.0,
        "senders": 1,
        "conversations_per_sender": 1.0,
        "opt_outs_auto": 0,
        "opt_outs_manual": 0,
        "opt_outs_total": 0,
        "delivery_health": "high",
    },
}


def _assert_columns(actual: dict[str, Any], expected: dict[str, Any], label: str) -> None:
    mismatches = {
        column: (actual.get(column, "<missing>"), value)
        for column, value in expected.items()
        if not (
            actual.get(column) == pytest.approx(value)
            if isinstance(value, float)
            else actual.get(column, "<missing>") == value
        )
    }
    assert not mismatches, f"{label}: column -> (actual, expected): {mismatches}"


@pytest.mark.parametrize("campaign", sorted(EXPECTED_SUMMARY_C))
def test_summary_has_the_hand_computed_numbers(runs: Runs, campaign: str) -> None:
    _assert_columns(runs.summary_c[campaign], EXPECTED_SUMMARY_C[campaign], campaign)


def test_summary_as_of_is_the_end_of_the_last_arrival_date(runs: Runs) -> None:
    assert {str(r["as_of"])[:19] for r in runs.summary_c.values()} == {"2025-02-02 00:00:00"}
    assert {str(r["as_of"])[:19] for r in runs.summary_a.values()} == {"2025-01-30 00:00:00"}


DELIVERY_AND_CONTACTS = (
    "messages_delivered",
    "messages_undelivered",
    "messages_delivery_pending",
    "contacts_sent",
    "contacts_failed",
    "contacts_limited",
    "contacts_pending",
)


def _c1(summary: dict[Any, dict[str, Any]]) -> tuple[Any, ...]:
    return tuple(summary["c1"][column] for column in DELIVERY_AND_CONTACTS)


def test_a_message_is_pending_until_exactly_thirty_days(runs: Runs) -> None:
    # As of 01-30 00:00, m3 (sent 01-01 00:00) and m6 are pending; k3 and k6 count as sent.
    assert _c1(runs.summary_a) == (4, 1, 2, 4, 2, 1, 0)


def test_a_message_times_out_at_exactly_thirty_days(runs: Runs) -> None:
    # As of 01-31 00:00 = m3's sent_at + 30 days: undelivered, and k3 moves to failed.
    assert _c1(runs.summary_b) == (4, 2, 1, 3, 3, 1, 0)


def test_a_report_received_after_the_window_does_not_deliver(runs: Runs) -> None:
    # m6's delivered report arrived on 02-01, after its window closed on 01-31 10:00.
    assert _c1({"c1": runs.summary_c["c1"]}) == (4, 3, 0, 2, 4, 1, 0)


def test_the_step_funnel_has_the_hand_computed_numbers(runs: Runs) -> None:
    expected = {
        ("c1", "s1"): ("message", 1, None, None, 6, 5, 2, 0, 0, None),
        ("c1", "s2"): ("logic", 2, "s1", None, 2, 0, 0, 0, 0, 1 - 2 / 6),
        ("c1", "s3"): ("message", 3, "s2", "yes", 1, 1, 1, 0, 1, 0.5),
        ("c1", "s4"): ("conversion_link", 3, "s2", "no", 1, 1, 0, 1, 1, 0.5),
        ("c2", "s1"): ("message", 1, None, None, 2, 3, 0, 0, 1, None),
        ("c3", "s1"): ("message", 1, None, None, 1, 1, 0, 0, 0, None),
    }
    columns = (
        "step_type",
        "step_order",
        "parent_step_id",
        "branch_label",
        "contacts_reached",
        "messages_sent",
        "contacts_seen",
        "contacts_clicked",
        "conversions",
        "dropoff_rate",
    )
    # c4..c8 are the other marts' campaigns (test_other_marts.py).
    assert {key for key in runs.funnel_c if key[0] in ("c1", "c2", "c3")} == set(expected)
    for key, values in expected.items():
        _assert_columns(runs.funnel_c[key], dict(zip(columns, values, strict=True)), str(key))


def test_the_branches_count_contacts_per_branch(runs: Runs) -> None:
    assert {key: row["contacts"] for key, row in runs.branches_c.items()} == {
        ("c1", "s2", "yes"): 1,
        ("c1", "s2", "no"): 1,
    }


def test_a_rerun_of_the_same_dates_changes_no_mart(runs: Runs) -> None:
    assert runs.after_c_again == runs.after_c


def test_a_backfill_gives_the_same_marts_as_the_nightly_runs(runs: Runs) -> None:
    assert runs.backfill == runs.after_c


def test_no_mart_contains_a_contact_handle(runs: Runs) -> None:
    text = repr(runs.after_c)
    assert not [handle for handle in HANDLES.values() if handle in text]
    parquet = runs.warehouse / "parquet"
    with duckdb.connect() as conn:
        for file in parquet.glob("*.parquet"):
            rows = conn.execute("select * from read_parquet(?)", [str(file)]).fetchall()
            assert not [h for h in HANDLES.values() if h in repr(rows)], file.name
