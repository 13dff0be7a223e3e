"""Format A, the commission report: the sheets present, the Commission sheet (field/value pairs),
and one fact sheet per kind of fact (`facts`)."""
from __future__ import annotations

import datetime as dt
import re

from tipdash import vocab
from tipdash.ingest import origin
from tipdash.ingest.cells import CellError, not_finite, to_bool, to_date, to_text, to_year
from tipdash.ingest.facts import parse_fact_sheet
from tipdash.ingest.limits import MAX_MATCH_TEXT
from tipdash.ingest.sheet import FACT_SHEETS, MergedFn, Submission, _blank_row, _check_merged, _Ctx, _nearest, \
    _resolve_unit, cell_ref


def _parse_report(ctx: _Ctx, sheets: dict, keys: dict, nonblank: dict, merged: MergedFn | None
                  ) -> list[Submission]:
    _check_sheet_names(ctx, keys, nonblank)
    head = _parse_commission(ctx, keys["commission"][0], sheets[keys["commission"][0]], merged) \
        if "commission" in keys else None
    year = head["year"] if head else None
    facts: dict[str, list[list]] = {}
    for key in FACT_SHEETS:
        if key in keys:
            name = keys[key][0]
            facts[key] = parse_fact_sheet(ctx, key, name, sheets[name], year, merged)
    if head is None:
        return []
    rows = sum(len(cols[0]) for cols in facts.values())
    if not _check_head(ctx, head, rows, keys, facts):
        return []
    if ctx.has_errors or head["unit"] is None or year is None:
        return []
    return [Submission(head["unit"], head["unit_text"], year, head["sheet"], head["rows"].get("unit", 1),
                       head["reported"], head["submitted_on"], head["prepared_by"], facts, head["language"],
                       **{k: head[k] for k in CONTACT_FIELDS})]


def _check_sheet_names(ctx: _Ctx, keys: dict, nonblank: dict) -> None:
    for key, names in keys.items():
        if key not in (None, "instructions") and len(names) > 1:
            ctx.error(names[1], None, None, names[1], "sheet.same_twice", first=names[0], second=names[1],
                      label=vocab.sheet_label(key))
    expected = ", ".join(vocab.sheet_label(k) for k in ("commission", *FACT_SHEETS))
    for name in keys.get(None, []):
        if name in nonblank:
            near = _nearest(name, [s for k in ("commission", *FACT_SHEETS) for s in vocab.SHEETS[k][:2]])
            if near:
                ctx.error(name, None, None, name, "sheet.unknown_near", name=name, expected=expected, near=near)
            else:
                ctx.error(name, None, None, name, "sheet.unknown", name=name, expected=expected)
        else:
            ctx.warn(name, None, None, name, "sheet.empty_ignored", name=name)
    if "summary" in keys:
        ctx.error(keys["summary"][0], None, None, None, "sheet.summary_in_report")


def _check_head(ctx: _Ctx, head: dict, rows: int, keys: dict, facts: dict) -> bool:
    """Unit and Reported against the figures; False for an empty report (one message)."""
    sheet, unit_row = head["sheet"], head["rows"].get("unit", 1)
    if head["unit"] is None and head["unit_text"] is None:
        if rows == 0 and head["reported"] is None:
            ctx.drop_errors(sheet)
            ctx.error(sheet, unit_row, "Unit", None, "commission.empty_report")
            return False
        ctx.error(sheet, unit_row, "Unit", None, "commission.unit_blank")
    reported = head["reported"]
    rrow = head["rows"].get("reported")
    label = head["labels"].get("reported", "Reported")
    cell = cell_ref(1, rrow) if rrow else None
    if reported is None and "reported" not in head["errors"]:
        if rows:
            head["reported"] = True
            ctx.warn(sheet, rrow, label, None, "commission.reported_blank_yes", cell)
        else:
            ctx.error(sheet, rrow, label, None, "commission.reported_blank", cell)
    if reported is False and rows:
        figures = [[keys[k][0], len(cols[0])] for k, cols in facts.items() if cols[0]]
        ctx.error(sheet, rrow, label, head["reported_raw"], "commission.reported_no_figures", cell,
                  value=head["reported_raw"], figures=figures)
    return True


_NOTE_FIELDS = {"note", "notes", "nota", "comment", "comments", "comentariu", "comentarii", "observatii",
                "observatie", "remarks"}


def _cell(row: list, j: int):
    return row[j] if j < len(row) else None


