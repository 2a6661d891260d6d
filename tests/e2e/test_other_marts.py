"""The other published marts on the hand-built scenario (`scenario.py`), with exact numbers.

One run of the real pipeline, arrival dates 2025-01-01..2025-02-01: as-of 2025-02-02 00:00
UTC, so "the last 30 days" are attempts in [2025-01-03 00:00, 2025-02-02 00:00).

Every expected value below is worked out by hand from `shared/contract/metrics.md` and the
tables at the top of `scenario.py`; the comments say why. Workspace w1 reports in UTC, w2 in
America/Los_Angeles (UTC-8 in winter). 2025-01-01 is a Wednesday, so the ISO week of the new
year runs Monday 2024-12-30 .. Sunday 2025-01-05 and spans two months.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.e2e.scenario import CAMPAIGN_NAME, HANDLES
from tests.period_metrics import PERIOD_COUNTS

Row = dict[str, Any]


@pytest.fixture(scope="module")
def warehouse(published_scenario: Path) -> Path:
    """The scenario published over 2025-01-01..2025-02-01; only read here."""
    return published_scenario / "warehouse"


def _plain(value: Any) -> Any:
    """A mart value in a form written by hand: timestamps as 'YYYY-MM-DD HH:MM:SS' (UTC),
    dates as 'YYYY-MM-DD', decimals as floats."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")[:19]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _rows(warehouse: Path, mart: str) -> list[Row]:
    with duckdb.connect(str(warehouse / "serving.duckdb"), read_only=True) as conn:
        cursor = conn.execute(f'select * from marts."{mart}"')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, map(_plain, r), strict=True)) for r in cursor.fetchall()]


def _by(rows: list[Row], *keys: str) -> dict[Any, Row]:
    """Rows by key; date keys compared on their date part whatever their type."""

    def part(row: Row, key: str) -> Any:
        value = row[key]
        return value[:10] if key.endswith("_date") and isinstance(value, str) else value

    keyed = {
        (part(r, keys[0]) if len(keys) == 1 else tuple(part(r, k) for k in keys)): r for r in rows
    }
    assert len(keyed) == len(rows), f"the grain {keys} is not unique"
    return keyed


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, float) and actual is not None:
        return actual == pytest.approx(expected)
    return actual == expected


def _assert_rows(
    actual: Mapping[Any, Row], expected: Mapping[Any, Mapping[str, Any]], mart: str
) -> None:
    assert sorted(actual, key=repr) == sorted(expected, key=repr), f"{mart}: the set of rows"
    mismatches = {
        (key, column): (actual[key].get(column, "<missing>"), value)
        for key, columns in expected.items()
        for column, value in columns.items()
        if not _same(actual[key].get(column, "<missing>"), value)
    }
    assert not mismatches, f"{mart}: (row, column) -> (actual, expected): {mismatches}"


def _named(columns: Sequence[str], table: Mapping[Any, Sequence[Any]]) -> dict[Any, Row]:
    return {key: dict(zip(columns, values, strict=True)) for key, values in table.items()}


# --- period marts ----------------------------------------------------------------------------

TIMEZONES = {"w1": "UTC", "w2": "America/Los_Angeles"}
WORKSPACES = {"c1": "w1", "c2": "w2", "c3": "w1", "c8": "w2"} | {
    c: "w1" for c in ("c4", "c5", "c6", "c7")
}
_ = 0  # a zero that is not the point of the row

