{#
    Workspaces, current values: int_workspaces_current decides them and its columns are the
    ones published (documented in dim_workspaces.yml).
#}
with

current_workspaces as (

    select * from {{ ref('int_workspaces_current') }}

)

select * from current_workspaces
