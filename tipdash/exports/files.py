"""Download files: CSV (UTF-8 with BOM, provenance line), xlsx (data + about sheets), their
names, and :func:`download` which the pages call."""
from __future__ import annotations

import datetime as _dt
import io
import math
import re
import unicodedata
from typing import Any, Mapping

import pandas as pd
import xlsxwriter

from tipdash import i18n
from tipdash.exports.cells import cell_text, csv_field, escape_text, header_label, header_text, rows
from tipdash.exports.labels import localise
from tipdash.exports.provenance import meta_dict, meta_lang, one_line, provenance_line, provenance_rows, year_text
from tipdash.i18n.formats import plain_number
from tipdash.values import is_bool, is_missing, is_number

DATA_SHEET = "data"
ABOUT_SHEET = "about"


def to_csv(df: pd.DataFrame, meta: Mapping[str, Any] | None = None, *,
           provenance: bool = True, bom: bool = True) -> bytes:
    """A CSV download of ``df``.

    Layout: UTF-8 **with BOM** (so Excel shows ș ț and Cyrillic), RFC 4180 (comma separator,
    CRLF line ends, quotes doubled), **every text field quoted** (headers and the provenance line
    too; numbers, dates, booleans and blanks bare).  Line 1 is a single cell holding the localised
    provenance line (:func:`provenance_line`), line 2 the header, then one line per row.  Read it
    back with ``pandas.read_csv(io.BytesIO(b), encoding="utf-8-sig", skiprows=1)``.

    Cells follow the module conventions: numbers untouched, text escaped against formulas
    (leading ``'``, and after a ``;`` ``,`` TAB or line break inside the text, because Romanian
    and Russian Excel split a double-clicked .csv on ``;``), control characters dropped, blanks
    for not reported.  ``provenance=False`` / ``bom=False`` drop the first line / the BOM (used
    by :func:`export_indicators`)."""
    m = meta_dict(meta)
    lines = [csv_field(provenance_line(m))] if provenance else []
    lines.append(",".join(csv_field(header_label(c)) for c in df.columns))
    lines += [",".join(csv_field(v) for v in row) for row in rows(df)]
    data = "".join(line + "\r\n" for line in lines).encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


_MAX_WIDTH = 60
_MIN_WIDTH = 6


def _width(text: str) -> int:
    longest = max((len(line) for line in text.split("\n")), default=0)
    return longest


def to_xlsx(df: pd.DataFrame, meta: Mapping[str, Any] | None = None) -> bytes:
    """An Excel workbook (xlsxwriter) of ``df``.

    * sheet ``data``: a formatted header row (bold, filled, frozen, with an autofilter) and the
      rows.  Text (and headers) is escaped like CSV and written with ``write_string`` -- never
      a formula, never a URL, never converted to a number.  Numbers with ``write_number``
      (untouched), booleans with ``write_boolean``, dates as real dates (``yyyy-mm-dd``),
      NA as empty cells.  Column widths fit the content (capped at 60 characters).
    * sheet ``about``: the provenance (source, filters, exported on, view, year, language)
      and notes (blank = not reported, suppression label, formula escaping) in the chosen
      language."""
    m = meta_dict(meta)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    try:
        wb.set_properties({"title": str(m.get("view") or "tipdash"),
                           "subject": one_line(provenance_line(m)),
                           "author": "tipdash", "comments": provenance_line(m)})
        formats = {
            "head": wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1,
                                   "text_wrap": True, "valign": "top"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "bold": wb.add_format({"bold": True}),
        }
        _data_sheet(wb.add_worksheet(DATA_SHEET), df, formats)
        _about_sheet(wb.add_worksheet(ABOUT_SHEET), m, formats["bold"])
    finally:
        wb.close()
    return out.getvalue()


