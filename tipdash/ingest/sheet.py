"""What both input formats share: the result types, the problem log, header mapping, unit names.

`report` (format A, its fact sheets in `facts`) and `summary` (format B) build on this, and on
`columns` (a whole column of values checked at once); `validate.parse` picks between them.
"""
from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tipdash import units, vocab
from tipdash.ingest.limits import MAX_FUZZY_UNITS, MAX_MATCH_TEXT, MAX_PROBLEMS, MAX_TEXT, col_letter
from tipdash.ingest.problem import Problem, more_problems
from tipdash.ingest.text import strip_controls

__all__ = ["FACT_SHEETS", "FACT_COLUMNS", "Problem", "more_problems", "Submission", "Parsed"]

FACT_SHEETS = ("sessions", "topics", "activities", "campaigns", "trainings", "victims", "partners",
               "challenges", "conclusions", "context")
# table -> its value columns, in the order of the fact columns (sheet, row_no, *columns)
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
    "series": ("indicator", "breakdown", "value", "value_text", "unit", "note"),            # format C
    "series_sources": ("source", "publisher", "title", "url", "licence", "accessed", "note"),
}


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
    facts: dict[str, list[list]] = field(default_factory=dict)  # table -> columns: sheet, row_no, *FACT_COLUMNS
    source_lang: str | None = None         # language of the free text (format A field Language)
    tables: tuple[str, ...] = ()           # the fact tables present (parent side, facts not loaded)
    rows: int = 0                          # their rows (parent side)
    contact_name: str | None = None        # optional contact details (Commission sheet)
    contact_email: str | None = None
    contact_phone: str | None = None

    @property
    def fact_rows(self) -> int:
        return sum(len(cols[0]) for cols in self.facts.values()) if self.facts else self.rows


@dataclass
class Parsed:
    file: str
    format: str | None                     # 'report' | 'summary' | 'series' | 'sources' | None (not recognised)
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


MergedFn = Callable[[str], list]           # sheet name -> merged cell refs in its first row


