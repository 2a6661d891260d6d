{#
    MetricFlow's time spine: one row per calendar day, 2020-01-01 to 2035-12-31 (about 5,800
    rows), so that a metric can be grouped by day, week or month (metric_time). dbt's
    date_spine is cross-database: the same SQL runs on DuckDB and Spark.
#}
-- dbt's date_spine renders with blank lines of its own, which LT15 would read as this model's.
-- noqa: disable=LT15
with

days as (

    {{ dbt.date_spine(
        'day',
        "cast('2020-01-01' as date)",
        "cast('2036-01-01' as date)"
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
