"""Format C, the national statistical series (docs/FORMATS.md section C): two CSV files, the
figures (``national_series.csv``) and the sources they cite (``sources.csv``), imported together.

A series file gives one submission per (year, source) of unit 'MD', format 'series': everything
one source publishes for one year. It supersedes only the current submission of the same
(year, source) -- never the national-level commission report (format A) of that year, whose
source is NULL -- and only when its rows or its source row differ (``digest``), so a corrected
file replaces just the years and sources it changes. Each submission stores the source row it
was imported with (``series_sources``), so a figure's provenance stays what it was.

``parse`` validates one file (located problems, nothing written); ``link_batch`` gives every
series submission its source row (from a sources file of the same batch, else the one already
in the database) and rejects the rows whose source is defined nowhere; ``sources_results`` says
what became of each sources file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tipdash import series_vocab as sv
from tipdash.ingest.cells import show
from tipdash.ingest.sheet import Parsed, Submission, _blank_row, _Ctx, _header_row

NATIONAL = "MD"
FIRST_YEAR = 2000
_DECIMAL = re.compile(r"\d+(\.\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    """One (year, source) of a series file; ``rows`` are its spreadsheet rows (for messages)."""
    source: str = ""
    digest: str | None = None
    rows: list[int] = field(default_factory=list)


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


def parse(file: str, fmt: str, sheet: str, rows: list[list]) -> Parsed:
    """Validate a series or a sources file."""
    ctx = _Ctx(file)
    if fmt == "sources":
        found = _parse_sources(ctx, sheet, rows)
        return SourcesParsed(file, "sources", [], ctx.problems, sources={} if ctx.has_errors else found)
    subs = _parse_series(ctx, sheet, rows)
    return Parsed(file, "series", [] if ctx.has_errors else subs, ctx.problems)


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
    col = got[bad] if bad < len(got) and got[bad] else f"column {bad + 1}"
    ctx.error(sheet, hi + 1, col, got[bad] if bad < len(got) else None,
              f"the header must be exactly {','.join(expected)} (in that order); column {bad + 1} is "
              f"{show(got[bad]) if bad < len(got) and got[bad] else 'missing'}"
              + (f", expected {expected[bad]!r}" if bad < len(expected) else ", which is one too many"))
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
            ctx.error(sheet, r, "breakdown", breakdown,
                      f"{year} {indicator} {breakdown} from {source} is already on row {seen[key]}; "
                      f"a figure is given once per year, indicator, breakdown and source")
            continue
        seen[key] = r
        sub = groups.get((year, source))
        if sub is None:
            sub = groups[(year, source)] = SeriesSubmission(
                NATIONAL, f"{year} {source}", year, sheet, r, None, source=source, facts={"series": []})
        sub.facts["series"].append((sheet, r, indicator, breakdown, value, text, unit, note))
        sub.rows.append(r)
    if n_rows == 0:
        ctx.error(sheet, hi + 1, None, None, f"{sheet!r} has a header row but no figures")
    return sorted(groups.values(), key=lambda s: (s.year, s.source))


def _series_row(ctx: _Ctx, sheet: str, r: int, c: dict[str, str | None]):
    """(year, indicator, breakdown, value, value_text, unit, source, note) or None (with errors)."""
    before = len(ctx.problems)

    def fail(col: str, message: str) -> None:
        ctx.error(sheet, r, col, c[col], message)

    year = _year(c["year"])
    if year is None:
        fail("year", f"year {show(c['year'])} is not a whole year from {FIRST_YEAR} to {dt.date.today().year}")
    indicator, unit = c["indicator"], c["unit"]
    if indicator not in sv.INDICATOR_UNITS:
        fail("indicator", f"unknown indicator {show(indicator)} (known: {', '.join(sv.INDICATOR_UNITS)})")
    elif unit != sv.INDICATOR_UNITS[indicator]:
        fail("unit", f"{indicator} is in {sv.INDICATOR_UNITS[indicator]!r}, not {show(unit)}")
    breakdown = c["breakdown"]
    why = "it is blank" if breakdown is None else sv.breakdown_problem(breakdown)
    if why:
        fail("breakdown", f"breakdown {show(breakdown)}: {why}; write 'total' or dimension:category "
                          f"joined by '&' (e.g. sex:female&age:child)")
    value = _value(c["value"], unit if indicator in sv.INDICATOR_UNITS else None)
    if isinstance(value, str):
        fail("value", value)
    source = c["source"]
    if source is None or not sv.SOURCE_ID.fullmatch(source):
        fail("source", f"source {show(source)} is not a source id (lower-case letters, digits and _)")
    note = _note(c["note"])
    if isinstance(note, list):
        fail("note", f"unknown note code {', '.join(map(repr, note))} (known: {', '.join(sv.NOTE_CODES)})")
    if len(ctx.problems) > before:
        return None
    return year, indicator, breakdown, float(c["value"]), c["value"], unit, source, note


def _year(text: str | None) -> int | None:
    if text is None or not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= dt.date.today().year else None


def _value(text: str | None, unit: str | None):
    """None when fine, else why not (a string)."""
    if text is None:
        return "value is blank; write the figure as published"
    if text.startswith("-") and _DECIMAL.fullmatch(text[1:]):
        return f"value {show(text)} is negative"
    if not _DECIMAL.fullmatch(text):
        return f"value {show(text)} is not a plain number (digits, '.' as decimal point, no spaces or signs)"
    if unit == "persons" and "." in text:
        return f"value {show(text)} is a number of persons: write a whole number"
    if unit == "percent" and float(text) > 100:
        return f"value {show(text)} is a percentage above 100"
    return None


def _note(text: str | None):
    """The note codes joined by ';' (None when blank), or the list of unknown codes."""
    if text is None:
        return None
    codes = [p.strip() for p in text.split(";") if p.strip()]
    bad = [p for p in codes if p not in sv.NOTE_CODES]
    return bad if bad else (";".join(codes) or None)


# ------------------------------------------------------------------------------ the sources

def _parse_sources(ctx: _Ctx, sheet: str, rows: list[list]) -> dict[str, SourceRow]:
    hi = _header_ok(ctx, sheet, rows, sv.SOURCES_HEADER)
    if hi is None:
        return {}
    out: dict[str, SourceRow] = {}
    for r, row in enumerate(rows[hi + 1:], start=hi + 2):
        if _blank_row(row):
            continue
        c = dict(zip(sv.SOURCES_HEADER, _cells(row, len(sv.SOURCES_HEADER))))
        before = len(ctx.problems)
        sid = c["source"]
        if sid is None or not sv.SOURCE_ID.fullmatch(sid):
            ctx.error(sheet, r, "source", sid, f"source id {show(sid)} is empty or not lower-case letters, "
                                               f"digits and _")
        elif sid in out:
            ctx.error(sheet, r, "source", sid, f"source {sid!r} is already defined on row {out[sid].row_no}")
        for col in ("publisher", "title", "licence"):
            if c[col] is None:
                ctx.error(sheet, r, col, None, f"{col} is blank; every source names it")
        if c["url"] is not None and not re.match(r"https?://\S+$", c["url"]):
            ctx.error(sheet, r, "url", c["url"], f"url {show(c['url'])} is not an http(s) address")
        accessed = _iso_date(c["accessed"])
        if c["accessed"] is not None and accessed is None:
            ctx.error(sheet, r, "accessed", c["accessed"],
                      f"accessed {show(c['accessed'])} is not a date written YYYY-MM-DD (or leave it empty)")
        if len(ctx.problems) == before:
            out[sid] = SourceRow(sheet, r, sid, c["publisher"], c["title"], c["url"], c["licence"], accessed,
                                 c["note"])
    if not out and not ctx.has_errors:
        ctx.error(sheet, hi + 1, None, None, f"{sheet!r} has a header row but no sources")
    return out


def _iso_date(text: str | None) -> dt.date | None:
    if text is None or not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