def _data_sheet(ws, df: pd.DataFrame, formats: dict) -> None:
    widths: list[int] = []
    for j, col in enumerate(df.columns):
        h = header_text(col)
        ws.write_string(0, j, h, formats["head"])
        widths.append(_width(h))
    for i, row in enumerate(rows(df), start=1):
        for j, v in enumerate(row):
            shown = _write_cell(ws, i, j, v, formats["date"], formats["datetime"])
            if len(shown) > widths[j]:
                widths[j] = _width(shown)
    for j, w in enumerate(widths):
        ws.set_column(j, j, max(_MIN_WIDTH, min(_MAX_WIDTH, w + 2)))
    if len(df.columns):
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)


def _about_sheet(about, m: dict, bold) -> None:
    w0 = w1 = 10
    for i, (label, value) in enumerate(provenance_rows(m)):
        if label:
            about.write_string(i, 0, escape_text(label), bold if value else None)
            if value:
                w0 = max(w0, len(label))
        if value:
            about.write_string(i, 1, escape_text(value))
            w1 = max(w1, len(value))
    about.set_column(0, 0, min(_MAX_WIDTH, w0 + 2))
    about.set_column(1, 1, min(100, w1 + 2))


def _write_cell(ws, i: int, j: int, v: Any, date_fmt, dt_fmt) -> str:
    """Write one value; return its text (for the column width)."""
    if is_missing(v):
        return ""
    if is_bool(v):
        ws.write_boolean(i, j, bool(v))
        return "FALSE" if not v else "TRUE"
    if is_number(v):
        f = float(v)
        if not math.isfinite(f):
            return ""
        ws.write_number(i, j, f)
        return plain_number(v)
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, _dt.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        midnight = v.time() == _dt.time(0, 0)
        ws.write_datetime(i, j, v, date_fmt if midnight else dt_fmt)
        return "yyyy-mm-dd" if midnight else "yyyy-mm-dd hh:mm:ss"
    if isinstance(v, _dt.date):
        ws.write_datetime(i, j, _dt.datetime(v.year, v.month, v.day), date_fmt)
        return "yyyy-mm-dd"
    text = cell_text(v)
    ws.write_string(i, j, text)
    return text


def slugify(text: Any) -> str:
    """ASCII ``[a-z0-9_]`` slug: diacritics dropped, other characters -> ``_``."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s


def file_name(view: Any, year: Any, lang: str | None, ext: str) -> str:
    """``tipdash_<view>_<year>_<lang>.<ext>``, e.g. ``tipdash_sessions_2022_ro.csv``.

    ``view`` is slugified (``"Victims by sex"`` -> ``victims_by_sex``, empty -> ``data``);
    ``year`` is an int, a range text ``"2020-2022"``, a ``(2020, 2022)`` pair (equal ends ->
    one year) or None (``all``); ``lang`` is normalised (unknown -> ``ro``); ``ext`` loses a
    leading dot and is lower-cased."""
    v = slugify(view) or "data"
    e = re.sub(r"[^a-z0-9]+", "", str(ext).lower()) or "dat"
    return f"tipdash_{v}_{year_text(year)}_{i18n.normalise_lang(lang)}.{e}"


def download(df: pd.DataFrame, meta: Mapping[str, Any], fmt: str = "csv", *,
             localised: bool = True) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of a page download: ``localise`` (when ``localised``)
    then :func:`to_csv` / :func:`to_xlsx`; ``meta`` as in the module docstring."""
    m = meta_dict(meta)
    lang = meta_lang(m)
    frame = localise(df, lang) if localised else df
    fmt = fmt.lower().lstrip(".")
    if fmt in ("xlsx", "excel"):
        return (to_xlsx(frame, m), file_name(m.get("view", "data"), m.get("year"), lang, "xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "csv":
        return (to_csv(frame, m), file_name(m.get("view", "data"), m.get("year"), lang, "csv"),
                "text/csv")
    raise ValueError(f"unknown download format {fmt!r}; expected csv or xlsx")
