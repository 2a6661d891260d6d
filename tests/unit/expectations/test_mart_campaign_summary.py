from __future__ import annotations

import duckdb
import pytest

from expectations import mart_campaign_summary
from expectations.guards import build_suite, frame_sql
from expectations.runner import SuiteOutcome, run_suite
from tests.unit.expectations.support import assert_fails_only, assert_passes, create_table

TABLE = "marts.mart_campaign_summary"


def _campaign(campaign_id: str) -> dict[str, object]:
    counts = {
        "audience_entries": 12,
        "audience_contacts": 10,
        "contacts_sent": 6,
        "contacts_failed": 2,
        "contacts_limited": 1,
        "contacts_pending": 1,
        "contacts_opened": 4,
        "contacts_clicked": 2,
        "contacts_replied": 1,
        "contacts_engaged": 5,
        "contacts_converted": 1,
        "messages_attempted": 9,
        "messages_sent": 8,
        "messages_dropped": 1,
        "messages_delivered": 5,
        "messages_undelivered": 2,
        "messages_delivery_pending": 1,
        "opens": 4,
        "clicks": 7,
        "conversions": 1,
        "responses": 2,
        "unsubscribes": 0,
        "initials_sent": 6,
        "segments_sent": 9,
        "conversations_replied": 1,
        "senders": 2,
        "opt_outs_auto": 0,
        "opt_outs_manual": 0,
        "opt_outs_total": 0,
    }
    rates = {
        "sent_rate": 0.6,
        "failed_rate": 0.2,
        "open_rate_of_sent": 4 / 6,
        "conversion_rate_of_sent": 1 / 6,
        "progress_rate": 0.8,
        "delivery_rate": 5 / 8,
        "open_rate": 0.8,
        # Event-based rates may exceed 1 and must not trip the fraction checks.
        "click_through_rate": 1.4,
        "conversion_rate": 0.2,
        "response_rate": 0.4,
        "unsubscribe_rate": 0.0,
        "reply_rate": 1 / 6,
        "conversations_per_sender": 6.0,
    }
    return {"campaign_id": campaign_id, "campaign_name": campaign_id.upper(), **counts, **rates}


def _never_sent(campaign_id: str) -> dict[str, object]:
    """A campaign whose audience is all pending: every rate's base is 0 or the rate is 0."""
    row = {k: (0 if isinstance(v, int) else v) for k, v in _campaign(campaign_id).items()}
    row.update(audience_entries=3, audience_contacts=3, contacts_pending=3, sent_rate=0.0)
    row.update(failed_rate=0.0, progress_rate=0.0)
    for rate in ("open_rate_of_sent", "conversion_rate_of_sent", "delivery_rate", "open_rate"):
        row[rate] = None
    for rate in ("click_through_rate", "conversion_rate", "response_rate", "unsubscribe_rate"):
        row[rate] = None
    row.update(reply_rate=None, conversations_per_sender=1.5)
    return row


@pytest.fixture
def summary(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    create_table(connection, TABLE, [_campaign("c1"), _campaign("c2"), _never_sent("c3")])
    return connection


def _validate(connection: duckdb.DuckDBPyConnection) -> SuiteOutcome:
    frame = connection.execute(frame_sql(mart_campaign_summary.GUARD)).df()
    return run_suite(build_suite(mart_campaign_summary.GUARD), frame)


def test_clean_summary_passes_with_null_rates_and_event_rates_above_1(
    summary: duckdb.DuckDBPyConnection,
) -> None:
    assert_passes(_validate(summary))


def test_every_expectation_is_blocking() -> None:
    suite = build_suite(mart_campaign_summary.GUARD)
    assert {e.meta["severity"] for e in suite.expectations} == {"error"}


BREAKS = [
    ("update {t} set contacts_pending = contacts_pending + 1", "contacts_add_up_to_audience"),
    (
        "update {t} set messages_delivery_pending = messages_delivery_pending + 1",
        "delivery_statuses_add_up_to_messages_sent",
    ),
    (
        "update {t} set messages_attempted = messages_attempted + 1",
        "sent_and_dropped_add_up_to_attempted",
    ),
    ("update {t} set opens = messages_delivered + 1", "opens_within_delivered"),
    ("update {t} set contacts_opened = contacts_sent + 1", "contacts_opened_within_sent"),
    ("update {t} set clicks = -1 where campaign_id = 'c2'", "no_count_negative"),
    *(
        (f"update {{t}} set {rate} = 1.5 where campaign_id = 'c1'", f"{rate}_within_0_1")
        for rate in mart_campaign_summary.FRACTION_RATES
    ),
    ("update {t} set sent_rate = -0.1 where campaign_id = 'c1'", "sent_rate_within_0_1"),
]


@pytest.mark.parametrize(("statement", "expected"), BREAKS, ids=[b[1] for b in BREAKS])
def test_broken_summary_fails_on_the_intended_expectation(
    summary: duckdb.DuckDBPyConnection, statement: str, expected: str
) -> None:
    summary.execute(statement.format(t=TABLE))
    outcome = _validate(summary)
    assert_fails_only(outcome, expected)
    assert outcome.blocks
