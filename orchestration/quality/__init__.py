"""Quality: the marts' Great Expectations guards (`expectations.registry`) as blocking Dagster
asset checks, and the job that runs them alone (`checks`)."""
