"""Vectorised building blocks: ids, text and Arrow columns from index arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from contract.sources import SOURCES, FieldType
from landing_simulator.clock import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS

_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_MASK48 = np.uint64((1 << 48) - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # odd, so multiplying by it is a bijection


def scramble(ordinals: np.ndarray, salt: int) -> np.ndarray:
    """A bijection of [0, 2**48): distinct ordinals give distinct, random-looking numbers."""
    x = (ordinals.astype(np.uint64) + np.uint64(salt)) & _MASK48
    return (x * _GOLDEN) & _MASK48


@cache
def _digit_table(base: int, width: int) -> np.ndarray:
    """Row v holds the `width` digits of v: small numbers are formatted by one lookup."""
    values = np.arange(base**width)
    powers = base ** np.arange(width - 1, -1, -1)
    return _DIGITS[(values[:, None] // powers) % base]


def digits(values: np.ndarray, width: int, base: int = 16) -> np.ndarray:
    """The last `width` digits of each value as an (n, width) array of ASCII codes."""
    if base == 16:  # two nibbles a byte, most significant first
        octets = values.astype(">u8").view(np.uint8).reshape(-1, 8)
        nibbles = np.empty((len(values), 16), np.uint8)
        nibbles[:, 0::2], nibbles[:, 1::2] = octets >> 4, octets & 15
        return _DIGITS[nibbles[:, 16 - width :]]
    if base**width <= 10_000:
        return _digit_table(base, width)[values % base**width]
    v = values.astype(np.uint64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for position in range(width - 1, -1, -1):  # a pass per digit, not per row
        out[:, position] = _DIGITS[(v % np.uint64(base)).astype(np.intp)]
        v //= np.uint64(base)
    return out


def strings(*parts: str | np.ndarray, n: int, valid: np.ndarray | None = None) -> pa.Array:
    """Concatenate constant texts and digit blocks row by row into a string array."""
    blocks = [
        np.broadcast_to(np.frombuffer(p.encode(), np.uint8), (n, len(p.encode())))
        if isinstance(p, str)
        else p
        for p in parts
    ]
    chars = np.ascontiguousarray(np.hstack(blocks), dtype=np.uint8)
    width = chars.shape[1]
    if n * width >= 2**31:
        raise ValueError("too many rows for one string array")
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width)
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(), n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(chars)]
    )


def iso_strings(
    ms: np.ndarray, sep: str, suffix: str, quote: str, valid: np.ndarray | None = None
) -> pa.Array:
    """Epoch milliseconds as `YYYY-MM-DD<sep>HH:MM:SS.mmm<suffix>`, optionally quoted; built
    from digit blocks because Arrow's strftime is two orders of magnitude slower."""
    days = ms // DAY_MS
    rest = ms - days * DAY_MS
    date_ = days.astype("datetime64[D]")
    month_start = date_.astype("datetime64[M]")
    fields = (
        (quote, date_.astype("datetime64[Y]").astype(np.int64) + 1970, 4),
        ("-", month_start.astype(np.int64) % 12 + 1, 2),
        ("-", (date_ - month_start).astype(np.int64) + 1, 2),
        (sep, rest // HOUR_MS, 2),
        (":", rest // MINUTE_MS % 60, 2),
        (":", rest // SECOND_MS % 60, 2),
        (".", rest % SECOND_MS, 3),
    )
    parts = [p for text, value, width in fields for p in (text, digits(value, width, 10))]
    return strings(*parts, suffix + quote, n=len(ms), valid=valid)


def join(*parts: pa.Array | str) -> pa.Array:
    """Row-wise string concatenation; a NULL part makes the row NULL."""
    return pc.binary_join_element_wise(*parts, "")


def take(array: pa.Array, index: np.ndarray) -> pa.Array:
    """array[index]; a negative index is NULL."""
    missing = index < 0
    return array.take(pa.array(np.where(missing, 0, index), pa.int64(), mask=missing))


def labels(values: Sequence[str | None], index: np.ndarray) -> pa.Array:
    """values[index] as a string array; a negative index is NULL."""
    return take(pa.array(list(values), pa.string()), index)


def where(mask: np.ndarray, values: pa.Array) -> pa.Array:
    """values where mask holds, else NULL."""
    return pc.if_else(pa.array(mask), values, pa.scalar(None, values.type))


def nullable(values: np.ndarray, valid: np.ndarray, arrow_type: pa.DataType) -> pa.Array:
    return pa.array(values, arrow_type, mask=~valid)


def timestamps(ms: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(ms, pa.int64(), mask=mask).cast(pa.timestamp("ms"))


def ceil_second(ms: np.ndarray) -> np.ndarray:
    """Providers report whole seconds, so epoch-second encodings lose nothing."""
    return (-(-ms // SECOND_MS) * SECOND_MS).astype(np.int64)


Block = dict[str, np.ndarray]  # rows as index arrays of equal length, by name


def concat(blocks: Sequence[Mapping[str, np.ndarray]]) -> Block:
    return {key: np.concatenate([b[key] for b in blocks]) for key in blocks[0]}


def take_block(block: Mapping[str, np.ndarray], index: np.ndarray) -> Block:
    return {key: values[index] for key, values in block.items()}


_ARROW_TYPES: dict[FieldType, pa.DataType] = {
    FieldType.ID: pa.string(),
    FieldType.STRING: pa.string(),
    FieldType.ENUM: pa.string(),
    FieldType.TIMESTAMP: pa.timestamp("ms"),
    FieldType.BOOLEAN: pa.bool_(),
    FieldType.INTEGER: pa.int64(),
    FieldType.DECIMAL: pa.decimal128(18, 2),
}
INTERNAL = ("_day", "_part", "_t")  # arrival day, file of the day, order within the file


def frame(
    source: str,
    columns: Mapping[str, pa.Array],
    day: np.ndarray,
    part: np.ndarray | int,
    order: np.ndarray,
) -> pa.Table:
    """A source's rows in contract order (absent fields NULL), with where they land."""
    n = len(day)
    fields = SOURCES[source].fields
    unknown = set(columns) - {f.name for f in fields}
    if unknown:
        raise ValueError(f"not fields of {source}: {sorted(unknown)}")
    arrays = [
        columns[f.name].cast(_ARROW_TYPES[f.kind])
        if f.name in columns
        else pa.nulls(n, _ARROW_TYPES[f.kind])
        for f in fields
    ]
    arrays += [
        pa.array(day, pa.int32()),
        pa.array(np.broadcast_to(part, n), pa.int8()),
        pa.array(order, pa.int64()),
    ]
    return pa.Table.from_arrays(arrays, names=[f.name for f in fields] + list(INTERNAL))
