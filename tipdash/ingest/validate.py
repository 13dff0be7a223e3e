"""Validation of the input formats (docs/FORMATS.md) into rows ready for the database.

`parse(file, sheets, kind, merged=...)` turns the raw sheets of one file (from `tipdash.ingest.read`)
into a `Parsed`: the submissions it holds (one per unit-year, each with its fact columns) and the
problems found, each located by file, sheet, 1-based spreadsheet row, column (the header as
written in the file, else the column letter) and cell, with a message code and its parameters.
Nothing here touches the database.

The pieces: `cells` reads single values, `columns` whole columns, `sheet` holds the result types
and the machinery the formats share, `report` and `facts` check format A, `summary` format B and
`series` format C (CSV only: the national series and its sources file). This module picks the format.
"""
from __future__ import annotations

from tipdash import vocab
from tipdash.ingest import series
from tipdash.ingest.report import _parse_report
from tipdash.ingest.sheet import FACT_SHEETS, MergedFn, Parsed, _blank_row, _Ctx, _header_row, more_line
from tipdash.ingest.summary import _parse_summary


def parse(file: str, sheets: dict[str, list[list]], kind: str, merged: MergedFn | None = None) -> Parsed:
    """Detect the format of one file and validate it. Problems beyond the first MAX_PROBLEMS
    are counted in one last line."""
    ctx = _Ctx(file)
    parsed = _parse(ctx, file, sheets, kind, merged)
    parsed.problems = ctx.problems
    more = more_line(ctx)
    if more is not None:
        parsed.problems.append(more)
    if ctx.has_errors:
        parsed.submissions = []
    return parsed


def _parse(ctx: _Ctx, file: str, sheets: dict[str, list[list]], kind: str, merged: MergedFn | None) -> Parsed:
    nonblank = {name: rows for name, rows in sheets.items() if rows and not all(_blank_row(r) for r in rows)}
    if not nonblank:
        ctx.error(None, None, None, None, "file.empty")
        return Parsed(file, None, [])
    keys: dict[str, list[str]] = {}
    for name in sheets:
        keys.setdefault(vocab.sheet_key(name), []).append(name)
    if kind == "csv":
        name = next(iter(nonblank))
        fmt = series.detect(sheets[name])              # format C: national series or its sources
        if fmt:
            return series.parse(ctx, file, fmt, name, sheets[name])
        return Parsed(file, "summary", _parse_summary(ctx, name, sheets[name], merged))
    if "summary" in keys and "commission" in keys:
        ctx.error(None, None, None, None, "file.both_kinds", commission=keys["commission"][0],
                  summary=keys["summary"][0])
        return Parsed(file, None, [])
    if "summary" in keys:
        name = keys["summary"][0]
        for other in sheets:
            if other != name and vocab.sheet_key(other) != "instructions" and other in nonblank:
                ctx.warn(other, None, None, other, "file.sheet_ignored", other=other, name=name)
        return Parsed(file, "summary", _parse_summary(ctx, name, sheets[name], merged))
    if "commission" not in keys:
        if not any(k in keys for k in FACT_SHEETS):
            for name, rows in nonblank.items():   # a summary on an unnamed sheet ("Sheet1")
                h = rows[_header_row(rows)]
                found = {vocab.header_key("summary", c) for c in h if c is not None} - {None}
                if {"unit", "year"} <= found and len(found) >= 3:
                    return Parsed(file, "summary", _parse_summary(ctx, name, rows, merged))
            ctx.error(None, None, None, None, "file.not_tipdash", sheets=list(sheets)[:20])
            return Parsed(file, None, [])
        ctx.error("Commission", None, None, None, "file.missing_commission", sheets=list(sheets)[:20])
    return Parsed(file, "report", _parse_report(ctx, sheets, keys, nonblank, merged))
