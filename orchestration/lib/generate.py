"""A synthetic landing zone: realistic, deterministic upstream files for all ten sources.

`generate_landing` simulates a handful of workspaces running campaigns on every channel:
contacts enter campaigns (executions), the engine hands messages to providers (sends),
providers report back late, twice, out of order or never (delivery_reports), contacts engage
(engagements) and convert (conversions). It then writes what upstream would have delivered,
day by day, in the layout and formats of `shared/contract/landing.md`, with the mess the
ingest must survive: duplicates across files and days, reports beyond the delivery window,
mixed timestamp encodings, optional fields left out, unknown extra fields, and a few
malformed rows in the large event sources.

Everything is drawn from one seeded generator and nothing reads the wall clock, so the same
arguments give byte-identical files. The simulation is vectorised with numpy on index arrays;
text is built from those at the end with numpy, pyarrow and DuckDB. Python loops run over
days, files and the small catalogues only.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.lib.sources import (
    CAMPAIGN_STATUSES,
    CHANNELS,
    DROP_REASONS,
    ENGAGEMENT_TYPES,
    EXECUTION_EVENT_TYPES,
    OPT_OUT_METHODS,
    REPORT_STATUSES,
    SEND_OUTCOMES,
    SOURCES,
    STEP_TYPES,
    TEMPLATE_CATEGORIES,
    FieldType,
    quote_ident,
)

__all__ = [
    "MALFORMED_MARKER",
    "MALFORMED_SOURCES",
    "MAX_MALFORMED_PER_DAY",
    "generate_landing",
]

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
_NEVER = np.iinfo(np.int64).max // 4  # "no such time": beyond any range, and safe to add to

# Malformed rows go only into text files of the large event sources, at most one per
# _ROWS_PER_MALFORMED rows of a source and day (0.2 %): the pipeline blocks above 1 %.
MALFORMED_SOURCES = ("sends", "delivery_reports", "engagements")
MAX_MALFORMED_PER_DAY = 5
_ROWS_PER_MALFORMED = 500
# Every malformed row carries this word in one of its IDs and no valid row does, so tests and
# people can tell the injected damage from a generator bug.
MALFORMED_MARKER = "malformed"


# --------------------------------------------------------------------------------------
# Catalogues: the world the simulation runs in.


class _Workspace(NamedTuple):
    workspace_id: str
    name: str
    industry: str
    timezone: str
    plan: str
    monthly_contact_limit: int | None
    currency: str
    countries: tuple[str, str, str]  # the usual one first
    phone_prefix: str
    domain: str


_WORKSPACES = (
    _Workspace(
        workspace_id="ws_acme",
        name="Acme Outdoor, Inc.",
        industry="retail",
        timezone="America/Los_Angeles",
        plan="pro",
        monthly_contact_limit=250_000,
        currency="USD",
        countries=("US", "CA", "MX"),
        phone_prefix="+1",
        domain="acme-outdoor.example",
    ),
    _Workspace(
        workspace_id="ws_sakura",
        name="Sakura Travel 桜",
        industry="travel",
        timezone="Asia/Tokyo",
        plan="enterprise",
        monthly_contact_limit=None,
        currency="JPY",
        countries=("JP", "KR", "TW"),
        phone_prefix="+81",
        domain="sakura-travel.example",
    ),
    # Starts on the free plan with a tiny cap, so some entries are `limited`, then upgrades.
    _Workspace(
        workspace_id="ws_nimbus",
        name="Nimbus Bank",
        industry="finance",
        timezone="UTC",
        plan="free",
        monthly_contact_limit=1_000,
        currency="USD",
        countries=("GB", "IE", "ZA"),
        phone_prefix="+44",
        domain="nimbus-bank.example",
    ),
    _Workspace(
        workspace_id="ws_zurpost",
        name='Café "Zur Post", Berlin',
        industry="restaurants",
        timezone="Europe/Berlin",
        plan="pro",
        monthly_contact_limit=50_000,
        currency="EUR",
        countries=("DE", "AT", "CH"),
        phone_prefix="+49",
        domain="zur-post.example",
    ),
    _Workspace(
        workspace_id="ws_harbor",
        name="Harbor Fitness",
        industry="fitness",
        timezone="America/New_York",
        plan="growth",
        monthly_contact_limit=100_000,
        currency="USD",
        countries=("US", "CA", "PR"),
        phone_prefix="+1",
        domain="harbor-fitness.example",
    ),
)
_NIMBUS = 2
_UPGRADED_PLAN, _UPGRADED_LIMIT = "pro", 25_000


class _Delivery(NamedTuple):
    """How a channel's provider treats a message: shares of all messages of the channel."""

    provider: str
    id_prefix: str  # of the provider's message ids
    receipts: bool  # Instagram DMs get no delivery receipts, only "seen" (read)
    drop: float  # never leaves the platform
    sent_report: float  # a "sent" receipt comes first
    fail: float
    silent: float  # accepted, then never reported: times out after the delivery window
    read: float


_DELIVERY = {
    "instagram_dm": _Delivery("meta", "aWdfZAG", False, 0.02, 0.0, 0.00, 0.00, 0.40),
    "messenger": _Delivery("meta", "m_", True, 0.02, 0.0, 0.02, 0.03, 0.45),
    "whatsapp": _Delivery("meta", "wamid.HBgL", True, 0.05, 1.0, 0.06, 0.02, 0.55),
    "sms": _Delivery("twilio", "SM", True, 0.03, 0.6, 0.05, 0.04, 0.0),
    "mms": _Delivery("twilio", "MM", True, 0.03, 0.6, 0.07, 0.04, 0.0),
    "push": _Delivery("fcm", "0:17", True, 0.04, 0.0, 0.03, 0.05, 0.0),
    "email": _Delivery("sendgrid", "sg.", True, 0.02, 0.0, 0.03, 0.03, 0.0),
}
_PROVIDERS = ("meta", "twilio", "sendgrid", "fcm")
_PROVIDER_OF_CHANNEL = np.array([_PROVIDERS.index(_DELIVERY[c].provider) for c in CHANNELS])

# The chance of each engagement type (ENGAGEMENT_TYPES order) per delivered message.
_ENGAGEMENT = {  # open, click, reply, button_click, opt_out, unsubscribe
    "instagram_dm": (0.0, 0.06, 0.09, 0.04, 0.002, 0.0),
    "messenger": (0.0, 0.07, 0.06, 0.05, 0.002, 0.0),
    "whatsapp": (0.0, 0.09, 0.07, 0.06, 0.004, 0.0),
    "sms": (0.0, 0.04, 0.03, 0.0, 0.006, 0.0),
    "mms": (0.0, 0.05, 0.02, 0.0, 0.004, 0.0),
    "push": (0.08, 0.03, 0.0, 0.0, 0.0, 0.002),
    "email": (0.22, 0.04, 0.005, 0.0, 0.0, 0.004),
}

