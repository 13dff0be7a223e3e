"""Validation of the two input formats (docs/FORMATS.md) into rows ready for the database.

`parse(file, workbook, merged=...)` turns the raw sheets of one file (from `tipdash.readers`)
into a `Parsed`: the submissions it holds (one per unit-year, each with its fact rows) and the
problems found, each located by file, sheet, 1-based spreadsheet row and column (the header as
written in the file, else the column letter). Nothing here touches the database.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import sys
from dataclasses import dataclass, field
from typing import Callable, Iterable

from tipdash import units, vocab
from tipdash.readers import col_letter

MIN_YEAR = 2000
FACT_SHEETS = ("sessions", "topics", "activities", "campaigns", "trainings", "victims", "partners",
               "challenges")
SUMMARY_COUNTS = ("sessions", "information_activities", "participants", "trainings", "members_trained",
                  "victims", "ngo_partners")
ASSISTANCE = ("legal", "medical", "psychological", "housing")
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

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465                      # 9999-12-31


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


class CellError(ValueError):
    """A cell value that cannot be read; the message says why (and shows the value)."""


# ------------------------------------------------------------------------------ cell readers

def show(value: object) -> str:
    """A value as quoted in messages."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"'{value.isoformat()}'"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return f"'{text}'" if isinstance(value, str) else text


def to_text(value: object) -> str | None:
    if vocab.is_blank(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_INT_TEXT = re.compile(r"[+-]?\d+")
_NUM_TEXT = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def to_count(value: object, *, minimum: int = 0, what: str = "count") -> int | None:
    """A whole number >= minimum; None for a blank cell."""
    if vocab.is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is yes/no, not a {what}; write a whole number")
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        raise CellError(f"{show(value)} is a date, not a {what}; write a whole number")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "")
        if _INT_TEXT.fullmatch(text):
            number: float = int(text)
        elif _NUM_TEXT.fullmatch(text):
            number = float(text.replace(",", "."))
        else:
            approx = vocab.approx_number(text)
            hint = f"; write {approx} (approximate figures are marked in the Approximate column)" \
                if approx is not None else "; write a whole number"
            raise CellError(f"{show(value)} is text, not a {what}{hint}")
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise CellError(f"{show(value)} is not a {what}; write a whole number")
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{show(value)} is not a {what}; write a whole number")
    if number < 0:
        raise CellError(f"{show(value)} is negative; a {what} is a whole number ≥ {minimum}")
    if isinstance(number, float) and not number.is_integer():
        raise CellError(f"{show(value)} is fractional; a {what} is a whole number")
    number = int(number)
    if number < minimum:
        raise CellError(f"{show(value)} is below {minimum}; a {what} is a whole number ≥ {minimum}")
    return number


_DMY = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def to_date(value: object) -> dt.date | None:
    """dd.mm.yyyy, yyyy-mm-dd, an Excel serial number or a date cell; None for a blank cell."""
    if vocab.is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"{show(value)} is not a date; write dd.mm.yyyy or yyyy-mm-dd")
    if isinstance(value, str):
        return _date_text(value.strip())
    return _date_number(value)


@functools.lru_cache(maxsize=4096)
def _date_text(text: str) -> dt.date:
    return _date_number(text)


def _date_number(value: object) -> dt.date:
    serial: float | None = None
    if isinstance(value, (int, float)):
        serial = float(value)
    elif isinstance(value, str):
        text = value
        try:
            m = _DMY.fullmatch(text)
            if m:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            m = _YMD.fullmatch(text)
            if m:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError(f"{show(value)} is not a valid calendar date") from None
        if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
            serial = float(text)
    if serial is None:
        raise CellError(f"{show(value)} is not a date; write dd.mm.yyyy or yyyy-mm-dd")
    if not 1 <= serial <= _MAX_SERIAL:
        raise CellError(f"{show(value)} is not a date (an Excel date number is between 1 and {_MAX_SERIAL})")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def to_year(value: object) -> int:
    today = dt.date.today().year
    if vocab.is_blank(value):
        raise CellError("the year is blank")
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError(f"{show(value)} is a date; write the year as a number such as {today - 1}")
    try:
        year = to_count(value, what="year")
    except CellError:
        raise CellError(f"{show(value)} is not a year; write it as a number such as {today - 1}") from None
    if year is None or not MIN_YEAR <= year <= today:
        raise CellError(f"year {show(value)} is outside {MIN_YEAR}..{today}")
    return year


# ------------------------------------------------------------------------------ the parser

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


def _cell(row: list, j: int | None):
    if j is None or j >= len(row):
        return None
    v = row[j]
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


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


