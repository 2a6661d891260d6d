"""A synthetic landing zone: realistic, deterministic upstream files for all ten sources.

`generate_landing` simulates a handful of workspaces running campaigns on every channel:
contacts enter campaigns (executions), the engine hands messages to providers (sends),
providers report back late, twice, out of order or never (delivery_reports), contacts engage
(engagements) and convert (conversions). It then writes what upstream would have delivered,
day by day, in the layout and formats of `shared/contract/landing.md`, with the mess the
ingest must survive: duplicates across files and days, reports beyond the delivery window,
mixed timestamp encodings, optional fields left out, unknown extra fields, and a few
malformed rows in the large event sources.

Everything is drawn from one seeded generator and nothing reads the wall clock, so the same
arguments give byte-identical files. The simulation is vectorised with numpy on index arrays;
text is built from those at the end with numpy, pyarrow and DuckDB. Python loops run over
days, files and the small catalogues only.

Modules, in the order the data flows: `catalogue` (the world's fixed parts: workspaces,
channels and providers, errors, drop reasons, campaign templates, flow steps), `simulation`
(a subpackage, a module per stage), `files` (each producer's formats and encodings, and the
bytes of JSON Lines, CSV and Parquet files), `damage` (malformed rows) and `writer`
(`generate_landing`); `arrays` and `clock` are the helpers they share.

The dependency is one way: the command line (`orchestration.cli`) may import this package,
and this package imports nothing of the pipeline or its checks, only `contract.sources`, the
landing contract as data (sources, fields, enumerations). That module is plain data with no
Dagster or dbt import, and it is the single source of truth the ingest validates against; a
copy of its enumerations here could drift from what the ingest accepts, so the simulator
reads it instead.
"""

from landing_simulator.damage import MALFORMED_MARKER, MALFORMED_SOURCES, MAX_MALFORMED_PER_DAY
from landing_simulator.writer import generate_landing

__all__ = [
    "MALFORMED_MARKER",
    "MALFORMED_SOURCES",
    "MAX_MALFORMED_PER_DAY",
    "generate_landing",
]
