"""The landing contract as SQL: typing and validation, generated from `sources.py`.

Every reader hands over the same relation: `source_row`, the row as read `raw_value` (a
line, or the row as a struct), a `parse_error` (NULL when the row could be read) and one
VARCHAR column `_text_<field>` per contract field (NULL when absent). `typed_select` turns it
into typed columns and a `reason`, NULL for a valid row, else the first rule it breaks, and
keeps the raw text only for rows that fail. A value is never rounded or truncated: a text
that does not convert exactly is a wrong type.
"""

from __future__ import annotations

from contract.sources import Field, FieldType, Source, quote_ident

# The contract's latest acceptable timestamp: the arrival date + 1 day (00:00 UTC).
_LATEST_TIMESTAMP = "(cast($arrival_date as timestamp) + interval 1 day)"
# Epoch seconds outside [1970, 3000) are not timestamps any provider sends.
_MAX_EPOCH_SECONDS = 32503680000
# Integers are digits only: `2.5` or `1e3` in an integer field is a wrong type, not a value
# to round.
_INTEGER_PATTERN = "[+-]?[0-9]+"
_DECIMAL_TYPE = "decimal(18, 4)"


def text_column(field: Field) -> str:
    """The name of the VARCHAR column a reader gives for `field`."""
    return quote_ident("_text_" + field.name)


def sql_string(literal: str) -> str:
    """A string literal for our own contract constants (field names, enum values)."""
    return "'" + literal.replace("'", "''") + "'"


def json_structure(source: Source) -> str:
    """The `json_transform` structure that reads every field of a document as text at once
    (one parse per line; a field read with `->>` would parse the line once per field)."""
    fields = ", ".join(f'"{f.name}": "VARCHAR"' for f in source.fields)
    return sql_string("{" + fields + "}")


def _typed(field: Field) -> str:
    """The SQL expression that turns the field's text into its typed value (or NULL)."""
    text = text_column(field)
    kind = field.kind
    if kind in (FieldType.ID, FieldType.STRING):
        return text
    if kind is FieldType.ENUM:
        return f"lower(trim({text}))"
    if kind is FieldType.INTEGER:
        return (
            f"case when regexp_full_match(trim({text}), '{_INTEGER_PATTERN}') "
            f"then try_cast(trim({text}) as bigint) end"
        )
    if kind is FieldType.DECIMAL:
        # A value with more decimals than the column keeps would be rounded: refused.
        return (
            f"case when try_cast({text} as decimal(38, 10)) = try_cast({text} as {_DECIMAL_TYPE}) "
            f"then try_cast({text} as {_DECIMAL_TYPE}) end"
        )
    if kind is FieldType.BOOLEAN:
        return (
            f"case lower(trim({text})) when 'true' then true when '1' then true "
            f"when 'false' then false when '0' then false end"
        )
    # Timestamps: epoch seconds (a JSON number or a numeric string), else ISO-8601, where a
    # value without an offset is UTC because the session time zone is UTC.
    epoch = f"try_cast(trim({text}) as double)"
    return (
        f"case when {epoch} is not null then "
        f"case when {epoch} >= 0 and {epoch} < {_MAX_EPOCH_SECONDS} "
        f"then to_timestamp({epoch}) at time zone 'UTC' end "
        f"else try_cast({text} as timestamptz) at time zone 'UTC' end"
    )


def _field_errors(field: Field) -> list[tuple[str, str]]:
    """(condition, reason) pairs for one field, in the order they are reported."""
    name = quote_ident(field.name)
    raw = text_column(field)
    errors: list[tuple[str, str]] = []
    if field.required:
        errors.append((f"{raw} is null", f"missing_required:{field.name}"))
    if field.is_id:
        errors.append((f"trim({raw}) = ''", f"empty_id:{field.name}"))
    if field.kind is FieldType.ENUM:
        allowed = ", ".join(sql_string(v) for v in field.allowed)
        errors.append((f"{name} not in ({allowed})", f"invalid_enum:{field.name}"))
    elif field.kind is FieldType.TIMESTAMP:
        errors.append((f"{raw} is not null and {name} is null", f"invalid_timestamp:{field.name}"))
        errors.append((f"{name} > {_LATEST_TIMESTAMP}", f"future_timestamp:{field.name}"))
    elif field.kind in (FieldType.INTEGER, FieldType.DECIMAL, FieldType.BOOLEAN):
        errors.append((f"{raw} is not null and {name} is null", f"invalid_type:{field.name}"))
    if field.min_value is not None:
        errors.append(
            (
                f"{name} < {int(field.min_value)}",
                f"out_of_range:{field.name} (less than {field.min_value})",
            )
        )
    if field.only_when is not None:
        other, value = field.only_when
        errors.append(
            (
                f"{raw} is not null and {quote_ident(other)} is distinct from {sql_string(value)}",
                f"not_applicable:{field.name} (set only when {other} is {value})",
            )
        )
    if field.required_when is not None:
        other, value = field.required_when
        errors.append(
            (
                f"{quote_ident(other)} = {sql_string(value)} and {raw} is null",
                f"missing_required:{field.name} (when {other} is {value})",
            )
        )
    if field.required_with is not None:
        other = quote_ident(field.required_with)
        errors.append(
            (
                f"{other} is not null and {raw} is null",
                f"missing_required:{field.name} (when {field.required_with} is set)",
            )
        )
    return errors


def typed_table_ddl(source: Source, table: str) -> str:
    """A temporary table for one partition's typed rows, valid or not."""
    fields = ", ".join(f"{quote_ident(f.name)} {f.kind.sql_type}" for f in source.fields)
    return (
        f"create or replace temp table {table} (file_index integer, source_row bigint, "
        f"{fields}, reason varchar, raw_text varchar)"
    )


def typed_select(source: Source, reader: str, raw_text: str = "raw_value") -> str:
    """`select` of typed rows from a reader's relation, for `insert into` the typed table.

    `raw_text` turns `raw_value` into the text kept for a rejected row; it is evaluated for
    rejected rows only. The caller binds `$file_index` and `$arrival_date` (which bounds the
    latest acceptable timestamp).
    """
    texts = ", ".join(text_column(f) for f in source.fields)
    typed = ",\n        ".join(f"{_typed(f)} as {quote_ident(f.name)}" for f in source.fields)
    checks: list[tuple[str, str | None]] = [("parse_error is not null", None)]
    for f in source.fields:
        checks.extend(_field_errors(f))
    whens = "\n            ".join(
        f"when {cond} then parse_error"
        if reason is None
        else f"when {cond} then {sql_string(reason)}"
        for cond, reason in checks
    )
    columns = ", ".join(quote_ident(f.name) for f in source.fields)
    return f"""
with read_rows as (
    {reader}
),
typed as (
    select source_row, parse_error, raw_value, {texts},
        {typed}
    from read_rows
),
judged as (
    select *,
        case
            {whens}
        end as reason
    from typed
)
select $file_index, source_row, {columns}, reason,
    case when reason is not null then {raw_text} end
from judged
"""
