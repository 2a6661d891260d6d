"""Messages: what the engine attempts for each execution (the opening message, then the
branch's message of multi-step flows), what the logic step decides in between, and the sends
table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from contract.sources import CHANNELS, DROP_REASONS, ENGAGEMENT_TYPES, SEND_OUTCOMES
from landing_simulator.arrays import frame, labels, nullable, timestamps, where
from landing_simulator.catalogue import (
    CLICKER_OFFER,
    DELIVERY_BY_CHANNEL,
    DROP_WEIGHTS,
    OPENING_MESSAGE,
    PROVIDER_OF_CHANNEL,
    PROVIDERS,
    REMINDER,
    WHATSAPP_ONLY_DROPS,
)
from landing_simulator.clock import DAY_MS, HOUR_MS, NEVER, SECOND_MS
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.delivery import deliveries, provider_message_ids
from landing_simulator.simulation.engagements import draw_engagements
from landing_simulator.simulation.records import (
    Attempts,
    Branching,
    Campaigns,
    Entities,
    Executions,
    Messages,
    Traffic,
)

_DROP_PROBABILITIES = np.array([DROP_WEIGHTS[r] for r in DROP_REASONS], dtype=float)
_DROP_PROBABILITIES /= _DROP_PROBABILITIES.sum()


def draw_messages(
    ctx: Context,
    campaigns: Campaigns,
    executions: Executions,
    attempts: Attempts,
    first_ordinal: int,
) -> Messages:
    """The engine hands each attempt to its provider, or drops it with a reason."""
    rng = ctx.rng
    n = len(attempts.execution)
    campaign = executions.campaign[attempts.execution]
    channel = campaigns.channel[campaign]
    accepted = rng.random(n) >= DELIVERY_BY_CHANNEL["drop"][channel]
    reason = rng.choice(len(DROP_REASONS), size=n, p=_DROP_PROBABILITIES)
    template_trouble = np.isin(reason, [DROP_REASONS.index(r) for r in WHATSAPP_ONLY_DROPS])
    reason = np.where(
        template_trouble & (channel != CHANNELS.index("whatsapp")),
        DROP_REASONS.index("recipient_error"),
        reason,
    )
    segments = rng.choice([1, 2, 3], size=n, p=[0.7, 0.25, 0.05])
    return Messages(
        ordinal=first_ordinal + np.arange(n),
        execution=attempts.execution,
        step=attempts.step,
        attempted=attempts.attempted,
        accepted=accepted,
        drop_reason=np.where(accepted, -1, reason),
        sender=campaigns.sender_first[campaign] + rng.integers(0, campaigns.sender_count[campaign]),
        segments=np.where((channel == CHANNELS.index("sms")) & accepted, segments, 0),
    )


def send_waves(
    ctx: Context, campaigns: Campaigns, executions: Executions
) -> tuple[Traffic, Traffic, Branching]:
    """The opening wave: every entry not parked by the contact limit gets the opening message.
    The follow-up wave: multi-step flows send their branch's message after the delay."""
    first = np.flatnonzero(~executions.limited)
    attempted = executions.entered[first] + ctx.rng.integers(200, 3_000, len(first))
    opening_attempts = Attempts(first, np.full(len(first), OPENING_MESSAGE), attempted)
    opening = _traffic(ctx, campaigns, executions, opening_attempts, 0)
    branching = _branching(campaigns, executions, opening)
    follow = branching.follow
    step = np.where(branching.clicked[follow], CLICKER_OFFER, REMINDER)
    attempted = branching.follow_at[follow] + ctx.rng.integers(200, 3_000, len(follow))
    follow_up_attempts = Attempts(follow, step, attempted)
    follow_up = _traffic(ctx, campaigns, executions, follow_up_attempts, len(opening.messages))
    return opening, follow_up, branching


def _traffic(
    ctx: Context,
    campaigns: Campaigns,
    executions: Executions,
    attempts: Attempts,
    first_ordinal: int,
) -> Traffic:
    messages = draw_messages(ctx, campaigns, executions, attempts, first_ordinal)
    campaign = executions.campaign[messages.execution]
    channel = campaigns.channel[campaign]
    seen, reports = deliveries(ctx, messages, channel)
    engagements = draw_engagements(ctx, messages, seen, channel, campaigns.carousel[campaign])
    return Traffic(messages, seen, reports, engagements)


