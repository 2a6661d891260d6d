"""The simulation: campaigns, contacts, executions, messages, reports, engagements and
conversions, drawn on index arrays from one seeded generator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from landing_simulator.arrays import (
    Block,
    ceil_second,
    concat,
    digits,
    frame,
    join,
    labels,
    nullable,
    scramble,
    strings,
    take,
    take_block,
    timestamps,
    where,
)
from landing_simulator.catalogue import (
    BRANCHES,
    BUTTONS,
    CAMPAIGN_TEMPLATES,
    DELIVERY,
    DROP_WEIGHTS,
    ENGAGEMENT,
    ERROR_CHANNEL,
    ERROR_STATUS,
    ERROR_WEIGHT,
    ERRORS,
    EVENT_NAMES,
    FLOW,
    INITIAL_STATUS,
    LATER_STATUS,
    LINK_PATHS,
    N_CAMPAIGNS,
    NIMBUS,
    PROVIDER_OF_CHANNEL,
    PROVIDERS,
    RECEIPT_DELAYS,
    S1,
    S2,
    S3,
    S4,
    S5,
    S6,
    UPGRADED_LIMIT,
    UPGRADED_PLAN,
    WHATSAPP_ONLY_DROPS,
    WINDOWS,
    WORKSPACES,
    Delivery,
    workspace_values,
)
from landing_simulator.clock import DAY_MS, HOUR_MS, MINUTE_MS, NEVER, SECOND_MS
from orchestration.lib.sources import (
    CAMPAIGN_STATUSES,
    CHANNELS,
    DROP_REASONS,
    ENGAGEMENT_TYPES,
    EXECUTION_EVENT_TYPES,
    OPT_OUT_METHODS,
    REPORT_STATUSES,
    SEND_OUTCOMES,
    STEP_TYPES,
    TEMPLATE_CATEGORIES,
)


@dataclass
class _Senders:
    """One or two senders per workspace and channel in use, numbered from 1."""

    workspace: np.ndarray
    channel: np.ndarray
    number: np.ndarray

    def ids(self) -> pa.Array:
        short = [w.workspace_id.removeprefix("ws_") for w in WORKSPACES]
        number = pc.cast(pa.array(self.number), pa.string())
        return join(
            "snd_",
            labels(short, self.workspace),
            "_",
            labels(CHANNELS, self.channel),
            "_",
            number,
        )


@dataclass
class _Campaigns:
    ids: pa.Array
    names: list[str]
    workspace: np.ndarray
    channel: np.ndarray
    lifecycle: np.ndarray
    created: np.ndarray
    changed: np.ndarray  # when the lifecycle moves on (starts, stops, is canceled)
    active_from: np.ndarray
    active_to: np.ndarray
    multi: np.ndarray  # a multi-step flow: delay, then a logic step with two branches
    delay_ms: np.ndarray
    recurring: np.ndarray  # contacts may enter more than once
    carousel: np.ndarray  # clicks and button clicks carry a card index
    weight: np.ndarray
    offset: np.ndarray  # where a one-off campaign starts in its workspace's contacts
    senders: _Senders
    sender_first: np.ndarray
    sender_count: np.ndarray
    step_ids: pa.Array  # step k of campaign c at c * len(FLOW) + k

    def step_index(self, campaign: np.ndarray, step: np.ndarray) -> np.ndarray:
        return np.where(step < 0, -1, campaign * len(FLOW) + step)


@dataclass
class _Contacts:
    workspace: np.ndarray
    first: np.ndarray  # per workspace: its first contact (contacts are grouped by workspace)
    size: np.ndarray  # per workspace: its number of contacts
    order: np.ndarray  # a shuffle within each workspace's group
    internal: np.ndarray
    ids: pa.Array


@dataclass
class _Executions:
    campaign: np.ndarray
    contact: np.ndarray
    entered: np.ndarray
    is_test: np.ndarray
    limited: np.ndarray
    ids: pa.Array


@dataclass
class _Messages:
    ordinal: np.ndarray
    execution: np.ndarray
    step: np.ndarray
    attempted: np.ndarray
    accepted: np.ndarray
    drop_reason: np.ndarray  # index into DROP_REASONS, -1 when accepted
    sender: np.ndarray
    segments: np.ndarray  # 0 = NULL

    def __len__(self) -> int:
        return len(self.ordinal)

    def __add__(self, other: _Messages) -> _Messages:
        return _Messages(**concat([vars(self), vars(other)]))


@dataclass
class _Branching:
    """What the logic step of multi-step flows decided, per execution."""

    follow_at: np.ndarray  # when the delay ends
    clicked: np.ndarray  # clicked the first message before then
    follow: np.ndarray  # executions that go on to their branch's message
    interrupted: np.ndarray  # executions stopped by an opt-out or the campaign ending
    interrupted_at: np.ndarray


@dataclass
class _Waves:
    """The first message of every entry and the branch message of multi-step flows."""

    messages: _Messages
    seen: np.ndarray  # when the recipient got each message; -1: not delivered
    reports: Block
    engagements: Block


class Simulation:
    """The world, simulated once; `tables()` gives every source's rows and where they land."""

    def __init__(self, start: date, days: int, sends_per_day: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.days = days
        self.sends_per_day = sends_per_day
        self.start_ms = (start - date(1970, 1, 1)).days * DAY_MS
        self.end_ms = self.start_ms + days * DAY_MS
        self.salts = self.rng.integers(0, 2**40, size=16)
        self.delivery = {
            name: np.array([getattr(DELIVERY[c], name) for c in CHANNELS])
            for name in Delivery._fields
        }
        self.engagement = np.array([ENGAGEMENT[c] for c in CHANNELS])  # channel x type
        self.upgrade_ms = self.start_ms + max(1, days // 3) * DAY_MS + 9 * HOUR_MS

    # ---- helpers ------------------------------------------------------------------------

    def _ids(self, prefix: str, ordinals: np.ndarray, salt: int) -> pa.Array:
        scrambled = scramble(ordinals, self.salts[salt])
        return strings(prefix, digits(scrambled, 12), n=len(ordinals))

    def _uniform(self, low: np.ndarray | int, high: np.ndarray | int, n: int) -> np.ndarray:
        return (low + self.rng.random(n) * (np.asarray(high) - low)).astype(np.int64)

    def _exponential(self, mean_ms: float, n: int) -> np.ndarray:
        return self.rng.exponential(mean_ms, n).astype(np.int64)

    def _day_of(self, ms: np.ndarray) -> np.ndarray:
        return (ms - self.start_ms) // DAY_MS

    def _arrival(self, ms: np.ndarray, late_share: float) -> tuple[np.ndarray, np.ndarray]:
        """The arrival day of events (some a day late) and whether they came late."""
        late = self.rng.random(len(ms)) < late_share
        return self._day_of(ms) + late, late

    def _land(
        self,
        block: Mapping[str, np.ndarray],
        day: np.ndarray,
        part: np.ndarray,
        duplicate_share: float = 0.0,
        replay_part: int = 0,
    ) -> Block:
        """Where event rows land, decided on index arrays before any text is built.

        At-least-once delivery repeats some rows in the same file, in the day's replay file,
        or a day or two later; what arrives after the range is cut; the rest is put in file
        order (day, part, `_t`)."""
        n = len(day)
        picked = np.flatnonzero(self.rng.random(n) < duplicate_share)
        later = self.rng.choice([0, 0, 1, 2], size=len(picked))
        same_file = (self.rng.random(len(picked)) < 0.3) & (later == 0)
        source_row = np.concatenate([np.arange(n), picked])
        day = np.concatenate([day, day[picked] + later])
        part = np.concatenate([part, np.where(same_file, part[picked], replay_part)])
        order = np.lexsort((block["_t"][source_row], part, day))
        order = order[(day[order] >= 0) & (day[order] < self.days)]
        return take_block(block, source_row[order]) | {"_day": day[order], "_part": part[order]}

    def _landed(self, table: pa.Table) -> pa.Table:
        """The dimension rows that arrived by the last day of the range."""
        day = table["_day"].to_numpy()
        return table.filter(pa.array((day >= 0) & (day < self.days)))

    def _upserted(self, rows: pa.Table, at_ms: np.ndarray, **changes: pa.Array) -> pa.Table:
        """The same dimension rows sent again at `at_ms` with some fields changed."""
        changes |= {
            "updated_at": timestamps(at_ms),
            "_day": pa.array(self._day_of(at_ms), pa.int32()),
            "_t": pa.array(at_ms, pa.int64()),
        }
        for name, values in changes.items():
            rows = rows.set_column(rows.schema.get_field_index(name), name, values)
        return rows

    # ---- catalogues ---------------------------------------------------------------------

    def campaigns(self) -> _Campaigns:
        rng, n = self.rng, N_CAMPAIGNS
        i = np.arange(n)
        template = i % len(CAMPAIGN_TEMPLATES)
        channel = np.array([CHANNELS.index(c) for _, c, _ in CAMPAIGN_TEMPLATES])[template]
        lifecycle = np.array([lc for _, _, lc in CAMPAIGN_TEMPLATES])[template]
        workspace = i % len(WORKSPACES)
        created = self.start_ms - self._uniform(2 * DAY_MS, 60 * DAY_MS, n)
        # Lifecycles move on in the second half of the range; with one day, never.
        change_day = rng.integers(max(1, self.days // 2), max(2, self.days), size=n)
        changed = self.start_ms + change_day * DAY_MS + self._uniform(HOUR_MS, 12 * HOUR_MS, n)
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
        senders = _Senders(
            workspace=np.repeat(pairs // len(CHANNELS), per_pair),
            channel=np.repeat(pairs % len(CHANNELS), per_pair),
            number=np.arange(per_pair.sum()) - np.repeat(pair_first, per_pair) + 1,
        )
        pair_of = np.searchsorted(pairs, pair)
        ids = strings("cmp_", digits(i + 1, 4, base=10), n=n)
        suffixes = pa.array([f"_{s[0]}" for s in FLOW] * n)
        carousel_channels = [CHANNELS.index(c) for c in ("whatsapp", "instagram_dm", "messenger")]
        return _Campaigns(
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
            carousel=(i % 5 == 0) & np.isin(channel, carousel_channels),
            weight=rng.lognormal(0, 0.6, n),
            offset=rng.integers(0, 2**31, size=n),
            senders=senders,
            sender_first=pair_first[pair_of],
            sender_count=per_pair[pair_of],
            step_ids=join(ids.take(pa.array(np.repeat(i, len(FLOW)))), suffixes),
        )

    def contacts(self, cmp: _Campaigns) -> _Contacts:
        n_ws = len(WORKSPACES)
        total = max(100 * n_ws, self.sends_per_day * self.days // 3)
        share = np.bincount(cmp.workspace, weights=cmp.weight, minlength=n_ws)
        size = np.maximum(20, (total * share / share.sum()).astype(np.int64))
        first = np.cumsum(size) - size
        workspace = np.repeat(np.arange(n_ws), size)
        n = len(workspace)
        order = np.lexsort((self.rng.random(n), workspace))
        # The first two of every workspace are its developers' own profiles.
        internal = self.rng.random(n) < 0.002
        internal[first] = internal[first + 1] = True
        ids = strings("cnt_", digits(np.arange(1, n + 1), 7, base=10), n=n)
        return _Contacts(workspace, first, size, order, internal, ids)

    # ---- executions and messages --------------------------------------------------------

    def executions(self, cmp: _Campaigns, contacts: _Contacts) -> _Executions:
        campaign, entered = self._entries(cmp)
        n = len(campaign)
        ws = cmp.workspace[campaign]
        # A one-off campaign walks its workspace's contacts in order (nobody enters twice
        # before everybody did); a recurring one draws at random, so contacts come back.
        by_campaign = np.argsort(campaign, kind="stable")
        sorted_campaign = campaign[by_campaign]
        rank = np.empty(n, np.int64)
        rank[by_campaign] = np.arange(n) - np.searchsorted(sorted_campaign, sorted_campaign)
        size = contacts.size[ws]
        slot = np.where(
            cmp.recurring[campaign],
            self.rng.integers(0, size),
            (cmp.offset[campaign] + rank) % size,
        )
        contact = contacts.order[contacts.first[ws] + slot]
        is_test = self.rng.random(n) < 0.004  # tests go to the developers' own profiles
        contact = np.where(is_test, contacts.first[ws] + self.rng.integers(0, 2, n), contact)
        capped = (ws == NIMBUS) & (entered < self.upgrade_ms)
        limited = self.rng.random(n) < np.where(capped, 0.08, 0.002)
        ids = self._ids("exe_", np.arange(n), salt=0)
        return _Executions(campaign, contact, entered, is_test, limited, ids)

    def _entries(self, cmp: _Campaigns) -> tuple[np.ndarray, np.ndarray]:
        """Campaign and time of each entry, day by day, among the campaigns active that day;
        as many as make about `sends_per_day` messages."""
        sends_per_entry = 1 + cmp.multi * 0.85  # the branch message, unless stopped or dropped
        campaigns, entered = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for day in range(self.days):
            day_start = self.start_ms + day * DAY_MS
            begin = np.maximum(cmp.active_from, day_start)
            span = np.clip(np.minimum(cmp.active_to, day_start + DAY_MS) - begin, 0, None)
            weight = cmp.weight * span
            if weight.sum() == 0:
                continue
            p = weight / weight.sum()
            n = round(self.sends_per_day / float(p @ sends_per_entry))
            campaign = self.rng.choice(len(p), size=n, p=p)
            campaigns.append(campaign)
            entered.append(begin[campaign] + self._uniform(0, span[campaign], n))
        return np.concatenate(campaigns), np.concatenate(entered)

    def messages(
        self,
        cmp: _Campaigns,
        ex: _Executions,
        execution: np.ndarray,
        step: np.ndarray,
        attempted: np.ndarray,
        first_ordinal: int,
    ) -> _Messages:
        n = len(execution)
        campaign = ex.campaign[execution]
        channel = cmp.channel[campaign]
        accepted = self.rng.random(n) >= self.delivery["drop"][channel]
        weights = np.array([DROP_WEIGHTS[r] for r in DROP_REASONS], dtype=float)
        reason = self.rng.choice(len(DROP_REASONS), size=n, p=weights / weights.sum())
        template_trouble = np.isin(reason, [DROP_REASONS.index(r) for r in WHATSAPP_ONLY_DROPS])
        reason = np.where(
            template_trouble & (channel != CHANNELS.index("whatsapp")),
            DROP_REASONS.index("recipient_error"),
            reason,
        )
        segments = self.rng.choice([1, 2, 3], size=n, p=[0.7, 0.25, 0.05])
        return _Messages(
            ordinal=first_ordinal + np.arange(n),
            execution=execution,
            step=step,
            attempted=attempted,
            accepted=accepted,
            drop_reason=np.where(accepted, -1, reason),
            sender=cmp.sender_first[campaign] + self.rng.integers(0, cmp.sender_count[campaign]),
            segments=np.where((channel == CHANNELS.index("sms")) & accepted, segments, 0),
        )

    def waves(self, cmp: _Campaigns, ex: _Executions) -> tuple[_Waves, _Waves, _Branching]:
        """Wave 1: every entry not parked by the contact limit gets the first message.
        Wave 2: multi-step flows send their branch's message after the delay."""
        first = np.flatnonzero(~ex.limited)
        attempted = ex.entered[first] + self.rng.integers(200, 3_000, len(first))
        m1 = self.messages(cmp, ex, first, np.full(len(first), S1), attempted, 0)
        wave1 = self._wave(m1, cmp, ex)
        branching = self.branching(cmp, ex, wave1)
        follow = branching.follow
        step = np.where(branching.clicked[follow], S4, S5)
        attempted = branching.follow_at[follow] + self.rng.integers(200, 3_000, len(follow))
        m2 = self.messages(cmp, ex, follow, step, attempted, len(m1))
        return wave1, self._wave(m2, cmp, ex), branching

    def _wave(self, m: _Messages, cmp: _Campaigns, ex: _Executions) -> _Waves:
        campaign = ex.campaign[m.execution]
        seen, reports = self.deliveries(m, cmp.channel[campaign])
        engagements = self.engagements(m, seen, cmp.channel[campaign], cmp.carousel[campaign])
        return _Waves(m, seen, reports, engagements)

    def branching(self, cmp: _Campaigns, ex: _Executions, wave1: _Waves) -> _Branching:
        """The logic step: did the contact click before the delay ran out? An opt-out, or the
        campaign stopping, before then interrupts the execution instead."""
        n = len(ex.campaign)
        m, e = wave1.messages, wave1.engagements
        follow_at = ex.entered + cmp.delay_ms[ex.campaign]
        execution = m.execution[e["msg"]]
        in_time = e["t"] < follow_at[execution]
        clicked = np.zeros(n, bool)
        clicked[execution[in_time & (e["kind"] == ENGAGEMENT_TYPES.index("click"))]] = True
        leaving = np.isin(
            e["kind"], [ENGAGEMENT_TYPES.index(k) for k in ("opt_out", "unsubscribe")]
        )
        left_at = np.full(n, NEVER)
        np.minimum.at(left_at, execution[leaving], e["t"][leaving])
        going_on = m.execution[m.accepted & cmp.multi[ex.campaign[m.execution]]]
        opted_out = left_at[going_on] < follow_at[going_on]
        campaign_over = cmp.active_to[ex.campaign[going_on]] <= follow_at[going_on]
        stopped = opted_out | campaign_over
        stopped_at = np.where(
            opted_out, left_at[going_on] + 2 * SECOND_MS, cmp.active_to[ex.campaign[going_on]]
        )
        return _Branching(
            follow_at, clicked, going_on[~stopped], going_on[stopped], stopped_at[stopped]
        )

    # ---- provider reports and engagements -----------------------------------------------

    def deliveries(self, m: _Messages, channel: np.ndarray) -> tuple[np.ndarray, Block]:
        """What providers report. Returns when each message reached its recipient (-1: it
        did not) and the reports, one row per report."""
        n = len(m)
        rng, p = self.rng, self.delivery
        receipts = p["receipts"][channel].astype(bool)
        u = rng.random(n)
        failed = m.accepted & receipts & (u < p["fail"][channel])
        silent = m.accepted & receipts & ~failed & (u < p["fail"][channel] + p["silent"][channel])
        delivered = m.accepted & receipts & ~failed & ~silent
        lag = np.minimum(rng.lognormal(np.log(4_000), 1.0, n), 6 * HOUR_MS)
        delivered_at = ceil_second(m.attempted + lag)
        seen = np.where(delivered, delivered_at, np.where(m.accepted & ~receipts, m.attempted, -1))
        read = (seen >= 0) & (rng.random(n) < p["read"][channel])
        reported = {
            "sent": ceil_second(m.attempted + rng.integers(300, 3_000, n)),
            "delivered": delivered_at,
            "read": ceil_second(seen + SECOND_MS + self._exponential(3 * HOUR_MS, n)),
            "failed": ceil_second(m.attempted + rng.lognormal(np.log(15_000), 1.2, n)),
        }
        received = {status: at + self._receipt_delay(n) for status, at in reported.items()}
        # Out of order: some delivered receipts arrive after the read one.
        late = delivered & read & (rng.random(n) < 0.05)
        received["delivered"] = np.where(
            late,
            np.maximum(received["read"], received["delivered"])
            + self._uniform(MINUTE_MS, 6 * HOUR_MS, n),
            received["delivered"],
        )
        error, error_status = self._errors(failed, channel)
        which = {
            "sent": m.accepted & receipts & (rng.random(n) < p["sent_report"][channel]),
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

    def _errors(self, failed: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The error (index into ERRORS) of each failed message and its report status."""
        error = np.full(len(failed), -1)
        for c in range(len(CHANNELS)):
            idx = np.flatnonzero(failed & (channel == c))
            known = np.flatnonzero(c == ERROR_CHANNEL)
            if len(idx) and len(known):
                weights = ERROR_WEIGHT[known] / ERROR_WEIGHT[known].sum()
                error[idx] = self.rng.choice(known, size=len(idx), p=weights)
        return error, np.where(error >= 0, ERROR_STATUS[error], -1)

    def _receipt_delay(self, n: int) -> np.ndarray:
        shares, low, high = (np.array(column) for column in zip(*RECEIPT_DELAYS, strict=True))
        bucket = self.rng.choice(len(shares), size=n, p=shares / shares.sum())
        return self._uniform(low[bucket], high[bucket], n)

    def engagements(
        self, m: _Messages, seen: np.ndarray, channel: np.ndarray, carousel: np.ndarray
    ) -> Block:
        """Opens, clicks, replies, button clicks and opt-outs of delivered messages."""
        rng = self.rng
        n = len(m)
        mean_delay = {"open": 3 * HOUR_MS, "click": 90 * MINUTE_MS, "opt_out": HOUR_MS}
        blocks = []
        for k, kind in enumerate(ENGAGEMENT_TYPES):
            idx = np.flatnonzero((seen >= 0) & (rng.random(n) < self.engagement[channel, k]))
            delay = self._exponential(mean_delay.get(kind, 2 * HOUR_MS), len(idx))
            t = seen[idx] + SECOND_MS + delay
            if kind in ("open", "click"):  # some open twice, some click again
                again = rng.random(len(idx)) < (0.2 if kind == "open" else 0.15)
                idx = np.concatenate([idx, idx[again]])
                t = np.concatenate([t, t[again] + self._exponential(DAY_MS / 4, again.sum())])
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
                    "button": rng.integers(0, len(BUTTONS), size)
                    if kind == "button_click"
                    else none,
                    "method": (rng.random(size) < 0.25).astype(int) if kind == "opt_out" else none,
                    # An inbound reply is not always tied to a message.
                    "detached": (rng.random(size) < 0.25) & (kind == "reply"),
                }
            )
        return concat(blocks)

    # ---- the whole world ----------------------------------------------------------------

    def tables(self) -> dict[str, pa.Table]:
        cmp = self.campaigns()
        contacts = self.contacts(cmp)
        ex = self.executions(cmp, contacts)
        wave1, wave2, branching = self.waves(cmp, ex)
        msgs = wave1.messages + wave2.messages
        seen = np.concatenate([wave1.seen, wave2.seen])
        offset = {"msg": len(wave1.messages)}
        reports = concat([wave1.reports, _shifted(wave2.reports, offset)])
        engagements = concat([wave1.engagements, _shifted(wave2.engagements, offset)])
        events = self.execution_events(cmp, ex, wave1.messages, wave2.messages, branching)
        land_day, first_seen = self.contact_arrival(ex, contacts)
        return {
            "workspaces": self.workspaces_table(),
            "contacts": self.contacts_table(contacts, land_day, first_seen),
            "senders": self.senders_table(cmp.senders),
            "campaigns": self.campaigns_table(cmp),
            "campaign_steps": self.steps_table(cmp),
            "executions": self.executions_table(events, ex, cmp, contacts),
            "sends": self.sends_table(msgs, ex, cmp, contacts),
            "delivery_reports": self.reports_table(reports, msgs, ex, cmp),
            "engagements": self.engagements_table(engagements, msgs, ex, cmp, contacts),
            "conversions": self.conversions_table(
                engagements, msgs, seen, ex, cmp, contacts, land_day
            ),
        }

    def execution_events(
        self, cmp: _Campaigns, ex: _Executions, m1: _Messages, m2: _Messages, b: _Branching
    ) -> Block:
        """The engine's trail of each execution. Events after the range stay unwritten,
        which leaves those executions pending."""
        single = ~cmp.multi[ex.campaign[m1.execution]]
        ok1, ok2 = m1.accepted, m2.accepted
        limited = np.flatnonzero(ex.limited)
        branch = np.where(b.clicked[b.follow], 0, 1)
        to_s6 = ok2 & (m2.step == S4)
        # (event type, executions, step, branch label, time)
        trail = (
            ("entered", np.arange(len(ex.campaign)), -1, -1, ex.entered),
            ("limited", limited, -1, -1, ex.entered[limited] + 50),
            ("step_reached", m1.execution, S1, -1, ex.entered[m1.execution] + 100),
            ("failed", m1.execution[~ok1], -1, -1, m1.attempted[~ok1] + SECOND_MS),
            ("completed", m1.execution[ok1 & single], -1, -1, m1.attempted[ok1 & single] + 1_500),
            ("step_reached", m1.execution[ok1 & ~single], S2, -1, m1.attempted[ok1 & ~single] + 1),
            ("interrupted", b.interrupted, -1, -1, b.interrupted_at),
            ("step_reached", b.follow, S3, -1, b.follow_at[b.follow]),
            ("branch_taken", b.follow, S3, branch, b.follow_at[b.follow] + 10),
            (
                "step_reached",
                b.follow,
                np.where(branch == 0, S4, S5),
                -1,
                b.follow_at[b.follow] + 20,
            ),
            ("failed", m2.execution[~ok2], -1, -1, m2.attempted[~ok2] + SECOND_MS),
            ("step_reached", m2.execution[to_s6], S6, -1, m2.attempted[to_s6] + 800),
            ("completed", m2.execution[ok2], -1, -1, m2.attempted[ok2] + 1_500),
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

    def contact_arrival(
        self, ex: _Executions, contacts: _Contacts
    ) -> tuple[np.ndarray, np.ndarray]:
        """Most contacts are known on day 0; some sign up during the range and land on the
        day they first enter a campaign, never after it. Returns the day each contact lands
        and when it first entered a campaign."""
        n = len(contacts.workspace)
        first_seen = np.full(n, NEVER)
        np.minimum.at(first_seen, ex.contact, ex.entered)
        first_day = np.where(first_seen < NEVER, self._day_of(first_seen), 0)
        new = (first_day > 0) & ~contacts.internal & (self.rng.random(n) < 0.35)
        return np.where(new, first_day, 0), first_seen

    def provider_message_ids(self, ordinal: np.ndarray, channel: np.ndarray) -> pa.Array:
        """The id the provider gave a message, in its channel's style."""
        prefix = labels([DELIVERY[c].id_prefix for c in CHANNELS], channel)
        body = strings(
            digits(scramble(ordinal, self.salts[1]), 12),
            digits(scramble(ordinal, self.salts[2]), 12),
            n=len(ordinal),
        )
        return join(prefix, body)

    # ---- dimension tables ---------------------------------------------------------------

    def workspaces_table(self) -> pa.Table:
        n = len(WORKSPACES)
        updated = self.start_ms - self._uniform(DAY_MS, 90 * DAY_MS, n)
        limit = np.array([w.monthly_contact_limit or 0 for w in WORKSPACES])
        columns = {
            name: pa.array(workspace_values(name))
            for name in ("workspace_id", "name", "industry", "timezone", "plan")
        }
        columns["monthly_contact_limit"] = nullable(limit, limit > 0, pa.int64())
        columns["updated_at"] = timestamps(updated)
        table = frame("workspaces", columns, np.zeros(n, int), 0, updated)
        upgrade = self._upserted(
            table.slice(NIMBUS, 1),
            np.array([self.upgrade_ms]),
            plan=pa.array([UPGRADED_PLAN]),
            monthly_contact_limit=pa.array([UPGRADED_LIMIT], pa.int64()),
        )
        return self._landed(pa.concat_tables([table, upgrade]))

    def senders_table(self, senders: _Senders) -> pa.Table:
        n = len(senders.workspace)
        channels = labels(CHANNELS, senders.channel)
        updated = self.start_ms - self._uniform(DAY_MS, 60 * DAY_MS, n)
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

    def campaigns_table(self, cmp: _Campaigns) -> pa.Table:
        """Every campaign as first known, then again each time its status changed."""
        n = len(cmp.channel)
        changes = np.flatnonzero(np.isin(cmp.lifecycle, list(LATER_STATUS)))
        row = np.concatenate([np.arange(n), changes])
        status = [INITIAL_STATUS.get(lc, "active") for lc in cmp.lifecycle] + [
            LATER_STATUS[lc] for lc in cmp.lifecycle[changes]
        ]
        first_known = cmp.created + self._uniform(0, self.start_ms - cmp.created, n)
        updated = np.concatenate([first_known, cmp.changed[changes]])
        whatsapp = cmp.channel == CHANNELS.index("whatsapp")
        category = np.where(whatsapp, np.cumsum(whatsapp) % len(TEMPLATE_CATEGORIES), -1)
        window = np.array([w or 0 for w in WINDOWS])[np.arange(n) % len(WINDOWS)][row]
        slug = pc.utf8_lower(pc.utf8_slice_codeunits(pa.array(cmp.names), 0, 6))
        template = pc.replace_substring_regex(join("tpl_", slug, "_", cmp.ids), "[^a-z0-9_]", "_")
        columns = {
            "campaign_id": cmp.ids.take(pa.array(row)),
            "workspace_id": labels(workspace_values("workspace_id"), cmp.workspace[row]),
            "name": labels(cmp.names, row),
            "channel": labels(CHANNELS, cmp.channel[row]),
            "status": labels(
                CAMPAIGN_STATUSES, np.array([CAMPAIGN_STATUSES.index(s) for s in status])
            ),
            "template_id": take(template, np.where(whatsapp[row], row, -1)),
            "template_category": labels(TEMPLATE_CATEGORIES, category[row]),
            "conversion_window_hours": nullable(window, window > 0, pa.int64()),
            "created_at": timestamps(cmp.created[row]),
            "updated_at": timestamps(updated),
        }
        day = np.maximum(self._day_of(updated), 0)
        return self._landed(frame("campaigns", columns, day, 0, updated))

    def steps_table(self, cmp: _Campaigns) -> pa.Table:
        campaign = np.repeat(np.arange(len(cmp.channel)), len(FLOW))
        step = np.tile(np.arange(len(FLOW)), len(cmp.channel))
        keep = cmp.multi[campaign] | (step == S1)
        campaign, step = campaign[keep], step[keep]
        suffixes = [s[0] for s in FLOW]
        parent = np.array([-1 if s[3] is None else suffixes.index(s[3]) for s in FLOW])
        updated = (cmp.created + HOUR_MS)[campaign]
        columns = {
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "step_id": cmp.step_ids.take(pa.array(cmp.step_index(campaign, step))),
            "step_type": labels(STEP_TYPES, np.array([STEP_TYPES.index(s[1]) for s in FLOW])[step]),
            "step_order": pa.array(np.array([s[2] for s in FLOW])[step]),
            "parent_step_id": take(cmp.step_ids, cmp.step_index(campaign, parent[step])),
            "branch_label": labels([s[4] for s in FLOW], step),
            "name": labels([s[5] for s in FLOW], step),
            "updated_at": timestamps(updated),
        }
        table = frame("campaign_steps", columns, np.zeros(len(step), int), 0, updated)
        renamed = self._upserted(  # a step renamed during the range
            table.filter(pc.equal(table["step_id"], cmp.step_ids[S5])),
            np.array([self.start_ms + max(1, self.days // 4) * DAY_MS + 10 * HOUR_MS]),
            name=pa.array(["Reminder (last chance)"]),
        )
        return self._landed(pa.concat_tables([table, renamed]))

    def contacts_table(
        self, contacts: _Contacts, land_day: np.ndarray, first_seen: np.ndarray
    ) -> pa.Table:
        rng = self.rng
        n = len(contacts.workspace)
        ws = contacts.workspace
        new = land_day > 0
        day_start = self.start_ms + land_day * DAY_MS
        created = np.where(
            new,
            self._uniform(day_start, np.where(new, first_seen, day_start), n),
            self.start_ms - self._uniform(DAY_MS, 720 * DAY_MS, n),
        )
        updated = np.where(new, created, created + self._uniform(0, self.start_ms - created, n))
        country = np.where(rng.random(n) < 0.8, 0, np.where(rng.random(n) < 0.75, 1, 2))
        countries = np.array(workspace_values("countries"))
        number = scramble(np.arange(n), self.salts[3]) % np.uint64(10**9)
        phone = join(
            labels(workspace_values("phone_prefix"), ws),
            strings(digits(number, 9, base=10), n=n),
        )
        mailbox = strings("c", digits(scramble(np.arange(n), self.salts[4]), 8), n=n)
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
        moved_day = max(1, self.days // 2)
        moved = np.flatnonzero((land_day <= moved_day) & (rng.random(n) < 0.01))
        moves = self._upserted(
            table.take(pa.array(moved)),
            self.start_ms + moved_day * DAY_MS + self._uniform(0, DAY_MS - 1, len(moved)),
            country=pa.array(countries[ws[moved], (country[moved] + 1) % 3]),
        )
        # Some contacts turn internal late in the range (a colleague's number kept for tests),
        # after their messages were sent: their past activity leaves the metrics.
        turned_day = max(1, self.days - max(1, self.days // 8))
        turned = np.flatnonzero(
            (land_day <= turned_day) & ~contacts.internal & (rng.random(n) < 0.005)
        )
        turns = self._upserted(
            table.take(pa.array(turned)),
            self.start_ms + turned_day * DAY_MS + self._uniform(0, DAY_MS - 1, len(turned)),
            is_internal=pa.array(np.ones(len(turned), bool), pa.bool_()),
        )
        return self._landed(pa.concat_tables([table, moves, turns]))

    # ---- event tables -------------------------------------------------------------------

    def executions_table(
        self, events: Block, ex: _Executions, cmp: _Campaigns, contacts: _Contacts
    ) -> pa.Table:
        day, late = self._arrival(events["t"], 0.02)
        block = events | {"ordinal": np.arange(len(day)), "_t": events["t"]}
        e = self._land(block, day, late.astype(int), duplicate_share=0.005, replay_part=1)
        execution = e["execution"]
        campaign = ex.campaign[execution]
        columns = {
            "event_id": self._ids("evt_", e["ordinal"], salt=5),
            "execution_id": ex.ids.take(pa.array(execution)),
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "contact_id": contacts.ids.take(pa.array(ex.contact[execution])),
            "event_type": labels(EXECUTION_EVENT_TYPES, e["kind"]),
            "step_id": take(cmp.step_ids, cmp.step_index(campaign, e["step"])),
            "branch_label": labels(BRANCHES, e["branch"]),
            "occurred_at": timestamps(e["t"]),
            "is_test": pa.array(ex.is_test[execution]),
        }
        return frame("executions", columns, e["_day"], e["_part"], e["_t"])

    def sends_table(
        self, m: _Messages, ex: _Executions, cmp: _Campaigns, contacts: _Contacts
    ) -> pa.Table:
        n = len(m)
        # is_initial and is_test are optional: some rows leave them to the default.
        block = vars(m) | {
            "_t": m.attempted,
            "initial_known": self.rng.random(n) < 0.9,
            "test_known": ex.is_test[m.execution] | (self.rng.random(n) < 0.8),
        }
        day, late = self._arrival(m.attempted, 0.02)
        afternoon = (m.attempted % DAY_MS) >= 12 * HOUR_MS
        b = self._land(
            block, day, np.where(late, 2, afternoon), duplicate_share=0.008, replay_part=2
        )
        campaign = ex.campaign[b["execution"]]
        channel = cmp.channel[campaign]
        accepted = b["accepted"]
        outcome = np.where(
            accepted, SEND_OUTCOMES.index("accepted"), SEND_OUTCOMES.index("dropped")
        )
        columns = {
            "message_id": self._ids("msg_", b["ordinal"], salt=6),
            "execution_id": ex.ids.take(pa.array(b["execution"])),
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "step_id": cmp.step_ids.take(pa.array(cmp.step_index(campaign, b["step"]))),
            "contact_id": contacts.ids.take(pa.array(ex.contact[b["execution"]])),
            "sender_id": cmp.senders.ids().take(pa.array(b["sender"])),
            "channel": labels(CHANNELS, channel),
            "attempted_at": timestamps(b["attempted"]),
            "outcome": labels(SEND_OUTCOMES, outcome),
            "drop_reason": labels(DROP_REASONS, b["drop_reason"]),
            "provider": labels(PROVIDERS, PROVIDER_OF_CHANNEL[channel]),
            "provider_message_id": where(
                accepted, self.provider_message_ids(b["ordinal"], channel)
            ),
            "segments": nullable(b["segments"], b["segments"] > 0, pa.int64()),
            "is_initial": nullable(b["step"] == S1, b["initial_known"], pa.bool_()),
            "is_test": nullable(ex.is_test[b["execution"]], b["test_known"], pa.bool_()),
        }
        return frame("sends", columns, b["_day"], b["_part"], b["_t"])

    def reports_table(
        self, reports: Block, m: _Messages, ex: _Executions, cmp: _Campaigns
    ) -> pa.Table:
        """Reports land in the folder of the day they were received, duplicates included: the
        same report (same id) re-delivered later by a webhook retry, or twice in one batch."""
        rng = self.rng
        r = reports | {"ordinal": np.arange(len(reports["msg"]))}
        copies = take_block(r, np.flatnonzero(rng.random(len(r["msg"])) < 0.015))
        k = len(copies["msg"])
        retry = np.where(
            rng.random(k) < 0.3,
            0,
            np.where(
                rng.random(k) < 0.6,
                self._uniform(MINUTE_MS, 2 * HOUR_MS, k),
                self._uniform(DAY_MS, 3 * DAY_MS, k),
            ),
        )
        copies["received"] = copies["received"] + retry
        r = concat([r, copies])
        r["_t"] = r["received"]
        r["received_known"] = rng.random(len(r["msg"])) >= 0.04  # else NULL: the arrival date
        channel = cmp.channel[ex.campaign[m.execution[r["msg"]]]]
        afternoon = (r["received"] % DAY_MS) >= 12 * HOUR_MS
        b = self._land(r, self._day_of(r["received"]), PROVIDER_OF_CHANNEL[channel] * 2 + afternoon)
        channel = cmp.channel[ex.campaign[m.execution[b["msg"]]]]
        columns = {
            "report_id": self._ids("dr_", b["ordinal"], salt=7),
            "provider": labels(PROVIDERS, PROVIDER_OF_CHANNEL[channel]),
            "provider_message_id": self.provider_message_ids(m.ordinal[b["msg"]], channel),
            "status": labels(REPORT_STATUSES, b["status"]),
            "error_code": labels([e[1] for e in ERRORS], b["error"]),
            "error_title": labels([e[2] for e in ERRORS], b["error"]),
            "reported_at": timestamps(b["reported"]),
            "received_at": timestamps(b["received"], b["received_known"]),
        }
        return frame("delivery_reports", columns, b["_day"], b["_part"], b["_t"])

    def engagements_table(
        self, e: Block, m: _Messages, ex: _Executions, cmp: _Campaigns, contacts: _Contacts
    ) -> pa.Table:
        n = len(e["msg"])
        is_test = ex.is_test[m.execution[e["msg"]]]
        block = e | {
            "ordinal": np.arange(n),
            "_t": e["t"],
            "test_known": is_test | (self.rng.random(n) < 0.7),
        }
        day, late = self._arrival(e["t"], 0.03)
        is_reply = e["kind"] == ENGAGEMENT_TYPES.index("reply")
        b = self._land(block, day, np.where(late, 2, is_reply), duplicate_share=0.01, replay_part=2)
        execution = m.execution[b["msg"]]
        campaign = ex.campaign[execution]
        attached = ~b["detached"]
        step_ids = cmp.step_ids.take(pa.array(cmp.step_index(campaign, m.step[b["msg"]])))
        link = b["link"]
        url = join(
            "https://",
            labels(workspace_values("domain"), cmp.workspace[campaign]),
            "/",
            labels(LINK_PATHS, link),
            "?utm_source=",
            labels(CHANNELS, cmp.channel[campaign]),
            "&utm_campaign=",
            cmp.ids.take(pa.array(campaign)),
        )
        link_id = join(step_ids, "_l", pc.cast(pa.array(link), pa.string()))
        columns = {
            "engagement_id": self._ids("eng_", b["ordinal"], salt=8),
            "message_id": where(attached, self._ids("msg_", m.ordinal[b["msg"]], salt=6)),
            "execution_id": where(attached, ex.ids.take(pa.array(execution))),
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "step_id": where(attached, step_ids),
            "contact_id": contacts.ids.take(pa.array(ex.contact[execution])),
            "engagement_type": labels(ENGAGEMENT_TYPES, b["kind"]),
            "occurred_at": timestamps(b["t"]),
            "link_id": where(link >= 0, link_id),
            "url": url,
            "card_index": nullable(b["card"], b["card"] >= 0, pa.int64()),
            "button_id": labels([button for button, _ in BUTTONS], b["button"]),
            "button_label": labels([label for _, label in BUTTONS], b["button"]),
            "opt_out_method": labels(OPT_OUT_METHODS, b["method"]),
            "is_test": nullable(ex.is_test[execution], b["test_known"], pa.bool_()),
        }
        return frame("engagements", columns, b["_day"], b["_part"], b["_t"])

    def conversions_table(
        self,
        e: Block,
        m: _Messages,
        seen: np.ndarray,
        ex: _Executions,
        cmp: _Campaigns,
        contacts: _Contacts,
        land_day: np.ndarray,
    ) -> pa.Table:
        b = self._land_conversions(e, m, seen, ex, land_day)
        ws = contacts.workspace[b["contact"]]
        currency = np.array(workspace_values("currency"))[ws]
        yen = currency == "JPY"  # no minor unit
        cents = np.where(yen, np.round(b["amount"] * 130) * 100, np.round(b["amount"] * 100))
        cents = cents.astype(np.int64)
        revenue = join(
            pc.cast(pa.array(cents // 100), pa.string()),
            ".",
            pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0"),
        )
        tracked = b["msg"] >= 0
        message = np.maximum(b["msg"], 0)
        columns = {
            "conversion_id": self._ids("cv_", b["ordinal"], salt=9),
            "workspace_id": labels(workspace_values("workspace_id"), ws),
            "contact_id": contacts.ids.take(pa.array(b["contact"])),
            "event_name": labels(EVENT_NAMES, b["event"]),
            "occurred_at": timestamps(b["_t"]),
            "revenue": where(b["has_revenue"], revenue.cast(pa.decimal128(18, 2))),
            "currency": where(b["has_revenue"], pa.array(currency)),
            "message_id": where(tracked, self._ids("msg_", m.ordinal[message], salt=6)),
            "campaign_id": where(
                tracked, cmp.ids.take(pa.array(ex.campaign[m.execution[message]]))
            ),
        }
        return frame("conversions", columns, b["_day"], b["_part"], b["_t"])

    def _land_conversions(
        self, e: Block, m: _Messages, seen: np.ndarray, ex: _Executions, land_day: np.ndarray
    ) -> Block:
        """Conversions through a tracked link (message and campaign known), conversions to
        be attributed by window, and conversions of contacts no campaign reached."""
        rng = self.rng
        not_test = ~ex.is_test[m.execution]
        clicks = np.flatnonzero((e["kind"] == ENGAGEMENT_TYPES.index("click")) & not_test[e["msg"]])
        tracked = clicks[rng.random(len(clicks)) < 0.25]
        tracked_msg = e["msg"][tracked]
        tracked_t = (
            e["t"][tracked] + 30 * SECOND_MS + self._exponential(40 * MINUTE_MS, len(tracked))
        )
        window_msg = np.flatnonzero((seen >= 0) & not_test & (rng.random(len(m)) < 0.012))
        window_t = seen[window_msg] + self._uniform(12 * MINUTE_MS, 200 * HOUR_MS, len(window_msg))
        stray = rng.choice(np.flatnonzero(land_day == 0), size=max(3, len(m) // 400))
        stray_t = self._uniform(self.start_ms, self.end_ms, len(stray))
        t = np.concatenate([tracked_t, window_t, stray_t])
        n = len(t)
        event = rng.choice(len(EVENT_NAMES), size=n, p=[0.75, 0.15, 0.10])
        block = {
            "ordinal": np.arange(n),
            "_t": t,
            "msg": np.concatenate([tracked_msg, np.full(len(window_msg) + len(stray), -1)]),
            "contact": np.concatenate(
                [ex.contact[m.execution[tracked_msg]], ex.contact[m.execution[window_msg]], stray]
            ),
            "event": event,
            "has_revenue": (event == 0) & (rng.random(n) < 0.9),
            "amount": rng.lognormal(np.log(45), 0.7, n),
        }
        day, late = self._arrival(t, 0.05)
        return self._land(block, day, late.astype(int), duplicate_share=0.03, replay_part=1)


def _shifted(block: Block, offsets: Mapping[str, int]) -> Block:
    return block | {key: block[key] + offset for key, offset in offsets.items()}
