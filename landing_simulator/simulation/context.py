"""What every stage of the simulation shares: the one seeded random stream, the calendar of
the range, and the rules of where rows land."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pyarrow as pa

from landing_simulator.arrays import Block, digits, scramble, strings, take_block, timestamps
from landing_simulator.clock import DAY_MS, HOUR_MS


class Context:
    """The range simulated and its random stream. Every draw goes through `rng`, in a fixed
    order of stages, so that the same seed gives the same world."""

    def __init__(self, start: date, days: int, sends_per_day: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.days = days
        self.sends_per_day = sends_per_day
        self.start_ms = (start - date(1970, 1, 1)).days * DAY_MS
        self.end_ms = self.start_ms + days * DAY_MS
        # A salt per kind of id, so ids of different kinds never look alike.
        self.salts = self.rng.integers(0, 2**40, size=16)
        # When the capped workspace upgrades its plan: a third into the range.
        self.upgrade_ms = self.start_ms + max(1, days // 3) * DAY_MS + 9 * HOUR_MS

    def ids(self, prefix: str, ordinals: np.ndarray, salt: int) -> pa.Array:
        scrambled = scramble(ordinals, self.salts[salt])
        return strings(prefix, digits(scrambled, 12), n=len(ordinals))

    def uniform(self, low: np.ndarray | int, high: np.ndarray | int, n: int) -> np.ndarray:
        return (low + self.rng.random(n) * (np.asarray(high) - low)).astype(np.int64)

    def exponential(self, mean_ms: float, n: int) -> np.ndarray:
        return self.rng.exponential(mean_ms, n).astype(np.int64)

    def day_of(self, ms: np.ndarray) -> np.ndarray:
        return (ms - self.start_ms) // DAY_MS

    def arrival(self, ms: np.ndarray, late_share: float) -> tuple[np.ndarray, np.ndarray]:
        """The arrival day of events (some a day late) and whether they came late."""
        late = self.rng.random(len(ms)) < late_share
        return self.day_of(ms) + late, late

    def land(
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

    def landed(self, table: pa.Table) -> pa.Table:
        """The dimension rows that arrived by the last day of the range."""
        day = table["_day"].to_numpy()
        return table.filter(pa.array((day >= 0) & (day < self.days)))

    def upserted(self, rows: pa.Table, at_ms: np.ndarray, **changes: pa.Array) -> pa.Table:
        """The same dimension rows sent again at `at_ms` with some fields changed."""
        changes |= {
            "updated_at": timestamps(at_ms),
            "_day": pa.array(self.day_of(at_ms), pa.int32()),
            "_t": pa.array(at_ms, pa.int64()),
        }
        for name, values in changes.items():
            rows = rows.set_column(rows.schema.get_field_index(name), name, values)
        return rows
