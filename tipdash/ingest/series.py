"""Format C, the national statistical series (docs/FORMATS.md section C): two CSV files, the
figures (``national_series.csv``) and the sources they cite (``sources.csv``), imported together.

A series file gives one submission per (year, source) of unit 'MD', format 'series': everything
one source publishes for one year. It supersedes only the current submission of the same
(year, source) -- never the national-level commission report (format A) of that year, whose
source is NULL -- and only when its figures or its source row differ (``digest``), so a corrected
file replaces just the years and sources it changes. Each submission stores the source row it
was imported with (``series_sources``), so a figure's provenance stays what it was.

``parse`` validates one file in the worker process (located problems with message codes
``series.*`` / ``sources.*``, nothing written); ``series_link`` then gives every series
submission its source row in the parent, across the files of the batch.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from tipdash import series_vocab as sv
from tipdash.ingest.sheet import Parsed, Submission, _blank_row, _Ctx, _header_row, cell_ref

NATIONAL = "MD"
FIRST_YEAR = 2000
_DECIMAL = re.compile(r"\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BREAKDOWN = {"blank": "series.breakdown_blank", "pair": "series.breakdown_pair",
              "dimension": "series.breakdown_dimension", "category": "series.breakdown_category",
              "destination": "series.breakdown_destination", "twice": "series.breakdown_twice",
              "order": "series.breakdown_order"}


@dataclass
class SourceRow:
    sheet: str
    row_no: int
    source: str
    publisher: str | None
    title: str | None
    url: str | None
    licence: str | None
    accessed: dt.date | None
    note: str | None

    def fact(self) -> tuple:
        return (self.sheet, self.row_no, self.source, self.publisher, self.title, self.url, self.licence,
                self.accessed, self.note)


@dataclass
class SeriesSubmission(Submission):
    """One (year, source) of a series file. ``figures``: sha256 of its figures (worker side);
    ``digest``: of its figures and its source row (``series_link``); ``row_nos``: its spreadsheet
    rows (for messages); ``source_row``: the source it cites, once linked."""
    source: str = ""
    figures: str = ""
    digest: str | None = None
    row_nos: list[int] = field(default_factory=list)
    source_row: SourceRow | None = None


@dataclass
class SourcesParsed(Parsed):
    sources: dict[str, SourceRow] = field(default_factory=dict)


def detect(rows: list[list]) -> str | None:
    """'series' or 'sources' when the first non-blank row looks like that header (checked exactly
    later, so that a near miss gets a precise message), else None."""
    hi = _header_row(rows or [])
    if hi is None:
        return None
    found = {str(c).strip().lower() for c in rows[hi] if c is not None}
    if {"indicator", "breakdown"} <= found:
        return "series"
    if {"publisher", "licence"} <= found:
        return "sources"
    return None


def parse(ctx: _Ctx, file: str, fmt: str, sheet: str, rows: list[list]) -> Parsed:
    """Validate a series or a sources file (problems go to ``ctx``)."""
    if fmt == "sources":
        found = _parse_sources(ctx, sheet, rows)
        return SourcesParsed(file, "sources", [], sources={} if ctx.has_errors else found)
    return Parsed(file, "series", _parse_series(ctx, sheet, rows))


def _header_ok(ctx: _Ctx, sheet: str, rows: list[list], expected: tuple[str, ...]) -> int | None:
    """Index of the header row when it is exactly ``expected``, else None (with an error)."""
    hi = _header_row(rows)
    got = [None if c is None else str(c).strip() for c in rows[hi]]
    while got and got[-1] is None:
        got.pop()
    if [g.lower() if g else g for g in got] == list(expected):
        return hi
    bad = next((j for j in range(max(len(got), len(expected)))
                if j >= len(got) or j >= len(expected) or (got[j] or "").lower() != expected[j]), 0)
    have = got[bad] if bad < len(got) else None
    col = have or f"column {bad + 1}"
    params = {"header": ",".join(expected), "column": bad + 1}
    if bad >= len(expected):
        ctx.error(sheet, hi + 1, col, have, "series.header_extra", cell_ref(bad, hi + 1), value=have, **params)
    elif have:
        ctx.error(sheet, hi + 1, col, have, "series.header_wrong", cell_ref(bad, hi + 1), value=have,
                  expected=expected[bad], **params)
    else:
        ctx.error(sheet, hi + 1, col, None, "series.header_missing", cell_ref(bad, hi + 1), expected=expected[bad],
                  **params)
    return None


def _cells(row: list, n: int) -> list[str | None]:
    out = [None if v is None else str(v).strip() or None for v in row[:n]]
    return out + [None] * (n - len(out))


# ------------------------------------------------------------------------------ the figures

def _parse_series(ctx: _Ctx, sheet: str, rows: list[list]) -> list[SeriesSubmission]:
    hi = _header_ok(ctx, sheet, rows, sv.SERIES_HEADER)
    if hi is None:
        return []
    groups: dict[tuple[int, str], SeriesSubmission] = {}
    seen: dict[tuple, int] = {}
    n_rows = 0
    for r, row in enumerate(rows[hi + 1:], start=hi + 2):
        if _blank_row(row):
            continue
        n_rows += 1
        rec = _series_row(ctx, sheet, r, dict(zip(sv.SERIES_HEADER, _cells(row, len(sv.SERIES_HEADER)))))
        if rec is None:
            continue
        year, indicator, breakdown, value, text, unit, source, note = rec
        key = (year, indicator, breakdown, source)
        if key in seen:
            ctx.error(sheet, r, "breakdown", breakdown, "series.duplicate", _cell("breakdown", r), year=year,
                      indicator=indicator, breakdown=breakdown, source=source, first=seen[key])
            continue
        seen[key] = r
        sub = groups.get((year, source))
        if sub is None:
            sub = groups[(year, source)] = SeriesSubmission(NATIONAL, f"{year} {source}", year, sheet, r, None,
                                                            source=source, facts={"series": [[] for _ in range(8)]})
        for col, v in zip(sub.facts["series"], (sheet, r, indicator, breakdown, value, text, unit, note)):
            col.append(v)
        sub.row_nos.append(r)
    if n_rows == 0:
        ctx.error(sheet, hi + 1, None, None, "series.no_rows", sheet=sheet)
    for sub in groups.values():
        sub.figures = _figures_digest(sub)
    return sorted(groups.values(), key=lambda s: (s.year, s.source))


def _cell(column: str, row: int, header: tuple[str, ...] = sv.SERIES_HEADER) -> str:
    return cell_ref(header.index(column), row)


def _series_row(ctx: _Ctx, sheet: str, r: int, c: dict[str, str | None]):
    """(year, indicator, breakdown, value, value_text, unit, source, note) or None (with errors)."""
    before = ctx.errors

    def fail(col: str, code: str, **params) -> None:
        ctx.error(sheet, r, col, c[col], code, _cell(col, r), **params)

    year = _year(c["year"])
    if c["year"] is None:
        fail("year", "series.year_blank")
    elif year is None:
        fail("year", "series.year", value=c["year"], first_year=FIRST_YEAR, last_year=dt.date.today().year)
    indicator, unit = c["indicator"], c["unit"]
    if indicator not in sv.INDICATOR_UNITS:
        fail("indicator", "series.indicator", value=indicator or "", known=", ".join(sv.INDICATOR_UNITS))
    elif unit != sv.INDICATOR_UNITS[indicator]:
        fail("unit", "series.unit", value=unit or "", indicator=indicator, expected=sv.INDICATOR_UNITS[indicator])
    breakdown = c["breakdown"]
    why = ("blank", {}) if breakdown is None else sv.breakdown_problem(breakdown)
    if why:
        fail("breakdown", "series.breakdown", value=breakdown, cause={"code": _BREAKDOWN[why[0]], "params": why[1]})
    value = _value(c["value"], unit if indicator in sv.INDICATOR_UNITS else None)
    if value:
        fail("value", value, value=c["value"])
    source = c["source"]
    if source is None:
        fail("source", "series.source_blank")
    elif not sv.SOURCE_ID.fullmatch(source):
        fail("source", "series.source_id", value=source)
    note = _note(c["note"])
    if isinstance(note, list):
        fail("note", "series.note", value=c["note"], codes=note, known=", ".join(sv.NOTE_CODES))
    if ctx.errors > before:
        return None
    return year, indicator, breakdown, float(c["value"]), c["value"], unit, source, note


def _year(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= dt.date.today().year else None


def _value(text: str | None, unit: str | None) -> str | None:
    """None when fine, else the message code of why not."""
    if text is None:
        return "series.value_blank"
    if text.startswith("-") and _DECIMAL.fullmatch(text[1:]):
        return "series.value_negative"
    if not _DECIMAL.fullmatch(text):
        return "series.value_not_number"
    if unit == "persons" and "." in text:
        return "series.value_persons"
    if unit == "percent" and float(text) > 100:
        return "series.value_percent"
    return None


def _note(text: str | None):
    """The note codes joined by ';' (None when blank), or the list of unknown codes."""
    if text is None:
        return None
    codes = [p.strip() for p in text.split(";") if p.strip()]
    bad = [p for p in codes if p not in sv.NOTE_CODES]
    return [f"'{p}'" for p in bad] if bad else (";".join(codes) or None)


def _figures_digest(sub: SeriesSubmission) -> str:
    """sha256 of the submission's figures without sheet and row numbers: the same figures are
    'unchanged' wherever they sit in the file."""
    cols = sub.facts["series"][2:]
    figures = sorted(zip(*cols), key=lambda f: tuple("" if v is None else str(v) for v in f))
    blob = json.dumps([sub.year, sub.source, figures], ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------ the sources

def _parse_sources(ctx: _Ctx, sheet: str, rows: list[list]) -> dict[str, SourceRow]:
    hi = _header_ok(ctx, sheet, rows, sv.SOURCES_HEADER)
    if hi is None:
        return {}
    out: dict[str, SourceRow] = {}
    for r, row in enumerate(rows[hi + 1:], start=hi + 2):
        if not _blank_row(row):
            _source_row(ctx, sheet, r, dict(zip(sv.SOURCES_HEADER, _cells(row, len(sv.SOURCES_HEADER)))), out)
    if not out and not ctx.has_errors:
        ctx.error(sheet, hi + 1, None, None, "sources.no_rows", sheet=sheet)
    return out


def _source_row(ctx: _Ctx, sheet: str, r: int, c: dict[str, str | None], out: dict[str, SourceRow]) -> None:
    before = ctx.errors

    def where(col: str) -> str:
        return _cell(col, r, sv.SOURCES_HEADER)

    sid = c["source"]
    blank = [col for col in ("publisher", "title", "licence") if c[col] is None]
    if sid is None:
        ctx.error(sheet, r, "source", sid, "sources.id_blank", where("source"))
    elif not sv.SOURCE_ID.fullmatch(sid):
        ctx.error(sheet, r, "source", sid, "sources.id", where("source"), value=sid)
    elif sid in out:
        ctx.error(sheet, r, "source", sid, "sources.twice", where("source"), value=sid, first=out[sid].row_no)
    for col in ("publisher", "title", "url", "licence", "note"):
        if c[col] is not None:
            c[col] = ctx.text(sheet, r, col, where(col), c[col])
    for col in blank:
        ctx.error(sheet, r, col, None, "sources.blank", where(col), column=col)
    if c["url"] is not None and not re.match(r"https?://\S+$", c["url"]):
        ctx.error(sheet, r, "url", c["url"], "sources.url", where("url"), value=c["url"])
    accessed = _iso_date(c["accessed"])
    if c["accessed"] is not None and accessed is None:
        ctx.error(sheet, r, "accessed", c["accessed"], "sources.accessed", where("accessed"), value=c["accessed"])
    if ctx.errors == before:
        out[sid] = SourceRow(sheet, r, sid, c["publisher"], c["title"], c["url"], c["licence"], accessed, c["note"])


def _iso_date(text: str | None) -> dt.date | None:
    if text is None or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
