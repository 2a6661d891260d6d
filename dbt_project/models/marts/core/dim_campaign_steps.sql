with

step_versions as (

    select * from {{ ref('stg_app__campaign_steps') }}

),

current_steps as (

    {{ deduplicate(
        'step_versions', partition_by='campaign_id, step_id', order_by='updated_at desc'
    ) }}

),

final as (

    select
        campaign_id,
        step_id,
        step_type,
        step_order,
        parent_step_id,
        branch_label,
        step_name,
        updated_at
    from current_steps

)

select * from final
