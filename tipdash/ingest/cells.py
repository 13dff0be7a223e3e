"""Reading one cell value as text, a count, a date or a year.

Shared by both formats; pure functions of the value (no sheet, no row), so they are easy to test
and to memoise. A value that cannot be read raises ``CellError`` with a message code and its
parameters (`messages` renders them in the reader's language).
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re

from tipdash import vocab
from tipdash.ingest.limits import MAX_COUNT

MIN_YEAR = 2000

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465                      # 9999-12-31


class CellError(ValueError):
    """A cell value that cannot be read: ``code`` (catalogue key import.problem.<code>) and
    ``params`` (the value is ``params["value"]``)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def not_finite(value: object) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def foreign_digits(text: str) -> bool:
    """Digits of another script (Arabic-Indic ١٢, full-width １２ …): never read as a number."""
    return any(ch.isdigit() and not "0" <= ch <= "9" for ch in text)


def to_text(value: object) -> str | None:
    """The text a cell stands for (numbers and dates as written); None for a blank cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not_finite(value):
        raise CellError("value.not_finite", value=value)
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


def to_count(value: object, *, minimum: int = 0) -> int | None:
    """A whole number from ``minimum`` to MAX_COUNT; None for a blank cell."""
    if not_finite(value):
        raise CellError("count.not_finite", value=value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("count.bool", value=value)
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise CellError("count.date", value=value)
    if isinstance(value, str):
        number = _count_text(value)
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise CellError("count.not_number", value=value)
    if not math.isfinite(number):
        raise CellError("count.not_finite", value=value)
    if number < 0:
        raise CellError("count.negative", value=value, minimum=minimum)
    if isinstance(number, float) and not number.is_integer():
        raise CellError("count.fractional", value=value)
    if number > MAX_COUNT:
        raise CellError("count.too_big", value=value, max=MAX_COUNT)
    number = int(number)
    if number < minimum:
        raise CellError("count.below_min", value=value, minimum=minimum)
    return number


def _count_text(value: str) -> int | float:
    text = value.strip().replace("\u00a0", "")
    if _INT_TEXT.fullmatch(text):
        return int(text)
    if _NUM_TEXT.fullmatch(text):
        return float(text.replace(",", "."))
    if foreign_digits(text):
        raise CellError("count.foreign_digits", value=value)
    approx = vocab.approx_number(text)
    if approx is not None and approx <= MAX_COUNT:
        raise CellError("count.text_approx", value=value, approx=approx)
    raise CellError("count.text", value=value)


_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)


def to_date(value: object) -> dt.date | None:
    """dd.mm.yyyy, yyyy-mm-dd, an Excel serial number or a date cell; None for a blank cell."""
    if not_finite(value):
        raise CellError("date.not_date", value=value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError("date.not_date", value=value)
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
        try:
            m = _DMY.fullmatch(value)
            if m:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            m = _YMD.fullmatch(value)
            if m:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError("date.invalid", value=value) from None
        if re.fullmatch(r"[0-9]{5}(?:\.[0-9]+)?", value):
            serial = float(value)
    if serial is None:
        raise CellError("date.not_date", value=value)
    if not 1 <= serial <= _MAX_SERIAL:
        raise CellError("date.serial_range", value=value, max=_MAX_SERIAL)
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def to_year(value: object) -> int:
    today = dt.date.today().year
    if value is None or (isinstance(value, str) and not value.strip()):
        raise CellError("year.blank")
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("year.date", value=value, example=today - 1)
    try:
        year = to_count(value)
    except CellError:
        raise CellError("year.not_year", value=value, example=today - 1) from None
    if year is None or not MIN_YEAR <= year <= today:
        raise CellError("year.range", value=value, min=MIN_YEAR, max=today)
    return year


def to_bool(value: object) -> bool | None:
    """yes/no/da/nu/true/false/1/0/x; None for a blank cell."""
    if not_finite(value):
        raise CellError("flag.invalid", value=value)
    try:
        return vocab.parse_bool(value)
    except ValueError:
        raise CellError("flag.invalid", value=value) from None


@functools.lru_cache(maxsize=65536)
def to_vocab(name: str, value: object) -> str | None:
    """The canonical code of a controlled-vocabulary value; None for a blank cell."""
    if not_finite(value):
        raise CellError("value.not_finite", value=value)
    try:
        return vocab.parse(name, value)
    except ValueError:
        accepted = [f"{vocab.label(name, c)}/{vocab.label(name, c, 'ro')}" for c in vocab.VOCABS[name]]
        raise CellError("vocab.unknown", value=value, vocab=name, accepted=accepted) from None


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
_YM = re.compile(r"([0-9]{4})[-./]([0-9]{1,2})")
_MY = re.compile(r"([0-9]{1,2})[./]([0-9]{4})")
_NAME_Y = re.compile(r"([^\W\d_]+)\.?\s+([0-9]{4})(?:\s*(?:г|г\.|года|year|anul))?", re.UNICODE)


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
            raise CellError("date.bad_month_name", value=text, name=m.group(1)[:40])
        return int(m.group(2)), month
    return None


def to_date_or_month(value: object, *, end: bool = False) -> tuple[dt.date | None, str | None]:
    """A date with its precision: (date, "day") for a full date (as :func:`to_date`), or, for a
    month written without a day ("2022-07", "07.2022", "iulie 2022", "July 2022", "июль 2022"),
    (first day of the month, "month") -- the last day when ``end``. (None, None) when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str):
        ym = _month_text(value.strip())
        if ym is not None:
            year, month = ym
            if not 1 <= month <= 12:
                raise CellError("date.bad_month", value=value, month=month)
            if not 1000 <= year <= 9999:
                raise CellError("date.bad_month_year", value=value)
            day = calendar.monthrange(year, month)[1] if end else 1
            return dt.date(year, month, day), "month"
    return to_date(value), "day"
