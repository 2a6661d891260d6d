"""Publish: the marts for BI tools, `serving.duckdb` and Parquet, swapped in as one set.

`assets` (the publication asset, skipped when a blocking check failed) and `builds` (a build
written whole and swapped in by one atomic rename; old builds cleaned up).
"""