# (channel, error code, title, report status, weight) of failed messages. Meta's and Twilio's
# codes are real; the last four are codes a reference table is unlikely to know yet.
_ERRORS = (
    ("whatsapp", "131049", "Not delivered to maintain healthy ecosystem engagement", "failed", 30),
    ("whatsapp", "131026", "Message undeliverable", "failed", 18),
    ("whatsapp", "131047", "Re-engagement message", "failed", 8),
    ("whatsapp", "131051", "Unsupported message type", "failed", 3),
    ("whatsapp", "131053", "Media upload error", "failed", 4),
    ("whatsapp", "130472", "User's number is part of an experiment", "failed", 5),
    ("whatsapp", "131000", "Something went wrong", "failed", 4),
    ("whatsapp", "131048", "Spam rate limit hit", "failed", 6),
    ("whatsapp", "131056", "(Business Account, Consumer Account) pair rate limit hit", "failed", 5),
    ("whatsapp", "132015", "Template is paused", "failed", 3),
    ("whatsapp", "132001", "Template name does not exist in the translation", "failed", 2),
    ("whatsapp", "135000", "Generic user error", "failed", 2),
    *(
        (channel, code, title, status, weight)
        for channel in ("sms", "mms")
        for code, title, status, weight in (
            ("30003", "Unreachable destination handset", "undelivered", 30),
            ("30004", "Message blocked", "undelivered", 10),
            ("30005", "Unknown destination handset", "undelivered", 15),
            ("30006", "Landline or unreachable carrier", "undelivered", 15),
            ("30007", "Message filtered", "undelivered", 15),
            ("30008", "Unknown error", "failed", 10),
            ("30034", "Message from an unregistered number", "failed", 8),
        )
    ),
    ("whatsapp", "131999", "Unexpected error", "failed", 1),
    ("messenger", "551", "This person isn't available right now", "failed", 1),
    ("email", "550", "Mailbox unavailable", "undelivered", 1),
    ("push", "UNREGISTERED", "App instance was unregistered", "failed", 1),
)
_ERROR_CHANNEL = np.array([CHANNELS.index(e[0]) for e in _ERRORS])
_ERROR_STATUS = np.array([REPORT_STATUSES.index(e[3]) for e in _ERRORS])
_ERROR_WEIGHT = np.array([e[4] for e in _ERRORS], dtype=float)

_DROP_WEIGHTS = {
    "duplicate": 9,
    "frequency_capped": 20,
    "invalid_recipient": 15,
    "rate_limited": 8,
    "policy_violation": 5,
    "template_error": 6,
    "paused_template": 3,
    "tier_limit": 5,
    "country_not_allowed": 4,
    "coupon_unavailable": 3,
    "account_error": 2,
    "recipient_error": 10,
    "provider_temporary_error": 8,
    "internal_error": 2,
}
_WHATSAPP_ONLY_DROPS = ("template_error", "paused_template", "tier_limit")

# (name, channel, lifecycle), each used twice. Names are free text: quotes, SQL, emoji, commas
# and newlines must survive every format. Lifecycles: running is active throughout; finishes
# and paused stop on a later day; scheduled starts on a later day; draft and canceled never
# send.
_CAMPAIGN_TEMPLATES = (
    ("Spring sale", "whatsapp", "running"),
    ('Robert\'); drop table sends;-- "summer" 🎉', "sms", "finishes"),
    ("Cart reminder", "email", "running"),
    ('Black Friday, "doors open" at 8', "instagram_dm", "scheduled"),
    ("Welcome flow", "whatsapp", "running"),
    ("Back in stock\nlimited run", "messenger", "paused"),
    ("Loyalty points", "push", "running"),
    ("Año nuevo: ¡ofertas! 🎆", "mms", "finishes"),
    ("Appointment reminder", "whatsapp", "draft"),
    ("Re-engagement, 30 days", "sms", "running"),
    ("Feedback survey", "email", "scheduled"),
    ("VIP early access", "whatsapp", "canceled"),
    ("One-time passcode", "instagram_dm", "running"),
    ("Weekend flash deal", "messenger", "finishes"),
)
_N_CAMPAIGNS = 2 * len(_CAMPAIGN_TEMPLATES)
_INITIAL_STATUS = {"scheduled": "scheduled", "canceled": "scheduled", "draft": "draft"}
_LATER_STATUS = {
    "scheduled": "active",
    "finishes": "finished",
    "paused": "paused",
    "canceled": "canceled",
}
_WINDOWS = (None, 168, 24, 72, None, 48, 336)  # conversion_window_hours; NULL = the default

# The flow of a multi-step campaign; a single-step one only has s1.
# (suffix, step type, order, parent suffix, branch label, name)
_FLOW = (
    ("s1", "message", 1, None, None, "Opening message"),
    ("s2", "delay", 2, "s1", None, "Wait"),
    ("s3", "logic", 3, "s2", None, "Clicked the link?"),
    ("s4", "message", 4, "s3", "clicked", "Offer for clickers"),
    ("s5", "message", 4, "s3", "not_clicked", "Reminder"),
    ("s6", "conversion_link", 5, "s4", None, "Checkout link"),
)
_S1, _S2, _S3, _S4, _S5, _S6 = range(len(_FLOW))
_BRANCHES = ("clicked", "not_clicked")
_BUTTONS = (("btn_yes", "Yes, please!"), ("btn_no", "No thanks"), ("btn_more", "Tell me more"))
_LINK_PATHS = ("sale", "new-arrivals", "cart")
_EVENT_NAMES = ("purchase", "signup", "booked_demo")

# Delivery receipts: most arrive within seconds, some hours or days late, a few after the
# 30-day delivery window. (share, shortest delay, longest delay) in milliseconds.
_RECEIPT_DELAYS = (
    (0.900, 200, 5 * SECOND_MS),
    (0.050, MINUTE_MS, 6 * HOUR_MS),
    (0.030, DAY_MS, 10 * DAY_MS),
    (0.012, 10 * DAY_MS, 30 * DAY_MS),
    (0.008, 30 * DAY_MS + HOUR_MS, 45 * DAY_MS),
)


def _workspace_values(attribute: str) -> list[Any]:
    return [getattr(w, attribute) for w in _WORKSPACES]


# --------------------------------------------------------------------------------------
# Vectorised building blocks: ids, text and Arrow columns from index arrays.