def parse(file: str, sheets: dict[str, list[list]], kind: str, merged: MergedFn | None = None) -> Parsed:
    """Detect the format of one file and validate it."""
    ctx = _Ctx(file)
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


# ------------------------------------------------------------------------------ format A

def _parse_report(ctx: _Ctx, sheets: dict, keys: dict, nonblank: dict, merged: MergedFn | None
                  ) -> list[Submission]:
    for key, names in keys.items():
        if key not in (None, "instructions") and len(names) > 1:
            ctx.error(names[1], None, None, names[1],
                      f"sheets {names[0]!r} and {names[1]!r} are the same sheet ({vocab.sheet_label(key)}); "
                      f"keep one")
    for name in keys.get(None, []):
        if name in nonblank:
            near = _nearest(name, [s for k in ("commission", *FACT_SHEETS) for s in vocab.SHEETS[k][:2]])
            hint = f"; did you mean {near!r}?" if near else ""
            ctx.error(name, None, None, name,
                      f"unknown sheet {name!r} (expected: " + ", ".join(
                          vocab.sheet_label(k) for k in ("commission", *FACT_SHEETS)) + f"){hint}")
        else:
            ctx.warn(name, None, None, name, f"empty sheet {name!r} ignored")
    if "summary" in keys:
        ctx.error(keys["summary"][0], None, None, None, "a report file may not have a Summary sheet")

    head = _parse_commission(ctx, keys["commission"][0], sheets[keys["commission"][0]], merged) \
        if "commission" in keys else None
    year = head["year"] if head else None
    facts: dict[str, list[tuple]] = {}
    for key in FACT_SHEETS:
        if key in keys:
            name = keys[key][0]
            facts[key] = _parse_fact_sheet(ctx, key, name, sheets[name], year, merged)
    if head is None:
        return []
    rows = sum(len(v) for v in facts.values())
    sheet, unit_row = head["sheet"], head["rows"].get("unit", 1)
    if head["unit"] is None and head["unit_text"] is None:
        if rows == 0 and head["reported"] is None:
            ctx.problems = [p for p in ctx.problems if not (p.is_error and p.sheet == sheet)]
            ctx.error(sheet, unit_row, "Unit", None,
                      "empty report: nothing is filled in (Unit, Reported and every sheet are blank); "
                      "fill in the template and import it again")
            return []
        ctx.error(sheet, unit_row, "Unit", None, "Unit is blank: write the commission's district or "
                                                 "municipality (e.g. 'Cahul')")
    reported = head["reported"]
    rrow = head["rows"].get("reported")
    if reported is None and "reported" not in head["errors"]:
        if rows:
            reported = True
            ctx.warn(sheet, rrow, head["labels"].get("reported", "Reported"), None,
                     "Reported is blank; read as 'yes' because the report has figures")
        else:
            ctx.error(sheet, rrow, head["labels"].get("reported", "Reported"), None,
                      "Reported is blank: write yes or no")
    if reported is False and rows:
        detail = ", ".join(f"{keys[k][0]} ({len(v)} rows)" for k, v in facts.items() if v)
        ctx.error(sheet, rrow, head["labels"].get("reported", "Reported"), head["reported_raw"],
                  f"Reported is {show(head['reported_raw'])} but the report has figures: {detail}; "
                  f"either write 'yes' or delete the figures")
    if ctx.has_errors or head["unit"] is None or year is None:
        return []
    return [Submission(head["unit"], head["unit_text"], year, sheet, unit_row, reported,
                       head["submitted_on"], head["prepared_by"], facts)]


def _resolve_unit(ctx: _Ctx, sheet: str, row: int, column: str, text: str, *, national: bool) -> str | None:
    res = units.resolve(text, allow_national=national)
    if not res.ok:
        cands = ", ".join(f"{_unit_name(c)} ({c})" for c, _ in res.candidates[:5])
        ctx.error(sheet, row, column, text, f"{res.message}" + (f" [candidates: {cands}]" if cands and
                                                                 "closest" not in res.message else ""))
        return None
    if res.code != units.NATIONAL and not units.get(res.code).has_commission:
        ctx.error(sheet, row, column, text, f"{_unit_name(res.code)} ({res.code}) has no territorial commission")
        return None
    if res.warning:
        ctx.warn(sheet, row, column, text,
                 f"unit {show(text)} read as {_unit_name(res.code)} ({res.code}), a fuzzy match ({res.score:.0f}/100); "
                 f"check it, and write the name exactly to silence this warning")
    return res.code


def _unit_name(code: str) -> str:
    return "Republica Moldova" if code == units.NATIONAL else units.get(code).name_ro