def _parse_commission(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> dict | None:
    head: dict = {"sheet": sheet, "unit": None, "unit_text": None, "year": None, "submitted_on": None,
                  "prepared_by": None, "reported": None, "reported_raw": None, "rows": {}, "labels": {},
                  "errors": set(), "language": origin.DEFAULT_SOURCE_LANG, **dict.fromkeys(CONTACT_FIELDS)}
    if not rows or all(_blank_row(r) for r in rows):
        ctx.error(sheet, None, None, None, "commission.empty", sheet=sheet)
        return None
    _check_merged(ctx, sheet, merged, rows[0])
    raw = _commission_fields(ctx, sheet, rows, head)
    _commission_values(ctx, sheet, raw, head)
    return head


def _commission_fields(ctx: _Ctx, sheet: str, rows: list[list], head: dict) -> dict[str, tuple[int, str, object]]:
    """Field -> (row, label as written, value) of the field/value rows; unknown fields warned."""
    raw: dict[str, tuple[int, str, object]] = {}
    for i, row in enumerate(rows, start=1):
        key_text, value = _cell(row, 0), _cell(row, 1)
        if key_text is None and value is None:
            continue
        label = str(key_text)[:MAX_MATCH_TEXT] if key_text is not None else ""
        fld = vocab.header_key("commission", key_text) if key_text is not None else None
        if fld is None:
            if i == 1 and vocab.norm(label) in {"field", "camp", "campul", "item"}:
                continue
            if vocab.norm(label) in _NOTE_FIELDS:
                ctx.warn(sheet, i, label, value, "commission.note_ignored", cell_ref(1, i), value=value)
            else:
                ctx.warn(sheet, i, "A", key_text, "commission.unknown_field", cell_ref(0, i), value=key_text)
            continue
        if fld in raw:
            ctx.error(sheet, i, label, value, "commission.twice", cell_ref(0, i), label=label,
                      first=raw[fld][0], second=i)
            head["errors"].add(fld)
            continue
        if not_finite(value):
            ctx.error(sheet, i, label, value, "value.not_finite", cell_ref(1, i), value=value)
            head["errors"].add(fld)
            value = None
        raw[fld] = (i, label, value)
        head["rows"][fld] = i
        head["labels"][fld] = label
    return raw


def _commission_values(ctx: _Ctx, sheet: str, raw: dict, head: dict) -> None:
    """Unit, Year, Submitted on, Prepared by and Reported, checked, into ``head``."""
    def where(fld, default):
        i, label, value = raw.get(fld, (None, default, None))
        return i, label, value, (cell_ref(1, i) if i else None)

    i, label, value, cell = where("unit", "Unit")
    if value is not None:
        head["unit_text"] = to_text(value)
        head["unit"] = _resolve_unit(ctx, sheet, i, label, cell, head["unit_text"], national=True)
        if head["unit"] is None:
            head["errors"].add("unit")
    i, label, value, cell = where("year", "Year")
    try:
        head["year"] = to_year(value)
    except CellError as exc:
        head["errors"].add("year")
        if value is None:
            ctx.error(sheet, i, label, value, "commission.year_missing", cell, example=dt.date.today().year - 1)
        else:
            ctx.error(sheet, i, label, value, exc.code, cell, **exc.params)
    _submitted_on(ctx, sheet, head, *where("submitted_on", "Submitted on"))
    i, label, value, cell = where("prepared_by", "Prepared by")
    text = to_text(value)
    head["prepared_by"] = ctx.text(sheet, i, label, cell, text) if text else None
    i, label, value, cell = where("language", "Language")
    try:                                   # Language/Limba: the language of the free text (blank: Romanian)
        head["language"] = origin.parse_language(value) or origin.DEFAULT_SOURCE_LANG
    except ValueError:
        ctx.error(sheet, i, label, value, "commission.language", cell, value=value)
    _contact(ctx, sheet, head, where)
    i, label, value, cell = where("reported", "Reported")
    head["reported_raw"] = value
    try:
        head["reported"] = to_bool(value)
    except CellError as exc:
        head["errors"].add("reported")
        ctx.error(sheet, i, label, value, exc.code, cell, **exc.params)


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _contact(ctx: _Ctx, sheet: str, head: dict, where) -> None:
    """The optional contact details: text; an e-mail address must look like one."""
    for fld, default in zip(CONTACT_FIELDS, ("Secretary", "E-mail", "Phone")):
        i, label, value, cell = where(fld, default)
        text = to_text(value)
        if not text:
            continue
        if fld == "contact_email" and not _EMAIL.fullmatch(text):
            ctx.error(sheet, i, label, value, "commission.email", cell, value=value)
            continue
        head[fld] = ctx.text(sheet, i, label, cell, text)


def _submitted_on(ctx: _Ctx, sheet: str, head: dict, i, label, value, cell) -> None:
    try:
        d = head["submitted_on"] = to_date(value)
    except CellError as exc:
        ctx.error(sheet, i, label, value, exc.code, cell, **exc.params)
        return
    if d and head["year"] and d.year < head["year"]:
        ctx.error(sheet, i, label, value, "commission.submitted_before", cell, date=d, year=head["year"])
    elif d and d > dt.date.today():
        ctx.error(sheet, i, label, value, "commission.submitted_future", cell, date=d)