# (campaign, local day) -> PERIOD_COUNTS. Sends by attempt, deliveries by delivery, undelivered by
# the failure report or the timeout (sent + 30 days), pending by attempt, opens by first open,
# clicks, responses and conversions by occurrence.
DAILY: dict[tuple[str, str], tuple[int, ...]] = {
    # c1 (UTC): m1..m6 attempted, m5 dropped; m1, m2 delivered and read (m2's delivered
    # report at 12:30+02:00 = 10:30 UTC); m4 failed; g1 reply.
    ("c1", "2025-01-01"): (6, 5, 1, 2, 1, _, 2, _, 1, _, _),
    # m9, m10 sent and delivered; m9 opened (open at 12:00); g3 click (landed twice), g7
    # button click; cv1 at 12:00 (m10).
    ("c1", "2025-01-02"): (2, 2, _, 2, _, _, 1, 1, 1, 1, _),
    ("c1", "2025-01-03"): (_, _, _, _, _, _, _, _, _, 1, _),  # cv2 at 09:00 (m9)
    # m3 times out at 01-01 00:00 + 30 days = 01-31 00:00, m6 at 01-31 10:00: dated by the
    # timeout, not the send.
    ("c1", "2025-01-31"): (_, _, _, _, 2, _, _, _, _, _, _),
    # c2 (Los Angeles): m11 at 06:00 UTC and m13 at 07:00 UTC on 01-03 are 22:00 and 23:00 on
    # 01-02 local, and so are m11's delivery (22:01) and m13's failure (23:01); 2 + 3 segments.
    ("c2", "2025-01-02"): (2, 2, _, 1, 1, _, _, _, _, _, 5),
    # m12 at 01-04 06:00 UTC = 01-03 22:00 local, delivered 22:01; 1 segment.
    ("c2", "2025-01-03"): (1, 1, _, 1, _, _, _, _, _, _, 1),
    ("c2", "2025-01-04"): (_, _, _, _, _, _, _, _, _, 1, _),  # cv3 at 04:00 local
    ("c3", "2025-01-02"): (1, 1, _, 1, _, _, _, _, _, _, _),  # m14, delivered at sending
    # c4: m15 sent, delivered, read (15:30); g10 click.
    ("c4", "2025-01-02"): (1, 1, _, 1, _, _, 1, 1, _, _, _),
    # m16..m20 sent and delivered (m18 by its read report at 10:00); read: m16, m17, m18, m20;
    # clicks g11, g12, g13 (k12) and g15 (k13), the test click g24 excluded; Buy g14, g16;
    # cv7 (10:00), cv8 (11:00), cv10 (12:00).
    ("c4", "2025-01-10"): (5, 5, _, 5, _, _, 4, 4, 2, 3, _),
    ("c4", "2025-01-11"): (_, _, _, _, _, _, _, _, _, 1, _),  # cv9 at 10:00 (m17)
    # c5: m21..m25 sent; m21, m22, m24 delivered; m23, m25 failed; m21, m22 read; three
    # quick-reply taps.
    ("c5", "2025-01-15"): (5, 5, _, 3, 2, _, 2, _, 3, _, _),
    ("c6", "2025-01-20"): (2, 2, _, 1, _, 1, _, _, _, _, _),  # m26 delivered, m27 pending
    # c7: m28, m29 sent and delivered, m30 dropped; m28 read, m29 opened; clicks g20, g22.
    ("c7", "2025-01-25"): (3, 2, 1, 2, _, _, 2, 2, _, _, _),
    # c8 (Los Angeles): m31 at 01-01 05:00 UTC = 12-31 21:00 local, 1 segment ...
    ("c8", "2024-12-31"): (1, 1, _, _, _, _, _, _, _, _, 1),
    # ... delivered at 08:30 UTC = 01-01 00:30 local, the next local day and month.
    ("c8", "2025-01-01"): (_, _, _, 1, _, _, _, _, _, _, _),
    # m32 at 18:00 UTC = 10:00 local, 2 segments, delivered 10:01; cv11 at 01-03 01:00 UTC
    # = 01-02 17:00 local (to m32).
    ("c8", "2025-01-02"): (1, 1, _, 1, _, _, _, _, _, 1, 2),
}

# ISO weeks (Monday start) of the local days above: 2024-12-31..2025-01-04 are in the week of
# Monday 2024-12-30; 01-10, 01-11 in 01-06; 01-15 in 01-13; 01-20, 01-25 in 01-20; 01-31 in
# 01-27.
WEEKLY: dict[tuple[str, str], tuple[int, ...]] = {
    ("c1", "2024-12-30"): (8, 7, 1, 4, 1, _, 3, 1, 2, 2, _),
    ("c1", "2025-01-27"): (_, _, _, _, 2, _, _, _, _, _, _),
    ("c2", "2024-12-30"): (3, 3, _, 2, 1, _, _, _, _, 1, 6),
    ("c3", "2024-12-30"): (1, 1, _, 1, _, _, _, _, _, _, _),
    ("c4", "2024-12-30"): (1, 1, _, 1, _, _, 1, 1, _, _, _),
    ("c4", "2025-01-06"): (5, 5, _, 5, _, _, 4, 4, 2, 4, _),
    ("c5", "2025-01-13"): (5, 5, _, 3, 2, _, 2, _, 3, _, _),
    ("c6", "2025-01-20"): (2, 2, _, 1, _, 1, _, _, _, _, _),
    ("c7", "2025-01-20"): (3, 2, 1, 2, _, _, 2, 2, _, _, _),
    # c8's 12-31 send and its January delivery and conversion: one week, two months.
    ("c8", "2024-12-30"): (2, 2, _, 2, _, _, _, _, _, 1, 3),
}

MONTHLY: dict[tuple[str, str], tuple[int, ...]] = {
    ("c1", "2025-01-01"): (8, 7, 1, 4, 3, _, 3, 1, 2, 2, _),
    ("c2", "2025-01-01"): (3, 3, _, 2, 1, _, _, _, _, 1, 6),
    ("c3", "2025-01-01"): (1, 1, _, 1, _, _, _, _, _, _, _),
    ("c4", "2025-01-01"): (6, 6, _, 6, _, _, 5, 5, 2, 4, _),
    ("c5", "2025-01-01"): (5, 5, _, 3, 2, _, 2, _, 3, _, _),
    ("c6", "2025-01-01"): (2, 2, _, 1, _, 1, _, _, _, _, _),
    ("c7", "2025-01-01"): (3, 2, 1, 2, _, _, 2, 2, _, _, _),
    # m31 is sent in December local time (January in UTC); its delivery is in January.
    ("c8", "2024-12-01"): (1, 1, _, _, _, _, _, _, _, _, 1),
    ("c8", "2025-01-01"): (1, 1, _, 2, _, _, _, _, _, 1, 2),
}

