"""`mart_data_quality`: no count negative, the quarantined share a fraction, per source."""

from __future__ import annotations

from expectations.guards import Guard
from expectations.rules import no_count_negative, within_0_1

GUARD = Guard(
    asset="mart_data_quality",
    partition=("source_name",),
    rules=(
        # duplicates_removed = rows_landed - rows_staged: negative means staging kept more rows
        # than landed that day.
        no_count_negative(
            [
                "rows_landed",
                "rows_quarantined",
                "rows_staged",
                "duplicates_removed",
                "orphans",
                "late_reports",
                "excluded_test_rows",
                "excluded_internal_rows",
                "unattributed_conversions",
                "unknown_error_codes",
            ]
        ),
        within_0_1("quarantined_share"),
    ),
)
