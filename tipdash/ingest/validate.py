"""Validation of the two input formats (docs/FORMATS.md) into rows ready for the database.

`parse(file, workbook, merged=...)` turns the raw sheets of one file (from `tipdash.ingest.read`)
into a `Parsed`: the submissions it holds (one per unit-year, each with its fact rows) and the
problems found, each located by file, sheet, 1-based spreadsheet row and column (the header as
written in the file, else the column letter). Nothing here touches the database.

The pieces: `cells` reads single values, `sheet` holds the result types and the machinery both
formats share, `report` checks format A and `summary` format B. This module picks the format.
"""
from __future__ import annotations

from tipdash import vocab
from tipdash.ingest.report import _parse_report
from tipdash.ingest.sheet import FACT_SHEETS, MergedFn, Parsed, _blank_row, _Ctx, _header_row, more_problems
from tipdash.ingest.summary import _parse_summary


def parse(file: str, sheets: dict[str, list[list]], kind: str, merged: MergedFn | None = None) -> Parsed:
    """Detect the format of one file and validate it. Problems beyond the first MAX_PROBLEMS
    are counted in one last line."""
    ctx = _Ctx(file)
    parsed = _parse(ctx, file, sheets, kind, merged)
    if ctx.hidden["error"] or ctx.hidden["warning"]:
        parsed.problems.append(more_problems(file, ctx.hidden["error"], ctx.hidden["warning"]))
    if ctx.has_errors:
        parsed.submissions = []
    return parsed


def _parse(ctx: _Ctx, file: str, sheets: dict[str, list[list]], kind: str, merged: MergedFn | None) -> Parsed:
    nonblank = {name: rows for name, rows in sheets.items() if rows and not all(_blank_row(r) for r in rows)}
    if not nonblank:
        ctx.error(None, None, None, None, "the file is empty (no sheet has any data)")
        return Parsed(file, None, [], ctx.problems)
    keys: dict[str, list[str]] = {}
    for name in sheets:
        keys.setdefault(vocab.sheet_key(name), []).append(name)
    if kind == "csv":
        name = next(iter(nonblank))
        return Parsed(file, "summary", _parse_summary(ctx, name, sheets[name], merged), ctx.problems)
    if "summary" in keys and "commission" in keys:
        ctx.error(None, None, None, None,
                  f"the file has both a {keys['commission'][0]!r} sheet (commission report) and a "
                  f"{keys['summary'][0]!r} sheet (summary); import them as separate files")
        return Parsed(file, None, [], ctx.problems)
    if "summary" in keys:
        name = keys["summary"][0]
        for other in sheets:
            if other != name and vocab.sheet_key(other) != "instructions" and other in nonblank:
                ctx.warn(other, None, None, other, f"sheet {other!r} ignored (a summary file is read from "
                                                   f"its {name!r} sheet only)")
        return Parsed(file, "summary", _parse_summary(ctx, name, sheets[name], merged), ctx.problems)
    if "commission" not in keys:
        if not any(k in keys for k in FACT_SHEETS):
            for name, rows in nonblank.items():   # a summary on an unnamed sheet ("Sheet1")
                h = rows[_header_row(rows)]
                found = {vocab.header_key("summary", c) for c in h} - {None}
                if {"unit", "year"} <= found and len(found) >= 3:
                    return Parsed(file, "summary", _parse_summary(ctx, name, rows, merged), ctx.problems)
            ctx.error(None, None, None, None,
                      "not a tipdash file: no 'Commission'/'Comisia' sheet (commission report) and no "
                      "'Summary'/'Sinteza' sheet (summary); sheets found: "
                      + ", ".join(repr(s) for s in sheets))
            return Parsed(file, None, [], ctx.problems)
        ctx.error("Commission", None, None, None,
                  "missing required sheet 'Commission' ('Comisia') with Unit, Year and Reported; sheets found: "
                  + ", ".join(repr(s) for s in sheets))
    return Parsed(file, "report", _parse_report(ctx, sheets, keys, nonblank, merged), ctx.problems)
