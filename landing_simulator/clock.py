"""Time in the simulation: epoch milliseconds, and a time that never comes."""

from __future__ import annotations

import numpy as np

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
NEVER = np.iinfo(np.int64).max // 4  # "no such time": beyond any range, and safe to add to