# Every campaign's message-grain counts over all time, which each period mart adds up to:
# c1 (8, 7, 1, 4, 3, 0, 3, 1, 2, 2, 0), c2 (3, 3, 0, 2, 1, 0, 0, 0, 0, 1, 6), c3 (1, 1, ...),
# c4 (6, 6, 0, 6, 0, 0, 5, 5, 2, 4, 0), c5 (5, 5, 0, 3, 2, 0, 2, 0, 3, 0, 0),
# c6 (2, 2, 0, 1, 0, 1, 0, ...), c7 (3, 2, 1, 2, 0, 0, 2, 2, 0, 0, 0), c8 (2, 2, 0, 2, ..., 1, 3).
TOTALS = dict(zip(PERIOD_COUNTS, (30, 28, 2, 21, 6, 1, 12, 8, 7, 8, 9), strict=True))


def _period_rows(table: Mapping[tuple[str, str], tuple[int, ...]]) -> dict[Any, Row]:
    return {
        key: {
            "workspace_id": WORKSPACES[key[0]],
            "reporting_timezone": TIMEZONES[WORKSPACES[key[0]]],
            **dict(zip(PERIOD_COUNTS, values, strict=True)),
        }
        for key, values in table.items()
    }


@pytest.mark.parametrize(
    ("mart", "period", "table"),
    [
        ("mart_campaign_daily", "activity_date", DAILY),
        ("mart_campaign_weekly", "week_start_date", WEEKLY),
        ("mart_campaign_monthly", "month_start_date", MONTHLY),
    ],
)
def test_campaign_period_marts_date_each_event_by_its_local_period(
    warehouse: Path, mart: str, period: str, table: dict[tuple[str, str], tuple[int, ...]]
) -> None:
    actual = _by(_rows(warehouse, mart), "campaign_id", period)
    _assert_rows(actual, _period_rows(table), mart)


def test_the_west_coast_evening_send_is_on_the_previous_local_day(warehouse: Path) -> None:
    daily = _by(_rows(warehouse, "mart_campaign_daily"), "campaign_id", "activity_date")
    # m11 left at 2025-01-03 06:00 UTC: 2025-01-02 22:00 in Los Angeles; nothing of c2 is
    # dated 01-03 but m12 (01-04 06:00 UTC).
    assert daily["c2", "2025-01-02"]["messages_sent"] == 2
    assert daily["c2", "2025-01-03"]["messages_sent"] == 1
    assert ("c2", "2025-01-05") not in daily


def test_an_iso_week_across_two_months_is_one_week_and_two_months(warehouse: Path) -> None:
    weekly = _by(_rows(warehouse, "mart_campaign_weekly"), "campaign_id", "week_start_date")
    monthly = _by(_rows(warehouse, "mart_campaign_monthly"), "campaign_id", "month_start_date")
    assert {k[1] for k in weekly if k[0] == "c8"} == {"2024-12-30"}
    assert {k[1] for k in monthly if k[0] == "c8"} == {"2024-12-01", "2025-01-01"}
    assert weekly["c8", "2024-12-30"]["messages_sent"] == (
        monthly["c8", "2024-12-01"]["messages_sent"] + monthly["c8", "2025-01-01"]["messages_sent"]
    )


# workspace x message channel x local day: the campaign days above added up.
CHANNEL_DAILY: dict[tuple[str, str, str], tuple[int, ...]] = {
    ("w1", "whatsapp", "2025-01-01"): (6, 5, 1, 2, 1, _, 2, _, 1, _, _),  # c1
    ("w1", "whatsapp", "2025-01-02"): (3, 3, _, 3, _, _, 2, 2, 1, 1, _),  # c1 + c4
    ("w1", "whatsapp", "2025-01-03"): (_, _, _, _, _, _, _, _, _, 1, _),  # c1
    ("w1", "whatsapp", "2025-01-10"): (5, 5, _, 5, _, _, 4, 4, 2, 3, _),  # c4
    ("w1", "whatsapp", "2025-01-11"): (_, _, _, _, _, _, _, _, _, 1, _),  # c4
    ("w1", "whatsapp", "2025-01-15"): (5, 5, _, 3, 2, _, 2, _, 3, _, _),  # c5
    ("w1", "whatsapp", "2025-01-20"): (2, 2, _, 1, _, 1, _, _, _, _, _),  # c6
    ("w1", "whatsapp", "2025-01-25"): (3, 2, 1, 2, _, _, 2, 2, _, _, _),  # c7
    ("w1", "whatsapp", "2025-01-31"): (_, _, _, _, 2, _, _, _, _, _, _),  # c1 timeouts
    ("w1", "instagram_dm", "2025-01-02"): (1, 1, _, 1, _, _, _, _, _, _, _),  # c3
    ("w2", "sms", "2024-12-31"): (1, 1, _, _, _, _, _, _, _, _, 1),  # c8
    ("w2", "sms", "2025-01-01"): (_, _, _, 1, _, _, _, _, _, _, _),  # c8
    ("w2", "sms", "2025-01-02"): (3, 3, _, 2, 1, _, _, _, _, 1, 7),  # c2 + c8
    ("w2", "sms", "2025-01-03"): (1, 1, _, 1, _, _, _, _, _, _, 1),  # c2
    ("w2", "sms", "2025-01-04"): (_, _, _, _, _, _, _, _, _, 1, _),  # c2
}


