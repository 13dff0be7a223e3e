"""One file read and validated, as plain data: what a worker process (`worker`) computes and
sends back, and how the parent (`load`) turns it into a `BatchFile` after checking its shape.

``check_file(name, data) -> (meta, facts)``: ``meta`` holds the format, the problems and the
submissions (without their fact rows); ``facts`` the fact rows of each submission, column by
column (``sheet``, ``row_no`` and the table's columns), dates as ISO text.
"""
from __future__ import annotations

import datetime as dt

from tipdash.ingest import read
from tipdash.ingest.plain import Malformed, need, unvalue, value
from tipdash.ingest.problem import cause
from tipdash.ingest.results import BatchFile
from tipdash.ingest.series import SeriesSubmission, SourceRow, SourcesParsed
from tipdash.ingest.sheet import FACT_COLUMNS, Parsed, Problem, Submission
from tipdash.ingest.validate import parse

_SUB_FIELDS = ("unit_code", "unit_label", "year", "sheet", "row_no", "reported", "submitted_on", "prepared_by",
               "source_lang", "contact_name", "contact_email", "contact_phone")
_SERIES_FIELDS = ("source", "figures", "row_nos")     # format C: a series submission's own fields


def check_file(name: str, data: bytes) -> tuple[dict, dict]:
    """Read and validate one file; every outcome is plain data (a bug is reported, not raised)."""
    try:
        wb = read.read_file(name, data)
    except read.ReadError as exc:
        return {"format": None, "submissions": [], "problems": [_problem(Problem(
            name, None, None, None, None, "cannot_read", {"cause": cause(exc.code, **exc.params)}))]}, {"subs": []}
    problems = [Problem(name, None, None, None, None, code, params, "warning") for code, params in wb.warnings]

    def merged(sheet: str) -> list:
        return [ref for ref in wb.merged.get(sheet, []) if read._ref_top_row(ref) == 1]

    parsed = parse(name, wb.sheets, wb.kind, merged)
    problems.extend(parsed.problems)
    subs, facts = [], []
    for sub in parsed.submissions:
        fields = _SUB_FIELDS + (_SERIES_FIELDS if isinstance(sub, SeriesSubmission) else ())
        subs.append({**{k: value(getattr(sub, k)) for k in fields}, "tables": sorted(sub.facts),
                     "rows": sub.fact_rows})
        facts.append({t: _columns(t, cols) for t, cols in sub.facts.items()})
    meta = {"format": parsed.format, "problems": [_problem(p) for p in problems], "submissions": subs}
    if isinstance(parsed, SourcesParsed):
        meta["sources"] = [value(list(row.fact())) for row in parsed.sources.values()]
    return meta, {"subs": facts}


def _problem(p: Problem) -> list:
    return [p.sheet, p.row, p.column, value(p.value), p.code, value(p.params), p.severity, p.cell, list(p.hidden)]


_DATE_COLUMNS = {"date", "end_date", "start_date"}


def _columns(table: str, cols: list[list]) -> list[list]:
    """The fact columns with dates as ISO text (each distinct date formatted once)."""
    names = ("sheet", "row_no", *FACT_COLUMNS[table])
    out = []
    for name, col in zip(names, cols):
        if name in _DATE_COLUMNS:
            iso = {d: d.isoformat() for d in set(col) if d is not None}
            col = [iso[d] if d is not None else None for d in col]
        out.append(col)
    return out


# ------------------------------------------------------------------------------ parent side

