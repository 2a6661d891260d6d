"""Executions: contacts entering campaigns, and the engine's trail of each one through its
campaign's flow (the executions source)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from contract.sources import EXECUTION_EVENT_TYPES
from landing_simulator.arrays import Block, concat, frame, labels, take, timestamps
from landing_simulator.catalogue import (
    BRANCHES,
    CHECKOUT_LINK,
    CLICK_CHECK,
    CLICKER_OFFER,
    OPENING_MESSAGE,
    REMINDER,
    UPGRADING_WORKSPACE,
    WAIT,
)
from landing_simulator.clock import DAY_MS, SECOND_MS
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import (
    Branching,
    Campaigns,
    Contacts,
    Entities,
    Executions,
    Messages,
)


def draw_executions(ctx: Context, campaigns: Campaigns, contacts: Contacts) -> Executions:
    campaign, entered = _entries(ctx, campaigns)
    n = len(campaign)
    ws = campaigns.workspace[campaign]
    # A one-off campaign walks its workspace's contacts in order (nobody enters twice
    # before everybody did); a recurring one draws at random, so contacts come back.
    by_campaign = np.argsort(campaign, kind="stable")
    sorted_campaign = campaign[by_campaign]
    rank = np.empty(n, np.int64)
    rank[by_campaign] = np.arange(n) - np.searchsorted(sorted_campaign, sorted_campaign)
    size = contacts.size[ws]
    slot = np.where(
        campaigns.recurring[campaign],
        ctx.rng.integers(0, size),
        (campaigns.offset[campaign] + rank) % size,
    )
    contact = contacts.order[contacts.first[ws] + slot]
    is_test = ctx.rng.random(n) < 0.004  # tests go to the developers' own profiles
    contact = np.where(is_test, contacts.first[ws] + ctx.rng.integers(0, 2, n), contact)
    capped = (ws == UPGRADING_WORKSPACE) & (entered < ctx.upgrade_ms)
    limited = ctx.rng.random(n) < np.where(capped, 0.08, 0.002)
    ids = ctx.ids("exe_", np.arange(n), salt=0)
    return Executions(campaign, contact, entered, is_test, limited, ids)


def _entries(ctx: Context, campaigns: Campaigns) -> tuple[np.ndarray, np.ndarray]:
    """Campaign and time of each entry, day by day, among the campaigns active that day;
    as many as make about `sends_per_day` messages."""
    sends_per_entry = 1 + campaigns.multi * 0.85  # the branch message, unless stopped or dropped
    chosen, entered = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for day in range(ctx.days):
        day_start = ctx.start_ms + day * DAY_MS
        begin = np.maximum(campaigns.active_from, day_start)
        span = np.clip(np.minimum(campaigns.active_to, day_start + DAY_MS) - begin, 0, None)
        weight = campaigns.weight * span
        if weight.sum() == 0:
            continue
        p = weight / weight.sum()
        n = round(ctx.sends_per_day / float(p @ sends_per_entry))
        campaign = ctx.rng.choice(len(p), size=n, p=p)
        chosen.append(campaign)
        entered.append(begin[campaign] + ctx.uniform(0, span[campaign], n))
    return np.concatenate(chosen), np.concatenate(entered)


def execution_events(
    campaigns: Campaigns,
    executions: Executions,
    opening: Messages,
    follow_up: Messages,
    branching: Branching,
) -> Block:
    """The engine's trail of each execution. Events after the range stay unwritten, which
    leaves those executions pending."""
    single = ~campaigns.multi[executions.campaign[opening.execution]]
    opened, followed = opening.accepted, follow_up.accepted
    limited = np.flatnonzero(executions.limited)
    following = branching.follow  # past the logic step, on to their branch's message
    follow_at = branching.follow_at[following]
    branch = np.where(branching.clicked[following], 0, 1)
    to_checkout = followed & (follow_up.step == CLICKER_OFFER)
    # (event type, executions, step, branch label, time)
    trail = (
        ("entered", np.arange(len(executions.campaign)), -1, -1, executions.entered),
        ("limited", limited, -1, -1, executions.entered[limited] + 50),
        (
            "step_reached",
            opening.execution,
            OPENING_MESSAGE,
            -1,
            executions.entered[opening.execution] + 100,
        ),
        ("failed", opening.execution[~opened], -1, -1, opening.attempted[~opened] + SECOND_MS),
        (
            "completed",
            opening.execution[opened & single],
            -1,
            -1,
            opening.attempted[opened & single] + 1_500,
        ),
        (
            "step_reached",
            opening.execution[opened & ~single],
            WAIT,
            -1,
            opening.attempted[opened & ~single] + 1,
        ),
        ("interrupted", branching.interrupted, -1, -1, branching.interrupted_at),
        ("step_reached", following, CLICK_CHECK, -1, follow_at),
        ("branch_taken", following, CLICK_CHECK, branch, follow_at + 10),
        (
            "step_reached",
            following,
            np.where(branch == 0, CLICKER_OFFER, REMINDER),
            -1,
            follow_at + 20,
        ),
        (
            "failed",
            follow_up.execution[~followed],
            -1,
            -1,
            follow_up.attempted[~followed] + SECOND_MS,
        ),
        (
            "step_reached",
            follow_up.execution[to_checkout],
            CHECKOUT_LINK,
            -1,
            follow_up.attempted[to_checkout] + 800,
        ),
        ("completed", follow_up.execution[followed], -1, -1, follow_up.attempted[followed] + 1_500),
    )
    return concat(
        [
            {
                "execution": execution,
                "kind": np.full(len(execution), EXECUTION_EVENT_TYPES.index(kind)),
                "step": np.broadcast_to(step, len(execution)),
                "branch": np.broadcast_to(label, len(execution)),
                "t": np.asarray(t),
            }
            for kind, execution, step, label, t in trail
        ]
    )


def executions_table(ctx: Context, events: Block, entities: Entities) -> pa.Table:
    campaigns, executions = entities.campaigns, entities.executions
    day, late = ctx.arrival(events["t"], 0.02)
    block = events | {"ordinal": np.arange(len(day)), "_t": events["t"]}
    landed = ctx.land(block, day, late.astype(int), duplicate_share=0.005, replay_part=1)
    execution = landed["execution"]
    campaign = executions.campaign[execution]
    columns = {
        "event_id": ctx.ids("evt_", landed["ordinal"], salt=5),
        "execution_id": executions.ids.take(pa.array(execution)),
        "campaign_id": campaigns.ids.take(pa.array(campaign)),
        "contact_id": entities.contacts.ids.take(pa.array(executions.contact[execution])),
        "event_type": labels(EXECUTION_EVENT_TYPES, landed["kind"]),
        "step_id": take(campaigns.step_ids, campaigns.step_index(campaign, landed["step"])),
        "branch_label": labels(BRANCHES, landed["branch"]),
        "occurred_at": timestamps(landed["t"]),
        "is_test": pa.array(executions.is_test[execution]),
    }
    return frame("executions", columns, landed["_day"], landed["_part"], landed["_t"])
