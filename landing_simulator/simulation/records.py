"""The simulated world as records of index arrays: row i of every array is entity i.

References between entities are positions, not ids (a message's `execution` is a row of
`Executions`); ids and text are built from them only when the tables are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contract.sources import CHANNELS
from landing_simulator.arrays import Block, concat, join, labels
from landing_simulator.catalogue import FLOW, WORKSPACES


@dataclass
class Senders:
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
class Campaigns:
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
    senders: Senders
    sender_first: np.ndarray
    sender_count: np.ndarray
    step_ids: pa.Array  # step k of campaign c at c * len(FLOW) + k

    def step_index(self, campaign: np.ndarray, step: np.ndarray) -> np.ndarray:
        return np.where(step < 0, -1, campaign * len(FLOW) + step)


@dataclass
class Contacts:
    workspace: np.ndarray
    first: np.ndarray  # per workspace: its first contact (contacts are grouped by workspace)
    size: np.ndarray  # per workspace: its number of contacts
    order: np.ndarray  # a shuffle within each workspace's group
    internal: np.ndarray
    ids: pa.Array


class ContactArrival(NamedTuple):
    """When contacts became known: most on day 0, some on the day they first entered."""

    land_day: np.ndarray  # the day each contact's first row lands
    first_seen: np.ndarray  # when it first entered a campaign; NEVER if it did not


@dataclass
class Executions:
    """Entries of contacts into campaigns."""

    campaign: np.ndarray
    contact: np.ndarray
    entered: np.ndarray
    is_test: np.ndarray
    limited: np.ndarray  # parked by the workspace's contact limit: no message
    ids: pa.Array


@dataclass(frozen=True)
class Entities:
    """The campaigns, contacts and executions that every event table refers to."""

    campaigns: Campaigns
    contacts: Contacts
    executions: Executions


class Attempts(NamedTuple):
    """Messages the engine is about to attempt: for which execution, at which flow step."""

    execution: np.ndarray
    step: np.ndarray  # a position in FLOW
    attempted: np.ndarray


@dataclass
class Messages:
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

    def __add__(self, other: Messages) -> Messages:
        return Messages(**concat([vars(self), vars(other)]))


@dataclass
class Branching:
    """What the logic step of multi-step flows decided, per execution."""

    follow_at: np.ndarray  # when the delay ends
    clicked: np.ndarray  # clicked the first message before then
    follow: np.ndarray  # executions that go on to their branch's message
    interrupted: np.ndarray  # executions stopped by an opt-out or the campaign ending
    interrupted_at: np.ndarray


@dataclass
class Traffic:
    """Messages and what became of them: when each reached its recipient, what the providers
    reported and how the contacts engaged. Reports and engagements point at their message
    by its position (`msg`)."""

    messages: Messages
    seen: np.ndarray  # when the recipient got each message; -1: not delivered
    reports: Block
    engagements: Block

    def __add__(self, other: Traffic) -> Traffic:
        def shifted(block: Block) -> Block:
            return block | {"msg": block["msg"] + len(self.messages)}

        return Traffic(
            self.messages + other.messages,
            np.concatenate([self.seen, other.seen]),
            concat([self.reports, shifted(other.reports)]),
            concat([self.engagements, shifted(other.engagements)]),
        )
