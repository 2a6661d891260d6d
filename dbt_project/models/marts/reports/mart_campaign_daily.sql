{#
    One row per campaign and day in the workspace's time zone with any activity: the
    summary's message-grain counts, each dated by its own event (see
    int_campaign_metrics_by_day). Summed over all periods they equal the summary.
#}
{{ campaign_metrics_per_period('activity_date', 'event_date') }}
