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
from tipdash.ingest.cells import CellError, not_finite, show, to_count, to_date, to_text
from tipdash.ingest.limits import MAX_COUNT, MAX_FUZZY_UNITS, MAX_MATCH_TEXT, MAX_PROBLEMS, MAX_TEXT, col_letter
from tipdash.ingest.text import strip_controls

FACT_SHEETS = ("sessions", "topics", "activities", "campaigns", "trainings", "victims", "partners",
               "challenges")
# table -> its value columns, in the order of the fact tuples (sheet, row_no, *columns)
FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("sessions", "information_activities", "information_activities_approx", "participants",
                "trainings", "members_trained", "victims", "ngo_partners"),
    "sessions": ("date", "topics", "participants"),
    "topics": ("topic",),
    "activities": ("date", "end_date", "type", "target_group", "participants", "campaign", "description",
                   "count", "approximate"),
    "campaigns": ("name", "start_date", "end_date", "description"),
    "trainings": ("title", "start_date", "end_date", "organisers", "participants", "count"),
    "victims": ("sex", "age_group", "exploitation", "status", "count", "referred_to", "legal", "medical",
                "psychological", "housing", "legal_provided", "medical_provided", "psychological_provided",
                "housing_provided"),
    "partners": ("organisation", "kind", "cooperation"),
    "challenges": ("text", "category"),
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
    code: str | None = None                # "more": stands for `hidden` problems not listed
    hidden: tuple[int, int] = (0, 0)       # (errors, warnings) a "more" line stands for

    def __str__(self) -> str:
        parts = (self.file, self.sheet or "", "" if self.row is None else str(self.row), self.column or "")
        return ":".join(parts) + f": {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def errors(self) -> int:
        """Errors this line stands for (a "more" line: the errors it counts)."""
        return self.hidden[0] if self.code == "more" else int(self.is_error)

    @property
    def warnings(self) -> int:
        return self.hidden[1] if self.code == "more" else int(not self.is_error)


def more_problems(file: str, errors: int, warnings: int) -> Problem:
    """The line that stands for the problems of a file beyond the first MAX_PROBLEMS."""
    n = errors + warnings
    return Problem(file, None, None, None, None,
                   f"and {n:,} more problems not listed ({errors:,} errors, {warnings:,} warnings): the first "
                   f"{MAX_PROBLEMS} are shown; fix those and check the file again",
                   "error" if errors else "warning", "more", (errors, warnings))


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
    tables: tuple[str, ...] = ()           # the fact tables present (parent side, facts not loaded)
    rows: int = 0                          # their rows (parent side)

    @property
    def fact_rows(self) -> int:
        return sum(len(rows) for rows in self.facts.values()) if self.facts else self.rows


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
    """Collects problems for one file: the first MAX_PROBLEMS are kept, the others counted."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.hidden = {"error": 0, "warning": 0}
        self.errors = 0
        self.controls_seen = False
        self.fuzzy: set[str] = set()

    def add(self, sheet, row, column, value, message, severity) -> None:
        if severity == "error":
            self.errors += 1
        if len(self.problems) >= MAX_PROBLEMS:
            self.hidden[severity] += 1
            return
        self.problems.append(Problem(self.file, sheet, row, column, value, message, severity))

    def error(self, sheet, row, column, value, message) -> None:
        self.add(sheet, row, column, value, message, "error")

    def warn(self, sheet, row, column, value, message) -> None:
        self.add(sheet, row, column, value, message, "warning")

    @property
    def has_errors(self) -> bool:
        return self.errors > 0 or any(p.is_error for p in self.problems)

    def text(self, sheet, row, column, value: str) -> str | None:
        """Stored text: at most MAX_TEXT characters (else an error, None), control and bidi
        characters removed (one warning per file, at the first such cell)."""
        if len(value) > MAX_TEXT:
            self.error(sheet, row, column, value, f"{column}: the text is {len(value):,} characters long; a cell "
                                                  f"may hold at most {MAX_TEXT:,}")
            return None
        value, changed = strip_controls(value)
        if changed and not self.controls_seen:
            self.controls_seen = True
            self.warn(sheet, row, column, None, f"{column}: control or text-direction characters removed "
                                                f"(this cell is the first of the file that had them)")
        return value.strip() or None


def _blank_row(row: Iterable) -> bool:
    """No value in the row (NaN is a value here: it is refused, not read as blank)."""
    for v in row:
        if v is not None and (v.__class__ is not str or v.strip()):
            return False
    return True


def _header_row(rows: list[list]) -> int | None:
    """Index of the first non-blank row."""
    for i, row in enumerate(rows):
        if not _blank_row(row):
            return i
    return None


def _nearest(text: str, choices: Iterable[str]) -> str | None:
    keyed = {vocab.norm(c[:MAX_MATCH_TEXT]): c for c in choices}
    match = difflib.get_close_matches(vocab.norm(text[:MAX_MATCH_TEXT]), list(keyed), n=1, cutoff=0.6)
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
    fuzzy = len(text) <= MAX_MATCH_TEXT and (text in ctx.fuzzy or len(ctx.fuzzy) < MAX_FUZZY_UNITS)
    res = units.resolve(text, allow_national=national, fuzzy=fuzzy)
    if fuzzy and not res.exact:
        ctx.fuzzy.add(text)
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
            elif v.__class__ is float and not_finite(v):
                self.fail(fld, v, f"{self.col(fld)}: {show(v)} is not a finite number")
                v = None
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
        if value is not None and (len(value) > MAX_TEXT or not value.isprintable()):
            if len(value) > MAX_TEXT:
                self.ok = False
            value = self.ctx.text(self.sheet, self.r, self.col(fld), value)
        if required and value is None:
            self.fail(fld, None, f"{self.col(fld)} is blank; it is required on every row")
        return value

    def count(self, fld, minimum=0, default=None, required=False):
        value = self.vals.get(fld)
        if value is None:
            if required:
                self.fail(fld, None, f"{self.col(fld)} is blank; write a whole number")
            return default
        if value.__class__ is int and minimum <= value <= MAX_COUNT:
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


@functools.lru_cache(maxsize=None)
def _vocab_parser(name: str):
    """vocab.parse for one vocabulary, memoised (a column repeats a handful of values)."""
    return functools.lru_cache(maxsize=4096)(functools.partial(vocab.parse, name))
