"""Format A's fact sheets (Sessions, Topics, Activities, Campaigns, Trainings, Victims, Partners,
Challenges), each checked column by column (`columns`) into the columns of its table."""
from __future__ import annotations

import re

from tipdash import vocab
from tipdash.ingest.cells import _NUM_TEXT, CellError, to_count
from tipdash.ingest.columns import Columns
from tipdash.ingest.limits import MAX_MATCH_TEXT, col_letter
from tipdash.ingest.sheet import FACT_COLUMNS, MergedFn, _blank_row, _check_merged, _Ctx, _header_row, _map_headers, \
    cell_ref

ASSISTANCE = ("legal", "medical", "psychological", "housing")


def parse_fact_sheet(ctx: _Ctx, key: str, sheet: str, rows: list[list], year: int | None,
                     merged: MergedFn | None) -> list[list]:
    """The columns (sheet, row_no, *FACT_COLUMNS[key]) of one fact sheet."""
    empty = [[] for _ in range(2 + len(FACT_COLUMNS[key]))]
    hi = _header_row(rows or [])
    if hi is None:
        ctx.warn(sheet, None, None, None, "sheet.blank_no_header", sheet=sheet)
        return empty
    hrow = hi + 1
    _check_merged(ctx, sheet, merged, rows[0] if hrow == 1 else None)
    header = rows[hi]
    mapping = _map_headers(ctx, key, sheet, header, hrow, vocab.HEADERS[key],
                           vocab.OPTIONAL_HEADERS.get(key, frozenset()))
    if mapping is None:
        return empty
    data, rownums = [], []
    for r, row in enumerate(rows[hi + 1:], start=hrow + 1):
        if not _blank_row(row):
            data.append(row)
            rownums.append(r)
    headers = {fld: str(header[j])[:MAX_MATCH_TEXT] for fld, j in mapping.items()}
    cols = Columns(ctx, sheet, data, rownums, mapping, headers, year)
    _unlabelled(ctx, sheet, header, cols)
    _duplicates(ctx, sheet, data, rownums)
    values = _SHEETS[key](cols)
    if key == "victims":
        _scan_idnp(ctx, sheet, cols, {j: headers[f] for f, j in mapping.items()})
    return [[sheet] * len(rownums), rownums, *[values[c] for c in FACT_COLUMNS[key]]]


def _unlabelled(ctx: _Ctx, sheet: str, header: list, cols: Columns) -> None:
    """A column with values but no header: one warning per sheet, at its first value."""
    for j, h in enumerate(header):
        if h is None and j < cols.width and cols.cols[j].count(None) != cols.n:
            i = next(i for i, v in enumerate(cols.cols[j]) if v is not None)
            r = cols.rownums[i]
            ctx.warn(sheet, r, col_letter(j), cols.cols[j][i], "column.unlabelled", cell_ref(j, r),
                     letter=col_letter(j), value=cols.cols[j][i])
            return


def _duplicates(ctx: _Ctx, sheet: str, data: list[list], rownums: list[int]) -> None:
    seen: dict[tuple, int] = {}
    for r, row in zip(rownums, data):
        t = tuple(row)
        first = seen.setdefault(t, r)
        if first != r:
            ctx.warn(sheet, r, None, None, "row.duplicate", row=r, first=first)


_IDNP = re.compile(r"\b\d{13}\b", re.ASCII)


def _scan_idnp(ctx: _Ctx, sheet: str, cols: Columns, names: dict[int, str]) -> None:
    """A 13-digit number on the Victims sheet looks like an IDNP (personal identification number)."""
    for j, col in enumerate(cols.cols):
        texts = [v if v.__class__ is str else str(v) for v in col if v is not None and v.__class__ is not bool]
        if not texts or not _IDNP.search("\n".join(texts)):
            continue
        for i, v in enumerate(col):
            if v is not None and v.__class__ is not bool and _IDNP.search(v if v.__class__ is str else str(v)):
                r = cols.rownums[i]
                ctx.error(sheet, r, names.get(j, col_letter(j)), "<13 digits>", "victims.idnp", cell_ref(j, r))