def _branching(campaigns: Campaigns, executions: Executions, opening: Traffic) -> Branching:
    """The logic step: did the contact click before the delay ran out? An opt-out, or the
    campaign stopping, before then interrupts the execution instead."""
    n = len(executions.campaign)
    messages, engaged = opening.messages, opening.engagements
    follow_at = executions.entered + campaigns.delay_ms[executions.campaign]
    execution = messages.execution[engaged["msg"]]
    in_time = engaged["t"] < follow_at[execution]
    clicked = np.zeros(n, bool)
    clicked[execution[in_time & (engaged["kind"] == ENGAGEMENT_TYPES.index("click"))]] = True
    leaving = np.isin(
        engaged["kind"], [ENGAGEMENT_TYPES.index(k) for k in ("opt_out", "unsubscribe")]
    )
    left_at = np.full(n, NEVER)
    np.minimum.at(left_at, execution[leaving], engaged["t"][leaving])
    multi_step = campaigns.multi[executions.campaign[messages.execution]]
    going_on = messages.execution[messages.accepted & multi_step]
    opted_out = left_at[going_on] < follow_at[going_on]
    campaign_end = campaigns.active_to[executions.campaign[going_on]]
    stopped = opted_out | (campaign_end <= follow_at[going_on])
    stopped_at = np.where(opted_out, left_at[going_on] + 2 * SECOND_MS, campaign_end)
    return Branching(follow_at, clicked, going_on[~stopped], going_on[stopped], stopped_at[stopped])


def sends_table(ctx: Context, messages: Messages, entities: Entities) -> pa.Table:
    campaigns, executions = entities.campaigns, entities.executions
    n = len(messages)
    # is_initial and is_test are optional: some rows leave them to the default.
    block = vars(messages) | {
        "_t": messages.attempted,
        "initial_known": ctx.rng.random(n) < 0.9,
        "test_known": executions.is_test[messages.execution] | (ctx.rng.random(n) < 0.8),
    }
    day, late = ctx.arrival(messages.attempted, 0.02)
    afternoon = (messages.attempted % DAY_MS) >= 12 * HOUR_MS
    landed = ctx.land(
        block, day, np.where(late, 2, afternoon), duplicate_share=0.008, replay_part=2
    )
    execution = landed["execution"]
    campaign = executions.campaign[execution]
    channel = campaigns.channel[campaign]
    accepted = landed["accepted"]
    outcome = np.where(accepted, SEND_OUTCOMES.index("accepted"), SEND_OUTCOMES.index("dropped"))
    segments = landed["segments"]
    columns = {
        "message_id": ctx.ids("msg_", landed["ordinal"], salt=6),
        "execution_id": executions.ids.take(pa.array(execution)),
        "campaign_id": campaigns.ids.take(pa.array(campaign)),
        "step_id": campaigns.step_ids.take(
            pa.array(campaigns.step_index(campaign, landed["step"]))
        ),
        "contact_id": entities.contacts.ids.take(pa.array(executions.contact[execution])),
        "sender_id": campaigns.senders.ids().take(pa.array(landed["sender"])),
        "channel": labels(CHANNELS, channel),
        "attempted_at": timestamps(landed["attempted"]),
        "outcome": labels(SEND_OUTCOMES, outcome),
        "drop_reason": labels(DROP_REASONS, landed["drop_reason"]),
        "provider": labels(PROVIDERS, PROVIDER_OF_CHANNEL[channel]),
        "provider_message_id": where(
            accepted, provider_message_ids(ctx, landed["ordinal"], channel)
        ),
        "segments": nullable(segments, segments > 0, pa.int64()),
        "is_initial": nullable(
            landed["step"] == OPENING_MESSAGE, landed["initial_known"], pa.bool_()
        ),
        "is_test": nullable(executions.is_test[execution], landed["test_known"], pa.bool_()),
    }
    return frame("sends", columns, landed["_day"], landed["_part"], landed["_t"])
