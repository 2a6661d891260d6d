{#
    The lineage of every raw row landed by as_of, all sources in one relation: what the data
    quality mart compares with the deduplicated staging models to count duplicates removed.
#}
with

workspaces as (

    select
        'workspaces' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'workspaces') }}
    where {{ arrived_before_as_of() }}

),

contacts as (

    select
        'contacts' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'contacts') }}
    where {{ arrived_before_as_of() }}

),

senders as (

    select
        'senders' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'senders') }}
    where {{ arrived_before_as_of() }}

),

campaigns as (

    select
        'campaigns' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'campaigns') }}
    where {{ arrived_before_as_of() }}

),

campaign_steps as (

    select
        'campaign_steps' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'campaign_steps') }}
    where {{ arrived_before_as_of() }}

),

executions as (

    select
        'executions' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'executions') }}
    where {{ arrived_before_as_of() }}

),

sends as (

    select
        'sends' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'sends') }}
    where {{ arrived_before_as_of() }}

),

delivery_reports as (

    select
        'delivery_reports' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'delivery_reports') }}
    where {{ arrived_before_as_of() }}

),

engagements as (

    select
        'engagements' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'engagements') }}
    where {{ arrived_before_as_of() }}

),

conversions as (

    select
        'conversions' as source_name,
        _arrival_date as arrival_date,
        _source_file as source_file,
        _source_row as source_row
    from {{ source('raw', 'conversions') }}
    where {{ arrived_before_as_of() }}

),

unioned as (

    select * from workspaces
    union all
    select * from contacts
    union all
    select * from senders
    union all
    select * from campaigns
    union all
    select * from campaign_steps
    union all
    select * from executions
    union all
    select * from sends
    union all
    select * from delivery_reports
    union all
    select * from engagements
    union all
    select * from conversions

)

select * from unioned
