"""Start the form from a workbook: the file is read and validated by the importer's worker
processes (``ingest.pool``, the Import page's safe reader: the parent never parses a file), and
a report that would import becomes the form's content."""
from __future__ import annotations

import hashlib

from tipdash.ingest import check, pool
from tipdash.ingest.plain import Malformed, loads
from tipdash.ingest.sheet import Problem
from tipdash.reports import content as rc


def _problem(name: str, code: str, **params) -> Problem:
    return Problem(name, None, None, None, None, code, params)


def read_report(name: str, data: bytes, unit: str, year: int) -> tuple[dict | None, list[Problem]]:
    """(content, problems) of an uploaded format-A workbook; content is None when the file has
    errors (the problems say which, as the Import page would) or holds another unit or year."""
    answer = pool.check_all([(name, lambda: data)])[0]
    if answer.failure is not None:
        code, params = answer.failure
        return None, [Problem(name, None, None, None, None, code, params)]
    try:
        f = check.batch_file(name, len(data), hashlib.sha256(data).hexdigest(), answer.meta)
        subs = check.fact_columns(loads(answer.facts), f) if f.parsed and f.parsed.submissions else []
    except Malformed:
        return None, [_problem(name, "unsafe.malformed")]
    problems = list(f.problems)
    if any(p.is_error for p in problems):
        return None, problems
    if f.parsed is None or f.parsed.format != "report" or len(f.parsed.submissions) != 1:
        return None, problems + [_problem(name, "report.not_one_report")]
    sub = f.parsed.submissions[0]
    if sub.unit_code != unit or sub.year != int(year):
        return None, problems + [_problem(name, "report.other_unit", unit=sub.unit_code, year=sub.year)]
    left_out = [t for t in sub.tables if t not in rc.SECTIONS]
    if left_out:
        problems.append(Problem(name, None, None, None, None, "report.sheets_left_out",
                                {"sheets": left_out}, "warning"))
    return rc.from_facts(sub, subs[0]), problems