def _sessions(c: Columns) -> dict:
    return {"date": c.date("date"), "topics": c.text("topics"), "participants": c.count("participants")}


def _topics(c: Columns) -> dict:
    return {"topic": c.text("topic", required=True)}


def _activities(c: Columns) -> dict:
    date, date_precision, end, end_precision = c.period_precise("date", "end_date")
    fact = {"date": date, "end_date": end, "date_precision": date_precision, "end_date_precision": end_precision,
            "type": c.vocab("type", "type", required=True),
            "target_group": c.vocab("target_group", "target_group"),
            "participants": c.count("participants"), "campaign": c.text("campaign"),
            "description": c.text("description"), "count": c.count("count", minimum=1, default=1),
            "approximate": c.flag("approximate")}
    raw = c.raw("date")
    counts = fact["count"]
    for i in [i for i, v in enumerate(raw) if v is None and (counts[i] or 1) <= 1 and i not in c.bad]:
        c.error("date", i, None, "activity.undated")
    return fact


def _campaigns(c: Columns) -> dict:
    start, start_precision, end, end_precision = c.period_precise("start_date", "end_date")
    return {"name": c.text("name", required=True), "start_date": start, "end_date": end,
            "description": c.text("description"), "start_date_precision": start_precision,
            "end_date_precision": end_precision}


def _trainings(c: Columns) -> dict:
    start, start_precision, end, end_precision = c.period_precise("start_date", "end_date")
    return {"title": c.text("title"), "start_date": start, "end_date": end,
            "start_date_precision": start_precision, "end_date_precision": end_precision,
            "organisers": c.text("organisers"), "participants": c.count("participants"),
            "count": c.count("count", minimum=1, default=1)}


def _victims(c: Columns) -> dict:
    fact = {"sex": c.vocab("sex", "sex", default="unknown"),
            "age_group": c.vocab("age_group", "age_group", default="unknown"),
            "exploitation": c.vocab("exploitation", "exploitation", default="unknown"),
            "status": c.vocab("status", "status", default="unknown"),
            "count": c.count("count", required=True), "referred_to": c.text("referred_to")}
    for fld in ASSISTANCE:
        fact[fld], fact[f"{fld}_provided"] = _assistance(c, fld, fact["count"])
    return fact


def _assistance(c: Columns, fld: str, counts: list) -> tuple[list, list]:
    """Each cell: a count ≤ the row's Count, yes/da (given, not counted), no/nu (0) or blank."""
    n_out, given_out = [None] * c.n, [None] * c.n
    for i, raw in enumerate(c.raw(fld)):
        n = given = None
        if raw is None:
            continue
        if isinstance(raw, bool) or (isinstance(raw, str) and not _NUM_TEXT.fullmatch(raw.strip())):
            try:                                  # yes/da/x: given, count not reported; no/nu: 0
                given = vocab.parse_bool(raw)
                n = None if given else 0
            except ValueError:
                c.error(fld, i, raw, "victims.assistance_invalid", value=raw)
        else:
            try:
                n = to_count(raw)
                given = n > 0
            except CellError as e:
                c.error(fld, i, raw, e.code, **e.params)
        if n is not None and counts[i] is not None and n > counts[i]:
            c.error(fld, i, raw, "victims.assistance_above", n=n, count=counts[i])
        n_out[i], given_out[i] = n, given
    return n_out, given_out


def _partners(c: Columns) -> dict:
    return {"organisation": c.text("organisation", required=True), "kind": c.vocab("kind", "kind"),
            "cooperation": c.text("cooperation")}


def _challenges(c: Columns) -> dict:
    return {"text": c.text("text", required=True), "category": c.text("category")}


def _text_rows(c: Columns) -> dict:
    """Conclusions and Context: one text per row."""
    return {"text": c.text("text", required=True)}


_SHEETS = {"sessions": _sessions, "topics": _topics, "activities": _activities, "campaigns": _campaigns,
           "trainings": _trainings, "victims": _victims, "partners": _partners, "challenges": _challenges,
           "conclusions": _text_rows, "context": _text_rows}