def test_channel_daily_adds_up_campaigns_per_workspace_channel_and_local_day(
    warehouse: Path,
) -> None:
    actual = _by(_rows(warehouse, "mart_channel_daily"), "workspace_id", "channel", "activity_date")
    expected = {
        key: {
            "reporting_timezone": TIMEZONES[key[0]],
            **dict(zip(PERIOD_COUNTS, values, strict=True)),
        }
        for key, values in CHANNEL_DAILY.items()
    }
    _assert_rows(actual, expected, "mart_channel_daily")


@pytest.mark.parametrize(
    "mart",
    ["mart_campaign_daily", "mart_campaign_weekly", "mart_campaign_monthly", "mart_channel_daily"],
)
def test_each_period_mart_adds_up_to_the_campaign_totals(warehouse: Path, mart: str) -> None:
    rows = _rows(warehouse, mart)
    assert {m: sum(r[m] for r in rows) for m in PERIOD_COUNTS} == TOTALS


# --- failure reasons ------------------------------------------------------------------------


def test_failure_reasons_share_each_stage_of_a_campaign(warehouse: Path) -> None:
    actual = _by(_rows(warehouse, "mart_failure_reasons"), "campaign_id", "stage", "reason")
    expected = _named(
        ("messages", "share_of_stage"),
        {
            ("c1", "dropped", "frequency_capped"): (1, 1.0),  # m5
            # c1's 3 undelivered: m4 (meta 131026) and the timeouts m3, m6; m7 (internal)
            # and m8 (test) are not counted.
            ("c1", "undelivered", "recipient_error"): (1, 1 / 3),
            ("c1", "undelivered", "delivery_report_missing"): (2, 2 / 3),
            ("c2", "undelivered", "held"): (1, 1.0),  # m13, twilio 30007
            ("c5", "undelivered", "recipient_limit"): (1, 0.5),  # m23, meta 131049
            ("c5", "undelivered", "unknown"): (1, 0.5),  # m25, 999999 is not in the seed
            ("c7", "dropped", "paused_template"): (1, 1.0),  # m30
        },
    )
    _assert_rows(actual, expected, "mart_failure_reasons")


# --- senders --------------------------------------------------------------------------------


def test_sender_performance_over_the_lifetime_and_the_last_30_days(warehouse: Path) -> None:
    actual = _by(_rows(warehouse, "mart_sender_performance"), "sender_id")
    columns = (
        "workspace_id",
        "channel",
        "sender_name",
        "messages_sent",
        "messages_delivered",
        "messages_undelivered",
        "success_rate",
        "messages_sent_30d",
        "success_rate_30d",
        "delivery_health",
        "last_attempted_at",
    )
    expected = _named(
        columns,
        {
            # c1: m1..m4, m6, m9, m10 accepted (m5 dropped, m7 internal, m8 test), 4 delivered,
            # 3 undelivered; c4: m15..m20, all delivered; c5: m25 undelivered. 10 / 14 is low.
            # The last 30 days (from 01-03 00:00): m16..m20 and m25, 5 delivered of 6.
            "snd1": (
                "w1", "whatsapp", None, 14, 10, 4, 10 / 14, 6, 5 / 6, "low",
                "2025-01-15 12:00:00",
            ),
            # m11, m12, m13 (c2) and m31, m32 (c8): 4 of 5 is exactly 0.80, moderate. m31 and
            # m32 (01-01, 01-02) are older than 30 days: m11, m12, m13 remain, 2 of 3.
            "snd2": (
                "w2", "sms", None, 5, 4, 1, 0.8, 3, 2 / 3, "moderate", "2025-01-04 06:00:00",
            ),
            # m14 (Instagram, delivered at sending) on 01-02 10:00: nothing in the last 30 days.
            "snd3": (
                "w1", "instagram_dm", None, 1, 1, 0, 1.0, 0, None, "high",
                "2025-01-02 10:00:00",
            ),
            # m21..m24 (c5), m26, m27 (c6), m28, m29 (c7) accepted, m30 dropped: delivered
            # m21, m22, m24, m26, m28, m29; undelivered m23; m27 still pending (not decided).
            "snd4": (
                "w1", "whatsapp", "Acme WhatsApp 2", 8, 6, 1, 6 / 7, 8, 6 / 7, "moderate",
                "2025-01-25 10:00:00",
            ),
            # Never used: nothing sent, no rate, no band.
            "snd5": ("w1", "email", "Acme mail", 0, 0, 0, None, 0, None, None, None),
        },
    )  # fmt: skip
    _assert_rows(actual, expected, "mart_sender_performance")


# --- links and buttons ----------------------------------------------------------------------


def test_link_clicks_per_carousel_card(warehouse: Path) -> None:
    actual = _by(
        _rows(warehouse, "mart_link_clicks"), "campaign_id", "step_id", "link_id", "card_index"
    )
    shop = "https://example.com/shop?card="
    expected = _named(
        ("url", "clicks", "unique_clickers", "first_clicked_at", "last_clicked_at"),
        {
            # g3 landed twice: one click. k7's click g6 (internal) is not here.
            ("c1", "s4", "L1", None): (
                "https://example.com/offer?a=1&b='2'", 1, 1, "2025-01-02 11:00:00",
                "2025-01-02 11:00:00",
            ),
            ("c4", "s1", "L3", None): (
                "https://example.com/preview", 1, 1, "2025-01-02 16:00:00",
                "2025-01-02 16:00:00",
            ),
            # Card 0: k12 at 09:10 and 09:20, k13 at 09:40 (k12's test click at 09:50 left
            # out): 3 clicks by 2 contacts. Card 1: k12 at 09:12.
            ("c4", "s1", "shop", 0): (
                f"{shop}0", 3, 2, "2025-01-10 09:10:00", "2025-01-10 09:40:00",
            ),
            ("c4", "s1", "shop", 1): (
                f"{shop}1", 1, 1, "2025-01-10 09:12:00", "2025-01-10 09:12:00",
            ),
            ("c7", "s1", "L5", None): (
                "https://example.com/vip", 2, 2, "2025-01-25 10:03:00", "2025-01-25 11:01:00",
            ),
        },
    )  # fmt: skip
    _assert_rows(actual, expected, "mart_link_clicks")