_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_MASK48 = np.uint64((1 << 48) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # odd, so multiplying by it is a bijection


def _scramble(ordinals: np.ndarray, salt: int) -> np.ndarray:
    """A bijection of [0, 2**48): distinct ordinals give distinct, random-looking numbers."""
    x = (ordinals.astype(np.uint64) + np.uint64(salt)) & _MASK48
    return (x * _GOLDEN) & _MASK48


@cache
def _digit_table(base: int, width: int) -> np.ndarray:
    """Row v holds the `width` digits of v: small numbers are formatted by one lookup."""
    values = np.arange(base**width)
    powers = base ** np.arange(width - 1, -1, -1)
    return _DIGITS[(values[:, None] // powers) % base]


def _digits(values: np.ndarray, width: int, base: int = 16) -> np.ndarray:
    """The last `width` digits of each value as an (n, width) array of ASCII codes."""
    if base == 16:  # two nibbles a byte, most significant first
        octets = values.astype(">u8").view(np.uint8).reshape(-1, 8)
        nibbles = np.empty((len(values), 16), np.uint8)
        nibbles[:, 0::2], nibbles[:, 1::2] = octets >> 4, octets & 15
        return _DIGITS[nibbles[:, 16 - width :]]
    if base**width <= 10_000:
        return _digit_table(base, width)[values % base**width]
    v = values.astype(np.uint64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):  # a pass per digit, not per row
        out[:, position] = _DIGITS[(v % np.uint64(base)).astype(np.intp)]
        v //= np.uint64(base)
    return out


def _strings(*parts: str | np.ndarray, n: int, valid: np.ndarray | None = None) -> pa.Array:
    """Concatenate constant texts and digit blocks row by row into a string array."""
    blocks = [
        np.broadcast_to(np.frombuffer(p.encode(), np.uint8), (n, len(p.encode())))
        if isinstance(p, str)
        else p
        for p in parts
    ]
    chars = np.ascontiguousarray(np.hstack(blocks), dtype=np.uint8)
    width = chars.shape[1]
    if n * width >= 2**31:
        raise ValueError("too many rows for one string array")
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(), n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(chars)]
    )


def _iso_strings(
    ms: np.ndarray, sep: str, suffix: str, quote: str, valid: np.ndarray | None = None
) -> pa.Array:
    """Epoch milliseconds as `YYYY-MM-DD<sep>HH:MM:SS.mmm<suffix>`, optionally quoted; built
    from digit blocks because Arrow's strftime is two orders of magnitude slower."""
    days = ms // DAY_MS
    rest = ms - days * DAY_MS
    date_ = days.astype("datetime64[D]")
    month_start = date_.astype("datetime64[M]")
    fields = (
        (quote, date_.astype("datetime64[Y]").astype(np.int64) + 1970, 4),
        ("-", month_start.astype(np.int64) % 12 + 1, 2),
        ("-", (date_ - month_start).astype(np.int64) + 1, 2),
        (sep, rest // HOUR_MS, 2),
        (":", rest // MINUTE_MS % 60, 2),
        (":", rest // SECOND_MS % 60, 2),
        (".", rest % SECOND_MS, 3),
    )
    parts = [p for text, value, width in fields for p in (text, _digits(value, width, 10))]
    return _strings(*parts, suffix + quote, n=len(ms), valid=valid)


def _join(*parts: pa.Array | str) -> pa.Array:
    """Row-wise string concatenation; a NULL part makes the row NULL."""
    return pc.binary_join_element_wise(*parts, "")


def _take(array: pa.Array, index: np.ndarray) -> pa.Array:
    """array[index]; a negative index is NULL."""
    missing = index < 0
    return array.take(pa.array(np.where(missing, 0, index), pa.int64(), mask=missing))


def _labels(values: Sequence[str | None], index: np.ndarray) -> pa.Array:
    """values[index] as a string array; a negative index is NULL."""
    return _take(pa.array(list(values), pa.string()), index)


def _where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """values where mask holds, else NULL."""
    return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))


def _nullable(values: np.ndarray, valid: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    return pa.array(values, arrow_type, mask=~valid)


def _timestamps(ms: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(ms, pa.int64(), mask=mask).cast(pa.timestamp("ms"))


def _ceil_second(ms: np.ndarray) -> np.ndarray:
    """Providers report whole seconds, so epoch-second encodings lose nothing."""
    return (-(-ms // SECOND_MS) * SECOND_MS).astype(np.int64)


_Block = dict[str, np.ndarray]  # rows as index arrays of equal length, by name


def _concat(blocks: Sequence[Mapping[str, np.ndarray]]) -> _Block:
    return {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}


def _take_block(block: Mapping[str, np.ndarray], index: np.ndarray) -> _Block:
    return {key: values[index] for key, values in block.items()}


_ARROW_TYPES: dict[FieldType, pa.DataType] = {
    FieldType.ID: pa.string(),
    FieldType.STRING: pa.string(),
    FieldType.ENUM: pa.string(),
    FieldType.TIMESTAMP: pa.timestamp("ms"),
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.INTEGER: pa.int64(),
    FieldType.DECIMAL: pa.decimal128(18, 2),
}
_INTERNAL = ("_day", "_part", "_t")  # arrival day, file of the day, order within the file


def _frame(
    source: str,
    columns: Mapping[str, pa.Array],
    day: np.ndarray,
    part: np.ndarray | int,
    order: np.ndarray,
) -> pa.Table:
    """A source's rows in contract order (absent fields NULL), with where they land."""
    n = len(day)
    fields = SOURCES[source].fields
    unknown = set(columns) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"not fields of {source}: {sorted(unknown)}")
    arrays = [
        columns[f.name].cast(_ARROW_TYPES[f.kind])
        if f.name in columns
        else pa.nulls(n, _ARROW_TYPES[f.kind])
        for f in fields
    ]
    arrays += [
        pa.array(day, pa.int32()),
        pa.array(np.broadcast_to(part, n), pa.int8()),
        pa.array(order, pa.int64()),
    ]
    return pa.Table.from_arrays(arrays, names=[f.name for f in fields] + list(_INTERNAL))


# --------------------------------------------------------------------------------------
# The simulation.


@dataclass
class _Senders:
    """One or two senders per workspace and channel in use, numbered from 1."""

    workspace: np.ndarray
    channel: np.ndarray
    number: np.ndarray

    def ids(self) -> pa.Array:
        short = [w.workspace_id.removeprefix("ws_") for w in _WORKSPACES]
        number = pc.cast(pa.array(self.number), pa.string())
        return _join(
            "snd_",
            _labels(short, self.workspace),
            "_",
            _labels(CHANNELS, self.channel),
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
    step_ids: pa.Array  # step k of campaign c at c * len(_FLOW) + k

    def step_index(self, campaign: np.ndarray, step: np.ndarray) -> np.ndarray:
        return np.where(step < 0, -1, campaign * len(_FLOW) + step)


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
        return _Messages(**_concat([vars(self), vars(other)]))


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
    reports: _Block
    engagements: _Block


class _Simulation:
    """The world, simulated once; `tables()` gives every source's rows and where they land."""

    def __init__(self, start: date, days: int, sends_per_day: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.days = days
        self.sends_per_day = sends_per_day
        self.start_ms = (start - date(1970, 1, 1)).days * DAY_MS
        self.end_ms = self.start_ms + days * DAY_MS
        self.salts = self.rng.integers(0, 2**40, size=16)
        self.delivery = {
            name: np.array([getattr(_DELIVERY[c], name) for c in CHANNELS])
            for name in _Delivery._fields
        }
        self.engagement = np.array([_ENGAGEMENT[c] for c in CHANNELS])  # channel x type
        self.upgrade_ms = self.start_ms + max(1, days // 3) * DAY_MS + 9 * HOUR_MS

    # ---- helpers ------------------------------------------------------------------------

    def _ids(self, prefix: str, ordinals: np.ndarray, salt: int) -> pa.Array:
        scrambled = _scramble(ordinals, self.salts[salt])
        return _strings(prefix, _digits(scrambled, 12), n=len(ordinals))

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
    ) -> _Block:
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
        return _take_block(block, source_row[order]) | {"_day": day[order], "_part": part[order]}

    def _landed(self, table: pa.Table) -> pa.Table:
        """The dimension rows that arrived by the last day of the range."""
        day = table["_day"].to_numpy()
        return table.filter(pa.array((day >= 0) & (day < self.days)))

    def _upserted(self, rows: pa.Table, at_ms: np.ndarray, **changes: pa.Array) -> pa.Table:
        """The same dimension rows sent again at `at_ms` with some fields changed."""
        changes |= {
            "updated_at": _timestamps(at_ms),
            "_day": pa.array(self._day_of(at_ms), pa.int32()),
            "_t": pa.array(at_ms, pa.int64()),
        }
        for name, values in changes.items():
            rows = rows.set_column(rows.schema.get_field_index(name), name, values)
        return rows

    # ---- catalogues ---------------------------------------------------------------------

    def campaigns(self) -> _Campaigns:
        rng, n = self.rng, _N_CAMPAIGNS
        i = np.arange(n)
        template = i % len(_CAMPAIGN_TEMPLATES)
        channel = np.array([CHANNELS.index(c) for _, c, _ in _CAMPAIGN_TEMPLATES])[template]
        lifecycle = np.array([lc for _, _, lc in _CAMPAIGN_TEMPLATES])[template]
        workspace = i % len(_WORKSPACES)
        created = self.start_ms - self._uniform(2 * DAY_MS, 60 * DAY_MS, n)
        # Lifecycles move on in the second half of the range; with one day, never.
        change_day = rng.integers(max(1, self.days // 2), max(2, self.days), size=n)
        changed = self.start_ms + change_day * DAY_MS + self._uniform(HOUR_MS, 12 * HOUR_MS, n)
        active_from = np.where(lifecycle == "scheduled", changed, created)
        active_from = np.where(np.isin(lifecycle, ["draft", "canceled"]), _NEVER, active_from)
        active_to = np.where(np.isin(lifecycle, ["finishes", "paused"]), changed, _NEVER)
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
        ids = _strings("cmp_", _digits(i + 1, 4, base=10), n=n)
        suffixes = pa.array([f"_{s[0]}" for s in _FLOW] * n)
        carousel_channels = [CHANNELS.index(c) for c in ("whatsapp", "instagram_dm", "messenger")]
        return _Campaigns(
            ids=ids,
            names=[
                name if k < len(_CAMPAIGN_TEMPLATES) else f"{name} (2)"
                for k, (name, _, _) in enumerate(_CAMPAIGN_TEMPLATES * 2)
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
            step_ids=_join(ids.take(pa.array(np.repeat(i, len(_FLOW)))), suffixes),
        )

    def contacts(self, cmp: _Campaigns) -> _Contacts:
        n_ws = len(_WORKSPACES)
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
        ids = _strings("cnt_", _digits(np.arange(1, n + 1), 7, base=10), n=n)
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
        capped = (ws == _NIMBUS) & (entered < self.upgrade_ms)
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
        weights = np.array([_DROP_WEIGHTS[r] for r in DROP_REASONS], dtype=float)
        reason = self.rng.choice(len(DROP_REASONS), size=n, p=weights / weights.sum())
        template_trouble = np.isin(reason, [DROP_REASONS.index(r) for r in _WHATSAPP_ONLY_DROPS])
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
        m1 = self.messages(cmp, ex, first, np.full(len(first), _S1), attempted, 0)
        wave1 = self._wave(m1, cmp, ex)
        branching = self.branching(cmp, ex, wave1)
        follow = branching.follow
        step = np.where(branching.clicked[follow], _S4, _S5)
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
        left_at = np.full(n, _NEVER)
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

    def deliveries(self, m: _Messages, channel: np.ndarray) -> tuple[np.ndarray, _Block]:
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
        delivered_at = _ceil_second(m.attempted + lag)
        seen = np.where(delivered, delivered_at, np.where(m.accepted & ~receipts, m.attempted, -1))
        read = (seen >= 0) & (rng.random(n) < p["read"][channel])
        reported = {
            "sent": _ceil_second(m.attempted + rng.integers(300, 3_000, n)),
            "delivered": delivered_at,
            "read": _ceil_second(seen + SECOND_MS + self._exponential(3 * HOUR_MS, n)),
            "failed": _ceil_second(m.attempted + rng.lognormal(np.log(15_000), 1.2, n)),
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
        return seen, _concat(rows)

    def _errors(self, failed: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The error (index into _ERRORS) of each failed message and its report status."""
        error = np.full(len(failed), -1)
        for c in range(len(CHANNELS)):
            idx = np.flatnonzero(failed & (channel == c))
            known = np.flatnonzero(c == _ERROR_CHANNEL)
            if len(idx) and len(known):
                weights = _ERROR_WEIGHT[known] / _ERROR_WEIGHT[known].sum()
                error[idx] = self.rng.choice(known, size=len(idx), p=weights)
        return error, np.where(error >= 0, _ERROR_STATUS[error], -1)

    def _receipt_delay(self, n: int) -> np.ndarray:
        shares, low, high = (np.array(column) for column in zip(*_RECEIPT_DELAYS, strict=True))
        bucket = self.rng.choice(len(shares), size=n, p=shares / shares.sum())
        return self._uniform(low[bucket], high[bucket], n)

    def engagements(
        self, m: _Messages, seen: np.ndarray, channel: np.ndarray, carousel: np.ndarray
    ) -> _Block:
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
                    "link": rng.integers(0, len(_LINK_PATHS), size) if kind == "click" else none,
                    "card": np.where(carousel[idx], rng.integers(0, 5, size), -1)
                    if kind in ("click", "button_click")
                    else none,
                    "button": rng.integers(0, len(_BUTTONS), size)
                    if kind == "button_click"
                    else none,
                    "method": (rng.random(size) < 0.25).astype(int) if kind == "opt_out" else none,
                    # An inbound reply is not always tied to a message.
                    "detached": (rng.random(size) < 0.25) & (kind == "reply"),
                }
            )
        return _concat(blocks)

    # ---- the whole world ----------------------------------------------------------------

    def tables(self) -> dict[str, pa.Table]:
        cmp = self.campaigns()
        contacts = self.contacts(cmp)
        ex = self.executions(cmp, contacts)
        wave1, wave2, branching = self.waves(cmp, ex)
        msgs = wave1.messages + wave2.messages
        seen = np.concatenate([wave1.seen, wave2.seen])
        offset = {"msg": len(wave1.messages)}
        reports = _concat([wave1.reports, _shifted(wave2.reports, offset)])
        engagements = _concat([wave1.engagements, _shifted(wave2.engagements, offset)])
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
    ) -> _Block:
        """The engine's trail of each execution. Events after the range stay unwritten,
        which leaves those executions pending."""
        single = ~cmp.multi[ex.campaign[m1.execution]]
        ok1, ok2 = m1.accepted, m2.accepted
        limited = np.flatnonzero(ex.limited)
        branch = np.where(b.clicked[b.follow], 0, 1)
        to_s6 = ok2 & (m2.step == _S4)
        # (event type, executions, step, branch label, time)
        trail = (
            ("entered", np.arange(len(ex.campaign)), -1, -1, ex.entered),
            ("limited", limited, -1, -1, ex.entered[limited] + 50),
            ("step_reached", m1.execution, _S1, -1, ex.entered[m1.execution] + 100),
            ("failed", m1.execution[~ok1], -1, -1, m1.attempted[~ok1] + SECOND_MS),
            ("completed", m1.execution[ok1 & single], -1, -1, m1.attempted[ok1 & single] + 1_500),
            ("step_reached", m1.execution[ok1 & ~single], _S2, -1, m1.attempted[ok1 & ~single] + 1),
            ("interrupted", b.interrupted, -1, -1, b.interrupted_at),
            ("step_reached", b.follow, _S3, -1, b.follow_at[b.follow]),
            ("branch_taken", b.follow, _S3, branch, b.follow_at[b.follow] + 10),
            (
                "step_reached",
                b.follow,
                np.where(branch == 0, _S4, _S5),
                -1,
                b.follow_at[b.follow] + 20,
            ),
            ("failed", m2.execution[~ok2], -1, -1, m2.attempted[~ok2] + SECOND_MS),
            ("step_reached", m2.execution[to_s6], _S6, -1, m2.attempted[to_s6] + 800),
            ("completed", m2.execution[ok2], -1, -1, m2.attempted[ok2] + 1_500),
        )
        return _concat(
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
        first_seen = np.full(n, _NEVER)
        np.minimum.at(first_seen, ex.contact, ex.entered)
        first_day = np.where(first_seen < _NEVER, self._day_of(first_seen), 0)
        new = (first_day > 0) & ~contacts.internal & (self.rng.random(n) < 0.35)
        return np.where(new, first_day, 0), first_seen

    def provider_message_ids(self, ordinal: np.ndarray, channel: np.ndarray) -> pa.Array:
        """The id the provider gave a message, in its channel's style."""
        prefix = _labels([_DELIVERY[c].id_prefix for c in CHANNELS], channel)
        body = _strings(
            _digits(_scramble(ordinal, self.salts[1]), 12),
            _digits(_scramble(ordinal, self.salts[2]), 12),
            n=len(ordinal),
        )
        return _join(prefix, body)

    # ---- dimension tables ---------------------------------------------------------------

    def workspaces_table(self) -> pa.Table:
        n = len(_WORKSPACES)
        updated = self.start_ms - self._uniform(DAY_MS, 90 * DAY_MS, n)
        limit = np.array([w.monthly_contact_limit or 0 for w in _WORKSPACES])
        columns = {
            name: pa.array(_workspace_values(name))
            for name in ("workspace_id", "name", "industry", "timezone", "plan")
        }
        columns["monthly_contact_limit"] = _nullable(limit, limit > 0, pa.int64())
        columns["updated_at"] = _timestamps(updated)
        table = _frame("workspaces", columns, np.zeros(n, int), 0, updated)
        upgrade = self._upserted(
            table.slice(_NIMBUS, 1),
            np.array([self.upgrade_ms]),
            plan=pa.array([_UPGRADED_PLAN]),
            monthly_contact_limit=pa.array([_UPGRADED_LIMIT], pa.int64()),
        )
        return self._landed(pa.concat_tables([table, upgrade]))

    def senders_table(self, senders: _Senders) -> pa.Table:
        n = len(senders.workspace)
        channels = _labels(CHANNELS, senders.channel)
        updated = self.start_ms - self._uniform(DAY_MS, 60 * DAY_MS, n)
        columns = {
            "sender_id": senders.ids(),
            "workspace_id": _labels(_workspace_values("workspace_id"), senders.workspace),
            "channel": channels,
            # Display names carry the workspaces' commas and quotes into CSV.
            "display_name": _join(
                _labels(_workspace_values("name"), senders.workspace),
                " / ",
                channels,
                " #",
                pc.cast(pa.array(senders.number), pa.string()),
            ),
            "updated_at": _timestamps(updated),
        }
        return _frame("senders", columns, np.zeros(n, int), 0, updated)

    def campaigns_table(self, cmp: _Campaigns) -> pa.Table:
        """Every campaign as first known, then again each time its status changed."""
        n = len(cmp.channel)
        changes = np.flatnonzero(np.isin(cmp.lifecycle, list(_LATER_STATUS)))
        row = np.concatenate([np.arange(n), changes])
        status = [_INITIAL_STATUS.get(lc, "active") for lc in cmp.lifecycle] + [
            _LATER_STATUS[lc] for lc in cmp.lifecycle[changes]
        ]
        first_known = cmp.created + self._uniform(0, self.start_ms - cmp.created, n)
        updated = np.concatenate([first_known, cmp.changed[changes]])
        whatsapp = cmp.channel == CHANNELS.index("whatsapp")
        category = np.where(whatsapp, np.cumsum(whatsapp) % len(TEMPLATE_CATEGORIES), -1)
        window = np.array([w or 0 for w in _WINDOWS])[np.arange(n) % len(_WINDOWS)][row]
        slug = pc.utf8_lower(pc.utf8_slice_codeunits(pa.array(cmp.names), 0, 6))
        template = pc.replace_substring_regex(_join("tpl_", slug, "_", cmp.ids), "[^a-z0-9_]", "_")
        columns = {
            "campaign_id": cmp.ids.take(pa.array(row)),
            "workspace_id": _labels(_workspace_values("workspace_id"), cmp.workspace[row]),
            "name": _labels(cmp.names, row),
            "channel": _labels(CHANNELS, cmp.channel[row]),
            "status": _labels(
                CAMPAIGN_STATUSES, np.array([CAMPAIGN_STATUSES.index(s) for s in status])
            ),
            "template_id": _take(template, np.where(whatsapp[row], row, -1)),
            "template_category": _labels(TEMPLATE_CATEGORIES, category[row]),
            "conversion_window_hours": _nullable(window, window > 0, pa.int64()),
            "created_at": _timestamps(cmp.created[row]),
            "updated_at": _timestamps(updated),
        }
        day = np.maximum(self._day_of(updated), 0)
        return self._landed(_frame("campaigns", columns, day, 0, updated))

    def steps_table(self, cmp: _Campaigns) -> pa.Table:
        campaign = np.repeat(np.arange(len(cmp.channel)), len(_FLOW))
        step = np.tile(np.arange(len(_FLOW)), len(cmp.channel))
        keep = cmp.multi[campaign] | (step == _S1)
        campaign, step = campaign[keep], step[keep]
        suffixes = [s[0] for s in _FLOW]
        parent = np.array([-1 if s[3] is None else suffixes.index(s[3]) for s in _FLOW])
        updated = (cmp.created + HOUR_MS)[campaign]
        columns = {
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "step_id": cmp.step_ids.take(pa.array(cmp.step_index(campaign, step))),
            "step_type": _labels(
                STEP_TYPES, np.array([STEP_TYPES.index(s[1]) for s in _FLOW])[step]
            ),
            "step_order": pa.array(np.array([s[2] for s in _FLOW])[step]),
            "parent_step_id": _take(cmp.step_ids, cmp.step_index(campaign, parent[step])),
            "branch_label": _labels([s[4] for s in _FLOW], step),
            "name": _labels([s[5] for s in _FLOW], step),
            "updated_at": _timestamps(updated),
        }
        table = _frame("campaign_steps", columns, np.zeros(len(step), int), 0, updated)
        renamed = self._upserted(  # a step renamed during the range
            table.filter(pc.equal(table["step_id"], cmp.step_ids[_S5])),
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
        countries = np.array(_workspace_values("countries"))
        number = _scramble(np.arange(n), self.salts[3]) % np.uint64(10**9)
        phone = _join(
            _labels(_workspace_values("phone_prefix"), ws),
            _strings(_digits(number, 9, base=10), n=n),
        )
        mailbox = _strings("c", _digits(_scramble(np.arange(n), self.salts[4]), 8), n=n)
        email = _join(mailbox, "@", _labels(_workspace_values("domain"), ws))
        columns = {
            "contact_id": contacts.ids,
            "workspace_id": _labels(_workspace_values("workspace_id"), ws),
            "handle": pc.if_else(pa.array(rng.random(n) < 0.75), phone, email),
            "country": pa.array(countries[ws, country]),
            # is_internal is optional: some rows leave it to the default (false).
            "is_internal": _nullable(
                contacts.internal, contacts.internal | (rng.random(n) < 0.9), pa.bool_()
            ),
            "created_at": _timestamps(created),
            "updated_at": _timestamps(updated),
        }
        table = _frame("contacts", columns, land_day, 0, updated)
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
        self, events: _Block, ex: _Executions, cmp: _Campaigns, contacts: _Contacts
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
            "event_type": _labels(EXECUTION_EVENT_TYPES, e["kind"]),
            "step_id": _take(cmp.step_ids, cmp.step_index(campaign, e["step"])),
            "branch_label": _labels(_BRANCHES, e["branch"]),
            "occurred_at": _timestamps(e["t"]),
            "is_test": pa.array(ex.is_test[execution]),
        }
        return _frame("executions", columns, e["_day"], e["_part"], e["_t"])

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
            "channel": _labels(CHANNELS, channel),
            "attempted_at": _timestamps(b["attempted"]),
            "outcome": _labels(SEND_OUTCOMES, outcome),
            "drop_reason": _labels(DROP_REASONS, b["drop_reason"]),
            "provider": _labels(_PROVIDERS, _PROVIDER_OF_CHANNEL[channel]),
            "provider_message_id": _where(
                accepted, self.provider_message_ids(b["ordinal"], channel)
            ),
            "segments": _nullable(b["segments"], b["segments"] > 0, pa.int64()),
            "is_initial": _nullable(b["step"] == _S1, b["initial_known"], pa.bool_()),
            "is_test": _nullable(ex.is_test[b["execution"]], b["test_known"], pa.bool_()),
        }
        return _frame("sends", columns, b["_day"], b["_part"], b["_t"])

    def reports_table(
        self, reports: _Block, m: _Messages, ex: _Executions, cmp: _Campaigns
    ) -> pa.Table:
        """Reports land in the folder of the day they were received, duplicates included: the
        same report (same id) re-delivered later by a webhook retry, or twice in one batch."""
        rng = self.rng
        r = reports | {"ordinal": np.arange(len(reports["msg"]))}
        copies = _take_block(r, np.flatnonzero(rng.random(len(r["msg"])) < 0.015))
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
        r = _concat([r, copies])
        r["_t"] = r["received"]
        r["received_known"] = rng.random(len(r["msg"])) >= 0.04  # else NULL: the arrival date
        channel = cmp.channel[ex.campaign[m.execution[r["msg"]]]]
        afternoon = (r["received"] % DAY_MS) >= 12 * HOUR_MS
        b = self._land(
            r, self._day_of(r["received"]), _PROVIDER_OF_CHANNEL[channel] * 2 + afternoon
        )
        channel = cmp.channel[ex.campaign[m.execution[b["msg"]]]]
        columns = {
            "report_id": self._ids("dr_", b["ordinal"], salt=7),
            "provider": _labels(_PROVIDERS, _PROVIDER_OF_CHANNEL[channel]),
            "provider_message_id": self.provider_message_ids(m.ordinal[b["msg"]], channel),
            "status": _labels(REPORT_STATUSES, b["status"]),
            "error_code": _labels([e[1] for e in _ERRORS], b["error"]),
            "error_title": _labels([e[2] for e in _ERRORS], b["error"]),
            "reported_at": _timestamps(b["reported"]),
            "received_at": _timestamps(b["received"], b["received_known"]),
        }
        return _frame("delivery_reports", columns, b["_day"], b["_part"], b["_t"])

    def engagements_table(
        self, e: _Block, m: _Messages, ex: _Executions, cmp: _Campaigns, contacts: _Contacts
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
        url = _join(
            "https://",
            _labels(_workspace_values("domain"), cmp.workspace[campaign]),
            "/",
            _labels(_LINK_PATHS, link),
            "?utm_source=",
            _labels(CHANNELS, cmp.channel[campaign]),
            "&utm_campaign=",
            cmp.ids.take(pa.array(campaign)),
        )
        link_id = _join(step_ids, "_l", pc.cast(pa.array(link), pa.string()))
        columns = {
            "engagement_id": self._ids("eng_", b["ordinal"], salt=8),
            "message_id": _where(attached, self._ids("msg_", m.ordinal[b["msg"]], salt=6)),
            "execution_id": _where(attached, ex.ids.take(pa.array(execution))),
            "campaign_id": cmp.ids.take(pa.array(campaign)),
            "step_id": _where(attached, step_ids),
            "contact_id": contacts.ids.take(pa.array(ex.contact[execution])),
            "engagement_type": _labels(ENGAGEMENT_TYPES, b["kind"]),
            "occurred_at": _timestamps(b["t"]),
            "link_id": _where(link >= 0, link_id),
            "url": url,
            "card_index": _nullable(b["card"], b["card"] >= 0, pa.int64()),
            "button_id": _labels([button for button, _ in _BUTTONS], b["button"]),
            "button_label": _labels([label for _, label in _BUTTONS], b["button"]),
            "opt_out_method": _labels(OPT_OUT_METHODS, b["method"]),
            "is_test": _nullable(ex.is_test[execution], b["test_known"], pa.bool_()),
        }
        return _frame("engagements", columns, b["_day"], b["_part"], b["_t"])

    def conversions_table(
        self,
        e: _Block,
        m: _Messages,
        seen: np.ndarray,
        ex: _Executions,
        cmp: _Campaigns,
        contacts: _Contacts,
        land_day: np.ndarray,
    ) -> pa.Table:
        b = self._land_conversions(e, m, seen, ex, land_day)
        ws = contacts.workspace[b["contact"]]
        currency = np.array(_workspace_values("currency"))[ws]
        yen = currency == "JPY"  # no minor unit
        cents = np.where(yen, np.round(b["amount"] * 130) * 100, np.round(b["amount"] * 100))
        cents = cents.astype(np.int64)
        revenue = _join(
            pc.cast(pa.array(cents // 100), pa.string()),
            ".",
            pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), 2, "0"),
        )
        tracked = b["msg"] >= 0
        message = np.maximum(b["msg"], 0)
        columns = {
            "conversion_id": self._ids("cv_", b["ordinal"], salt=9),
            "workspace_id": _labels(_workspace_values("workspace_id"), ws),
            "contact_id": contacts.ids.take(pa.array(b["contact"])),
            "event_name": _labels(_EVENT_NAMES, b["event"]),
            "occurred_at": _timestamps(b["_t"]),
            "revenue": _where(b["has_revenue"], revenue.cast(pa.decimal128(18, 2))),
            "currency": _where(b["has_revenue"], pa.array(currency)),
            "message_id": _where(tracked, self._ids("msg_", m.ordinal[message], salt=6)),
            "campaign_id": _where(
                tracked, cmp.ids.take(pa.array(ex.campaign[m.execution[message]]))
            ),
        }
        return _frame("conversions", columns, b["_day"], b["_part"], b["_t"])

    def _land_conversions(
        self, e: _Block, m: _Messages, seen: np.ndarray, ex: _Executions, land_day: np.ndarray
    ) -> _Block:
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
        event = rng.choice(len(_EVENT_NAMES), size=n, p=[0.75, 0.15, 0.10])
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


def _shifted(block: _Block, offsets: Mapping[str, int]) -> _Block:
    return block | {key: block[key] + offset for key, offset in offsets.items()}


# --------------------------------------------------------------------------------------
# Files: which formats each producer uses, and how rows become bytes.


@dataclass(frozen=True)
class _FileSpec:
    name: str
    fmt: str  # parquet, csv, csv.gz, jsonl, jsonl.gz
    ts: tuple[str, ...] = ("iso",)  # timestamp encodings, one drawn per row
    ts_columns: tuple[tuple[str, tuple[str, ...]], ...] = ()  # per-column overrides
    bool_digits: bool = False  # CSV booleans as 1/0
    drop: tuple[str, ...] = ()  # optional fields this producer does not send
    extra: tuple[tuple[str, str], ...] = ()  # fields the contract does not know: ignored
    utc_parquet: bool = False  # Parquet timestamps as UTC instants (TIMESTAMPTZ)

    @property
    def is_text(self) -> bool:
        return self.fmt != "parquet"

    @property
    def is_json(self) -> bool:
        return self.fmt.startswith("jsonl")


def _provider_file(**options: Any) -> Callable[[str], _FileSpec]:
    return lambda name: _FileSpec(name, "jsonl", **options)


# Providers encode times their own way: WhatsApp webhooks carry epoch seconds as strings
# (some relays as numbers), SendGrid as numbers, and an FCM relay local ISO times.
_PROVIDER_FILES = {
    "meta": _provider_file(
        ts_columns=(("reported_at", ("epoch_str", "epoch_num")),),
        extra=(("api_version", "v21.0"),),
    ),
    "twilio": _provider_file(drop=("report_id",)),
    "sendgrid": _provider_file(ts_columns=(("reported_at", ("epoch_num",)),)),
    "fcm": _provider_file(ts=("offset",)),
}


def _file_specs(source: str, day: int) -> dict[int, _FileSpec]:
    """The files of one source and day, by part; formats vary by source and day."""
    if source == "sends":
        if day % 2 == 0:  # the engine's columnar export, every other one in UTC instants
            utc = day % 4 == 0
            return {
                0: _FileSpec("batch_am", "parquet", utc_parquet=utc),
                1: _FileSpec("batch_pm", "parquet", utc_parquet=utc),
                2: _FileSpec("replay", "parquet"),
            }
        return {
            0: _FileSpec("batch_am", "jsonl.gz"),
            1: _FileSpec("batch_pm", "jsonl.gz", ts=("iso", "offset")),
            2: _FileSpec("replay", "jsonl.gz", ts=("naive",), drop=("is_initial",)),
        }
    if source == "executions":
        fmt = "csv.gz" if day % 3 == 2 else "parquet"
        return {
            0: _FileSpec("engine_events", fmt, ts=("naive",)),
            1: _FileSpec("engine_replay", fmt),
        }
    if source == "delivery_reports":
        return {
            2 * p + half: _PROVIDER_FILES[provider](f"{provider}_{label}")
            for p, provider in enumerate(_PROVIDERS)
            for half, label in enumerate(("am", "pm"))
        }
    if source == "engagements":
        return {
            0: _FileSpec("events", "csv.gz"),
            1: _FileSpec("inbound", "csv.gz", ts=("naive",), bool_digits=True),
            2: _FileSpec("replay", "csv.gz", ts=("offset",)),
        }
    if source == "conversions":
        return {
            0: _FileSpec("tracker", "jsonl", ts=("iso", "offset")),
            1: _FileSpec("tracker_replay", "jsonl"),
        }
    if source == "contacts":
        if day == 0:
            return {0: _FileSpec("contacts_export", "csv.gz")}
        return {0: _FileSpec("contacts_delta", "csv", ts=("naive",), bool_digits=True)}
    if source == "campaigns" and day > 0:
        return {0: _FileSpec("campaign_updates", "jsonl", extra=(("source_system", "app"),))}
    return {0: _FileSpec(source, "csv")}


def _format_timestamps(ts: pa.Array, style: str, as_json: bool) -> pa.Array:
    """One encoding of a timestamp column: text for CSV, raw JSON text for JSON Lines."""
    if style in ("epoch_num", "epoch_str"):
        if not as_json:
            raise ValueError("epoch encodings are for JSON only")
        seconds = pc.cast(pc.divide(ts.cast(pa.int64()), SECOND_MS), pa.string())
        return seconds if style == "epoch_num" else _join('"', seconds, '"')
    valid = ts.is_valid().to_numpy(zero_copy_only=False)
    ms = pc.fill_null(ts.cast(pa.int64()), 0).to_numpy()
    quote = '"' if as_json else ""
    if style == "iso":
        return _iso_strings(ms, "T", "Z", quote, valid)
    if style == "naive":
        return _iso_strings(ms, " ", "", quote, valid)
    if style == "offset":
        return _iso_strings(ms + 2 * HOUR_MS, "T", "+02:00", quote, valid)
    raise ValueError(f"unknown timestamp style {style}")


def _timestamp_styles(spec: _FileSpec, column: str) -> tuple[tuple[str, bool], ...]:
    """The (style, as JSON) encodings a file uses for a column; none for Parquet."""
    if not spec.is_text:
        return ()
    return tuple((style, spec.is_json) for style in dict(spec.ts_columns).get(column, spec.ts))


@dataclass(frozen=True)
class _File:
    day: int
    part: int
    start: int  # the file's rows in its source's table (or run)
    stop: int
    spec: _FileSpec

    @property
    def family(self) -> str:
        return self.spec.fmt.removesuffix(".gz")


def _render_timestamps(
    table: pa.Table, files: Sequence[_File], rngs: Sequence[np.random.Generator]
) -> pa.Table:
    """Every text file's timestamps as its producer encodes them, drawn per row: rendered
    once per encoding over all the files, then picked row by row."""
    for i, field in enumerate(table.schema):
        if not pa.types.is_timestamp(field.type):
            continue
        per_file = [_timestamp_styles(f.spec, field.name) for f in files]
        options = sorted({style for styles in per_file for style in styles})
        if not options:
            continue
        pick = np.zeros(table.num_rows, np.int8)
        for f, styles, rng in zip(files, per_file, rngs, strict=True):
            codes = np.array([options.index(s) for s in styles], np.int8)
            pick[f.start : f.stop] = codes[rng.integers(0, len(codes), f.stop - f.start)]
        column = table.column(i).combine_chunks()
        rendered = [_format_timestamps(column, style, as_json) for style, as_json in options]
        text = rendered[0] if len(rendered) == 1 else pc.choose(pa.array(pick), *rendered)
        table = table.set_column(i, field.name, text)
    return table


def _prepare(table: pa.Table, spec: _FileSpec) -> pa.Table:
    """The fields this producer sends, in contract order, plus the ones it adds."""
    table = table.drop_columns([c for c in (*_INTERNAL, *spec.drop) if c in table.column_names])
    for name, value in spec.extra:
        table = table.append_column(name, pa.array([value] * table.num_rows, pa.string()))
    return table


def _lines_bytes(lines: Sequence[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode()


def _csv_bytes(table: pa.Table, header: bool) -> bytes:
    sink = io.BytesIO()
    options = pacsv.WriteOptions(include_header=header, quoting_style="needed")
    pacsv.write_csv(table, sink, options)
    return sink.getvalue()


def _csv_file(rows: pa.Table, spec: _FileSpec, bad_lines: Sequence[str]) -> bytes:
    """A CSV file (RFC 4180 quoting), with the malformed lines in the middle."""
    rows = _prepare(rows, spec)
    if spec.bool_digits:
        for i, f in enumerate(rows.schema):
            if pa.types.is_boolean(f.type):
                rows = rows.set_column(i, f.name, pc.cast(rows.column(i), pa.int8()))
    if not bad_lines:
        return _csv_bytes(rows, header=True)
    middle = rows.num_rows // 2
    return (
        _csv_bytes(rows.slice(0, middle), header=True)
        + _lines_bytes(bad_lines)
        + _csv_bytes(rows.slice(middle), header=False)
    )


@dataclass(frozen=True)
class _Lines:
    """The rendered lines of one file: a shared buffer and where each line starts."""

    data: memoryview
    offsets: np.ndarray  # n + 1 positions into data

    def to_bytes(self, bad_lines: Sequence[str]) -> bytes:
        """The file's bytes, with the malformed lines in the middle."""
        first, middle, last = (int(self.offsets[k]) for k in (0, len(self.offsets) // 2, -1))
        return b"".join([self.data[first:middle], _lines_bytes(bad_lines), self.data[middle:last]])


def _json_lines(
    text: pa.Table, files: Sequence[_File], raw_json: Sequence[str], conn: duckdb.DuckDBPyConnection
) -> list[_Lines]:
    """The JSON Lines of consecutive JSON files, whose rows are `text`, in one DuckDB query:
    a file's shape (the fields it leaves out or adds) picks the struct its rows become.
    `raw_json` columns already hold JSON text, which may mix types (epoch numbers, ISO)."""
    shapes = sorted({(f.spec.drop, f.spec.extra) for f in files})
    sizes = np.array([f.stop - f.start for f in files])
    rows = text.drop_columns(list(_INTERNAL))
    fields = rows.column_names
    for name in sorted({name for _, extra in shapes for name, _ in extra}):
        values = np.array([dict(f.spec.extra).get(name) for f in files], dtype=object)
        rows = rows.append_column(name, pa.array(np.repeat(values, sizes), pa.string()))
    shape = [shapes.index((f.spec.drop, f.spec.extra)) for f in files]
    rows = rows.append_column("_shape", pa.array(np.repeat(shape, sizes), pa.int32()))
    cases = []
    for k, (drop, extra) in enumerate(shapes):
        names = [n for n in fields if n not in drop] + [n for n, _ in extra]
        members = ", ".join(
            f"{quote_ident(n)} := {quote_ident(n)}" + ("::JSON" if n in raw_json else "")
            for n in names
        )
        cases.append(f"when {k} then to_json(struct_pack({members}))")
    conn.register("_rows", rows)
    try:
        query = f"select case _shape {' '.join(cases)} end || chr(10) from _rows"
        column = conn.sql(query).to_arrow_table().column(0)
    finally:
        conn.unregister("_rows")
    lines = column.cast(pa.large_string()).combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], np.int64, len(lines) + 1, lines.offset * 8)
    data = memoryview(lines.buffers()[2])
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [_Lines(data, offsets[bounds[k] : bounds[k + 1] + 1]) for k in range(len(files))]


def _parquet_bytes(table: pa.Table, spec: _FileSpec) -> bytes:
    if spec.utc_parquet:
        for i, f in enumerate(table.schema):
            if pa.types.is_timestamp(f.type):
                utc = table.column(i).cast(pa.timestamp("ms", tz="UTC"))
                table = table.set_column(i, f.name, utc)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


# --------------------------------------------------------------------------------------
# Malformed rows.


class _Damage(NamedTuple):
    """Where a source's malformed rows are broken."""

    key: str  # the ID left empty by "empty_id"
    marker: str  # an ID that carries MALFORMED_MARKER
    required: str  # the required field "missing_required" leaves out
    enum: str  # the enumeration "unknown_enum" sets to bad_enum
    bad_enum: str
    timestamp: str


_DAMAGE = {
    "sends": _Damage(
        "message_id", "execution_id", "contact_id", "outcome", "Queued", "attempted_at"
    ),
    "delivery_reports": _Damage(
        "provider_message_id", "report_id", "status", "status", "seen", "reported_at"
    ),
    "engagements": _Damage(
        "engagement_id", "contact_id", "campaign_id", "engagement_type", "forward", "occurred_at"
    ),
}
_DAMAGE_KINDS = (
    "unparseable",
    "missing_required",
    "unknown_enum",
    "empty_id",
    "bad_timestamp",
    "future_timestamp",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    return value


def _malformed_lines(
    source: str, template: pa.Table, spec: _FileSpec, day: int, day_end: datetime
) -> list[str]:
    """Copies of real rows, each broken in one way, with fresh marked IDs."""
    damage = _DAMAGE[source]
    lines = []
    for i, row in enumerate(template.to_pylist()):  # a handful of rows a day
        kind = _DAMAGE_KINDS[(day + i) % len(_DAMAGE_KINDS)]
        tag = f"{MALFORMED_MARKER}_{day}_{i}"
        row = {k: _plain(v) for k, v in row.items()}
        row[damage.marker] = f"x_{tag}"
        row[damage.key] = "" if kind == "empty_id" else f"k_{tag}"
        if kind == "missing_required":
            row[damage.required] = None
            if spec.is_json:
                del row[damage.required]
        elif kind == "unknown_enum":
            row[damage.enum] = damage.bad_enum
        elif kind == "bad_timestamp":
            row[damage.timestamp] = "2025-13-45T25:61:00Z"
        elif kind == "future_timestamp":
            row[damage.timestamp] = (day_end + timedelta(days=2)).isoformat() + "Z"
        lines.append(_malformed_line(row, kind, spec))
    return lines


def _malformed_line(row: dict[str, Any], kind: str, spec: _FileSpec) -> str:
    if spec.is_json:
        text = json.dumps(row, ensure_ascii=False)
        return text[:-2] if kind == "unparseable" else text  # a write cut short
    cells = ["" if v is None else _csv_cell(v, spec) for v in row.values()]
    if kind == "unparseable":
        cells += ["unexpected", "columns"]  # more cells than the header has
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def _csv_cell(value: Any, spec: _FileSpec) -> str:
    if isinstance(value, bool):
        return ("1" if value else "0") if spec.bool_digits else str(value).lower()
    return str(value)


# --------------------------------------------------------------------------------------
# Writing.


def _files_of(source: str, table: pa.Table) -> list[_File]:
    """The files of a sorted source table: runs of rows with the same day and part."""
    day = table["_day"].to_numpy()
    part = table["_part"].to_numpy()
    key = day.astype(np.int64) * 256 + part
    starts = np.flatnonzero(np.diff(key, prepend=-1) != 0)
    stops = np.append(starts[1:], len(key))
    return [
        _File(d, p, s, e, _file_specs(source, d)[p])
        for d, p, s, e in zip(
            day[starts].tolist(),
            part[starts].tolist(),
            starts.tolist(),
            stops.tolist(),
            strict=True,
        )
    ]


def _runs(files: Sequence[_File]) -> list[list[_File]]:
    """Consecutive files of one format, rendered together: few, large vectorised steps."""
    runs: list[list[_File]] = []
    for f in files:
        if runs and runs[-1][-1].family == f.family:
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _write_file(path: Path, data: bytes, compress: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, compresslevel=1, mtime=0) if compress else data)


_SOURCE_NUMBERS = {name: i for i, name in enumerate(SOURCES)}


class _Writer:
    """Renders each source's files. Compression and disk writes run on a thread pool (zlib
    and file I/O release the GIL), which changes nothing in the bytes."""

    def __init__(self, out_dir: Path, start: date, seed: int) -> None:
        self.out_dir = out_dir
        self.start = start
        self.seed = seed
        self.conn = duckdb.connect()
        self.conn.execute("set preserve_insertion_order = true")  # lines stay in row order
        self.pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1))
        self.pending: list[Future[None]] = []

    def close(self) -> None:
        try:
            for future in self.pending:
                future.result()
        finally:
            self.pool.shutdown()
            self.conn.close()

    def write(self, source: str, table: pa.Table) -> int:
        """Write a source's rows to their files; returns the rows written."""
        order = np.lexsort(
            (table["_t"].to_numpy(), table["_part"].to_numpy(), table["_day"].to_numpy())
        )
        if np.any(order != np.arange(len(order))):  # events come sorted, dimensions may not
            table = table.take(pa.array(order))
        files = _files_of(source, table)
        bad = self._malformed(source, table, files)
        written = 0
        for run in _runs(files):
            for f, data in zip(run, self._render(source, table, run, bad), strict=True):
                folder = self.out_dir / source / (self.start + timedelta(days=f.day)).isoformat()
                path = folder / f"{f.spec.name}.{f.spec.fmt}"
                compress = f.spec.fmt.endswith(".gz")
                self.pending.append(self.pool.submit(_write_file, path, data, compress))
                written += f.stop - f.start + len(bad.get((f.day, f.part), []))
        return written

    def _render(
        self,
        source: str,
        table: pa.Table,
        run: list[_File],
        bad: Mapping[tuple[int, int], list[str]],
    ) -> list[bytes]:
        """The (uncompressed) bytes of consecutive files of one format."""
        first = run[0].start
        rows = table.slice(first, run[-1].stop - first)
        run = [replace(f, start=f.start - first, stop=f.stop - first) for f in run]
        if run[0].family == "parquet":
            return [
                _parquet_bytes(_prepare(rows.slice(f.start, f.stop - f.start), f.spec), f.spec)
                for f in run
            ]
        rngs = [
            np.random.default_rng([self.seed, _SOURCE_NUMBERS[source], f.day, f.part]) for f in run
        ]
        raw_json = [f.name for f in rows.schema if pa.types.is_timestamp(f.type)]
        text = _render_timestamps(rows, run, rngs)
        bad_lines = [bad.get((f.day, f.part), []) for f in run]
        if run[0].family == "jsonl":
            lines = _json_lines(text, run, raw_json, self.conn)
            return [ls.to_bytes(b) for ls, b in zip(lines, bad_lines, strict=True)]
        return [
            _csv_file(text.slice(f.start, f.stop - f.start), f.spec, b)
            for f, b in zip(run, bad_lines, strict=True)
        ]

    def _malformed(
        self, source: str, table: pa.Table, files: Sequence[_File]
    ) -> dict[tuple[int, int], list[str]]:
        """A few malformed lines a day, in the day's largest text file of a large source."""
        if source not in _DAMAGE:
            return {}
        bad = {}
        for day in sorted({f.day for f in files}):
            of_day = [f for f in files if f.day == day]
            rows = sum(f.stop - f.start for f in of_day)
            n_bad = min(MAX_MALFORMED_PER_DAY, rows // _ROWS_PER_MALFORMED)
            text_files = [f for f in of_day if f.spec.is_text]
            if n_bad == 0 or not text_files:
                continue
            target = max(text_files, key=lambda f: f.stop - f.start)
            template = _prepare(table.slice(target.start, n_bad), target.spec)
            day_end = datetime.combine(self.start + timedelta(days=day + 1), datetime.min.time())
            lines = _malformed_lines(source, template, target.spec, day, day_end)
            bad[day, target.part] = lines
        return bad


def generate_landing(
    out_dir: Path, start: date, days: int, sends_per_day: int = 2000, seed: int = 7
) -> dict[str, int]:
    """Write a synthetic landing zone for the arrival dates start .. start + days - 1.

    Files go to `<out_dir>/<source>/<YYYY-MM-DD>/<name>.<ext>`; existing files of the same
    names are overwritten, other files are left alone. `sends_per_day` is about how many
    messages the campaign engine attempts a day. Returns the rows written per source,
    duplicates and malformed rows included. The same arguments give byte-identical files.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if sends_per_day < 1:
        raise ValueError("sends_per_day must be at least 1")
    tables = _Simulation(start, days, sends_per_day, seed).tables()
    writer = _Writer(Path(out_dir), start, seed)
    try:
        return {source: writer.write(source, tables.pop(source)) for source in SOURCES}
    finally:
        writer.close()
