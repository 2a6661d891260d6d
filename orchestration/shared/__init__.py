"""What every stage of the pipeline shares: errors, DuckDB settings, failpoints, the run lock,
the arrival-day partitions, the warehouse resource and its engine (DuckDB or Spark, with
Spark's catalog), step failures, progress events and the factory that turns a Great
Expectations suite into asset checks.

It imports no stage (ingest, transform, quality, publish): they all import it.
"""
