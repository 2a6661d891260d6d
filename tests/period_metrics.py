"""The counts the period marts (daily, weekly, monthly) and mart_channel_daily hold, in column
order, as the metrics contract lists them: the tests' own statement, independent of the dbt var
`campaign_period_metrics` that the models and checks read, so that a test can compare the two."""

PERIOD_COUNTS: tuple[str, ...] = (
    "messages_attempted",
    "messages_sent",
    "messages_dropped",
    "messages_delivered",
    "messages_undelivered",
    "messages_delivery_pending",
    "opens",
    "clicks",
    "responses",
    "conversions",
    "segments_sent",
)

# The glossary's rates over those counts (metrics contract, docs block `metric_glossary`): the
# semantic layer's ratio metrics must divide the same numerator by the same base.
GLOSSARY_RATES: frozenset[str] = frozenset(
    {"delivery_rate", "open_rate", "click_through_rate", "conversion_rate", "response_rate"}
)
