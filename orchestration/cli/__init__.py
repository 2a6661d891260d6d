"""The `campaign-warehouse` command, a thin front over Dagster.

`main` (argument parsing and the small commands), `run` (the run command: one Dagster run and
its summary), `launch` (that run, and what its outcome says), `display` (the run's progress
on the terminal), `runlog` (the run's log file), `report` (the HTML page of charts) and `demo`.
"""
