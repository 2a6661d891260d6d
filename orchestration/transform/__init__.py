"""Transform: the dbt project as Dagster assets, built by one `dbt build` per run.

`assets` (the dbt assets and their build), `manifest` (the dbt manifest the definitions are
built from), `launcher` (`campaign-warehouse-dbt`: dbt bound to the process that starts it),
`models_state` (what the models were last built as of) and `row_counts` (each model's rows
after the build). What differs on Spark is the engine's (`orchestration/shared/engine.py`).
"""
