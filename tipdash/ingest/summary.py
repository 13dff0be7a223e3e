"""Format B, the summary: one row per commission and year on a single sheet (or a CSV file).

At most MAX_SUMMARY_ROWS data rows (37 units × years); the counts are checked column by column
(`columns`), the unit, year and Reported of each row against each other.
"""
from __future__ import annotations

import re

from tipdash import units, vocab
from tipdash.ingest import origin
from tipdash.ingest.cells import CellError, to_bool, to_year
from tipdash.ingest.columns import Columns
from tipdash.ingest.limits import MAX_COUNT, MAX_MATCH_TEXT, MAX_SUMMARY_ROWS
from tipdash.ingest.sheet import FACT_COLUMNS, MergedFn, Submission, _blank_row, _check_merged, _Ctx, _header_row, \
    _map_headers, _resolve_unit, cell_ref

SUMMARY_COUNTS = ("sessions", "information_activities", "participants", "trainings", "members_trained",
                  "victims", "ngo_partners")

_TOTAL = re.compile(r"^(total|totaluri|totalgeneral|grandtotal|totalnational|totalrepublica|suma|itogo|итого)")


def _parse_summary(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> list[Submission]:
    hi = _header_row(rows or [])
    if hi is None:
        ctx.error(sheet, None, None, None, "summary.empty_sheet", sheet=sheet)
        return []
    hrow = hi + 1
    _check_merged(ctx, sheet, merged, rows[0] if hrow == 1 else None)
    mapping = _map_headers(ctx, "summary", sheet, rows[hi], hrow, vocab.SUMMARY_HEADERS,
                           vocab.OPTIONAL_SUMMARY_HEADERS)
    if mapping is None:
        return []
    data, rownums = [], []
    for r, row in enumerate(rows[hi + 1:], start=hrow + 1):
        if not _blank_row(row):
            data.append(row)
            rownums.append(r)
    if len(data) > MAX_SUMMARY_ROWS:
        ctx.error(sheet, None, None, None, "summary.too_many_rows", sheet=sheet,
                  n={"plural": "data_rows", "n": len(data)}, max=MAX_SUMMARY_ROWS)
        return []
    headers = {fld: str(rows[hi][j])[:MAX_MATCH_TEXT] for fld, j in mapping.items()}
    cols = Columns(ctx, sheet, data, rownums, mapping, headers, None)
    out = _rows(ctx, sheet, cols)
    if not data:
        ctx.error(sheet, hrow, None, None, "summary.no_rows", sheet=sheet)
    elif not out and not ctx.has_errors:
        ctx.error(sheet, hrow, None, None, "summary.only_totals", sheet=sheet)
    return [] if ctx.has_errors else out


def _rows(ctx: _Ctx, sheet: str, cols: Columns) -> list[Submission]:
    texts = cols.text("unit")
    counts, approx = _counts(cols)
    years, reported = _read_all(cols, "year", to_year), _read_all(cols, "reported", to_bool)
    sources, inferred = _sources(cols), cols.flag("status_inferred")
    out: list[Submission] = []
    seen: dict[tuple[str, int], int] = {}
    for i, r in enumerate(cols.rownums):
        unit_text = texts[i]
        if unit_text is None:
            if cols.raw("unit")[i] is None:
                cols.error("unit", i, None, "summary.unit_blank")
            continue
        if _TOTAL.match(vocab.norm(unit_text[:MAX_MATCH_TEXT])) or \
                units.resolve(unit_text, allow_national=True, fuzzy=False).code == units.NATIONAL:
            cols.warn("unit", i, unit_text, "summary.national_total", row=r, value=unit_text)
            continue
        code = _resolve_unit(ctx, sheet, r, cols.col("unit"), cell_ref(cols.mapping["unit"], r), unit_text,
                             national=False)
        if code is None:
            cols.bad.add(i)
        year = _value(cols, "year", i, years)
        if cols.raw("year")[i] is None:
            cols.error("year", i, None, "summary.year_blank")
        rep = _reported(cols, i, _value(cols, "reported", i, reported))
        if code and year:
            if (code, year) in seen:
                cols.error("unit", i, unit_text, "summary.duplicate", value=unit_text, unit=code, year=year,
                           first=seen[(code, year)])
            else:
                seen[(code, year)] = r
        if i in cols.bad or ctx.has_errors:
            continue
        fact = {**{f: counts[f][i] for f in SUMMARY_COUNTS}, "information_activities_approx": approx[i],
                "source": sources[i], "status_inferred": inferred[i]}
        out.append(Submission(code, unit_text, year, sheet, r, rep,
                              facts={"summary": [[sheet], [r], *[[fact[c]] for c in FACT_COLUMNS["summary"]]]}))
    return out


def _sources(cols: Columns) -> list:
    """source/sursa of each row: where its figures come from (blank: the commissions' reports)."""
    def read(v):
        try:
            return origin.parse_summary_source(v)
        except ValueError:
            raise CellError("summary.source", value=v) from None
    return cols._distinct("source", read, "commission_report", None)


def _read_all(cols: Columns, fld: str, read) -> dict:
    """Each distinct value of a column read once: value -> result or CellError."""
    out = {}
    for v in set(cols.raw(fld)):
        if v is not None:
            try:
                out[(v.__class__, v)] = read(v)
            except CellError as e:
                out[(v.__class__, v)] = e
    return out


def _value(cols: Columns, fld: str, i: int, read: dict):
    v = cols.raw(fld)[i]
    if v is None:
        return None
    r = read[(v.__class__, v)]
    if isinstance(r, CellError):
        cols.error(fld, i, v, r.code, **r.params)
        return None
    return r


def _counts(cols: Columns) -> tuple[dict[str, list], list[bool]]:
    """The figures, and whether information_activities is approximate ("~500")."""
    values: dict[str, list] = {}
    approx = [False] * cols.n
    for fld in SUMMARY_COUNTS:
        raw = cols.raw(fld)
        marked = {i: vocab.approx_number(v) for i, v in enumerate(raw) if isinstance(v, str)}
        marked = {i: n for i, n in marked.items() if n is not None}
        col = cols.count(fld) if not marked else _count_except(cols, fld, marked)
        for i, n in marked.items():
            if n > MAX_COUNT:
                cols.error(fld, i, raw[i], "count.too_big", value=raw[i], max=MAX_COUNT)
            elif fld == "information_activities":
                col[i], approx[i] = n, True
            else:
                cols.error(fld, i, raw[i], "summary.approx_not_allowed", value=raw[i])
        values[fld] = col
    return values, approx


def _count_except(cols: Columns, fld: str, skip: dict[int, int]) -> list:
    """count() of a column, leaving out the cells written as approximate figures."""
    j = cols.mapping.get(fld)
    saved = cols.cols[j]
    cols.cols[j] = tuple(None if i in skip else v for i, v in enumerate(saved))
    try:
        return cols.count(fld)
    finally:
        cols.cols[j] = saved


def _reported(cols: Columns, i: int, reported: bool | None) -> bool | None:
    """Reported against the figures: "no" with figures is an error, blank with figures reads as
    "yes" (with a warning), blank without figures is an error."""
    figures = [fld for fld in SUMMARY_COUNTS if cols.raw(fld)[i] is not None]
    raw = cols.raw("reported")[i]
    if reported is False and figures:
        cols.error("reported", i, raw, "summary.reported_no_figures", value=raw,
                   columns=[cols.col(f) for f in figures])
    elif reported is None and raw is None:
        if figures:
            cols.warn("reported", i, None, "summary.reported_blank_yes")
            return True
        cols.error("reported", i, None, "summary.reported_blank")
    return reported
