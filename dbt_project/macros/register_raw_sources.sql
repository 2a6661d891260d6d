{#
    The raw layer as the sources `raw.*`, for an engine that has no per-source
    `external_location` (run as an on-run-start hook).

    DuckDB reads the Parquet partitions in place through each source's `external_location`
    (models/staging/_raw__sources.yml): nothing to do. Spark gets one view per source over the
    same files, `<raw>/<source>/arrival_date=<date>/rows.parquet`, with the partition's date
    as `_arrival_date` (`arrival_date` for the quarantine and the landed-files record), as the
    DuckDB sources have it. Nothing is copied: a view reads the files the ingest wrote.
    CW_RAW_LOCATION is the raw folder as a path or URI (the pipeline sets it).
#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'campaign_warehouse')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    {{ return('') }}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- set raw = env_var('CW_RAW_LOCATION', 'data/warehouse/raw') | replace('\\', '\\\\') | replace('`', '``') -%}
        {%- set partition_date -%}
            to_date(regexp_extract(_metadata.file_path, 'arrival_date=([0-9]{4}-[0-9]{2}-[0-9]{2})', 1))
        {%- endset -%}
        {%- set records = {
            'quarantine': ['quarantine.parquet',
                'source, source_file, source_row, reason_code, reason, raw_text'],
            'landed_files': ['files.parquet',
                'source, source_file, file_format, rows_read, rows_loaded, rows_quarantined,'
                ~ ' is_unreadable, file_bytes, rows_estimated'],
        } -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {%- if source.name in records -%}
                {%- set file, columns = records[source.name] -%}
                {%- set body -%}
                    select {{ columns.split(', ')[0] }}, {{ partition_date }} as arrival_date,
                        {{ columns.split(', ')[1:] | join(', ') }}
                    from parquet.`{{ raw }}/*/arrival_date=*/{{ file }}`
                {%- endset -%}
            {%- else -%}
                {%- set body -%}
                    select *, {{ partition_date }} as _arrival_date
                    from parquet.`{{ raw }}/{{ source.name }}/arrival_date=*/rows.parquet`
                {%- endset -%}
            {%- endif -%}
            {%- do run_query('create or replace view raw.' ~ source.name ~ ' as ' ~ body) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}
