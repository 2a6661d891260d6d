with

sender_versions as (

    select * from {{ ref('stg_app__senders') }}

),

current_senders as (

    {{ deduplicate('sender_versions', partition_by='sender_id', order_by='updated_at desc') }}

),

final as (

    select
        sender_id,
        workspace_id,
        channel,
        sender_name,
        updated_at
    from current_senders

)

select * from final
