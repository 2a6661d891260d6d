"""Contacts: the audience of each workspace, when each became known, and the contacts table
with the changes a CRM sends later (moves to another country, profiles turned internal)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from landing_simulator.arrays import (
    digits,
    frame,
    join,
    labels,
    nullable,
    scramble,
    strings,
    timestamps,
)
from landing_simulator.catalogue import WORKSPACES, workspace_values
from landing_simulator.clock import DAY_MS, NEVER
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import Campaigns, ContactArrival, Contacts, Executions


def draw_contacts(ctx: Context, campaigns: Campaigns) -> Contacts:
    """Enough contacts for the range's entries, shared among workspaces as their campaigns'
    weights are."""
    n_ws = len(WORKSPACES)
    total = max(100 * n_ws, ctx.sends_per_day * ctx.days // 3)
    share = np.bincount(campaigns.workspace, weights=campaigns.weight, minlength=n_ws)
    size = np.maximum(20, (total * share / share.sum()).astype(np.int64))
    first = np.cumsum(size) - size
    workspace = np.repeat(np.arange(n_ws), size)
    n = len(workspace)
    order = np.lexsort((ctx.rng.random(n), workspace))
    # The first two of every workspace are its developers' own profiles.
    internal = ctx.rng.random(n) < 0.002
    internal[first] = internal[first + 1] = True
    ids = strings("cnt_", digits(np.arange(1, n + 1), 7, base=10), n=n)
    return Contacts(workspace, first, size, order, internal, ids)


def contact_arrival(ctx: Context, executions: Executions, contacts: Contacts) -> ContactArrival:
    """Most contacts are known on day 0; some sign up during the range and land on the day
    they first enter a campaign, never after it."""
    n = len(contacts.workspace)
    first_seen = np.full(n, NEVER)
    np.minimum.at(first_seen, executions.contact, executions.entered)
    first_day = np.where(first_seen < NEVER, ctx.day_of(first_seen), 0)
    new = (first_day > 0) & ~contacts.internal & (ctx.rng.random(n) < 0.35)
    return ContactArrival(np.where(new, first_day, 0), first_seen)


def contacts_table(ctx: Context, contacts: Contacts, arrival: ContactArrival) -> pa.Table:
    rng = ctx.rng
    n = len(contacts.workspace)
    ws = contacts.workspace
    land_day = arrival.land_day
    new = land_day > 0
    day_start = ctx.start_ms + land_day * DAY_MS
    created = np.where(
        new,
        ctx.uniform(day_start, np.where(new, arrival.first_seen, day_start), n),
        ctx.start_ms - ctx.uniform(DAY_MS, 720 * DAY_MS, n),
    )
    updated = np.where(new, created, created + ctx.uniform(0, ctx.start_ms - created, n))
    country = np.where(rng.random(n) < 0.8, 0, np.where(rng.random(n) < 0.75, 1, 2))
    countries = np.array(workspace_values("countries"))
    number = scramble(np.arange(n), ctx.salts[3]) % np.uint64(10**9)
    phone = join(
        labels(workspace_values("phone_prefix"), ws),
        strings(digits(number, 9, base=10), n=n),
    )
    mailbox = strings("c", digits(scramble(np.arange(n), ctx.salts[4]), 8), n=n)
    email = join(mailbox, "@", labels(workspace_values("domain"), ws))
    columns = {
        "contact_id": contacts.ids,
        "workspace_id": labels(workspace_values("workspace_id"), ws),
        "handle": pc.if_else(pa.array(rng.random(n) < 0.75), phone, email),
        "country": pa.array(countries[ws, country]),
        # is_internal is optional: some rows leave it to the default (false).
        "is_internal": nullable(
            contacts.internal, contacts.internal | (rng.random(n) < 0.9), pa.bool_()
        ),
        "created_at": timestamps(created),
        "updated_at": timestamps(updated),
    }
    table = frame("contacts", columns, land_day, 0, updated)
    # Some contacts move: the same contact again, later, with another country.
    moved_day = max(1, ctx.days // 2)
    moved = np.flatnonzero((land_day <= moved_day) & (rng.random(n) < 0.01))
    moves = ctx.upserted(
        table.take(pa.array(moved)),
        ctx.start_ms + moved_day * DAY_MS + ctx.uniform(0, DAY_MS - 1, len(moved)),
        country=pa.array(countries[ws[moved], (country[moved] + 1) % 3]),
    )
    # Some contacts turn internal late in the range (a colleague's number kept for tests),
    # after their messages were sent: their past activity leaves the metrics.
    turned_day = max(1, ctx.days - max(1, ctx.days // 8))
    turned = np.flatnonzero((land_day <= turned_day) & ~contacts.internal & (rng.random(n) < 0.005))
    turns = ctx.upserted(
        table.take(pa.array(turned)),
        ctx.start_ms + turned_day * DAY_MS + ctx.uniform(0, DAY_MS - 1, len(turned)),
        is_internal=pa.array(np.ones(len(turned), bool), pa.bool_()),
    )
    return ctx.landed(pa.concat_tables([table, moves, turns]))