def test_response_buttons_per_button_and_card(warehouse: Path) -> None:
    actual = _by(
        _rows(warehouse, "mart_response_buttons"),
        "campaign_id",
        "step_id",
        "button_id",
        "card_index",
    )
    expected = _named(
        ("button_label", "responses", "unique_responders"),
        {
            ("c1", "s4", "b1", None): ("Yes", 1, 1),  # g7 (g1 is a reply, not a button)
            ("c4", "s1", "buy", 0): ("Buy", 1, 1),  # k13 on card 0
            ("c4", "s1", "buy", 1): ("Buy", 1, 1),  # k12 on card 1
            ("c5", "s1", "yes", None): ("Yes", 2, 1),  # k12 tapped yes twice
            ("c5", "s1", "no", None): ("No", 1, 1),  # k13
        },
    )
    _assert_rows(actual, expected, "mart_response_buttons")


# --- revenue --------------------------------------------------------------------------------


def test_campaign_revenue_never_adds_currencies(warehouse: Path) -> None:
    actual = _by(_rows(warehouse, "mart_campaign_revenue"), "campaign_id", "currency")
    expected = _named(
        ("conversions", "conversions_with_revenue", "revenue"),
        {
            ("c1", "USD"): (1, 1, 10.0),  # cv1 -> m10
            ("c1", "EUR"): (1, 1, 20.0),  # cv2 -> m9 (rule 2)
            ("c2", "USD"): (1, 1, 5.0),  # cv3 -> m12 (rule 2)
            ("c4", "EUR"): (2, 2, 19.75),  # cv7 12.50 (landed twice, counted once) + cv9 7.25
            ("c4", "USD"): (1, 1, 30.0),  # cv10 -> m18
            ("c4", None): (1, 0, None),  # cv8, a sign-up without revenue -> m16 (rule 2)
            ("c8", "USD"): (1, 1, 150.0),  # cv11 -> m32 (rule 2, the last delivered)
            # Not here: cv4, cv6, cv12 (unattributed) and cv5 (internal contact).
        },
    )
    _assert_rows(actual, expected, "mart_campaign_revenue")


# --- template benchmarks --------------------------------------------------------------------

# The US, retail, marketing peers over the last 30 days (attempts from 01-03 00:00), each with
# a delivered message (m15 of t2 was sent on 01-02 and is left out):
#   t2: m16..m19, 4 delivered, read m16, m17, m18 (3), clicked m16, m17 (2): 0.75, 0.5
#   t3: m21..m24, 3 delivered (m23 failed), read m21, m22: 2/3, 0 (buttons are not clicks)
#   t4: m26, m27, 1 delivered (m27 pending), none read: 0, 0
#   t5: m28, m29 (m30 dropped: not sent), both read (m29 by an open), both clicked: 1, 1
# The 75th percentile (continuous, interpolated between order statistics as numpy's default
# and SQL's percentile_cont): position 0.75 * (4 - 1) = 2.25 of the sorted rates.
#   read [0, 2/3, 0.75, 1]:   0.75 + 0.25 * (1 - 0.75) = 0.8125
#   click [0, 0, 0.5, 1]:     0.5 + 0.25 * (1 - 0.5) = 0.625
# DE: t2's m20 (delivered, read, not clicked) and t3's m25 (failed: no rate, not a peer).
US_READ, US_CLICK = 0.8125, 0.625


def test_template_benchmarks_against_the_75th_percentile_of_peers(warehouse: Path) -> None:
    rows = _rows(warehouse, "mart_template_benchmarks")
    actual = _by(
        [r for r in rows if r["template_id"] != "t1"],
        "template_id",
        "country",
        "industry",
        "template_category",
    )
    columns = (
        "messages_sent",
        "messages_delivered",
        "messages_read",
        "messages_clicked",
        "read_rate",
        "click_rate",
        "comparable_templates",
        "read_rate_benchmark",
        "click_rate_benchmark",
        "read_rate_vs_benchmark",
        "click_rate_vs_benchmark",
    )
    us, de = ("US", "retail", "marketing"), ("DE", "retail", "marketing")
    expected = _named(
        columns,
        {
            ("t2", *us): (4, 4, 3, 2, 0.75, 0.5, 4, US_READ, US_CLICK, -0.0625, -0.125),
            ("t3", *us): (4, 3, 2, 0, 2 / 3, 0.0, 4, US_READ, US_CLICK, 2 / 3 - US_READ, -US_CLICK),
            ("t4", *us): (2, 1, 0, 0, 0.0, 0.0, 4, US_READ, US_CLICK, -US_READ, -US_CLICK),
            ("t5", *us): (2, 2, 2, 2, 1.0, 1.0, 4, US_READ, US_CLICK, 0.1875, 0.375),
            ("t2", *de): (1, 1, 1, 0, 1.0, 0.0, 1, 1.0, 0.0, 0.0, 0.0),
            ("t3", *de): (1, 0, 0, 0, None, None, 1, 1.0, 0.0, None, None),
        },
    )
    _assert_rows(actual, expected, "mart_template_benchmarks")
    # t1 (c1) sent nothing in the last 30 days but the test send m8: no rate of its own.
    assert not [r for r in rows if r["template_id"] == "t1" and r["messages_sent"]]
    assert {str(r["as_of"])[:19] for r in rows} == {"2025-02-02 00:00:00"}


