"""The ONLY place downloads are formatted: CSV, xlsx, JSON, file names, provenance, escaping.

Conventions shared by every format
----------------------------------
* **Blank = not reported.**  NA (``None``, ``NaN``, ``pd.NA``, ``NaT``) is written as an empty
  cell; 0 is written as ``0``.
* **Numbers are written as numbers, untouched.**  A cell whose *value* is a Python/numpy
  number (int, float, Decimal, numpy scalar) is written as that number -- ``-3`` stays ``-3``
  (a number is not a formula).  Integral floats (``2.0``, which appear in float columns that
  also hold NA) are written as integers (``2``).  Non-finite floats (``inf``) are written as
  blanks.  Booleans are written as ``true``/``false`` in CSV and as booleans in xlsx
  (:func:`localise` turns them into Yes/No labels for people).
* **Text is escaped against formula injection** (:func:`escape_text`): a text cell that starts
  with ``=``, ``+``, ``-``, ``@``, tab or CR (or with their full-width forms, or with spaces /
  line feeds followed by ``= + - @``) gets a leading ``'``.  So a text ``"-5"`` becomes
  ``'-5`` while the number ``-5`` stays ``-5``.  Headers are text and are escaped too.
  In xlsx text is additionally written with ``write_string`` so nothing is ever a formula.
* Dates are ISO ``YYYY-MM-DD``; timestamps with a time ``YYYY-MM-DD HH:MM:SS``; periods as
  ``str(period)``.  The DataFrame index is not written.

``meta`` (every key optional)
-----------------------------
``{"view": "sessions", "year": 2022 | "2020-2022" | (2020, 2022), "lang": "ro",
"filters": {"year": 2022, "indicator": "sessions"}, "source": "…",
"exported_on": datetime (default: now, UTC)}``.

The provenance line (:func:`provenance_line`) is localised, e.g. in English::

    Source: <source>; Filters: year=2022, indicator=sessions; Exported on: 2026-11-28 14:00 UTC

Filter names and values are written as codes (``key=value``, lists joined with ``|``); with
no filters the localised word "none" is used.  Line breaks in it are replaced by spaces.
"""
from __future__ import annotations

import csv
import datetime as _dt
import decimal
import io
import json
import math
import numbers
import re
import unicodedata
from typing import Any, Iterable, Mapping

import pandas as pd

from tipdash import i18n

#: A text cell starting with one of these is prefixed with ``'`` (OWASP "CSV injection" list
#: plus the full-width forms some spreadsheet front-ends normalise).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_LEADING_BLANKS = " \u00a0\n"
ESCAPE_PREFIX = "'"

#: Columns :func:`localise` maps to vocabulary labels, by default: column -> vocabulary.
VOCAB_COLUMNS: dict[str, str] = {
    "type": "type",
    "target_group": "target_group",
    "sex": "sex",
    "age_group": "age_group",
    "exploitation": "exploitation",
    "status": "status",
    "kind": "kind",
    "reporting_status": "reporting_status",
    "format": "format",
}
#: Other vocabularies tried when a code is not in the column's own vocabulary (the ``type``
#: column of ``indicators.assistance`` holds legal/medical/…; the ``kind`` column of
#: ``indicators.periods`` holds training/campaign; ``status`` of a profile's submissions).
_ALT_VOCABS: dict[str, tuple[str, ...]] = {
    "type": ("assistance",),
    "kind": ("period_kind",),
    "status": ("submission_status",),
}

#: Columns of :func:`export_indicators`, in order (these English codes are the headers).
INDICATOR_EXPORT_COLUMNS = (
    "code", "name", "year", "reporting_status", "sessions", "information_activities",
    "participants", "trainings", "members_trained", "victims", "ngo_partners",
)

DATA_SHEET = "data"
ABOUT_SHEET = "about"


# --------------------------------------------------------------------------- cells

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


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT (scalars only)."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, bool)):
        return False
    try:
        res = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(res) if isinstance(res, (bool,)) or getattr(res, "ndim", 1) == 0 else False


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Number, decimal.Decimal)) and not isinstance(value, bool) \
        and not isinstance(value, complex)