class _Ctx:
    """Collects problems for one file: the first MAX_PROBLEMS are kept, the others counted."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.hidden = {"error": 0, "warning": 0}
        self.errors = 0
        self.controls_seen = False
        self.fuzzy: set[str] = set()

    def add(self, severity, sheet, row, column, value, code, params, cell=None, /) -> None:
        if severity == "error":
            self.errors += 1
        if len(self.problems) >= MAX_PROBLEMS:
            self.hidden[severity] += 1
            return
        self.problems.append(Problem(self.file, sheet, row, column, value, code, params, severity, cell))

    def error(self, sheet, row, column, value, code, cell=None, /, **params) -> None:
        """An error at (sheet, row, column, cell) about ``value``; ``params`` fill the message."""
        self.add("error", sheet, row, column, value, code, params, cell)

    def warn(self, sheet, row, column, value, code, cell=None, /, **params) -> None:
        self.add("warning", sheet, row, column, value, code, params, cell)

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    def drop_errors(self, sheet: str) -> None:
        """Forget the errors listed for ``sheet`` (an empty report gets one message instead)."""
        self.problems = [p for p in self.problems if not (p.is_error and p.sheet == sheet)]
        self.errors = sum(p.is_error for p in self.problems) + self.hidden["error"]

    def text(self, sheet, row, column, cell, value: str) -> str | None:
        """Stored text: at most MAX_TEXT characters (else an error, None), control and bidi
        characters removed (one warning per file, at the first such cell)."""
        if len(value) > MAX_TEXT:
            self.error(sheet, row, column, value[:60], "text.too_long", cell,
                       length={"plural": "characters", "n": len(value)}, max=MAX_TEXT)
            return None
        value, changed = strip_controls(value)
        if changed and not self.controls_seen:
            self.controls_seen = True
            self.warn(sheet, row, column, None, "text.controls", cell)
        return value.strip() or None


def cell_ref(col: int, row: int) -> str:
    return f"{col_letter(col)}{row}"


def _blank_row(row: list) -> bool:
    """No value in the row (readers give None for empty and blank text; NaN is a value: it is
    refused, not read as blank)."""
    return row.count(None) == len(row)


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


def _check_merged(ctx: _Ctx, sheet: str, merged: MergedFn | None, first_row: list | None = None) -> bool:
    """Merged cells in row 1 are errors. Only a row 1 with a blank cell can hide a merge (the
    cells a merge covers read as blank), so a full row 1 skips the check."""
    if merged is None or (first_row is not None and first_row and None not in first_row):
        return True
    refs = merged(sheet) or []
    for ref in refs:
        first = str(ref).split(":")[0]
        ctx.error(sheet, 1, first, str(ref), "header.merged", first, ref=str(ref))
    return not refs


def _map_headers(ctx: _Ctx, sheet_key: str, sheet: str, header: list, hrow: int,
                 fields: dict[str, tuple[str, ...]], optional: frozenset[str]) -> dict[str, int] | None:
    """field -> column index; None (with errors) when required columns are missing."""
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for j, h in enumerate(header):
        if h is None:
            continue
        key = vocab.header_key(sheet_key, h if not isinstance(h, str) else h[:MAX_MATCH_TEXT * 4])
        where = cell_ref(j, hrow)
        if key is None:
            reason = vocab.personal_data_reason(h) if sheet_key == "victims" else None
            if reason:
                ctx.error(sheet, hrow, str(h)[:80], h, "header.personal", where, reason=_REASONS.get(reason, "name"))
            else:
                unknown.append(str(h))
                ctx.warn(sheet, hrow, str(h)[:80], h, "header.extra", where)
        elif key in mapping:
            ctx.error(sheet, hrow, str(h)[:80], h, "header.duplicate", where, name=fields[key][0],
                      first=col_letter(mapping[key]), second=col_letter(j))
        else:
            mapping[key] = j
    ok = True
    for key, names in fields.items():
        if key in mapping or key in optional:
            continue
        ok = False
        near = _nearest(names[0], unknown) or _nearest(names[1], unknown)
        params = {"name": names[0], "name_ro": names[1], "sheet": sheet}
        if near:
            ctx.error(sheet, hrow, names[0], None, "header.missing_near", near=near[:80], **params)
        else:
            ctx.error(sheet, hrow, names[0], None, "header.missing", **params)
    return mapping if ok else None


_REASONS = {"an IDNP": "idnp", "a personal number": "personal_number", "a birth date": "birth_date",
            "an address": "address", "a phone number": "phone", "an e-mail address": "email",
            "a passport number": "passport", "a name": "name"}


def _resolve_unit(ctx: _Ctx, sheet: str, row: int, column: str, cell: str | None, text: str, *,
                  national: bool) -> str | None:
    """The unit's ISO code, or None with an error; fuzzy matching (and suggestions) only for the
    first MAX_FUZZY_UNITS distinct names of a file."""
    fuzzy = len(text) <= MAX_MATCH_TEXT and (text in ctx.fuzzy or len(ctx.fuzzy) < MAX_FUZZY_UNITS)
    res = units.resolve(text, allow_national=national, fuzzy=fuzzy)
    if fuzzy and not res.exact:
        ctx.fuzzy.add(text)
    if not res.ok:
        closest = [(c, s) for c, s in res.candidates[:3]]
        if res.message.startswith("Empty"):
            ctx.error(sheet, row, column, text, "unit.empty", cell)
        elif "whole country" in res.message:
            ctx.error(sheet, row, column, text, "unit.national_here", cell, value=text)
        elif res.message.startswith("Ambiguous"):
            ctx.error(sheet, row, column, text, "unit.ambiguous", cell, value=text, closest=closest)
        elif closest:
            ctx.error(sheet, row, column, text, "unit.unknown", cell, value=text, closest=closest)
        else:
            ctx.error(sheet, row, column, text, "unit.unknown_plain", cell, value=text)
        return None
    if res.code != units.NATIONAL and not units.get(res.code).has_commission:
        ctx.error(sheet, row, column, text, "unit.no_commission", cell, unit=res.code)
        return None
    if res.warning:
        ctx.warn(sheet, row, column, text, "unit.fuzzy", cell, value=text, unit=res.code, score=round(res.score))
    return res.code


def more_line(ctx: _Ctx) -> Problem | None:
    if ctx.hidden["error"] or ctx.hidden["warning"]:
        return more_problems(ctx.file, ctx.hidden["error"], ctx.hidden["warning"])
    return None