def batch_file(name: str, size: int, sha256: str, meta) -> BatchFile:
    """The BatchFile of a worker's ``meta`` (Malformed when it is not shaped as `check_file` makes it)."""
    need(meta, dict, "answer")
    fmt = meta.get("format")
    if fmt not in (None, "report", "summary", "series", "sources"):
        raise Malformed("format")
    problems = [_unproblem(name, p) for p in need(meta.get("problems"), list, "problems")]
    subs = [_unsub(s, fmt == "series") for s in need(meta.get("submissions"), list, "submissions")]
    f = BatchFile(name, size, sha256)
    f.problems = problems
    if fmt == "sources":
        rows = [_unsource(r) for r in need(meta.get("sources", []), list, "sources")]
        f.parsed = SourcesParsed(name, fmt, [], list(problems), sources={r.source: r for r in rows})
    elif fmt is not None or subs:
        f.parsed = Parsed(name, fmt, subs, [p for p in problems])
    elif not any(p.is_error for p in problems):
        f.parsed = Parsed(name, fmt, [], [])
    return f


def _unproblem(name: str, p) -> Problem:
    need(p, list, "problem")
    if len(p) != 9 or p[6] not in ("error", "warning"):
        raise Malformed("problem")
    sheet, row, column, val, code, params, severity, cell, hidden = p
    for x, kind in ((sheet, (str, type(None))), (row, (int, type(None))), (column, (str, type(None))),
                    (code, str), (cell, (str, type(None))), (hidden, list)):
        need(x, kind, "problem field")
    if len(hidden) != 2 or not all(isinstance(n, int) and not isinstance(n, bool) for n in hidden):
        raise Malformed("problem count")
    params = unvalue(params)
    if not isinstance(params, dict):
        raise Malformed("problem params")
    return Problem(name, sheet, row, column, unvalue(val), code, params, severity, cell, (hidden[0], hidden[1]))


def _unsub(s, series: bool = False) -> Submission:
    need(s, dict, "submission")
    try:
        sub = (SeriesSubmission if series else Submission)(need(s["unit_code"], str, "unit"), need(s["unit_label"], (str, type(None)), "label"),
                         need(s["year"], int, "year"), need(s["sheet"], str, "sheet"),
                         need(s["row_no"], int, "row"), need(s["reported"], (bool, type(None)), "reported"),
                         unvalue(s["submitted_on"]), need(s["prepared_by"], (str, type(None)), "preparer"))
        sub.source_lang = need(s["source_lang"], (str, type(None)), "language")
        for k in ("contact_name", "contact_email", "contact_phone"):
            setattr(sub, k, need(s.get(k), (str, type(None)), "contact"))
        sub.tables = tuple(t for t in need(s["tables"], list, "tables") if t in FACT_COLUMNS)
        sub.rows = need(s["rows"], int, "rows")
        if series:
            sub.source, sub.figures = need(s["source"], str, "source"), need(s["figures"], str, "figures")
            sub.row_nos = [need(r, int, "row") for r in need(s["row_nos"], list, "rows")]
    except KeyError:
        raise Malformed("submission") from None
    if sub.submitted_on is not None and not isinstance(sub.submitted_on, dt.date):
        raise Malformed("submitted_on")
    return sub


def _unsource(r) -> SourceRow:
    """A sources file's row as the worker sent it."""
    r = unvalue(need(r, list, "source row"))
    if len(r) != 9:
        raise Malformed("source row")
    for x, kind in zip(r, (str, int, str, *(((str, type(None)),) * 4), (dt.date, type(None)), (str, type(None)))):
        need(x, kind, "source field")
    return SourceRow(*r)


def fact_columns(facts, f: BatchFile) -> list[dict[str, list[list]]]:
    """The decoded facts of ``f``: per submission, table -> columns (checked for shape)."""
    subs = need(need(facts, dict, "facts").get("subs"), list, "facts")
    if len(subs) != len(f.parsed.submissions):
        raise Malformed("facts")
    for per_sub, sub in zip(subs, f.parsed.submissions):
        need(per_sub, dict, "facts")
        for table, cols in per_sub.items():
            if table not in FACT_COLUMNS or not isinstance(cols, list) or len(cols) != 2 + len(FACT_COLUMNS[table]):
                raise Malformed("facts table")
            if len({len(need(c, list, "column")) for c in cols}) > 1:
                raise Malformed("facts columns")
    return subs
