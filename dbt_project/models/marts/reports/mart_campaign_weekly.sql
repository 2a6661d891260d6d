{#
    One row per campaign and ISO week (Monday start) in the workspace's time zone with any
    activity: the summary's message-grain counts, each dated by its own event (see
    int_campaign_metrics_by_day). Summed over all periods they equal the summary.
#}
{{ campaign_metrics_per_period('week_start_date', iso_week_start('event_date')) }}