def _number_text(value: Any) -> str:
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return ""
        return str(value)
    f = float(value)
    if not math.isfinite(f):
        return ""
    if f.is_integer() and abs(f) < 2 ** 53:
        return str(int(f))
    return repr(f)


def _date_text(value: Any) -> str | None:
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
    """How one value is written in a CSV cell (see the module docstring)."""
    if is_missing(value):
        return ""
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return "true" if bool(value) else "false"
    if _is_number(value):
        return _number_text(value)
    d = _date_text(value)
    if d is not None:
        return d
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return escape_text(str(value))


def _header_text(col: Any) -> str:
    if isinstance(col, tuple):
        col = " / ".join(str(c) for c in col if str(c))
    return escape_text(str(col))


# --------------------------------------------------------------------------- provenance

def _meta(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(meta or {})


def _lang(meta: Mapping[str, Any]) -> str:
    return i18n.normalise_lang(meta.get("lang"))


def exported_on_text(meta: Mapping[str, Any] | None = None) -> str:
    """``meta["exported_on"]`` (datetime, date or text) or now, as ``YYYY-MM-DD HH:MM UTC``."""
    value = _meta(meta).get("exported_on")
    if value is None:
        value = _dt.datetime.now(_dt.timezone.utc)
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M") + " UTC"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _filter_value(v: Any) -> str:
    if is_missing(v):
        return ""
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return "|".join(_filter_value(x) for x in items)
    if _is_number(v):
        return _number_text(v)
    d = _date_text(v)
    return d if d is not None else str(v)


def filters_text(filters: Mapping[str, Any] | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """``year=2022, indicator=sessions`` (codes, insertion order); localised "none" if empty."""
    if not filters:
        return i18n.t("export.no_filters", lang)
    return ", ".join(f"{k}={_filter_value(v)}" for k, v in filters.items())


def _one_line(s: str) -> str:
    return re.sub(r"[\r\n]+", " ", s).strip()


def provenance_line(meta: Mapping[str, Any] | None) -> str:
    """The localised one-line provenance (``Source: …; Filters: …; Exported on: …``)."""
    m = _meta(meta)
    lang = _lang(m)
    source = m.get("source") or i18n.t("export.default_source", lang)
    return _one_line(i18n.t(
        "export.provenance", lang,
        source=_one_line(str(source)),
        filters=_one_line(filters_text(m.get("filters"), lang)),
        exported_on=exported_on_text(m),
    ))


def provenance_rows(meta: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) rows of the xlsx "about" sheet; notes have an empty value."""
    m = _meta(meta)
    lang = _lang(m)
    source = m.get("source") or i18n.t("export.default_source", lang)
    rows = [
        (i18n.t("common.source", lang), _one_line(str(source))),
        (i18n.t("common.filters", lang), filters_text(m.get("filters"), lang)),
        (i18n.t("common.exported_on", lang), exported_on_text(m)),
    ]
    if m.get("view"):
        rows.append((i18n.t("export.view", lang), str(m["view"])))
    if m.get("year") is not None:
        rows.append((i18n.t("common.year", lang), _year_text(m["year"])))
    rows.append((i18n.t("export.language", lang), i18n.lang_name(lang, lang)))
    rows.append(("", ""))
    rows.append((i18n.t("export.note_blank", lang), ""))
    rows.append((i18n.t("export.note_suppressed", lang, label=_suppression_label()), ""))
    rows.append((i18n.t("export.note_formula", lang), ""))
    return rows


def _suppression_label() -> str:
    try:
        from tipdash import privacy
        return str(privacy.label())
    except Exception:  # noqa: BLE001 -- privacy.py may not be importable in isolation
        return "<5"


# --------------------------------------------------------------------------- CSV

def _rows(df: pd.DataFrame) -> Iterable[list[Any]]:
    # itertuples keeps the Python/numpy scalar of each cell (ints stay ints in object columns)
    for row in df.itertuples(index=False, name=None):
        yield list(row)


def to_csv(df: pd.DataFrame, meta: Mapping[str, Any] | None = None, *,
           provenance: bool = True, bom: bool = True) -> bytes:
    """A CSV download of ``df``.

    Layout: UTF-8 **with BOM** (so Excel shows ș ț and Cyrillic), RFC 4180 (comma separator,
    CRLF line ends, fields quoted with ``"`` only when they contain a comma, quote, CR or LF;
    quotes doubled).  Line 1 is a single cell holding the localised provenance line
    (:func:`provenance_line`), line 2 the header, then one line per row.  Read it back with
    ``pandas.read_csv(io.BytesIO(b), encoding="utf-8-sig", skiprows=1)``.

    Cells follow the module conventions: numbers untouched, text escaped against formulas
    (leading ``'``), blanks for not reported.  ``provenance=False`` / ``bom=False`` drop the
    first line / the BOM (used by :func:`export_indicators`)."""
    m = _meta(meta)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL, doublequote=True)
    if provenance:
        w.writerow([provenance_line(m)])
    w.writerow([_header_text(c) for c in df.columns])
    for row in _rows(df):
        w.writerow([cell_text(v) for v in row])
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


# --------------------------------------------------------------------------- xlsx

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
    import xlsxwriter

    m = _meta(meta)
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    try:
        wb.set_properties({"title": str(m.get("view") or "tipdash"),
                           "subject": _one_line(provenance_line(m)),
                           "author": "tipdash", "comments": provenance_line(m)})
        head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1,
                              "text_wrap": True, "valign": "top"})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        bold = wb.add_format({"bold": True})

        ws = wb.add_worksheet(DATA_SHEET)
        widths: list[int] = []
        for j, col in enumerate(df.columns):
            h = _header_text(col)
            ws.write_string(0, j, h, head)
            widths.append(_width(h))
        for i, row in enumerate(_rows(df), start=1):
            for j, v in enumerate(row):
                shown = _write_cell(ws, i, j, v, date_fmt, dt_fmt)
                if len(shown) > widths[j]:
                    widths[j] = _width(shown)
        for j, w in enumerate(widths):
            ws.set_column(j, j, max(_MIN_WIDTH, min(_MAX_WIDTH, w + 2)))
        if len(df.columns):
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(df), 1), len(df.columns) - 1)

        about = wb.add_worksheet(ABOUT_SHEET)
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
    finally:
        wb.close()
    return out.getvalue()


def _write_cell(ws, i: int, j: int, v: Any, date_fmt, dt_fmt) -> str:
    """Write one value; return its text (for the column width)."""
    if is_missing(v):
        return ""
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        ws.write_boolean(i, j, bool(v))
        return "FALSE" if not v else "TRUE"
    if _is_number(v):
        f = float(v)
        if not math.isfinite(f):
            return ""
        ws.write_number(i, j, f)
        return _number_text(v)
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


# --------------------------------------------------------------------------- file names

def slugify(text: Any) -> str:
    """ASCII ``[a-z0-9_]`` slug: diacritics dropped, other characters -> ``_``."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s


def _year_text(year: Any) -> str:
    if isinstance(year, (list, tuple)):
        ys = [str(int(y)) for y in year if not is_missing(y)]
        if not ys:
            return "all"
        lo, hi = ys[0], ys[-1]
        return lo if lo == hi else f"{lo}-{hi}"
    if is_missing(year):
        return "all"
    if _is_number(year):
        return _number_text(year)
    s = re.sub(r"[^0-9]+", "-", str(year)).strip("-")
    return s or "all"


def file_name(view: Any, year: Any, lang: str | None, ext: str) -> str:
    """``tipdash_<view>_<year>_<lang>.<ext>``, e.g. ``tipdash_sessions_2022_ro.csv``.

    ``view`` is slugified (``"Victims by sex"`` -> ``victims_by_sex``, empty -> ``data``);
    ``year`` is an int, a range text ``"2020-2022"``, a ``(2020, 2022)`` pair (equal ends ->
    one year) or None (``all``); ``lang`` is normalised (unknown -> ``ro``); ``ext`` loses a
    leading dot and is lower-cased."""
    v = slugify(view) or "data"
    e = re.sub(r"[^a-z0-9]+", "", str(ext).lower()) or "dat"
    return f"tipdash_{v}_{_year_text(year)}_{i18n.normalise_lang(lang)}.{e}"


# --------------------------------------------------------------------------- localise

def _is_bool_series(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    if s.dtype == object:
        vals = s.dropna()
        return len(vals) > 0 and all(isinstance(x, bool) or type(x).__name__ == "bool_" for x in vals)
    return False


def _vocab_mapper(col: str, vocab: str, lang: str):
    alts = (vocab,) + _ALT_VOCABS.get(col, ())

    def f(v):
        if is_missing(v):
            return v
        for name in alts:
            key = f"vocab.{name}.{v}"
            if i18n.has_key(key, lang) or i18n.has_key(key):
                return i18n.t(key, lang)
        return v
    return f


def localise(df: pd.DataFrame, lang: str | None = i18n.DEFAULT_LANG,
             vocab_columns: Iterable[str] | Mapping[str, str] | None = None, *,
             unit_names: bool = True, booleans: bool = True) -> pd.DataFrame:
    """A copy of ``df`` for people reading ``lang``.

    * ``code`` -> a ``name`` column (unit names in ``lang``) is set right after it (replacing
      an existing ``name``); ``unit_code`` -> a ``unit`` column likewise.  Codes are kept.
    * vocabulary columns -> labels (``vocab_columns``: column names that are also vocabulary
      names, or a ``{column: vocabulary}`` mapping; default :data:`VOCAB_COLUMNS` present in
      ``df``).  Unknown codes are left as they are, NA stays NA.
    * ``indicator`` column (of ``indicators.national``) -> indicator labels.
    * boolean columns -> Yes / No (NA stays blank) when ``booleans``.
    * headers -> :func:`tipdash.i18n.column_label` (duplicates get `` (column)`` appended).
    Numbers, dates and privacy labels ("<5") are not touched."""
    lang = i18n.normalise_lang(lang)
    out = df.copy()
    if vocab_columns is None:
        vmap = {c: v for c, v in VOCAB_COLUMNS.items() if c in out.columns}
    elif isinstance(vocab_columns, Mapping):
        vmap = {c: v for c, v in vocab_columns.items() if c in out.columns}
    else:
        vmap = {c: c for c in vocab_columns if c in out.columns}

    if unit_names:
        for code_col, name_col in (("code", "name"), ("unit_code", "unit")):
            if code_col not in out.columns:
                continue
            names = [i18n.unit_name(c, lang) if not is_missing(c) else pd.NA
                     for c in out[code_col].tolist()]
            if name_col in out.columns:
                out = out.drop(columns=[name_col])
            pos = list(out.columns).index(code_col) + 1
            out.insert(pos, name_col, pd.Series(names, index=out.index, dtype=object))

    for col, vocab in vmap.items():
        s = out[col]
        if _is_bool_series(s):
            continue
        out[col] = s.astype(object).map(_vocab_mapper(col, vocab, lang))

    if "indicator" in out.columns and "indicator" not in vmap:
        out["indicator"] = out["indicator"].astype(object).map(
            lambda v: v if is_missing(v) else i18n.indicator_label(str(v), lang))

    if booleans:
        yes, no = i18n.t("common.yes", lang), i18n.t("common.no", lang)
        for col in out.columns:
            if col in vmap:
                continue
            s = out[col]
            if _is_bool_series(s):
                out[col] = s.astype(object).map(lambda v: v if is_missing(v) else (yes if v else no))

    headers: list[str] = []
    seen: set[str] = set()
    for col in out.columns:
        h = i18n.column_label(col, lang)
        if h in seen:
            h = f"{h} ({col})"
        seen.add(h)
        headers.append(h)
    out.columns = headers
    return out


def download(df: pd.DataFrame, meta: Mapping[str, Any], fmt: str = "csv", *,
             localised: bool = True) -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of a page download: ``localise`` (when ``localised``)
    then :func:`to_csv` / :func:`to_xlsx`; ``meta`` as in the module docstring."""
    m = _meta(meta)
    lang = _lang(m)
    frame = localise(df, lang) if localised else df
    fmt = fmt.lower().lstrip(".")
    if fmt in ("xlsx", "excel"):
        return (to_xlsx(frame, m), file_name(m.get("view", "data"), m.get("year"), lang, "xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt == "csv":
        return (to_csv(frame, m), file_name(m.get("view", "data"), m.get("year"), lang, "csv"),
                "text/csv")
    raise ValueError(f"unknown download format {fmt!r}; expected csv or xlsx")


# --------------------------------------------------------------------------- CLI export

def _plain(v: Any) -> Any:
    """A JSON/CSV-friendly Python value: NA -> None, integral numbers -> int."""
    if is_missing(v):
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return bool(v)
    if _is_number(v):
        f = float(v)
        if not math.isfinite(f):
            return None
        if isinstance(v, numbers.Integral) or f.is_integer():
            return int(f) if not isinstance(v, numbers.Integral) else int(v)
        return f
    d = _date_text(v)
    if d is not None:
        return d
    return str(v)


def indicators_table(store, year: int, lang: str = "en") -> pd.DataFrame:
    """The table behind :func:`export_indicators` (victims already protected), columns
    :data:`INDICATOR_EXPORT_COLUMNS`, cells as plain Python values (None = not reported)."""
    from tipdash import indicators, privacy

    lang = i18n.normalise_lang(lang)
    df = indicators.unit_year(store, year).copy()
    if "victims" in df.columns:
        known = pd.to_numeric(df["victims"], errors="coerce")
        total = int(known.sum()) if known.notna().any() else None
        df = privacy.protect_units(df, "victims", national_total=total)
    df["name"] = [i18n.unit_name(c, lang) for c in df["code"].tolist()]
    if "year" not in df.columns:
        df["year"] = year
    for col in INDICATOR_EXPORT_COLUMNS:
        if col not in df.columns:
            df[col] = None
    out = pd.DataFrame({col: [_plain(v) for v in df[col].tolist()] for col in INDICATOR_EXPORT_COLUMNS},
                       dtype=object)
    return out


def export_indicators(store, year: int, fmt: str = "csv", lang: str = "en") -> bytes:
    """Per-commission indicators of ``year`` for ``python -m tipdash export indicators``.

    One row per commission unit (35, ordered by code) with the columns
    ``code,name,year,reporting_status,sessions,information_activities,participants,trainings,
    members_trained,victims,ngo_partners`` -- these English codes are the headers in every
    format; ``name`` is in ``lang``; ``reporting_status`` holds codes (not_reported,
    reported_no_sessions, met); victims pass through ``privacy.protect_units`` (suppressed
    cells hold the label, e.g. ``"<5"``).

    * ``csv``: a **machine export** -- plain UTF-8 **without BOM and without the provenance
      line**, header on line 1, RFC 4180 (CRLF, minimal quoting); blank = not reported;
      numbers untouched, text escaped against formulas like every other download.
    * ``json``: UTF-8 list of records ``{"code": …, …}``; ``null`` = not reported.
    * ``xlsx``: :func:`to_xlsx` (sheet ``data`` + ``about`` with the provenance)."""
    lang = i18n.normalise_lang(lang)
    table = indicators_table(store, year, lang)
    fmt = str(fmt).lower().lstrip(".")
    if fmt == "csv":
        return to_csv(table, None, provenance=False, bom=False)
    if fmt == "json":
        records = [{k: _plain(v) for k, v in zip(table.columns, row)} for row in _rows(table)]
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt in ("xlsx", "excel"):
        meta = {"view": "indicators", "year": year, "lang": lang, "filters": {"year": year}}
        return to_xlsx(table, meta)
    raise ValueError(f"unknown export format {fmt!r}; expected csv, json or xlsx")
