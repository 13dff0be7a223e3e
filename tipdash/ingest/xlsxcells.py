"""The value of one xlsx cell: numbers, shared and inline strings, booleans, errors, cached
formula results, and dates (a number whose style has a date format, built-in or custom).

Shared by the fast (regex) and the exact (expat) sheet readers in `tipdash.ingest.xlsxsheet`,
so both give the same value for the same cell.
"""
from __future__ import annotations

import datetime as dt
import math
import re

from tipdash.ingest.limits import _corrupt, _norm_float, col_letter

_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_MAX_SERIAL = 2958465.99999                    # 9999-12-31 23:59:59

# Built-in number formats (ECMA-376 18.8.30) that show dates or times.
_BUILTIN_DATE = {14, 15, 16, 17, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58}
_BUILTIN_TIME = {18, 19, 20, 21, 32, 33, 45, 47, 55, 56}
_BUILTIN_DATETIME = {22}
_BUILTIN_DURATION = {46}

_RE_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_RE_BRACKET = re.compile(r"\[([^\]]*)\]")
_RE_AMP = re.compile(r"&(?:(#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z_][\w.\-]{0,30});)?")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_RE_XESC = re.compile(r"_x([0-9A-Fa-f]{4})_")
_RE_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_NON_FINITE = {b"nan": math.nan, b"inf": math.inf, b"+inf": math.inf, b"-inf": -math.inf,
               b"infinity": math.inf, b"-infinity": -math.inf, b"+infinity": math.inf}


def format_kind(code: str) -> str | None:
    """'date', 'datetime', 'time' or 'duration' for a number format code; None for a number."""
    first = code.split(";")[0]
    duration = False
    for m in _RE_BRACKET.finditer(first):
        if m.group(1).lower() in ("h", "hh", "m", "mm", "s", "ss"):
            duration = True
    text = _RE_BRACKET.sub("", _RE_QUOTED.sub("", first)).lower()
    if duration:
        return "duration"
    has_date = "y" in text or "d" in text or "e" in text.replace("general", "")
    has_time = "h" in text or "s" in text.replace("general", "")
    if "m" in text and not has_time and not has_date:
        has_date = True                        # "mmm": a month name
    if has_date and has_time:
        return "datetime"
    if has_date:
        return "date"
    if has_time:
        return "time"
    return None


def builtin_kind(fmt_id: int) -> str | None:
    if fmt_id in _BUILTIN_DATE:
        return "date"
    if fmt_id in _BUILTIN_DATETIME:
        return "datetime"
    if fmt_id in _BUILTIN_TIME:
        return "time"
    if fmt_id in _BUILTIN_DURATION:
        return "duration"
    return None


def xml_text(raw: bytes) -> str:
    """Raw XML character data as a parser gives it: UTF-8, entities and character references
    resolved, line ends normalised. ValueError (or UnicodeDecodeError) when it is not well-formed."""
    s = raw.decode("utf-8")
    if "&" in s:
        s = _RE_AMP.sub(_entity, s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return s


def _entity(m: re.Match) -> str:
    ent = m.group(1)
    if ent is None:
        raise ValueError("a bare '&' in the text")
    if ent[0] == "#":
        code = int(ent[2:], 16) if ent[1] == "x" else int(ent[1:])
        if code > 0x10FFFF:
            raise ValueError("character reference out of range")
        return chr(code)
    if ent not in _ENTITIES:
        raise ValueError(f"undefined entity &{ent};")
    return _ENTITIES[ent]


def decode_x(s: str) -> str:
    """OOXML escapes: ``_x001B_`` is ESC, ``_x005F_`` a literal underscore."""
    if "_x" not in s:
        return s
    return _RE_XESC.sub(lambda m: chr(int(m.group(1), 16)), s)


def number(name: str, ref, raw: bytes) -> int | float:
    """A numeric cell's text: ASCII digits only ("١٢" and "1_000" are no numbers here)."""
    if raw.isdigit():
        return int(raw)
    s = raw.strip()
    if _RE_NUMBER.fullmatch(s):
        return _norm_float(float(s))
    special = _NON_FINITE.get(s.lower())
    if special is not None:
        return special                         # NaN and INF are refused by the validation, by cell
    raise _corrupt(name, "cell_number", cell=ref(), value=s[:40].decode("utf-8", "replace"))


def serial_value(x: int | float, kind: str, date1904: bool):
    """An Excel date/time serial as a date, datetime, time or timedelta (numbers outside the
    calendar stay numbers; the validation says why they are no dates)."""
    if isinstance(x, float) and not math.isfinite(x):
        return x
    if kind == "duration":
        return dt.timedelta(days=x)
    if kind == "time" and 0 <= x < 1:
        secs = round(x * 86400)
        if secs >= 86400:
            secs = 86399
        return dt.time(secs // 3600, secs // 60 % 60, secs % 60)
    if not 0 <= x <= _MAX_SERIAL or (x < 1 and kind != "time"):
        return x
    if date1904:
        base = _EPOCH_1904
    else:
        base = _EPOCH_1900 + dt.timedelta(days=1) if x < 60 else _EPOCH_1900   # Excel's 1900-02-29
    days = int(x)
    if kind == "date" and x == days:
        return (base + dt.timedelta(days=days)).date()
    stamp = base + dt.timedelta(days=days, seconds=round((x - days) * 86400))
    if kind == "date" and stamp.time() == dt.time():
        return stamp.date()
    return stamp


def iso_value(name: str, ref, text: str):
    """A ``t="d"`` cell: an ISO 8601 date or date-time."""
    try:
        stamp = dt.datetime.fromisoformat(text.strip().rstrip("Z"))
    except ValueError:
        raise _corrupt(name, "cell_date", cell=ref(), value=text[:40]) from None
    return stamp.date() if stamp.time() == dt.time() and "T" not in text else stamp


def convert(name: str, ref, t: str, kind: str | None, v: str | None, inline: str | None, sst: list,
            date1904: bool):
    """The value of a cell from its parts: type, style kind, <v> text and inline text (both as
    the XML parser gives them). A formula without a cached value is reported by the reader."""
    if t in ("", "n"):
        if not v or not v.strip():
            return None
        x = number(name, ref, v.encode("ascii", "replace"))
        return serial_value(x, kind, date1904) if kind else x
    if t == "s":
        try:
            return sst[int(v)]
        except (ValueError, IndexError, TypeError):
            raise _corrupt(name, "cell_string", cell=ref(), value=str(v)[:40]) from None
    if t == "inlineStr":
        return clean(decode_x(inline) if inline is not None else (decode_x(v) if v else None))
    if t == "str":
        return clean(decode_x(v)) if v else None
    if t == "b":
        if v is None or v.strip() == "":
            return None
        if v.strip() in ("1", "0"):
            return v.strip() == "1"
        raise _corrupt(name, "cell_bool", cell=ref(), value=v[:40])
    if t == "e":
        return clean(decode_x(v)) if v else None
    if t == "d":
        return iso_value(name, ref, v) if v and v.strip() else None
    raise _corrupt(name, "cell_type", cell=ref(), value=t[:20])


def clean(s: str | None) -> str | None:
    if s is None:
        return None
    s = s.strip()
    return s or None


def ref_fn(sheet: str, row: int, col: int):
    """A lazily built cell address for messages ("Sessions!C3")."""
    return lambda: f"{sheet}!{col_letter(col)}{row + 1}"


