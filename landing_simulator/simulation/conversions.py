"""Conversions: purchases, sign-ups and demos, through a tracked link, within an attribution
window of a message, or with no campaign at all; and the conversions table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contract.sources import ENGAGEMENT_TYPES
from landing_simulator.arrays import Block, frame, join, labels, timestamps, where
from landing_simulator.catalogue import EVENT_NAMES, workspace_values
from landing_simulator.clock import HOUR_MS, MINUTE_MS, SECOND_MS
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import ContactArrival, Entities, Executions, Traffic


def conversions_table(
    ctx: Context, traffic: Traffic, entities: Entities, arrival: ContactArrival
) -> pa.Table:
    messages, executions = traffic.messages, entities.executions
    landed = _land_conversions(ctx, traffic, executions, arrival.land_day)
    ws = entities.contacts.workspace[landed["contact"]]
    currency = np.array(workspace_values("currency"))[ws]
    yen = currency == "JPY"  # no minor unit
    amount = landed["amount"]
    cents = np.where(yen, np.round(amount * 130) * 100, np.round(amount * 100))
    cents = cents.astype(np.int64)
    revenue = join(
        pc.cast(pa.array(cents // 100), pa.string()),
        ".",
        pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0"),
    )
    tracked = landed["msg"] >= 0
    message = np.maximum(landed["msg"], 0)
    has_revenue = landed["has_revenue"]
    campaign = executions.campaign[messages.execution[message]]
    columns = {
        "conversion_id": ctx.ids("cv_", landed["ordinal"], salt=9),
        "workspace_id": labels(workspace_values("workspace_id"), ws),
        "contact_id": entities.contacts.ids.take(pa.array(landed["contact"])),
        "event_name": labels(EVENT_NAMES, landed["event"]),
        "occurred_at": timestamps(landed["_t"]),
        "revenue": where(has_revenue, revenue.cast(pa.decimal128(18, 2))),
        "currency": where(has_revenue, pa.array(currency)),
        "message_id": where(tracked, ctx.ids("msg_", messages.ordinal[message], salt=6)),
        "campaign_id": where(tracked, entities.campaigns.ids.take(pa.array(campaign))),
    }
    return frame("conversions", columns, landed["_day"], landed["_part"], landed["_t"])


def _land_conversions(
    ctx: Context, traffic: Traffic, executions: Executions, land_day: np.ndarray
) -> Block:
    """Conversions through a tracked link (message and campaign known), conversions to be
    attributed by window, and conversions of contacts no campaign reached."""
    rng = ctx.rng
    messages, engaged, seen = traffic.messages, traffic.engagements, traffic.seen
    not_test = ~executions.is_test[messages.execution]
    clicks = np.flatnonzero(
        (engaged["kind"] == ENGAGEMENT_TYPES.index("click")) & not_test[engaged["msg"]]
    )
    tracked = clicks[rng.random(len(clicks)) < 0.25]
    tracked_msg = engaged["msg"][tracked]
    tracked_t = (
        engaged["t"][tracked] + 30 * SECOND_MS + ctx.exponential(40 * MINUTE_MS, len(tracked))
    )
    window_msg = np.flatnonzero((seen >= 0) & not_test & (rng.random(len(messages)) < 0.012))
    window_t = seen[window_msg] + ctx.uniform(12 * MINUTE_MS, 200 * HOUR_MS, len(window_msg))
    stray = rng.choice(np.flatnonzero(land_day == 0), size=max(3, len(messages) // 400))
    stray_t = ctx.uniform(ctx.start_ms, ctx.end_ms, len(stray))
    t = np.concatenate([tracked_t, window_t, stray_t])
    n = len(t)
    event = rng.choice(len(EVENT_NAMES), size=n, p=[0.75, 0.15, 0.10])
    contact_of_message = executions.contact[messages.execution]
    block = {
        "ordinal": np.arange(n),
        "_t": t,
        "msg": np.concatenate([tracked_msg, np.full(len(window_msg) + len(stray), -1)]),
        "contact": np.concatenate(
            [contact_of_message[tracked_msg], contact_of_message[window_msg], stray]
        ),
        "event": event,
        "has_revenue": (event == 0) & (rng.random(n) < 0.9),
        "amount": rng.lognormal(np.log(45), 0.7, n),
    }
    day, late = ctx.arrival(t, 0.05)
    return ctx.land(block, day, late.astype(int), duplicate_share=0.03, replay_part=1)
