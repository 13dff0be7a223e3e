"""The machine export of ``python -m tipdash export indicators``: per-commission indicators of a
year as CSV (no BOM, no provenance line), JSON or xlsx, victims protected."""
from __future__ import annotations

import json
import math
import numbers
from typing import Any

import pandas as pd

from tipdash import i18n
from tipdash.exports.cells import date_text, header_label, rows, tsv_field
from tipdash.exports.files import to_csv, to_xlsx
from tipdash.values import is_bool, is_missing, is_number

#: Columns of :func:`export_indicators`, in order (these English codes are the headers).
INDICATOR_EXPORT_COLUMNS = (
    "code", "name", "year", "reporting_status", "sessions", "information_activities",
    "participants", "trainings", "members_trained", "victims", "ngo_partners",
)


def _plain(v: Any) -> Any:
    """A JSON/CSV-friendly Python value: NA -> None, integral numbers -> int."""
    if is_missing(v):
        return None
    if is_bool(v):
        return bool(v)
    if is_number(v):
        f = float(v)
        if not math.isfinite(f):
            return None
        if isinstance(v, numbers.Integral) or f.is_integer():
            return int(f) if not isinstance(v, numbers.Integral) else int(v)
        return f
    d = date_text(v)
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
      line**, header on line 1, RFC 4180 (CRLF, every text field quoted); blank = not reported;
      numbers untouched, text escaped against formulas like every other download.
    * ``json``: UTF-8 list of records ``{"code": …, …}``; ``null`` = not reported.
    * ``xlsx``: :func:`to_xlsx` (sheet ``data`` + ``about`` with the provenance)."""
    lang = i18n.normalise_lang(lang)
    table = indicators_table(store, year, lang)
    fmt = str(fmt).lower().lstrip(".")
    if fmt == "csv":
        return to_csv(table, None, provenance=False, bom=False)
    if fmt == "json":
        records = [{k: _plain(v) for k, v in zip(table.columns, row)} for row in rows(table)]
        return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt in ("xlsx", "excel"):
        meta = {"view": "indicators", "year": year, "lang": lang, "filters": {"year": year}}
        return to_xlsx(table, meta)
    raise ValueError(f"unknown export format {fmt!r}; expected csv, json or xlsx")


def to_tsv(df: pd.DataFrame) -> str:
    """What ``tipdash audit`` and ``tipdash history`` print: a header and one line per row, cells
    separated by a tab.  Text is escaped like CSV text (a trigger at its start or after ``;``/``,``
    gets ``'``), and tabs, line breaks and other control characters never reach the terminal
    (they come from sign-in names and file names anyone can type)."""
    lines = ["\t".join(tsv_field(header_label(c)) for c in df.columns)]
    lines += ["\t".join(tsv_field(v) for v in row) for row in rows(df)]
    return "".join(line + "\n" for line in lines)
