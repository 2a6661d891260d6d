"""The world the simulation runs in: workspaces, channels and their providers, errors, drop
reasons, campaign templates and the flow of a multi-step campaign."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from contract.sources import CHANNELS, REPORT_STATUSES
from landing_simulator.clock import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS


class Workspace(NamedTuple):
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


WORKSPACES = (
    Workspace(
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
    Workspace(
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
    Workspace(
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
    Workspace(
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
    Workspace(
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
# Nimbus Bank's free plan caps its contacts until it upgrades a third into the range.
UPGRADING_WORKSPACE = [w.workspace_id for w in WORKSPACES].index("ws_nimbus")
UPGRADED_PLAN, UPGRADED_LIMIT = "pro", 25_000


class Delivery(NamedTuple):
    """How a channel's provider treats a message: shares of all messages of the channel."""

    provider: str
    id_prefix: str  # of the provider's message ids
    receipts: bool  # Instagram DMs get no delivery receipts, only "seen" (read)
    drop: float  # never leaves the platform
    sent_report: float  # a "sent" receipt comes first
    fail: float
    silent: float  # accepted, then never reported: times out after the delivery window
    read: float


DELIVERY = {
    "instagram_dm": Delivery("meta", "aWdfZAG", False, 0.02, 0.0, 0.00, 0.00, 0.40),
    "messenger": Delivery("meta", "m_", True, 0.02, 0.0, 0.02, 0.03, 0.45),
    "whatsapp": Delivery("meta", "wamid.HBgL", True, 0.05, 1.0, 0.06, 0.02, 0.55),
    "sms": Delivery("twilio", "SM", True, 0.03, 0.6, 0.05, 0.04, 0.0),
    "mms": Delivery("twilio", "MM", True, 0.03, 0.6, 0.07, 0.04, 0.0),
    "push": Delivery("fcm", "0:17", True, 0.04, 0.0, 0.03, 0.05, 0.0),
    "email": Delivery("sendgrid", "sg.", True, 0.02, 0.0, 0.03, 0.03, 0.0),
}
PROVIDERS = ("meta", "twilio", "sendgrid", "fcm")
PROVIDER_OF_CHANNEL = np.array([PROVIDERS.index(DELIVERY[c].provider) for c in CHANNELS])

# The chance of each engagement type (ENGAGEMENT_TYPES order) per delivered message.
ENGAGEMENT = {  # open, click, reply, button_click, opt_out, unsubscribe
    "instagram_dm": (0.0, 0.06, 0.09, 0.04, 0.002, 0.0),
    "messenger": (0.0, 0.07, 0.06, 0.05, 0.002, 0.0),
    "whatsapp": (0.0, 0.09, 0.07, 0.06, 0.004, 0.0),
    "sms": (0.0, 0.04, 0.03, 0.0, 0.006, 0.0),
    "mms": (0.0, 0.05, 0.02, 0.0, 0.004, 0.0),
    "push": (0.08, 0.03, 0.0, 0.0, 0.0, 0.002),
    "email": (0.22, 0.04, 0.005, 0.0, 0.0, 0.004),
}


class ProviderError(NamedTuple):
    channel: str
    code: str
    title: str
    report_status: str
    weight: int  # how often, relative to the channel's other errors


# The errors of failed messages. Meta's and Twilio's codes are real; the last four are codes a
# reference table is unlikely to know yet.
_ERROR_ROWS = (
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
ERRORS = tuple(ProviderError(*row) for row in _ERROR_ROWS)
ERROR_CHANNEL = np.array([CHANNELS.index(error.channel) for error in ERRORS])
ERROR_STATUS = np.array([REPORT_STATUSES.index(error.report_status) for error in ERRORS])
ERROR_WEIGHT = np.array([error.weight for error in ERRORS], dtype=float)

DROP_WEIGHTS = {
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
WHATSAPP_ONLY_DROPS = ("template_error", "paused_template", "tier_limit")

# (name, channel, lifecycle), each used twice. Names are free text: quotes, SQL, emoji, commas
# and newlines must survive every format. Lifecycles: running is active throughout; finishes
# and paused stop on a later day; scheduled starts on a later day; draft and canceled never
# send.
CAMPAIGN_TEMPLATES = (
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
N_CAMPAIGNS = 2 * len(CAMPAIGN_TEMPLATES)
INITIAL_STATUS = {"scheduled": "scheduled", "canceled": "scheduled", "draft": "draft"}
LATER_STATUS = {
    "scheduled": "active",
    "finishes": "finished",
    "paused": "paused",
    "canceled": "canceled",
}
WINDOWS = (None, 168, 24, 72, None, 48, 336)  # conversion_window_hours; NULL = the default


class FlowStep(NamedTuple):
    suffix: str  # of the step id, after the campaign id
    step_type: str
    order: int
    parent: str | None  # the suffix of the step before
    branch_label: str | None
    name: str


# The flow of a multi-step campaign; a single-step one only has its opening message.
FLOW = (
    FlowStep("s1", "message", 1, None, None, "Opening message"),
    FlowStep("s2", "delay", 2, "s1", None, "Wait"),
    FlowStep("s3", "logic", 3, "s2", None, "Clicked the link?"),
    FlowStep("s4", "message", 4, "s3", "clicked", "Offer for clickers"),
    FlowStep("s5", "message", 4, "s3", "not_clicked", "Reminder"),
    FlowStep("s6", "conversion_link", 5, "s4", None, "Checkout link"),
)
# Positions in FLOW, as the simulation's step arrays hold them (-1: no step).
OPENING_MESSAGE, WAIT, CLICK_CHECK, CLICKER_OFFER, REMINDER, CHECKOUT_LINK = range(len(FLOW))
BRANCHES = ("clicked", "not_clicked")
BUTTONS = (("btn_yes", "Yes, please!"), ("btn_no", "No thanks"), ("btn_more", "Tell me more"))
LINK_PATHS = ("sale", "new-arrivals", "cart")
EVENT_NAMES = ("purchase", "signup", "booked_demo")

# Delivery receipts: most arrive within seconds, some hours or days late, a few after the
# 30-day delivery window. (share, shortest delay, longest delay) in milliseconds.
RECEIPT_DELAYS = (
    (0.900, 200, 5 * SECOND_MS),
    (0.050, MINUTE_MS, 6 * HOUR_MS),
    (0.030, DAY_MS, 10 * DAY_MS),
    (0.012, 10 * DAY_MS, 30 * DAY_MS),
    (0.008, 30 * DAY_MS + HOUR_MS, 45 * DAY_MS),
)


def workspace_values(attribute: str) -> list[Any]:
    return [getattr(w, attribute) for w in WORKSPACES]


# The catalogues as arrays indexed by channel (CHANNELS order), for vectorised draws.
DELIVERY_BY_CHANNEL = {
    name: np.array([getattr(DELIVERY[c], name) for c in CHANNELS]) for name in Delivery._fields
}
ENGAGEMENT_BY_CHANNEL = np.array([ENGAGEMENT[c] for c in CHANNELS])  # channel x type
