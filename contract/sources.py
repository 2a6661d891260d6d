"""The landing contract as data: every source, its fields, types and validation rules.

This module is the single place that knows the contract of ``shared/contract/landing.md``.
The ingest builds its validation SQL from it, the raw tables' DDL comes from it, and the
generator and the tests use it to stay in step with what the ingest accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    """The logical type of a landing field."""

    ID = "id"  # a string that must not be empty
    STRING = "string"
    ENUM = "enum"  # lower-cased and trimmed, then checked against the allowed values
    TIMESTAMP = "timestamp"  # UTC, without a zone
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DECIMAL = "decimal"

    @property
    def sql_type(self) -> str:
        """The DuckDB type of the raw column."""
        return _SQL_TYPES[self]


_SQL_TYPES: dict[FieldType, str] = {
    FieldType.ID: "VARCHAR",
    FieldType.STRING: "VARCHAR",
    FieldType.ENUM: "VARCHAR",
    FieldType.TIMESTAMP: "TIMESTAMP",
    FieldType.BOOLEAN: "BOOLEAN",
    FieldType.INTEGER: "BIGINT",
    FieldType.DECIMAL: "DECIMAL(18, 4)",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldType
    required: bool = False
    allowed: tuple[str, ...] = ()
    # Required only when another field has a given value, e.g. drop_reason when dropped.
    required_when: tuple[str, str] | None = None
    # Required only when another field is not null, e.g. currency when revenue is set.
    required_with: str | None = None
    # The smallest value an integer field may take, e.g. 1 for a step's position.
    min_value: int | None = None
    # Set only when another field has a given value, NULL otherwise, e.g. segments on SMS.
    only_when: tuple[str, str] | None = None

    @property
    def is_id(self) -> bool:
        return self.kind is FieldType.ID


@dataclass(frozen=True)
class Source:
    name: str
    fields: tuple[Field, ...]
    # The contract's deduplication key (events) or upsert key (dimensions).
    key: tuple[str, ...]
    is_dimension: bool = False
    description: str = ""


CHANNELS = ("instagram_dm", "messenger", "whatsapp", "sms", "mms", "push", "email")
CAMPAIGN_STATUSES = ("draft", "scheduled", "active", "paused", "finished", "canceled")
TEMPLATE_CATEGORIES = ("marketing", "utility", "authentication")
STEP_TYPES = ("message", "conversion_link", "logic", "delay")
EXECUTION_EVENT_TYPES = (
    "entered",
    "step_reached",
    "branch_taken",
    "completed",
    "limited",
    "failed",
    "interrupted",
)
SEND_OUTCOMES = ("accepted", "dropped")
DROP_REASONS = (
    "duplicate",
    "frequency_capped",
    "invalid_recipient",
    "rate_limited",
    "policy_violation",
    "template_error",
    "paused_template",
    "tier_limit",
    "country_not_allowed",
    "coupon_unavailable",
    "account_error",
    "recipient_error",
    "provider_temporary_error",
    "internal_error",
)
REPORT_STATUSES = ("sent", "delivered", "read", "failed", "undelivered")
ENGAGEMENT_TYPES = ("open", "click", "reply", "button_click", "opt_out", "unsubscribe")
OPT_OUT_METHODS = ("auto", "manual")

T = FieldType

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "workspaces",
            (
                Field("workspace_id", T.ID, required=True),
                Field("name", T.STRING),
                Field("industry", T.STRING),
                Field("timezone", T.STRING),
                Field("plan", T.STRING),
                Field("monthly_contact_limit", T.INTEGER, min_value=0),
                Field("updated_at", T.TIMESTAMP, required=True),
            ),
            key=("workspace_id",),
            is_dimension=True,
            description="Customer accounts of the platform (upserted).",
        ),
        Source(
            "contacts",
            (
                Field("contact_id", T.ID, required=True),
                Field("workspace_id", T.ID, required=True),
                Field("handle", T.STRING),
                Field("country", T.STRING),
                Field("is_internal", T.BOOLEAN),
                Field("created_at", T.TIMESTAMP),
                Field("updated_at", T.TIMESTAMP, required=True),
            ),
            key=("contact_id",),
            is_dimension=True,
            description="Contacts (upserted). `handle` is personal data and stays in raw.",
        ),
        Source(
            "senders",
            (
                Field("sender_id", T.ID, required=True),
                Field("workspace_id", T.ID, required=True),
                Field("channel", T.ENUM, required=True, allowed=CHANNELS),
                Field("display_name", T.STRING),
                Field("updated_at", T.TIMESTAMP, required=True),
            ),
            key=("sender_id",),
            is_dimension=True,
            description="Sending identities (upserted).",
        ),
        Source(
            "campaigns",
            (
                Field("campaign_id", T.ID, required=True),
                Field("workspace_id", T.ID, required=True),
                Field("name", T.STRING),
                Field("channel", T.ENUM, required=True, allowed=CHANNELS),
                Field("status", T.ENUM, required=True, allowed=CAMPAIGN_STATUSES),
                Field("template_id", T.ID),
                Field("template_category", T.ENUM, allowed=TEMPLATE_CATEGORIES),
                Field("conversion_window_hours", T.INTEGER, min_value=0),
                Field("created_at", T.TIMESTAMP),
                Field("updated_at", T.TIMESTAMP, required=True),
            ),
            key=("campaign_id",),
            is_dimension=True,
            description="Campaigns (upserted; status history kept).",
        ),
        Source(
            "campaign_steps",
            (
                Field("campaign_id", T.ID, required=True),
                Field("step_id", T.ID, required=True),
                Field("step_type", T.ENUM, required=True, allowed=STEP_TYPES),
                Field("step_order", T.INTEGER, required=True, min_value=1),
                Field("parent_step_id", T.ID),
                Field("branch_label", T.STRING),
                Field("name", T.STRING),
                Field("updated_at", T.TIMESTAMP, required=True),
            ),
            key=("campaign_id", "step_id"),
            is_dimension=True,
            description="The nodes of each campaign's flow (upserted).",
        ),
        Source(
            "executions",
            (
                Field("event_id", T.ID, required=True),
                Field("execution_id", T.ID, required=True),
                Field("campaign_id", T.ID, required=True),
                Field("contact_id", T.ID, required=True),
                Field("event_type", T.ENUM, required=True, allowed=EXECUTION_EVENT_TYPES),
                Field("step_id", T.ID),
                Field("branch_label", T.STRING),
                Field("occurred_at", T.TIMESTAMP, required=True),
                Field("is_test", T.BOOLEAN),
            ),
            key=("event_id",),
            description="Campaign-engine events of contacts going through campaigns.",
        ),
        Source(
            "sends",
            (
                Field("message_id", T.ID, required=True),
                Field("execution_id", T.ID, required=True),
                Field("campaign_id", T.ID, required=True),
                Field("step_id", T.ID),
                Field("contact_id", T.ID, required=True),
                Field("sender_id", T.ID),
                Field("channel", T.ENUM, required=True, allowed=CHANNELS),
                Field("attempted_at", T.TIMESTAMP, required=True),
                Field("outcome", T.ENUM, required=True, allowed=SEND_OUTCOMES),
                Field(
                    "drop_reason",
                    T.ENUM,
                    allowed=DROP_REASONS,
                    required_when=("outcome", "dropped"),
                ),
                Field("provider", T.STRING),
                Field("provider_message_id", T.ID, required_when=("outcome", "accepted")),
                Field("segments", T.INTEGER, min_value=1, only_when=("channel", "sms")),
                Field("is_initial", T.BOOLEAN),
                Field("is_test", T.BOOLEAN),
            ),
            key=("message_id",),
            description="Messages the campaign engine tried to hand to a provider.",
        ),
        Source(
            "delivery_reports",
            (
                Field("report_id", T.ID),
                Field("provider", T.STRING),
                Field("provider_message_id", T.ID, required=True),
                Field("status", T.ENUM, required=True, allowed=REPORT_STATUSES),
                Field("error_code", T.STRING),
                Field("error_title", T.STRING),
                Field("reported_at", T.TIMESTAMP, required=True),
                Field("received_at", T.TIMESTAMP),
            ),
            key=("provider", "provider_message_id", "status", "reported_at"),
            description="Provider delivery receipts, late, out of order and repeated.",
        ),
        Source(
            "engagements",
            (
                Field("engagement_id", T.ID, required=True),
                Field("message_id", T.ID),
                Field("execution_id", T.ID),
                Field("campaign_id", T.ID, required=True),
                Field("step_id", T.ID),
                Field("contact_id", T.ID, required=True),
                Field("engagement_type", T.ENUM, required=True, allowed=ENGAGEMENT_TYPES),
                Field("occurred_at", T.TIMESTAMP, required=True),
                Field("link_id", T.ID),
                Field("url", T.STRING),
                Field("card_index", T.INTEGER, min_value=0),
                Field("button_id", T.ID),
                Field("button_label", T.STRING),
                Field("opt_out_method", T.ENUM, allowed=OPT_OUT_METHODS),
                Field("is_test", T.BOOLEAN),
            ),
            key=("engagement_id",),
            description="Opens, clicks, replies, button clicks and opt-outs.",
        ),
        Source(
            "conversions",
            (
                Field("conversion_id", T.ID, required=True),
                Field("workspace_id", T.ID, required=True),
                Field("contact_id", T.ID, required=True),
                Field("event_name", T.STRING, required=True),
                Field("occurred_at", T.TIMESTAMP, required=True),
                Field("revenue", T.DECIMAL),
                Field("currency", T.STRING, required_with="revenue"),
                Field("message_id", T.ID),
                Field("campaign_id", T.ID),
            ),
            key=("conversion_id",),
            description="Goal events from the conversion tracker.",
        ),
    )
}

SOURCE_NAMES: tuple[str, ...] = tuple(SOURCES)

# Columns every raw row carries besides the contract's fields: where it came from (the
# arrival date is the raw layer's partition).
LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("_arrival_date", "DATE"),
    ("_source_file", "VARCHAR"),
    ("_source_row", "BIGINT"),
)

RAW_SCHEMA = "raw"
QUARANTINE_TABLE = "quarantine"
LANDED_FILES_TABLE = "landed_files"

# The raw layer's record of rejected rows and files, and of every landed file.
QUARANTINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("arrival_date", "DATE"),
    ("source_file", "VARCHAR"),
    ("source_row", "BIGINT"),  # null when the whole file was unreadable
    ("reason_code", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("raw_text", "VARCHAR"),
)
LANDED_FILES_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source", "VARCHAR"),
    ("arrival_date", "DATE"),
    ("source_file", "VARCHAR"),
    ("file_format", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_quarantined", "BIGINT"),
    ("is_unreadable", "BOOLEAN"),
    ("file_bytes", "BIGINT"),
    ("rows_estimated", "BIGINT"),  # an unreadable file's rows, estimated from its size
)

# Extensions the landing contract accepts, longest first so `.csv.gz` wins over `.gz`.
EXTENSIONS: tuple[str, ...] = (".jsonl.gz", ".csv.gz", ".jsonl", ".csv", ".parquet")


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB; our own names only, but quoted all the same."""
    return '"' + name.replace('"', '""') + '"'


def raw_columns(source: Source) -> tuple[tuple[str, str], ...]:
    """The columns of a source's raw rows: the contract's fields, then the lineage."""
    return (*((f.name, f.kind.sql_type) for f in source.fields), *LINEAGE_COLUMNS)
