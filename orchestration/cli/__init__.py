"""The `campaign-warehouse` command, a thin front over Dagster.

`main` (the commands), `launch` (one Dagster run, and what its outcome says), `runlog` (the
run's log file) and `report` (the HTML page of charts).
"""