# --- execution history ----------------------------------------------------------------------

# execution -> (campaign, status, messages_attempted, step_statuses, is_test, is_internal).
# A step's status is the best of its messages (opened > delivered > delivery_pending >
# undelivered > dropped), else branch_taken, else reached, in flow order.
HISTORY: dict[str, tuple[Any, ...]] = {
    "e1": ("c1", "completed", 2, "s1: opened; s2: branch_taken; s3: opened", False, False),
    "e2": ("c1", "completed", 2, "s1: opened; s2: branch_taken; s4: delivered", False, False),
    "e3": ("c1", "pending", 1, "s1: undelivered", False, False),  # m3 timed out
    "e4": ("c1", "failed", 1, "s1: undelivered", False, False),
    "e5": ("c1", "pending", 1, "s1: dropped", False, False),
    "e6": ("c1", "pending", 1, "s1: undelivered", False, False),  # m6's report came late
    "e7": ("c1", "pending", 1, "s1: delivered", False, True),  # internal, listed
    # The test send m8 (01-03 08:00) has 30 days until 02-02 08:00: pending as of 02-02 00:00.
    "e8": ("c1", "pending", 1, "s1: delivery_pending", True, False),
    "e9": ("c1", "limited", 0, None, False, False),
    "e10": ("c1", "pending", 0, None, False, False),  # k1's second entry, nothing yet
    "e11": ("c2", "pending", 2, "s1: delivered", False, False),
    "e12": ("c2", "pending", 1, "s1: undelivered", False, False),
    "e13": ("c3", "pending", 1, "s1: delivered", False, False),
    "e14": ("c4", "completed", 1, "s1: opened", False, False),
    "e15": ("c4", "completed", 1, "s1: opened", False, False),
    "e16": ("c4", "completed", 1, "s1: opened", False, False),
    "e17": ("c4", "completed", 1, "s1: opened", False, False),  # m18's read report
    "e18": ("c4", "completed", 1, "s1: delivered", False, False),
    "e19": ("c4", "completed", 1, "s1: opened", False, False),
    "e20": ("c5", "pending", 1, "s1: opened", False, False),
    "e21": ("c5", "pending", 1, "s1: opened", False, False),
    "e22": ("c5", "pending", 1, "s1: undelivered", False, False),
    "e23": ("c5", "pending", 1, "s1: delivered", False, False),
    "e24": ("c5", "interrupted", 1, "s1: undelivered", False, False),
    "e25": ("c6", "pending", 1, "s1: delivered", False, False),
    "e26": ("c6", "pending", 1, "s1: delivery_pending", False, False),
    "e27": ("c7", "pending", 1, "s1: opened", False, False),
    "e28": ("c7", "pending", 1, "s1: opened", False, False),  # an open, no read receipt
    "e29": ("c7", "pending", 1, "s1: dropped", False, False),
    "e30": ("c8", "completed", 2, "s1: delivered; s2: delivered", False, False),
}
HISTORY_CONTACTS = {
    **{f"e{n}": f"k{n}" for n in range(1, 8)},
    "e8": "k1",
    "e9": "k8",
    "e10": "k1",
    "e11": "k9",
    "e12": "k10",
    "e13": "k11",
    "e14": "k15",
    **{f"e{n}": f"k{n - 3}" for n in range(15, 20)},
    **{f"e{n}": f"k{n - 8}" for n in range(20, 25)},
    "e25": "k12",
    "e26": "k13",
    **{f"e{n}": f"k{n - 13}" for n in range(27, 30)},
    "e30": "k17",
}


def _step_list(steps: str | None) -> list[dict[str, str]] | None:
    """The mart's typed list of (step_id, step_status) of "s1: opened; s2: branch_taken"."""
    if steps is None:
        return None
    pairs = (step.split(": ") for step in steps.split("; "))
    return [{"step_id": step_id, "step_status": status} for step_id, status in pairs]


def test_execution_history_lists_every_execution_with_its_step_statuses(
    warehouse: Path,
) -> None:
    actual = _by(_rows(warehouse, "mart_execution_history"), "execution_id")
    expected = {
        execution: {
            "campaign_id": campaign,
            "workspace_id": WORKSPACES[campaign],
            "execution_status": status,
            "messages_attempted": attempted,
            "steps_reached": 0 if steps is None else steps.count(": "),
            "step_statuses": _step_list(steps),
            "is_test": is_test,
            "is_internal_contact": is_internal,
            "is_excluded": is_test or is_internal,
        }
        for execution, (campaign, status, attempted, steps, is_test, is_internal) in (
            HISTORY.items()
        )
    }
    _assert_rows(actual, expected, "mart_execution_history")


