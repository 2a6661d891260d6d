"""The simulation: the world drawn once, stage by stage, from one seeded random stream.

Stages, each in its own module: `campaigns` (workspaces, senders, campaigns and their flow
steps), `contacts`, `executions` (entries and the engine's trail), `messages` (the engine's
attempts and the logic step between them), `delivery` (the providers' reports),
`engagements` and `conversions`. Each module also builds the table of what it simulated.
`context` holds the random stream and the rules of where rows land; `records` the typed
records that stages hand each other.

The stages share the stream, so their order is part of the output: `simulate` calls them
in a fixed order, and reordering any two draws changes the files.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from landing_simulator.simulation.campaigns import (
    campaigns_table,
    plan_campaigns,
    senders_table,
    steps_table,
    workspaces_table,
)
from landing_simulator.simulation.contacts import contact_arrival, contacts_table, draw_contacts
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.conversions import conversions_table
from landing_simulator.simulation.delivery import reports_table
from landing_simulator.simulation.engagements import engagements_table
from landing_simulator.simulation.executions import (
    draw_executions,
    execution_events,
    executions_table,
)
from landing_simulator.simulation.messages import send_waves, sends_table
from landing_simulator.simulation.records import Entities

__all__ = ["simulate"]


def simulate(start: date, days: int, sends_per_day: int, seed: int) -> dict[str, pa.Table]:
    """Every source's rows, with where each lands (arrival day, file, order in the file)."""
    ctx = Context(start, days, sends_per_day, seed)
    campaigns = plan_campaigns(ctx)
    contacts = draw_contacts(ctx, campaigns)
    executions = draw_executions(ctx, campaigns, contacts)
    entities = Entities(campaigns, contacts, executions)
    opening, follow_up, branching = send_waves(ctx, campaigns, executions)
    traffic = opening + follow_up
    events = execution_events(
        campaigns, executions, opening.messages, follow_up.messages, branching
    )
    arrival = contact_arrival(ctx, executions, contacts)
    # A dict display evaluates in order: the tables draw from the stream in this order.
    return {
        "workspaces": workspaces_table(ctx),
        "contacts": contacts_table(ctx, contacts, arrival),
        "senders": senders_table(ctx, campaigns.senders),
        "campaigns": campaigns_table(ctx, campaigns),
        "campaign_steps": steps_table(ctx, campaigns),
        "executions": executions_table(ctx, events, entities),
        "sends": sends_table(ctx, traffic.messages, entities),
        "delivery_reports": reports_table(ctx, traffic, entities),
        "engagements": engagements_table(ctx, traffic, entities),
        "conversions": conversions_table(ctx, traffic, entities, arrival),
    }
