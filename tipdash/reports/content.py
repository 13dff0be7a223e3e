"""A commission's annual report as the "Our report" form edits it, and the same content as format A.

The content is plain JSON data (a draft is stored as it is): ``{"commission": {field: value},
"sections": {section: [ {field: value}, ... ]}, "none": [section, ...]}``. Unit and year are not
in it: they come from the draft's key (the account's unit), never from what a browser sends.

There is ONE validator: the content is turned into the raw sheets of a format-A workbook
(``to_sheets``: the same sheet and header names, the same cell values a reader would give) and
handed to ``tipdash.ingest.parse``; the workbook download (``to_xlsx``) writes exactly those
cells, so the form, the downloaded workbook and the importer give the same problems.
A section is "not reported" (its sheet absent) unless it has rows or is ticked in ``none``
("nothing to report": the sheet is present with no rows, which format A reads as zero).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import math

from tipdash import units, vocab
from tipdash.ingest import parse
from tipdash.ingest.limits import MAX_TEXT
from tipdash.ingest.sheet import Problem
from tipdash.ingest.template import KINDS

#: the sections of the form, in its order (format A sheets)
SECTIONS = ("sessions", "activities", "trainings", "victims", "partners", "challenges")
#: the Commission sheet's fields the form edits (unit and year come from the draft's key)
COMMISSION_FIELDS = ("submitted_on", "prepared_by", "reported", "language", "contact_name", "contact_email",
                     "contact_phone")
#: rows of the Commission sheet, in order (row i+1 of the sheet)
COMMISSION_ROWS = ("unit", "year", *COMMISSION_FIELDS)
#: the name the form's problems carry as their file
FORM_FILE = "form"
MAX_SECTION_ROWS = 2000


class ContentError(ValueError):
    """Content that is not shaped as the form makes it (a tampered session or request)."""


def empty() -> dict:
    return {"commission": {"reported": "yes"}, "sections": {s: [] for s in SECTIONS}, "none": []}


def fields(section: str) -> tuple[str, ...]:
    return tuple(KINDS[section])


def kind(section: str, field: str) -> str:
    """text | date | count | yesno | assist | a vocabulary name (see ``ingest.template.KINDS``)."""
    return KINDS[section][field]


def _scalar(v, where: str):
    """A cell value as the content keeps it: text (stripped, blank -> None), a whole number, or None."""
    if v is None:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return int(v) if v.is_integer() else v
    if isinstance(v, int):
        return v
    if isinstance(v, (dt.datetime, dt.date)):
        return (v.date() if isinstance(v, dt.datetime) else v).isoformat()
    if isinstance(v, str):
        text = v.strip()
        return text[:MAX_TEXT + 1] or None
    raise ContentError(f"{where}: unexpected value of type {type(v).__name__}")


def normalise(content) -> dict:
    """The content with only known keys and plain values; ContentError for anything else."""
    if not isinstance(content, dict):
        raise ContentError("content: not an object")
    head = content.get("commission") or {}
    sections = content.get("sections") or {}
    if not isinstance(head, dict) or not isinstance(sections, dict):
        raise ContentError("content: bad shape")
    out = {"commission": {f: _scalar(head.get(f), f) for f in COMMISSION_FIELDS if head.get(f) is not None},
           "sections": {}, "none": []}
    for s in SECTIONS:
        rows = sections.get(s) or []
        if not isinstance(rows, list) or len(rows) > MAX_SECTION_ROWS:
            raise ContentError(f"{s}: not a list of at most {MAX_SECTION_ROWS} rows")
        clean = []
        for r in rows:
            if not isinstance(r, dict):
                raise ContentError(f"{s}: a row is not an object")
            row = {f: _scalar(r.get(f), f"{s}.{f}") for f in fields(s)}
            if any(v is not None for v in row.values()):
                clean.append(row)
        out["sections"][s] = clean
    none = content.get("none") or []
    if not isinstance(none, list):
        raise ContentError("none: not a list")
    out["none"] = [s for s in SECTIONS if s in none and not out["sections"][s]]
    return out


def dumps(content: dict) -> str:
    return json.dumps(normalise(content), ensure_ascii=False, sort_keys=True)


def loads(text: str) -> dict:
    return normalise(json.loads(text))


def sheet_lang(lang: str) -> str:
    """Sheet and header names are Romanian for a Romanian reader, else English (format A knows both)."""
    return "ro" if lang == "ro" else "en"


def to_sheets(content: dict, unit: str, year: int, lang: str = "ro") -> dict[str, list[list]]:
    """The raw sheets of the format-A workbook holding ``content`` (as ``ingest.read`` gives them)."""
    content = normalise(content)
    sl = sheet_lang(lang)
    head = content["commission"]
    values = {"unit": units.official_name(unit), "year": int(year), **head}
    sheets = {vocab.sheet_label("commission", sl): [[vocab.header_label("commission", f, sl), values.get(f)]
                                                    for f in COMMISSION_ROWS]}
    for s in SECTIONS:
        rows = content["sections"][s]
        if not rows and s not in content["none"]:
            continue
        cols = fields(s)
        sheets[vocab.sheet_label(s, sl)] = [[vocab.header_label(s, f, sl) for f in cols]] + \
            [[r.get(f) for f in cols] for r in rows]
    return sheets


def validate(content: dict, unit: str, year: int, lang: str = "ro") -> list[Problem]:
    """Every problem the importer would report for this content (the ingest validator itself)."""
    return parse(FORM_FILE, to_sheets(content, unit, year, lang), "xlsx").problems


def locate(problem: Problem) -> tuple[str, int | None, str | None] | None:
    """(section or "commission", row index in the form (None: the whole section), field or None)
    of a problem; None when it is about the whole report."""
    key = vocab.sheet_key(problem.sheet) if problem.sheet else None
    if key == "commission":
        field = COMMISSION_ROWS[problem.row - 1] if problem.row and problem.row <= len(COMMISSION_ROWS) else None
        return ("commission", None, field)
    if key not in SECTIONS:
        return None
    field = vocab.header_key(key, problem.column) if problem.column else None
    index = problem.row - 2 if problem.row and problem.row >= 2 else None
    return (key, index, field)


def to_xlsx(content: dict, unit: str, year: int, lang: str = "ro") -> bytes:
    """The content as a filled format-A workbook: exactly the cells of ``to_sheets`` (text as text,
    numbers as numbers), so importing it gives what the form showed. The same content gives the
    same bytes (a fixed creation date): resubmitting an unchanged report changes nothing."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({"title": f"tipdash: format A {unit} {year}", "author": "tipdash",
                       "created": dt.datetime(2000, 1, 1)})
    bold = wb.add_format({"bold": True})
    for name, rows in to_sheets(content, unit, year, lang).items():
        ws = wb.add_worksheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    continue
                fmt = bold if _is_header(name, i, j) else None
                if isinstance(v, (int, float)):
                    ws.write_number(i, j, v, fmt)
                else:
                    ws.write_string(i, j, str(v), fmt)
        ws.set_column(0, max(len(r) for r in rows) - 1, 22)
    wb.close()
    return buf.getvalue()


