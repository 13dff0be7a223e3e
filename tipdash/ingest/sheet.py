"""What both input formats share: the result types, the problem log, header mapping, the row reader.

`report` (format A) and `summary` (format B) build on this; `validate.parse`
picks between them.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tipdash import units, vocab
from tipdash.ingest.limits import col_letter
from tipdash.ingest.cells import CellError, show, to_count, to_date, to_date_or_month, to_text

FACT_SHEETS = ("sessions", "topics", "activities", "campaigns", "trainings", "victims", "partners",
               "challenges", "conclusions", "context")
# table -> its value columns, in the order of the fact tuples (sheet, row_no, *columns)
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("sessions", "information_activities", "information_activities_approx", "participants",
                "trainings", "members_trained", "victims", "ngo_partners", "source", "status_inferred"),
    "sessions": ("date", "topics", "participants"),
    "topics": ("topic",),
    "activities": ("date", "end_date", "type", "target_group", "participants", "campaign", "description",
                   "count", "approximate", "date_precision", "end_date_precision"),
    "campaigns": ("name", "start_date", "end_date", "description", "start_date_precision",
                  "end_date_precision"),
    "trainings": ("title", "start_date", "end_date", "organisers", "participants", "count",
                  "start_date_precision", "end_date_precision"),
    "victims": ("sex", "age_group", "exploitation", "status", "count", "referred_to", "legal", "medical",
                "psychological", "housing", "legal_provided", "medical_provided", "psychological_provided",
                "housing_provided"),
    "partners": ("organisation", "kind", "cooperation"),
    "challenges": ("text", "category"),
    "conclusions": ("text",),
    "context": ("text",),
}


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: object
    message: str
    severity: str = "error"                # 'error' | 'warning'

    def __str__(self) -> str:
        parts = (self.file, self.sheet or "", "" if self.row is None else str(self.row), self.column or "")
        return ":".join(parts) + f": {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass
class Submission:
    unit_code: str
    unit_label: str                        # the unit as written in the file
    year: int
    sheet: str
    row_no: int
    reported: bool | None
    submitted_on: dt.date | None = None
    prepared_by: str | None = None
    facts: dict[str, list[tuple]] = field(default_factory=dict)  # table -> (sheet, row_no, *FACT_COLUMNS)
    source_lang: str | None = None         # language of the free text (format A field Language)

    @property
    def fact_rows(self) -> int:
        return sum(len(rows) for rows in self.facts.values())


@dataclass
class Parsed:
    file: str
    format: str | None                     # 'report' | 'summary' | None (not recognised)
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


# ------------------------------------------------------------------------------ shared parsing machinery

class _Ctx:
    """Collects problems for one file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def error(self, sheet, row, column, value, message) -> None:
        self.problems.append(Problem(self.file, sheet, row, column, value, message, "error"))

    def warn(self, sheet, row, column, value, message) -> None:
        self.problems.append(Problem(self.file, sheet, row, column, value, message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _blank_row(row: Iterable) -> bool:
    for v in row:
        if v is not None and (v.__class__ is not str or v.strip()) and not vocab.is_blank(v):
            return False
    return True


def _header_row(rows: list[list]) -> int | None:
    """Index of the first non-blank row."""
    for i, row in enumerate(rows):
        if not _blank_row(row):
            return i
    return None


def _nearest(text: str, choices: Iterable[str]) -> str | None:
    keyed = {vocab.norm(c): c for c in choices}
    match = difflib.get_close_matches(vocab.norm(text), list(keyed), n=1, cutoff=0.6)
    return keyed[match[0]] if match else None


MergedFn = Callable[[str], list]           # sheet name -> merged cell refs in its first row


def _check_merged(ctx: _Ctx, sheet: str, merged: MergedFn | None, first_row: list | None = None) -> bool:
    """Merged cells in row 1 are errors. Only a row 1 with a blank cell can hide a merge (the
    cells a merge covers read as blank), so a full row 1 skips the (costly) check."""
    if merged is None or (first_row is not None and first_row and not any(vocab.is_blank(v) for v in first_row)):
        return True
    refs = merged(sheet) or []
    for ref in refs:
        ctx.error(sheet, 1, str(ref).split(":")[0], str(ref),
                  f"merged header cells {ref}: unmerge them so that every column has its own header")
    return not refs


def _map_headers(ctx: _Ctx, sheet_key: str, sheet: str, header: list, hrow: int,
                 fields: dict[str, tuple[str, ...]], optional: frozenset[str]) -> dict[str, int] | None:
    """field -> column index; None (with errors) when required columns are missing."""
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for j, h in enumerate(header):
        if vocab.is_blank(h):
            continue
        key = vocab.header_key(sheet_key, h)
        if key is None:
            reason = vocab.personal_data_reason(h) if sheet_key == "victims" else None
            if reason:
                ctx.error(sheet, hrow, str(h), h,
                          f"column {show(h)} looks like personal data ({reason}); the Victims sheet takes "
                          f"aggregate counts only — delete the column and import again")
            else:
                unknown.append(str(h))
                ctx.warn(sheet, hrow, str(h), h, f"extra column {show(h)} ignored")
        elif key in mapping:
            ctx.error(sheet, hrow, str(h), h, f"two columns for {fields[key][0]!r}: "
                                              f"{col_letter(mapping[key])} and {col_letter(j)}")
        else:
            mapping[key] = j
    ok = True
    for key, names in fields.items():
        if key in mapping or key in optional:
            continue
        ok = False
        hint = ""
        near = _nearest(names[0], unknown) or _nearest(names[1], unknown)
        if near:
            hint = f"; is {near!r} meant to be it? rename it to {names[0]!r}"
        ctx.error(sheet, hrow, names[0], None,
                  f"missing column {names[0]!r} ({names[1]!r}) in sheet {sheet!r}{hint}")
    return mapping if ok else None


def _resolve_unit(ctx: _Ctx, sheet: str, row: int, column: str, text: str, *, national: bool) -> str | None:
    res = units.resolve(text, allow_national=national)
    if not res.ok:
        cands = ", ".join(f"{units.official_name(c)} ({c})" for c, _ in res.candidates[:5])
        ctx.error(sheet, row, column, text, f"{res.message}" + (f" [candidates: {cands}]" if cands and
                                                                 "closest" not in res.message else ""))
        return None
    if res.code != units.NATIONAL and not units.get(res.code).has_commission:
        ctx.error(sheet, row, column, text,
                  f"{units.official_name(res.code)} ({res.code}) has no territorial commission")
        return None
    if res.warning:
        ctx.warn(sheet, row, column, text,
                 f"unit {show(text)} read as {units.official_name(res.code)} ({res.code}), "
                 f"a fuzzy match ({res.score:.0f}/100); "
                 f"check it, and write the name exactly to silence this warning")
    return res.code


_DATES: dict[dt.date, dt.date] = {}


class _RowReader:
    """Reads the cells of one data row, recording a problem for each bad cell. Blank cells and
    ordinary values take fast paths: a large import reads millions of cells."""

    __slots__ = ("ctx", "sheet", "r", "vals", "headers", "year", "ok")

    def __init__(self, ctx, sheet, r, row, items, headers, year):
        self.ctx, self.sheet, self.r, self.headers, self.year = ctx, sheet, r, headers, year
        self.ok = True
        n = len(row)
        vals = {}
        for fld, j in items:
            v = row[j] if j < n else None
            if v.__class__ is str:
                v = v.strip() or None
            vals[fld] = v
        self.vals = vals

    def raw(self, fld):
        return self.vals.get(fld)

    def col(self, fld):
        return self.headers.get(fld, fld)

    def fail(self, fld, value, message):
        self.ok = False
        self.ctx.error(self.sheet, self.r, self.col(fld), value, message)

    def _get(self, fld, fn, *args, **kw):
        value = self.vals.get(fld)
        if value is None:
            return None
        try:
            return fn(value, *args, **kw)
        except (CellError, ValueError) as exc:
            self.fail(fld, value, f"{self.col(fld)}: {exc}")
            return None

    def text(self, fld, required=False):
        value = self.vals.get(fld)
        if value.__class__ is not str:
            value = to_text(value)
        elif len(value) < 80:
            value = sys.intern(value)             # repeated labels share one object (large imports)
        if required and value is None:
            self.fail(fld, None, f"{self.col(fld)} is blank; it is required on every row")
        return value

    def count(self, fld, minimum=0, default=None, required=False):
        value = self.vals.get(fld)
        if value is None:
            if required:
                self.fail(fld, None, f"{self.col(fld)} is blank; write a whole number")
            return default
        if value.__class__ is int and value >= minimum:
            return value
        return self._get(fld, to_count, minimum=minimum)

    def date(self, fld):
        raw = self.vals.get(fld)
        if raw is None:
            return None
        value = raw if raw.__class__ is dt.date else self._get(fld, to_date)
        if value is not None:
            value = _DATES.setdefault(value, value)   # one object per distinct date
        if value is not None and self.year and value.year != self.year:
            self.fail(fld, raw, f"{self.col(fld)} {value:%d.%m.%Y} is outside the report year {self.year}")
        return value

    def period(self, start, end):
        a, b = self.date(start), self.date(end)
        if a and b and b < a:
            self.fail(end, self.raw(end), f"{self.col(end)} {b:%d.%m.%Y} is before {self.col(start)} "
                                          f"{a:%d.%m.%Y}")
        return a, b

    def date_or_month(self, fld, end=False):
        """(date, precision) of a cell that may give only the month (cells.to_date_or_month)."""
        raw = self.vals.get(fld)
        if raw is None:
            return None, None
        if raw.__class__ is dt.date:
            return self.date(fld), "day"
        got = self._get(fld, to_date_or_month, end=end)
        value, precision = got if got else (None, None)
        if value is not None and self.year and value.year != self.year:
            self.fail(fld, raw, f"{self.col(fld)} {_shown(value, precision)} is outside the report year "
                                f"{self.year}")
        return value, precision

    def period_precise(self, start, end):
        """Start and end with their precision ("day" or "month"): (start, precision, end, precision)."""
        a, pa = self.date_or_month(start)
        b, pb = self.date_or_month(end, end=True)
        if a and b and b < a:
            self.fail(end, self.raw(end), f"{self.col(end)} {_shown(b, pb)} is before {self.col(start)} "
                                          f"{_shown(a, pa)}")
        return a, pa, b, pb

    def vocab(self, fld, name, required=False, default=None):
        value = self.vals.get(fld)
        if value is None:
            if required:
                self.fail(fld, None, f"{self.col(fld)} is blank; it is required on every row")
            return default
        return self._get(fld, _vocab_parser(name))

    def flag(self, fld, default=False):
        value = self._get(fld, vocab.parse_bool)
        return default if value is None else value


def _shown(d: dt.date, precision: str | None) -> str:
    return f"{d:%m.%Y}" if precision == "month" else f"{d:%d.%m.%Y}"


@functools.lru_cache(maxsize=None)
def _vocab_parser(name: str):
    """vocab.parse for one vocabulary, memoised (a column repeats a handful of values)."""
    return functools.lru_cache(maxsize=4096)(functools.partial(vocab.parse, name))
