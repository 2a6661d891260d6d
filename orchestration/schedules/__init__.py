"""Schedules: the wiring around the stages: the job that runs them all and its nightly schedule
(`nightly`), the failure alert (`alerts`), the freshness checks and their sensor
(`freshness`, which name the raw and published assets, so they sit above every stage), and
the run-history housekeeping job with its daily schedule (`housekeeping`)."""
