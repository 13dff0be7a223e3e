"""Reading one cell value as text, a count, a date or a year, with messages for the uploader.

Shared by both formats; pure functions of the value (no sheet, no row), so they are easy to test
and to memoise.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import re

from tipdash import vocab
from tipdash.ingest.limits import MAX_COUNT
from tipdash.ingest.text import CONTROLS

MIN_YEAR = 2000

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465                      # 9999-12-31


class CellError(ValueError):
    """A cell value that cannot be read; the message says why (and shows the value)."""


def show(value: object) -> str:
    """A value as quoted in messages."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"'{value.isoformat()}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    text = CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)   # never a raw control character
    return f"'{text}'" if isinstance(value, str) else text


def to_text(value: object) -> str | None:
    if vocab.is_blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_NUM_TEXT = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")


def foreign_digits(text: str) -> bool:
    """Digits of another script (Arabic-Indic ١٢, full-width １２ …): never read as a number."""
    return any(ch.isdigit() and not "0" <= ch <= "9" for ch in text)


def not_finite(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def to_count(value: object, *, minimum: int = 0, what: str = "count") -> int | None:
    """A whole number from ``minimum`` to MAX_COUNT; None for a blank cell."""
    if not_finite(value):
        raise CellError(f"{show(value)} is not a finite number; a {what} is a whole number")
    if vocab.is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is yes/no, not a {what}; write a whole number")
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise CellError(f"{show(value)} is a date, not a {what}; write a whole number")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _INT_TEXT.fullmatch(text):
            number: float = int(text)
        elif _NUM_TEXT.fullmatch(text):
            number = float(text.replace(",", "."))
        elif foreign_digits(text):
            raise CellError(f"{show(value)} is written with digits of another script; write the {what} with "
                            f"the digits 0-9")
        else:
            approx = vocab.approx_number(text)
            hint = f"; write {approx} (approximate figures are marked in the Approximate column)" \
                if approx is not None and approx <= MAX_COUNT else "; write a whole number"
            raise CellError(f"{show(value)} is text, not a {what}{hint}")
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise CellError(f"{show(value)} is not a {what}; write a whole number")
    if not math.isfinite(number):
        raise CellError(f"{show(value)} is not a finite number; a {what} is a whole number")
    if number < 0:
        raise CellError(f"{show(value)} is negative; a {what} is a whole number ≥ {minimum}")
    if isinstance(number, float) and not number.is_integer():
        raise CellError(f"{show(value)} is fractional; a {what} is a whole number")
    if number > MAX_COUNT:
        raise CellError(f"{show(value)} is above {MAX_COUNT:,}, the largest {what} accepted")
    number = int(number)
    if number < minimum:
        raise CellError(f"{show(value)} is below {minimum}; a {what} is a whole number ≥ {minimum}")
    return number


_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)


def to_date(value: object) -> dt.date | None:
    """dd.mm.yyyy, yyyy-mm-dd, an Excel serial number or a date cell; None for a blank cell."""
    if not_finite(value):
        raise CellError(f"{show(value)} is not a date; write dd.mm.yyyy or yyyy-mm-dd")
    if vocab.is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is not a date; write dd.mm.yyyy or yyyy-mm-dd")
    if isinstance(value, str):
        return _date_text(value.strip())
    return _date_number(value)


@functools.lru_cache(maxsize=4096)
def _date_text(text: str) -> dt.date:
    return _date_number(text)


def _date_number(value: object) -> dt.date:
    serial: float | None = None
    if isinstance(value, (int, float)):
        serial = float(value)
    elif isinstance(value, str):
        text = value
        try:
            m = _DMY.fullmatch(text)
            if m:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            m = _YMD.fullmatch(text)
            if m:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"{show(value)} is not a valid calendar date") from None
        if re.fullmatch(r"[0-9]{5}(?:\.[0-9]+)?", text):
            serial = float(text)
    if serial is None:
        raise CellError(f"{show(value)} is not a date; write dd.mm.yyyy or yyyy-mm-dd")
    if not 1 <= serial <= _MAX_SERIAL:
        raise CellError(f"{show(value)} is not a date (an Excel date number is between 1 and {_MAX_SERIAL})")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def to_year(value: object) -> int:
    today = dt.date.today().year
    if vocab.is_blank(value):
        raise CellError("the year is blank")
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError(f"{show(value)} is a date; write the year as a number such as {today - 1}")
    try:
        year = to_count(value, what="year")
    except CellError:
        raise CellError(f"{show(value)} is not a year; write it as a number such as {today - 1}") from None
    if year is None or not MIN_YEAR <= year <= today:
        raise CellError(f"year {show(value)} is outside {MIN_YEAR}..{today}")
    return year
