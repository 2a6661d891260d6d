"""Delivery: what the providers report about each accepted message (sent, delivered, read,
failed), late, twice, out of order or never, and the delivery_reports table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from contract.sources import CHANNELS, REPORT_STATUSES
from landing_simulator.arrays import (
    Block,
    ceil_second,
    concat,
    digits,
    frame,
    join,
    labels,
    scramble,
    strings,
    take_block,
    timestamps,
)
from landing_simulator.catalogue import (
    DELIVERY,
    DELIVERY_BY_CHANNEL,
    ERROR_CHANNEL,
    ERROR_STATUS,
    ERROR_WEIGHT,
    ERRORS,
    PROVIDER_OF_CHANNEL,
    PROVIDERS,
    RECEIPT_DELAYS,
)
from landing_simulator.clock import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS
from landing_simulator.simulation.context import Context
from landing_simulator.simulation.records import Entities, Messages, Traffic


def deliveries(ctx: Context, messages: Messages, channel: np.ndarray) -> tuple[np.ndarray, Block]:
    """What providers report. Returns when each message reached its recipient (-1: it did
    not) and the reports, one row per report."""
    n = len(messages)
    rng, p = ctx.rng, DELIVERY_BY_CHANNEL
    accepted, attempted = messages.accepted, messages.attempted
    receipts = p["receipts"][channel].astype(bool)
    u = rng.random(n)
    failed = accepted & receipts & (u < p["fail"][channel])
    silent = accepted & receipts & ~failed & (u < p["fail"][channel] + p["silent"][channel])
    delivered = accepted & receipts & ~failed & ~silent
    lag = np.minimum(rng.lognormal(np.log(4_000), 1.0, n), 6 * HOUR_MS)
    delivered_at = ceil_second(attempted + lag)
    seen = np.where(delivered, delivered_at, np.where(accepted & ~receipts, attempted, -1))
    read = (seen >= 0) & (rng.random(n) < p["read"][channel])
    reported = {
        "sent": ceil_second(attempted + rng.integers(300, 3_000, n)),
        "delivered": delivered_at,
        "read": ceil_second(seen + SECOND_MS + ctx.exponential(3 * HOUR_MS, n)),
        "failed": ceil_second(attempted + rng.lognormal(np.log(15_000), 1.2, n)),
    }
    received = {status: at + _receipt_delay(ctx, n) for status, at in reported.items()}
    # Out of order: some delivered receipts arrive after the read one.
    late = delivered & read & (rng.random(n) < 0.05)
    received["delivered"] = np.where(
        late,
        np.maximum(received["read"], received["delivered"])
        + ctx.uniform(MINUTE_MS, 6 * HOUR_MS, n),
        received["delivered"],
    )
    error, error_status = _errors(ctx, failed, channel)
    which = {
        "sent": accepted & receipts & (rng.random(n) < p["sent_report"][channel]),
        # Some reads come with no delivered receipt at all.
        "delivered": delivered & ~(read & (rng.random(n) < 0.04)),
        "read": read,
        "failed": failed,
    }
    rows = []
    for status, mask in which.items():
        idx = np.flatnonzero(mask)
        code = error_status[idx] if status == "failed" else REPORT_STATUSES.index(status)
        rows.append(
            {
                "msg": idx,
                "status": np.broadcast_to(code, len(idx)),
                "error": error[idx],
                "reported": reported[status][idx],
                "received": received[status][idx],
            }
        )
    return seen, concat(rows)


def _errors(ctx: Context, failed: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The error (index into ERRORS) of each failed message and its report status."""
    error = np.full(len(failed), -1)
    for c in range(len(CHANNELS)):
        idx = np.flatnonzero(failed & (channel == c))
        known = np.flatnonzero(c == ERROR_CHANNEL)
        if len(idx) and len(known):
            weights = ERROR_WEIGHT[known] / ERROR_WEIGHT[known].sum()
            error[idx] = ctx.rng.choice(known, size=len(idx), p=weights)
    return error, np.where(error >= 0, ERROR_STATUS[error], -1)


def _receipt_delay(ctx: Context, n: int) -> np.ndarray:
    shares, low, high = (np.array(column) for column in zip(*RECEIPT_DELAYS, strict=True))
    bucket = ctx.rng.choice(len(shares), size=n, p=shares / shares.sum())
    return ctx.uniform(low[bucket], high[bucket], n)


def provider_message_ids(ctx: Context, ordinal: np.ndarray, channel: np.ndarray) -> pa.Array:
    """The id the provider gave a message, in its channel's style."""
    prefix = labels([DELIVERY[c].id_prefix for c in CHANNELS], channel)
    body = strings(
        digits(scramble(ordinal, ctx.salts[1]), 12),
        digits(scramble(ordinal, ctx.salts[2]), 12),
        n=len(ordinal),
    )
    return join(prefix, body)


def reports_table(ctx: Context, traffic: Traffic, entities: Entities) -> pa.Table:
    """Reports land in the folder of the day they were received, duplicates included: the
    same report (same id) re-delivered later by a webhook retry, or twice in one batch."""
    rng = ctx.rng
    messages = traffic.messages
    campaign_of_message = entities.executions.campaign[messages.execution]
    reports = traffic.reports | {"ordinal": np.arange(len(traffic.reports["msg"]))}
    copies = take_block(reports, np.flatnonzero(rng.random(len(reports["msg"])) < 0.015))
    k = len(copies["msg"])
    retry = np.where(
        rng.random(k) < 0.3,
        0,
        np.where(
            rng.random(k) < 0.6,
            ctx.uniform(MINUTE_MS, 2 * HOUR_MS, k),
            ctx.uniform(DAY_MS, 3 * DAY_MS, k),
        ),
    )
    copies["received"] = copies["received"] + retry
    reports = concat([reports, copies])
    reports["_t"] = reports["received"]
    # Else NULL: the reader takes the arrival date.
    reports["received_known"] = rng.random(len(reports["msg"])) >= 0.04
    channel = entities.campaigns.channel[campaign_of_message[reports["msg"]]]
    afternoon = (reports["received"] % DAY_MS) >= 12 * HOUR_MS
    landed = ctx.land(
        reports, ctx.day_of(reports["received"]), PROVIDER_OF_CHANNEL[channel] * 2 + afternoon
    )
    channel = entities.campaigns.channel[campaign_of_message[landed["msg"]]]
    columns = {
        "report_id": ctx.ids("dr_", landed["ordinal"], salt=7),
        "provider": labels(PROVIDERS, PROVIDER_OF_CHANNEL[channel]),
        "provider_message_id": provider_message_ids(ctx, messages.ordinal[landed["msg"]], channel),
        "status": labels(REPORT_STATUSES, landed["status"]),
        "error_code": labels([error.code for error in ERRORS], landed["error"]),
        "error_title": labels([error.title for error in ERRORS], landed["error"]),
        "reported_at": timestamps(landed["reported"]),
        "received_at": timestamps(landed["received"], landed["received_known"]),
    }
    return frame("delivery_reports", columns, landed["_day"], landed["_part"], landed["_t"])
