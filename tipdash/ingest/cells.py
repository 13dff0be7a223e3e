"""Reading one cell value as text, a count, a date or a year, with messages for the uploader.

Shared by both formats; pure functions of the value (no sheet, no row), so they are easy to test
and to memoise.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from tipdash import vocab

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


_INT_TEXT = re.compile(r"[+-]?\d+")
_NUM_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def to_count(value: object, *, minimum: int = 0, what: str = "count") -> int | None:
    """A whole number >= minimum; None for a blank cell."""
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
        else:
            approx = vocab.approx_number(text)
            hint = f"; write {approx} (approximate figures are marked in the Approximate column)" \
                if approx is not None else "; write a whole number"
            raise CellError(f"{show(value)} is text, not a {what}{hint}")
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise CellError(f"{show(value)} is not a {what}; write a whole number")
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{show(value)} is not a {what}; write a whole number")
    if number < 0:
        raise CellError(f"{show(value)} is negative; a {what} is a whole number ≥ {minimum}")
    if isinstance(number, float) and not number.is_integer():
        raise CellError(f"{show(value)} is fractional; a {what} is a whole number")
    number = int(number)
    if number < minimum:
        raise CellError(f"{show(value)} is below {minimum}; a {what} is a whole number ≥ {minimum}")
    return number


_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def to_date(value: object) -> dt.date | None:
    """dd.mm.yyyy, yyyy-mm-dd, an Excel serial number or a date cell; None for a blank cell."""
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
        if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
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


# ------------------------------------------------------------------------------ month precision

_MONTHS = {  # month names (and short forms) people write, compared after vocab.norm
    1: ("january", "jan", "ianuarie", "ian", "январь", "января", "янв"),
    2: ("february", "feb", "februarie", "febr", "февраль", "февраля", "фев"),
    3: ("march", "mar", "martie", "март", "марта"),
    4: ("april", "apr", "aprilie", "апрель", "апреля", "апр"),
    5: ("may", "mai", "май", "мая"),
    6: ("june", "jun", "iunie", "iun", "июнь", "июня"),
    7: ("july", "jul", "iulie", "iul", "июль", "июля"),
    8: ("august", "aug", "август", "августа", "авг"),
    9: ("september", "sep", "sept", "septembrie", "сентябрь", "сентября", "сен"),
    10: ("october", "oct", "octombrie", "октябрь", "октября", "окт"),
    11: ("november", "nov", "noiembrie", "noi", "ноябрь", "ноября", "ноя"),
    12: ("december", "dec", "decembrie", "декабрь", "декабря", "дек"),
}
_MONTH_INDEX = {vocab.norm(name): m for m, names in _MONTHS.items() for name in names}
_YM = re.compile(r"(\d{4})[-./](\d{1,2})")
_MY = re.compile(r"(\d{1,2})[./](\d{4})")
_NAME_Y = re.compile(r"([^\W\d_]+)\.?\s+(\d{4})(?:\s*(?:г|г\.|года|year|anul))?", re.UNICODE)


def _month_text(text: str) -> tuple[int, int] | None:
    """(year, month) of "2022-07", "07.2022", "iulie 2022", "July 2022", "июль 2022"; else None."""
    for pattern, yi, mi in ((_YM, 1, 2), (_MY, 2, 1)):
        m = pattern.fullmatch(text)
        if m:
            return int(m.group(yi)), int(m.group(mi))
    m = _NAME_Y.fullmatch(text)
    if m:
        month = _MONTH_INDEX.get(vocab.norm(m.group(1)))
        if month is None:
            raise CellError(f"{show(text)}: {m.group(1)!r} is not a month name; write e.g. 2022-07 or "
                            f"iulie 2022")
        return int(m.group(2)), month
    return None


def to_date_or_month(value: object, *, end: bool = False) -> tuple[dt.date | None, str | None]:
    """A date with its precision: (date, "day") for a full date (as :func:`to_date`), or, for a
    month written without a day ("2022-07", "07.2022", "iulie 2022", "July 2022", "июль 2022"),
    (first day of the month, "month") -- the last day when ``end``. (None, None) when blank."""
    if vocab.is_blank(value):
        return None, None
    if isinstance(value, str):
        text = value.strip()
        ym = _month_text(text)
        if ym is not None:
            year, month = ym
            if not 1 <= month <= 12:
                raise CellError(f"{show(value)} is not a month (month {month} does not exist)")
            if not 1000 <= year <= 9999:
                raise CellError(f"{show(value)} is not a month of a valid year")
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day), "month"
    return to_date(value), "day"