def _is_header(sheet: str, i: int, j: int) -> bool:
    return j == 0 if vocab.sheet_key(sheet) == "commission" else i == 0


# ------------------------------------------------------------------------------ from a workbook

def from_facts(meta_sub, facts: dict[str, list[list]]) -> dict:
    """The content of a submission the importer's workers read and validated (``meta_sub``: its
    ``Submission``; ``facts``: table -> columns sheet, row_no, *FACT_COLUMNS). Sheets the form
    does not edit are left out (the caller says so)."""
    from tipdash.ingest.sheet import FACT_COLUMNS

    head = {"submitted_on": meta_sub.submitted_on.isoformat() if meta_sub.submitted_on else None,
            "prepared_by": meta_sub.prepared_by, "reported": None if meta_sub.reported is None
            else ("yes" if meta_sub.reported else "no"), "language": meta_sub.source_lang,
            "contact_name": meta_sub.contact_name, "contact_email": meta_sub.contact_email,
            "contact_phone": meta_sub.contact_phone}
    content = {"commission": head, "sections": {}, "none": []}
    for s in SECTIONS:
        cols = facts.get(s)
        if cols is None:
            continue
        names = ("sheet", "row_no", *FACT_COLUMNS[s])
        table = dict(zip(names, cols))
        n = len(cols[0])
        rows = [{f: _from_fact(s, f, table, i) for f in fields(s)} for i in range(n)]
        content["sections"][s] = rows
        if not rows:
            content["none"].append(s)
    return normalise(content)


def _from_fact(section: str, field: str, table: dict, i: int):
    v = table.get(field, [None] * (i + 1))[i]
    k = kind(section, field)
    if k == "date" and v is not None and (table.get(f"{field}_precision") or [None] * (i + 1))[i] == "month":
        return str(v)[:7]                                # known to the month: "2022-07", as it was written
    if k == "yesno":                                     # stored false = blank or "no": blank, the default
        return "yes" if v else None
    if k == "assist" and v is None and (table.get(f"{field}_provided") or [None] * (i + 1))[i]:
        return "yes"
    return v