def test_execution_history_times(warehouse: Path) -> None:
    actual = _by(_rows(warehouse, "mart_execution_history"), "execution_id")
    columns = ("status_changed_at", "entered_at", "first_event_at", "last_event_at")
    expected = _named(
        columns,
        {
            # entered 12-31 23:00 .. completed 01-02 10:05 (after m9 at 10:00).
            "e1": (
                "2025-01-02 10:05:00", "2024-12-31 23:00:00", "2024-12-31 23:00:00",
                "2025-01-02 10:05:00",
            ),
            # Its last event is the send m3 at 01-01 00:00, after step_reached at 23:30.
            "e3": (None, "2024-12-31 23:00:00", "2024-12-31 23:00:00", "2025-01-01 00:00:00"),
            "e9": (
                "2025-01-01 09:00:01", "2025-01-01 09:00:00", "2025-01-01 09:00:00",
                "2025-01-01 09:00:01",
            ),
            "e24": (
                "2025-01-15 12:30:00", "2025-01-15 11:55:00", "2025-01-15 11:55:00",
                "2025-01-15 12:30:00",
            ),
            "e30": (
                "2025-01-02 18:05:00", "2025-01-01 04:55:00", "2025-01-01 04:55:00",
                "2025-01-02 18:05:00",
            ),
        },
    )  # fmt: skip
    _assert_rows({k: actual[k] for k in expected}, expected, "mart_execution_history")


def test_execution_history_carries_a_contact_key_never_the_contact(warehouse: Path) -> None:
    rows = _rows(warehouse, "mart_execution_history")
    keys = {r["execution_id"]: r["contact_key"] for r in rows}
    assert set(keys) == set(HISTORY_CONTACTS)
    by_contact: dict[str, set[Any]] = {}
    for execution, contact in HISTORY_CONTACTS.items():
        by_contact.setdefault(contact, set()).add(keys[execution])
    # One key per contact (k1 has e1, e8, e10; k15 has e14, e18, e23, e28), 17 contacts.
    assert all(len(found) == 1 for found in by_contact.values()), by_contact
    assert len({next(iter(found)) for found in by_contact.values()}) == 17
    identifying = set(HANDLES.values()) | set(HANDLES)
    assert not [k for k in keys.values() if k is None or str(k) in identifying]
    assert "handle" not in rows[0]


# --- data quality ---------------------------------------------------------------------------

