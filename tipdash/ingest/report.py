"""Format A, the commission report: the Commission sheet and one sheet per kind of fact."""
from __future__ import annotations

import datetime as dt
import re

from tipdash import vocab
from tipdash.ingest import origin
from tipdash.ingest.limits import col_letter
from tipdash.ingest.cells import _NUM_TEXT, CellError, show, to_count, to_date, to_text, to_year
from tipdash.ingest.sheet import (
    FACT_COLUMNS,
    FACT_SHEETS,
    MergedFn,
    Submission,
    _blank_row,
    _check_merged,
    _Ctx,
    _header_row,
    _map_headers,
    _nearest,
    _resolve_unit,
    _RowReader,
)

ASSISTANCE = ("legal", "medical", "psychological", "housing")


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
                       head["submitted_on"], head["prepared_by"], facts, head["language"])]


_NOTE_FIELDS = {"note", "notes", "nota", "note", "comment", "comments", "comentariu", "comentarii", "observatii",
                "observatie", "remarks"}


def _cell(row: list, j: int | None):
    if j is None or j >= len(row):
        return None
    v = row[j]
    if isinstance(v, str):
        v = v.strip()
        return v or None
    return v


def _parse_commission(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> dict | None:
    head: dict = {"sheet": sheet, "unit": None, "unit_text": None, "year": None, "submitted_on": None,
                  "prepared_by": None, "reported": None, "reported_raw": None, "rows": {}, "labels": {},
                  "errors": set(), "language": origin.DEFAULT_SOURCE_LANG}
    if not rows or all(_blank_row(r) for r in rows):
        ctx.error(sheet, None, None, None,
                  f"required sheet {sheet!r} is empty: it needs Unit, Year and Reported in columns A/B")
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
        fld = vocab.header_key("commission", key_text)
        if fld is None:
            if i == 1 and vocab.norm(key_text or "") in {"field", "camp", "campul", "item"}:
                continue
            if vocab.norm(key_text or "") in _NOTE_FIELDS:
                ctx.warn(sheet, i, str(key_text), value, f"note ignored: {show(value)}")
                continue
            ctx.warn(sheet, i, "A", key_text, f"unknown field {show(key_text)} ignored (expected Unit, Year, "
                                               f"Submitted on, Prepared by, Reported, Language)")
            continue
        if fld in raw:
            ctx.error(sheet, i, str(key_text), value, f"{key_text!s} is given twice (rows {raw[fld][0]} and {i})")
            head["errors"].add(fld)
            continue
        raw[fld] = (i, str(key_text), value)
        head["rows"][fld] = i
        head["labels"][fld] = str(key_text)
    return raw


def _commission_values(ctx: _Ctx, sheet: str, raw: dict, head: dict) -> None:
    """Unit, Year, Submitted on, Prepared by and Reported, checked, into ``head``."""
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
    _language(ctx, sheet, where("language", "Language"), head)
    i, label, value = where("reported", "Reported")
    head["reported_raw"] = value
    try:
        head["reported"] = vocab.parse_bool(value)
    except ValueError as exc:
        head["errors"].add("reported")
        ctx.error(sheet, i, label, value, f"Reported: {exc}")


def _language(ctx: _Ctx, sheet: str, field: tuple, head: dict) -> None:
    """Language/Limba: the language the report's free text is written in (blank: Romanian)."""
    i, label, value = field
    try:
        head["language"] = origin.parse_language(value) or origin.DEFAULT_SOURCE_LANG
    except ValueError as exc:
        ctx.error(sheet, i, label, value, f"Language: {exc}")


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


def _sessions(r: _RowReader) -> dict:
    return {"date": r.date("date"), "topics": r.text("topics"), "participants": r.count("participants")}


def _topics(r: _RowReader) -> dict:
    return {"topic": r.text("topic", required=True)}


def _activities(r: _RowReader) -> dict:
    date, date_precision, end, end_precision = r.period_precise("date", "end_date")
    fact = {"date": date, "end_date": end, "date_precision": date_precision, "end_date_precision": end_precision,
            "type": r.vocab("type", "type", required=True),
            "target_group": r.vocab("target_group", "target_group"),
            "participants": r.count("participants"), "campaign": r.text("campaign"),
            "description": r.text("description"), "count": r.count("count", minimum=1, default=1),
            "approximate": r.flag("approximate")}
    if r.raw("date") is None and r.ok and (fact["count"] or 1) <= 1:
        r.fail("date", None, f"{r.col('date')} is blank; only a row standing for several activities "
                             f"(Count > 1) may leave the date blank")
    return fact


def _campaigns(r: _RowReader) -> dict:
    start, start_precision, end, end_precision = r.period_precise("start_date", "end_date")
    return {"name": r.text("name", required=True), "start_date": start, "end_date": end,
            "description": r.text("description"), "start_date_precision": start_precision,
            "end_date_precision": end_precision}


def _trainings(r: _RowReader) -> dict:
    start, start_precision, end, end_precision = r.period_precise("start_date", "end_date")
    return {"title": r.text("title"), "start_date": start, "end_date": end,
            "start_date_precision": start_precision, "end_date_precision": end_precision,
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


def _text_row(r: _RowReader) -> dict:
    """Conclusions and Context: one text per row."""
    return {"text": r.text("text", required=True)}


_ROW_PARSERS = {"sessions": _sessions, "topics": _topics, "activities": _activities,
                "campaigns": _campaigns, "trainings": _trainings, "victims": _victims,
                "partners": _partners, "challenges": _challenges, "conclusions": _text_row,
                "context": _text_row}
