"""Ingest: the landing zone read into the raw layer, one raw asset per source and arrival date.

`assets` (the raw assets), `checks` (the raw layer's checks: quarantine, volume, layout),
`landing` (the landing zone's layout), `readers` (each file format), `partition` (one source's
arrival date typed, validated and swapped in) and `rawlayer` (the raw layer's Parquet files).
Nothing here imports dbt: the raw layer runs before it.
"""