DQ_COLUMNS = (
    "rows_landed",
    "rows_staged",
    "duplicates_removed",
    "orphans",
    "late_reports",
    "excluded_test_rows",
    "excluded_internal_rows",
    "unattributed_conversions",
)
# (source, arrival date) -> DQ_COLUMNS, counted from the files the scenario writes. A repeat
# counts as a duplicate on the day it lands again; excluded rows are staged rows of test
# executions / test sends / test engagements and of the internal contact k7.
DATA_QUALITY: dict[tuple[str, str], tuple[int, ...]] = {
    ("workspaces", "2025-01-01"): (2, 2, _, _, _, _, _, _),
    ("contacts", "2025-01-01"): (17, 17, _, _, _, _, _, _),
    ("senders", "2025-01-01"): (5, 5, _, _, _, _, _, _),
    ("campaigns", "2025-01-01"): (8, 8, _, _, _, _, _, _),
    # c1's later versions: each a new updated_at, not a duplicate.
    ("campaigns", "2025-01-10"): (1, 1, _, _, _, _, _, _),
    ("campaigns", "2025-01-12"): (1, 1, _, _, _, _, _, _),
    ("campaign_steps", "2025-01-01"): (12, 12, _, _, _, _, _, _),
    # e1..e7 (14), e4 failed, e9 (2), e30 (2); e7's two events are of the internal k7.
    ("executions", "2025-01-01"): (19, 19, _, _, _, _, 2, _),
    # e1, e2 (8), e13 (2), e14 (3), e30 (2), and the 19 rows of 01-01 again.
    ("executions", "2025-01-02"): (34, 15, 19, _, _, _, _, _),
    ("executions", "2025-01-03"): (6, 6, _, _, _, 2, _, _),  # e8 (test, 2), e11, e12
    ("executions", "2025-01-05"): (1, 1, _, _, _, _, _, _),
    ("executions", "2025-01-10"): (15, 15, _, _, _, _, _, _),
    ("executions", "2025-01-15"): (11, 11, _, _, _, _, _, _),
    ("executions", "2025-01-20"): (4, 4, _, _, _, _, _, _),
    ("executions", "2025-01-25"): (6, 6, _, _, _, _, _, _),
    ("sends", "2025-01-01"): (8, 8, _, _, _, _, 1, _),  # m1..m7 (m7 internal), m31
    ("sends", "2025-01-02"): (6, 5, 1, _, _, _, _, _),  # m9, m10, m14, m2 again, m15, m32
    ("sends", "2025-01-03"): (3, 3, _, _, _, 1, _, _),  # m8 (test), m11, m13
    ("sends", "2025-01-04"): (1, 1, _, _, _, _, _, _),
    ("sends", "2025-01-10"): (5, 5, _, _, _, _, _, _),
    ("sends", "2025-01-11"): (1, _, 1, _, _, _, _, _),  # m16 again
    ("sends", "2025-01-15"): (5, 5, _, _, _, _, _, _),
    ("sends", "2025-01-20"): (2, 2, _, _, _, _, _, _),
    ("sends", "2025-01-25"): (3, 3, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-01"): (5, 5, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-02"): (6, 6, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-03"): (4, 3, 1, _, _, _, _, _),  # m1's read report again
    ("delivery_reports", "2025-01-04"): (1, 1, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-10"): (8, 8, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-15"): (7, 7, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-20"): (2, 2, _, 1, _, _, _, _),  # p-ghost
    ("delivery_reports", "2025-01-25"): (3, 3, _, _, _, _, _, _),
    ("delivery_reports", "2025-01-26"): (1, _, 1, _, _, _, _, _),  # m28's read report again
    ("delivery_reports", "2025-02-01"): (1, 1, _, _, 1, _, _, _),  # m6's, after its window
    ("engagements", "2025-01-01"): (2, 2, _, _, _, _, 1, _),  # g6 of k7
    ("engagements", "2025-01-02"): (5, 5, _, _, _, _, _, _),
    ("engagements", "2025-01-03"): (3, 2, 1, _, _, _, _, _),  # g3 again
    ("engagements", "2025-01-04"): (1, 1, _, _, _, _, _, _),
    ("engagements", "2025-01-10"): (7, 7, _, _, _, 1, _, _),  # the test click g24
    ("engagements", "2025-01-15"): (3, 3, _, _, _, _, _, _),
    ("engagements", "2025-01-25"): (3, 3, _, _, _, _, _, _),
    ("conversions", "2025-01-02"): (1, 1, _, _, _, _, _, _),
    ("conversions", "2025-01-03"): (4, 4, _, _, _, _, 1, 1),  # cv5 of k7; cv4 unattributed
    ("conversions", "2025-01-04"): (1, 1, _, _, _, _, _, _),
    ("conversions", "2025-01-07"): (1, 1, _, _, _, _, _, 1),  # cv6, outside c2's window
    ("conversions", "2025-01-10"): (3, 3, _, _, _, _, _, _),
    ("conversions", "2025-01-11"): (2, 1, 1, _, _, _, _, _),  # cv9, and cv7 again
    ("conversions", "2025-01-20"): (1, 1, _, 1, _, _, _, 1),  # cv12 of the unknown k99
}


def test_data_quality_per_source_and_arrival_date(warehouse: Path) -> None:
    rows = _rows(warehouse, "mart_data_quality")
    actual = _by(rows, "source_name", "arrival_date")
    expected = {
        key: {
            **dict(zip(DQ_COLUMNS, values, strict=True)),
            # Nothing in the scenario is malformed (test_bad_input.py covers quarantine).
            "rows_quarantined": 0,
            "quarantine_reasons": None,
            "quarantined_share": 0.0,
        }
        for key, values in DATA_QUALITY.items()
    }
    _assert_rows(actual, expected, "mart_data_quality")
    totals = {c: sum(r[c] for r in rows) for c in DQ_COLUMNS}
    assert totals == dict(zip(DQ_COLUMNS, (251, 226, 25, 2, 1, 4, 5, 3), strict=True))
    if "unknown_error_codes" in rows[0]:  # m25's failure with code 999999, landed on 01-15
        assert {
            k: r["unknown_error_codes"] for k, r in actual.items() if r["unknown_error_codes"]
        } == {("delivery_reports", "2025-01-15"): 1}


# --- labels ----------------------------------------------------------------------------------

CAMPAIGN_GRAIN_MARTS = (
    "mart_campaign_summary",
    "mart_campaign_daily",
    "mart_campaign_weekly",
    "mart_campaign_monthly",
    "mart_campaign_step_funnel",
    "mart_campaign_branches",
    "mart_failure_reasons",
    "mart_link_clicks",
    "mart_response_buttons",
    "mart_campaign_revenue",
    "mart_execution_history",
)
LABEL_COLUMNS = ("campaign_name", "channel", "workspace_id", "workspace_name")
# The current values of the scenario's campaigns (c1 changes status, never its name).
LABELS = {
    "c1": (CAMPAIGN_NAME, "whatsapp", "w1", "Acme"),
    "c2": ("SMS promo", "sms", "w2", "Westco"),
    "c3": ("IG drop", "instagram_dm", "w1", "Acme"),
    "c8": ("New Year SMS", "sms", "w2", "Westco"),
}


@pytest.mark.parametrize("mart", CAMPAIGN_GRAIN_MARTS)
def test_every_campaign_grain_mart_carries_the_campaigns_labels(warehouse: Path, mart: str) -> None:
    rows = _rows(warehouse, mart)
    assert rows, mart
    labels = {r["campaign_id"]: tuple(r[c] for c in LABEL_COLUMNS) for r in rows}
    # Every row of a campaign carries the same labels, those of its current version.
    assert len({(r["campaign_id"], *(r[c] for c in LABEL_COLUMNS)) for r in rows}) == len(labels)
    assert {c: labels[c] for c in labels.keys() & LABELS} == {
        c: LABELS[c] for c in labels.keys() & LABELS
    }
    assert labels.keys() & LABELS, f"{mart} has none of the scenario's labelled campaigns"
