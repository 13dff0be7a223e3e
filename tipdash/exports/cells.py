"""Cells of a download: text escaped against formula injection, dates as ISO text, numbers
untouched (see the conventions in :mod:`tipdash.exports`)."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Iterable

import pandas as pd

from tipdash.i18n.formats import plain_number
from tipdash.values import drop_controls, is_bool, is_missing, is_number

#: A text cell starting with one of these is prefixed with ``'`` (OWASP "CSV injection" list
#: plus the full-width forms some spreadsheet front-ends normalise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = " \u00a0\n"
ESCAPE_PREFIX = "'"
#: a separator some spreadsheet may split a cell on (Romanian and Russian Excel split a
#: double-clicked .csv on ';'), followed by blanks or quotes and a trigger: a new cell's formula
_INNER_TRIGGER = re.compile("([;,\t\r\n])(?=[ \u00a0\r\n\"]*[" + re.escape("".join(FORMULA_TRIGGERS)) + "])")


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


def spreadsheet_text(text: str, keep: str = "\t\n\r") -> str:
    """Text for a CSV/TSV cell that a spreadsheet opens as text however it splits the line:
    control characters dropped (but ``keep``), a leading trigger escaped (:func:`escape_text`),
    and a trigger after ``;`` ``,`` TAB or a line break inside the text escaped too (``a;'=1+1``)."""
    return _INNER_TRIGGER.sub("\\1" + ESCAPE_PREFIX, escape_text(drop_controls(text, keep)))


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
    return escape_text(drop_controls(str(value)))


def is_text(value: Any) -> bool:
    """Is ``value`` written as text (not blank, boolean, number or date)?"""
    return not (is_missing(value) or is_bool(value) or is_number(value) or date_text(value) is not None)


def csv_field(value: Any) -> str:
    """One CSV field as written: text always quoted (RFC 4180, quotes doubled) and
    :func:`spreadsheet_text`-escaped; blanks, booleans, numbers and dates bare."""
    if not is_text(value):
        return cell_text(value)
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return '"' + spreadsheet_text(text).replace('"', '""') + '"'


def tsv_field(value: Any) -> str:
    """One field of the CLI's tab-separated output: one line, no tab, escaped like CSV text."""
    if not is_text(value):
        return cell_text(value)
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return spreadsheet_text(re.sub(r"[\t\r\n]+", " ", text), keep="")


def header_label(col: Any) -> str:
    """A column header as text: tuple headers joined with " / "."""
    if isinstance(col, tuple):
        col = " / ".join(str(c) for c in col if str(c))
    return str(col)


def header_text(col: Any) -> str:
    """A column header as written in xlsx: escaped like text."""
    return escape_text(drop_controls(header_label(col)))


def rows(df: pd.DataFrame) -> Iterable[list[Any]]:
    """The rows of ``df`` as lists of cell values (the index is not written)."""
    # itertuples keeps the Python/numpy scalar of each cell (ints stay ints in object columns)
    for row in df.itertuples(index=False, name=None):
        yield list(row)
