"""Engagements: opens, clicks, replies, button clicks and opt-outs of delivered messages, and
the engagements table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contract.sources import CHANNELS, ENGAGEMENT_TYPES, OPT_OUT_METHODS
from landing_simulator.arrays import Block, concat, frame, join, labels, nullable, timestamps, where
from landing_simulator.catalogue import (
    BUTTONS,
    ENGAGEMENT_BY_CHANNEL,
    LINK_PATHS,
    workspace_values,
)
from landing_simulator.clock import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import Entities, Messages, Traffic

# How long after delivery, on average, by engagement type; two hours for the others.
_MEAN_DELAY_MS = {"open": 3 * HOUR_MS, "click": 90 * MINUTE_MS, "opt_out": HOUR_MS}


def draw_engagements(
    ctx: Context,
    messages: Messages,
    seen: np.ndarray,
    channel: np.ndarray,
    carousel: np.ndarray,
) -> Block:
    """Each delivered message engaged with by type, at the channel's rates; `carousel` says
    which messages' clicks carry a card index."""
    rng = ctx.rng
    n = len(messages)
    blocks = []
    for k, kind in enumerate(ENGAGEMENT_TYPES):
        idx = np.flatnonzero((seen >= 0) & (rng.random(n) < ENGAGEMENT_BY_CHANNEL[channel, k]))
        delay = ctx.exponential(_MEAN_DELAY_MS.get(kind, 2 * HOUR_MS), len(idx))
        t = seen[idx] + SECOND_MS + delay
        if kind in ("open", "click"):  # some open twice, some click again
            again = rng.random(len(idx)) < (0.2 if kind == "open" else 0.15)
            idx = np.concatenate([idx, idx[again]])
            t = np.concatenate([t, t[again] + ctx.exponential(DAY_MS / 4, again.sum())])
        size = len(idx)
        none = np.full(size, -1)
        blocks.append(
            {
                "msg": idx,
                "kind": np.full(size, k),
                "t": t,
                "link": rng.integers(0, len(LINK_PATHS), size) if kind == "click" else none,
                "card": np.where(carousel[idx], rng.integers(0, 5, size), -1)
                if kind in ("click", "button_click")
                else none,
                "button": rng.integers(0, len(BUTTONS), size) if kind == "button_click" else none,
                "method": (rng.random(size) < 0.25).astype(int) if kind == "opt_out" else none,
                # An inbound reply is not always tied to a message.
                "detached": (rng.random(size) < 0.25) & (kind == "reply"),
            }
        )
    return concat(blocks)


def engagements_table(ctx: Context, traffic: Traffic, entities: Entities) -> pa.Table:
    campaigns, executions = entities.campaigns, entities.executions
    messages, engaged = traffic.messages, traffic.engagements
    n = len(engaged["msg"])
    is_test = executions.is_test[messages.execution[engaged["msg"]]]
    block = engaged | {
        "ordinal": np.arange(n),
        "_t": engaged["t"],
        "test_known": is_test | (ctx.rng.random(n) < 0.7),
    }
    day, late = ctx.arrival(engaged["t"], 0.03)
    is_reply = engaged["kind"] == ENGAGEMENT_TYPES.index("reply")
    landed = ctx.land(block, day, np.where(late, 2, is_reply), duplicate_share=0.01, replay_part=2)
    message = landed["msg"]
    execution = messages.execution[message]
    campaign = executions.campaign[execution]
    attached = ~landed["detached"]
    step_ids = campaigns.step_ids.take(
        pa.array(campaigns.step_index(campaign, messages.step[message]))
    )
    link = landed["link"]
    url = join(
        "https://",
        labels(workspace_values("domain"), campaigns.workspace[campaign]),
        "/",
        labels(LINK_PATHS, link),
        "?utm_source=",
        labels(CHANNELS, campaigns.channel[campaign]),
        "&utm_campaign=",
        campaigns.ids.take(pa.array(campaign)),
    )
    link_id = join(step_ids, "_l", pc.cast(pa.array(link), pa.string()))
    card = landed["card"]
    columns = {
        "engagement_id": ctx.ids("eng_", landed["ordinal"], salt=8),
        "message_id": where(attached, ctx.ids("msg_", messages.ordinal[message], salt=6)),
        "execution_id": where(attached, executions.ids.take(pa.array(execution))),
        "campaign_id": campaigns.ids.take(pa.array(campaign)),
        "step_id": where(attached, step_ids),
        "contact_id": entities.contacts.ids.take(pa.array(executions.contact[execution])),
        "engagement_type": labels(ENGAGEMENT_TYPES, landed["kind"]),
        "occurred_at": timestamps(landed["t"]),
        "link_id": where(link >= 0, link_id),
        "url": url,
        "card_index": nullable(card, card >= 0, pa.int64()),
        "button_id": labels([button for button, _ in BUTTONS], landed["button"]),
        "button_label": labels([label for _, label in BUTTONS], landed["button"]),
        "opt_out_method": labels(OPT_OUT_METHODS, landed["method"]),
        "is_test": nullable(executions.is_test[execution], landed["test_known"], pa.bool_()),
    }
    return frame("engagements", columns, landed["_day"], landed["_part"], landed["_t"])
