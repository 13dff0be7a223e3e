"""Cells of a download: text escaped against formula injection, dates as ISO text, numbers
untouched (see the conventions in :mod:`tipdash.exports`)."""
from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable

import pandas as pd

from tipdash.i18n.formats import plain_number
from tipdash.values import is_bool, is_missing, is_number

#: A text cell starting with one of these is prefixed with ``'`` (OWASP "CSV injection" list
#: plus the full-width forms some spreadsheet front-ends normalise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = " \u00a0\n"
ESCAPE_PREFIX = "'"


def escape_text(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet could read it as a formula."""
    if not text:
        return text
    if text.startswith(FORMULA_TRIGGERS):
        return ESCAPE_PREFIX + text
    stripped = text.lstrip(_LEADING_BLANKS)
    if stripped is not text and stripped.startswith(FORMULA_TRIGGERS):
        return ESCAPE_PREFIX + text
    return text


def date_text(value: Any) -> str | None:
    """ISO date (or date and time) of a date-like value; None for anything else."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    return None


def cell_text(value: Any) -> str:
    """How one value is written in a CSV cell (the conventions of :mod:`tipdash.exports`)."""
    if is_missing(value):
        return ""
    if is_bool(value):
        return "true" if bool(value) else "false"
    if is_number(value):
        return plain_number(value)
    d = date_text(value)
    if d is not None:
        return d
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return escape_text(str(value))


def header_text(col: Any) -> str:
    """A column header as written: tuple headers joined with " / ", escaped like text."""
    if isinstance(col, tuple):
        col = " / ".join(str(c) for c in col if str(c))
    return escape_text(str(col))


def rows(df: pd.DataFrame) -> Iterable[list[Any]]:
    """The rows of ``df`` as lists of cell values (the index is not written)."""
    # itertuples keeps the Python/numpy scalar of each cell (ints stay ints in object columns)
    for row in df.itertuples(index=False, name=None):
        yield list(row)
