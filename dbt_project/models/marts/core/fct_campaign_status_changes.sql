{#
    A campaign's status over time: one row per period in which the status held, from the
    upserted versions of the campaign. Versions that repeat the previous status (a rename, a
    window change) do not start a new period.
#}
with

campaign_versions as (

    select * from {{ ref('stg_app__campaigns') }}

),

sequenced as (

    select
        campaign_id,
        campaign_status,
        updated_at,
        lag(campaign_status) over (
            partition by campaign_id order by updated_at
        ) as previous_status
    from campaign_versions

),

changes as (

    select
        campaign_id,
        campaign_status,
        previous_status,
        updated_at as valid_from
    from sequenced
    where previous_status is null
        or previous_status <> campaign_status

),

final as (

    select
        campaign_id,
        campaign_status,
        previous_status,
        valid_from,
        lead(valid_from) over (partition by campaign_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by campaign_id order by valid_from) is null
            as is_current
    from changes

)

select * from final