_NOTE_FIELDS = {"note", "notes", "nota", "note", "comment", "comments", "comentariu", "comentarii", "observatii",
                "observatie", "remarks"}


def _parse_commission(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> dict | None:
    head: dict = {"sheet": sheet, "unit": None, "unit_text": None, "year": None, "submitted_on": None,
                  "prepared_by": None, "reported": None, "reported_raw": None, "rows": {}, "labels": {},
                  "errors": set()}
    if not rows or all(_blank_row(r) for r in rows):
        ctx.error(sheet, None, None, None,
                  f"required sheet {sheet!r} is empty: it needs Unit, Year and Reported in columns A/B")
        return None
    _check_merged(ctx, sheet, merged, rows[0])
    raw: dict[str, tuple[int, str, object]] = {}
    for i, row in enumerate(rows, start=1):
        key_text, value = _cell(row, 0), _cell(row, 1)
        if key_text is None and value is None:
            continue
        fld = vocab.header_key("commission", key_text)
        if fld is None:
            if i == 1 and vocab.norm(key_text or "") in {"field", "camp", "campul", "item"}:
                continue
            if vocab.norm(key_text or "") in _NOTE_FIELDS:
                ctx.warn(sheet, i, str(key_text), value, f"note ignored: {show(value)}")
                continue
            ctx.warn(sheet, i, "A", key_text, f"unknown field {show(key_text)} ignored (expected Unit, Year, "
                                               f"Submitted on, Prepared by, Reported)")
            continue
        if fld in raw:
            ctx.error(sheet, i, str(key_text), value, f"{key_text!s} is given twice (rows {raw[fld][0]} and {i})")
            head["errors"].add(fld)
            continue
        raw[fld] = (i, str(key_text), value)
        head["rows"][fld] = i
        head["labels"][fld] = str(key_text)

    def where(fld, default):
        i, label, value = raw.get(fld, (None, default, None))
        return i, label, value

    i, label, value = where("unit", "Unit")
    if value is not None:
        head["unit_text"] = to_text(value)
        head["unit"] = _resolve_unit(ctx, sheet, i, label, head["unit_text"], national=True)
        if head["unit"] is None:
            head["errors"].add("unit")
    i, label, value = where("year", "Year")
    try:
        head["year"] = to_year(value)
    except CellError as exc:
        head["errors"].add("year")
        ctx.error(sheet, i, label, value, f"Year: {exc}" if value is not None else
                  "Year is missing: write the report year (e.g. " + str(dt.date.today().year - 1) + ")")
    i, label, value = where("submitted_on", "Submitted on")
    try:
        head["submitted_on"] = to_date(value)
        d = head["submitted_on"]
        if d and head["year"] and d.year < head["year"]:
            ctx.error(sheet, i, label, value, f"Submitted on {d:%d.%m.%Y} is before the report year {head['year']}")
        elif d and d > dt.date.today():
            ctx.error(sheet, i, label, value, f"Submitted on {d:%d.%m.%Y} is in the future")
    except CellError as exc:
        ctx.error(sheet, i, label, value, f"Submitted on: {exc}")
    head["prepared_by"] = to_text(where("prepared_by", "Prepared by")[2])
    i, label, value = where("reported", "Reported")
    head["reported_raw"] = value
    try:
        head["reported"] = vocab.parse_bool(value)
    except ValueError as exc:
        head["errors"].add("reported")
        ctx.error(sheet, i, label, value, f"Reported: {exc}")
    return head


def _parse_fact_sheet(ctx: _Ctx, key: str, sheet: str, rows: list[list], year: int | None,
                      merged: MergedFn | None) -> list[tuple]:
    hi = _header_row(rows or [])
    if hi is None:
        ctx.warn(sheet, None, None, None, f"sheet {sheet!r} is blank (no header row); read as no rows")
        return []
    hrow = hi + 1
    _check_merged(ctx, sheet, merged, rows[0] if hrow == 1 else None)
    mapping = _map_headers(ctx, key, sheet, rows[hi], hrow, vocab.HEADERS[key],
                           vocab.OPTIONAL_HEADERS.get(key, frozenset()))
    if mapping is None:
        return []
    headers = {fld: str(rows[hi][j]) for fld, j in mapping.items()}
    items = tuple(mapping.items())
    parse_row = _ROW_PARSERS[key]
    header = rows[hi]
    unlabelled = [j for j, h in enumerate(header) if vocab.is_blank(h)]
    out: list[tuple] = []
    cols = FACT_COLUMNS[key]
    seen: dict[tuple, int] = {}
    for r, row in enumerate(rows[hi + 1:], start=hrow + 1):
        if _blank_row(row):
            continue
        if unlabelled is not None:
            for j in [*unlabelled, *range(len(header), len(row))]:
                if j < len(row) and not vocab.is_blank(row[j]):
                    ctx.warn(sheet, r, col_letter(j), row[j],
                             f"column {col_letter(j)} has values (first: {show(row[j])}) but no header; ignored")
                    unlabelled = None             # once per sheet
                    break
        dup = tuple(row)
        if dup in seen:
            ctx.warn(sheet, r, None, None, f"row {r} repeats row {seen[dup]} exactly; both are imported — "
                                           f"delete one if it is a copy")
        else:
            seen[dup] = r
        rec = _RowReader(ctx, sheet, r, row, items, headers, year)
        fact = parse_row(rec)
        if rec.ok:
            out.append((sheet, r, *[fact[c] for c in cols]))
        if key == "victims":
            _scan_idnp(ctx, sheet, r, row, {j: headers[f] for f, j in mapping.items()})
    return out


_IDNP = re.compile(r"\b\d{13}\b")


def _scan_idnp(ctx: _Ctx, sheet: str, r: int, row: list, names: dict[int, str]) -> None:
    """A 13-digit number on the Victims sheet looks like an IDNP (personal identification number)."""
    for j, v in enumerate(row):
        text = to_text(v) if not isinstance(v, bool) else None
        if text and _IDNP.search(text):
            ctx.error(sheet, r, names.get(j, col_letter(j)), "<13 digits>",
                      f"column {names.get(j, col_letter(j))} holds a 13-digit number that looks like an IDNP "
                      f"(personal data); the Victims sheet takes aggregate counts only")


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


def _sessions(r: _RowReader) -> dict:
    return {"date": r.date("date"), "topics": r.text("topics"), "participants": r.count("participants")}


def _topics(r: _RowReader) -> dict:
    return {"topic": r.text("topic", required=True)}


def _activities(r: _RowReader) -> dict:
    date, end = r.period("date", "end_date")
    fact = {"date": date, "end_date": end, "type": r.vocab("type", "type", required=True),
            "target_group": r.vocab("target_group", "target_group"),
            "participants": r.count("participants"), "campaign": r.text("campaign"),
            "description": r.text("description"), "count": r.count("count", minimum=1, default=1),
            "approximate": r.flag("approximate")}
    if r.raw("date") is None and r.ok and (fact["count"] or 1) <= 1:
        r.fail("date", None, f"{r.col('date')} is blank; only a row standing for several activities "
                             f"(Count > 1) may leave the date blank")
    return fact


def _campaigns(r: _RowReader) -> dict:
    start, end = r.period("start_date", "end_date")
    return {"name": r.text("name", required=True), "start_date": start, "end_date": end,
            "description": r.text("description")}


def _trainings(r: _RowReader) -> dict:
    start, end = r.period("start_date", "end_date")
    return {"title": r.text("title"), "start_date": start, "end_date": end,
            "organisers": r.text("organisers"), "participants": r.count("participants"),
            "count": r.count("count", minimum=1, default=1)}


def _victims(r: _RowReader) -> dict:
    fact = {"sex": r.vocab("sex", "sex", default="unknown"),
            "age_group": r.vocab("age_group", "age_group", default="unknown"),
            "exploitation": r.vocab("exploitation", "exploitation", default="unknown"),
            "status": r.vocab("status", "status", default="unknown"),
            "count": r.count("count", required=True), "referred_to": r.text("referred_to")}
    for fld in ASSISTANCE:
        raw = r.raw(fld)
        n = given = None
        if isinstance(raw, bool) or (isinstance(raw, str) and not _NUM_TEXT.fullmatch(raw.strip())):
            try:                                  # yes/da/x: given, count not reported; no/nu: 0
                given = vocab.parse_bool(raw)
                n = None if given else 0
            except ValueError:
                r.fail(fld, raw, f"{r.col(fld)}: {show(raw)} is neither a number of victims assisted nor "
                                 f"yes/da (given, not counted) nor no/nu")
        elif raw is not None:
            try:
                n = to_count(raw)
                given = n > 0
            except CellError as exc:
                r.fail(fld, raw, f"{r.col(fld)}: {exc}")
        if n is not None and fact["count"] is not None and n > fact["count"]:
            r.fail(fld, raw, f"{r.col(fld)} {n} is above the victim count {fact['count']} of this row")
        fact[fld], fact[f"{fld}_provided"] = n, given
    return fact


def _partners(r: _RowReader) -> dict:
    return {"organisation": r.text("organisation", required=True), "kind": r.vocab("kind", "kind"),
            "cooperation": r.text("cooperation")}


def _challenges(r: _RowReader) -> dict:
    return {"text": r.text("text", required=True), "category": r.text("category")}


_ROW_PARSERS = {"sessions": _sessions, "topics": _topics, "activities": _activities,
                "campaigns": _campaigns, "trainings": _trainings, "victims": _victims,
                "partners": _partners, "challenges": _challenges}


# ------------------------------------------------------------------------------ format B

_TOTAL = re.compile(r"^(total|totaluri|totalgeneral|grandtotal|totalnational|totalrepublica|suma|itogo|итого)")


def _parse_summary(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> list[Submission]:
    hi = _header_row(rows or [])
    if hi is None:
        ctx.error(sheet, None, None, None, f"required sheet {sheet!r} is empty")
        return []
    hrow = hi + 1
    _check_merged(ctx, sheet, merged, rows[0] if hrow == 1 else None)
    mapping = _map_headers(ctx, "summary", sheet, rows[hi], hrow, vocab.SUMMARY_HEADERS, frozenset())
    if mapping is None:
        return []
    headers = {fld: str(rows[hi][j]) for fld, j in mapping.items()}
    out: list[Submission] = []
    seen: dict[tuple[str, int], int] = {}
    data_rows = 0
    for r, row in enumerate(rows[hi + 1:], start=hrow + 1):
        if _blank_row(row):
            continue
        data_rows += 1
        rec = _RowReader(ctx, sheet, r, row, tuple(mapping.items()), headers, None)
        unit_text = rec.text("unit")
        if unit_text is None:
            rec.fail("unit", None, f"{rec.col('unit')} is blank")
            continue
        if _TOTAL.match(vocab.norm(unit_text)) or units.resolve(unit_text, allow_national=True).code == units.NATIONAL:
            ctx.warn(sheet, r, rec.col("unit"), unit_text,
                     f"row {r} ({show(unit_text)}) looks like a national total and is skipped: a summary "
                     f"has one row per commission (national-level facts come as a report for "
                     f"'Republica Moldova')")
            continue
        code = _resolve_unit(ctx, sheet, r, rec.col("unit"), unit_text, national=False)
        if code is None:
            rec.ok = False
        year = rec._get("year", to_year)
        if rec.raw("year") is None:
            rec.fail("year", None, f"{rec.col('year')} is blank: write the report year")
        reported = rec._get("reported", vocab.parse_bool)
        values: dict[str, object] = {}
        approx = False
        for fld in SUMMARY_COUNTS:
            raw = rec.raw(fld)
            n = vocab.approx_number(raw) if isinstance(raw, str) else None
            if n is not None:
                if fld == "information_activities":
                    values[fld], approx = n, True
                else:
                    rec.fail(fld, raw, f"{rec.col(fld)}: {show(raw)} is approximate; only "
                                       f"information_activities may be approximate — write a whole number")
                continue
            values[fld] = rec.count(fld)
        figures = [fld for fld in SUMMARY_COUNTS if rec.raw(fld) is not None]
        if reported is False and figures:
            rec.fail("reported", rec.raw("reported"),
                     f"{rec.col('reported')} is {show(rec.raw('reported'))} but the row has figures "
                     f"({', '.join(rec.col(f) for f in figures)}); write 'yes' or delete the figures")
        elif reported is None and rec.raw("reported") is None:
            if figures:
                reported = True
                ctx.warn(sheet, r, rec.col("reported"), None,
                         f"{rec.col('reported')} is blank; read as 'yes' because the row has figures")
            else:
                rec.fail("reported", None, f"{rec.col('reported')} is blank: write yes or no")
        if code and year:
            if (code, year) in seen:
                rec.fail("unit", unit_text, f"{show(unit_text)}: {_unit_name(code)} {year} is already on row "
                                            f"{seen[(code, year)]}; "
                                            f"a summary has one row per unit and year")
            else:
                seen[(code, year)] = r
        if not rec.ok or ctx.has_errors:
            continue
        fact = {**values, "information_activities_approx": approx}
        out.append(Submission(code, unit_text, year, sheet, r, reported,
                              facts={"summary": [(sheet, r, *[fact[c] for c in FACT_COLUMNS["summary"]])]}))
    if data_rows == 0:
        ctx.error(sheet, hrow, None, None, f"sheet {sheet!r} has a header row but no data rows")
    elif not out and not ctx.has_errors:
        ctx.error(sheet, hrow, None, None, f"sheet {sheet!r} has no row for a commission (only totals)")
    return [] if ctx.has_errors else out
