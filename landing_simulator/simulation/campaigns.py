"""Workspaces, their senders and campaigns with their flow steps: what the campaign engine is
configured with, and the dimension tables that describe it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contract.sources import CAMPAIGN_STATUSES, CHANNELS, STEP_TYPES, TEMPLATE_CATEGORIES
from landing_simulator.arrays import (
    digits,
    frame,
    join,
    labels,
    nullable,
    strings,
    take,
    timestamps,
)
from landing_simulator.catalogue import (
    CAMPAIGN_TEMPLATES,
    FLOW,
    INITIAL_STATUS,
    LATER_STATUS,
    N_CAMPAIGNS,
    OPENING_MESSAGE,
    REMINDER,
    UPGRADED_LIMIT,
    UPGRADED_PLAN,
    UPGRADING_WORKSPACE,
    WINDOWS,
    WORKSPACES,
    workspace_values,
)
from landing_simulator.clock import DAY_MS, HOUR_MS, NEVER
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import Campaigns, Senders

# Channels whose messages can hold a carousel of cards.
_CAROUSEL_CHANNELS = [CHANNELS.index(c) for c in ("whatsapp", "instagram_dm", "messenger")]


def plan_campaigns(ctx: Context) -> Campaigns:
    """Each template twice, spread over the workspaces, with a lifecycle in the range."""
    rng, n = ctx.rng, N_CAMPAIGNS
    i = np.arange(n)
    template = i % len(CAMPAIGN_TEMPLATES)
    channel = np.array([CHANNELS.index(c) for _, c, _ in CAMPAIGN_TEMPLATES])[template]
    lifecycle = np.array([lc for _, _, lc in CAMPAIGN_TEMPLATES])[template]
    workspace = i % len(WORKSPACES)
    created = ctx.start_ms - ctx.uniform(2 * DAY_MS, 60 * DAY_MS, n)
    # Lifecycles move on in the second half of the range; with one day, never.
    change_day = rng.integers(max(1, ctx.days // 2), max(2, ctx.days), size=n)
    changed = ctx.start_ms + change_day * DAY_MS + ctx.uniform(HOUR_MS, 12 * HOUR_MS, n)
    active_from = np.where(lifecycle == "scheduled", changed, created)
    active_from = np.where(np.isin(lifecycle, ["draft", "canceled"]), NEVER, active_from)
    active_to = np.where(np.isin(lifecycle, ["finishes", "paused"]), changed, NEVER)
    # Senders: one per workspace and channel in use, two for WhatsApp and SMS.
    pair = workspace * len(CHANNELS) + channel
    pairs = np.unique(pair)
    per_pair = np.where(
        np.isin(pairs % len(CHANNELS), [CHANNELS.index("whatsapp"), CHANNELS.index("sms")]),
        2,
        1,
    )
    pair_first = np.cumsum(per_pair) - per_pair
    senders = Senders(
        workspace=np.repeat(pairs // len(CHANNELS), per_pair),
        channel=np.repeat(pairs % len(CHANNELS), per_pair),
        number=np.arange(per_pair.sum()) - np.repeat(pair_first, per_pair) + 1,
    )
    pair_of = np.searchsorted(pairs, pair)
    ids = strings("cmp_", digits(i + 1, 4, base=10), n=n)
    suffixes = pa.array([f"_{step.suffix}" for step in FLOW] * n)
    return Campaigns(
        ids=ids,
        names=[
            name if k < len(CAMPAIGN_TEMPLATES) else f"{name} (2)"
            for k, (name, _, _) in enumerate(CAMPAIGN_TEMPLATES * 2)
        ],
        workspace=workspace,
        channel=channel,
        lifecycle=lifecycle,
        created=created,
        changed=changed,
        active_from=active_from,
        active_to=active_to,
        multi=i % 3 != 1,
        delay_ms=np.array([24, 6, 48])[(i // 3) % 3] * HOUR_MS,
        recurring=i % 4 == 3,
        carousel=(i % 5 == 0) & np.isin(channel, _CAROUSEL_CHANNELS),
        weight=rng.lognormal(0, 0.6, n),
        offset=rng.integers(0, 2**31, size=n),
        senders=senders,
        sender_first=pair_first[pair_of],
        sender_count=per_pair[pair_of],
        step_ids=join(ids.take(pa.array(np.repeat(i, len(FLOW)))), suffixes),
    )


def workspaces_table(ctx: Context) -> pa.Table:
    """Every workspace, and the capped one again when it upgrades."""
    n = len(WORKSPACES)
    updated = ctx.start_ms - ctx.uniform(DAY_MS, 90 * DAY_MS, n)
    limit = np.array([w.monthly_contact_limit or 0 for w in WORKSPACES])
    columns = {
        name: pa.array(workspace_values(name))
        for name in ("workspace_id", "name", "industry", "timezone", "plan")
    }
    columns["monthly_contact_limit"] = nullable(limit, limit > 0, pa.int64())
    columns["updated_at"] = timestamps(updated)
    table = frame("workspaces", columns, np.zeros(n, int), 0, updated)
    upgrade = ctx.upserted(
        table.slice(UPGRADING_WORKSPACE, 1),
        np.array([ctx.upgrade_ms]),
        plan=pa.array([UPGRADED_PLAN]),
        monthly_contact_limit=pa.array([UPGRADED_LIMIT], pa.int64()),
    )
    return ctx.landed(pa.concat_tables([table, upgrade]))


def senders_table(ctx: Context, senders: Senders) -> pa.Table:
    n = len(senders.workspace)
    channels = labels(CHANNELS, senders.channel)
    updated = ctx.start_ms - ctx.uniform(DAY_MS, 60 * DAY_MS, n)
    columns = {
        "sender_id": senders.ids(),
        "workspace_id": labels(workspace_values("workspace_id"), senders.workspace),
        "channel": channels,
        # Display names carry the workspaces' commas and quotes into CSV.
        "display_name": join(
            labels(workspace_values("name"), senders.workspace),
            " / ",
            channels,
            " #",
            pc.cast(pa.array(senders.number), pa.string()),
        ),
        "updated_at": timestamps(updated),
    }
    return frame("senders", columns, np.zeros(n, int), 0, updated)


def campaigns_table(ctx: Context, campaigns: Campaigns) -> pa.Table:
    """Every campaign as first known, then again each time its status changed."""
    n = len(campaigns.channel)
    changes = np.flatnonzero(np.isin(campaigns.lifecycle, list(LATER_STATUS)))
    row = np.concatenate([np.arange(n), changes])
    status = [INITIAL_STATUS.get(lc, "active") for lc in campaigns.lifecycle] + [
        LATER_STATUS[lc] for lc in campaigns.lifecycle[changes]
    ]
    first_known = campaigns.created + ctx.uniform(0, ctx.start_ms - campaigns.created, n)
    updated = np.concatenate([first_known, campaigns.changed[changes]])
    whatsapp = campaigns.channel == CHANNELS.index("whatsapp")
    category = np.where(whatsapp, np.cumsum(whatsapp) % len(TEMPLATE_CATEGORIES), -1)
    window = np.array([w or 0 for w in WINDOWS])[np.arange(n) % len(WINDOWS)][row]
    slug = pc.utf8_lower(pc.utf8_slice_codeunits(pa.array(campaigns.names), 0, 6))
    template = pc.replace_substring_regex(join("tpl_", slug, "_", campaigns.ids), "[^a-z0-9_]", "_")
    columns = {
        "campaign_id": campaigns.ids.take(pa.array(row)),
        "workspace_id": labels(workspace_values("workspace_id"), campaigns.workspace[row]),
        "name": labels(campaigns.names, row),
        "channel": labels(CHANNELS, campaigns.channel[row]),
        "status": labels(CAMPAIGN_STATUSES, np.array([CAMPAIGN_STATUSES.index(s) for s in status])),
        "template_id": take(template, np.where(whatsapp[row], row, -1)),
        "template_category": labels(TEMPLATE_CATEGORIES, category[row]),
        "conversion_window_hours": nullable(window, window > 0, pa.int64()),
        "created_at": timestamps(campaigns.created[row]),
        "updated_at": timestamps(updated),
    }
    day = np.maximum(ctx.day_of(updated), 0)
    return ctx.landed(frame("campaigns", columns, day, 0, updated))


def steps_table(ctx: Context, campaigns: Campaigns) -> pa.Table:
    """The flow of every campaign (only the opening message of single-step ones), and one
    step renamed during the range."""
    campaign = np.repeat(np.arange(len(campaigns.channel)), len(FLOW))
    step = np.tile(np.arange(len(FLOW)), len(campaigns.channel))
    keep = campaigns.multi[campaign] | (step == OPENING_MESSAGE)
    campaign, step = campaign[keep], step[keep]
    suffixes = [s.suffix for s in FLOW]
    parent = np.array([-1 if s.parent is None else suffixes.index(s.parent) for s in FLOW])
    updated = (campaigns.created + HOUR_MS)[campaign]
    columns = {
        "campaign_id": campaigns.ids.take(pa.array(campaign)),
        "step_id": campaigns.step_ids.take(pa.array(campaigns.step_index(campaign, step))),
        "step_type": labels(
            STEP_TYPES, np.array([STEP_TYPES.index(s.step_type) for s in FLOW])[step]
        ),
        "step_order": pa.array(np.array([s.order for s in FLOW])[step]),
        "parent_step_id": take(campaigns.step_ids, campaigns.step_index(campaign, parent[step])),
        "branch_label": labels([s.branch_label for s in FLOW], step),
        "name": labels([s.name for s in FLOW], step),
        "updated_at": timestamps(updated),
    }
    table = frame("campaign_steps", columns, np.zeros(len(step), int), 0, updated)
    renamed = ctx.upserted(  # the first campaign's reminder, renamed during the range
        table.filter(pc.equal(table["step_id"], campaigns.step_ids[REMINDER])),
        np.array([ctx.start_ms + max(1, ctx.days // 4) * DAY_MS + 10 * HOUR_MS]),
        name=pa.array(["Reminder (last chance)"]),
    )
    return ctx.landed(pa.concat_tables([table, renamed]))
