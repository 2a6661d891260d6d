"""Great Expectations suites guarding metric integrity, one module per guarded asset.

Each mart module (named after the asset it guards) declares a `GUARD`: the asset, the
partition its frame has one row per, and its rules as data (`rules`); `guards` builds the
frame's SQL and the suite from it, one builder per kind of rule, and `registry.GUARDS` lists
them all. `quarantine` and `volume` guard the raw layer with SQL of their own; `runner`
validates a frame against a suite; `thresholds` reads the limits the pipeline shares.

The package imports nothing of `orchestration`. Importing it loads nothing either (no Great
Expectations): `orchestration.paths` reads the dbt project's folder from `dbt_vars`, and the
dbt launcher, which imports `paths`, must start quickly.
"""
