"""Format B, the summary: one row per commission and year on a single sheet (or a CSV file)."""
from __future__ import annotations

import re

from tipdash import units, vocab
from tipdash.ingest import origin
from tipdash.ingest.cells import show, to_year
from tipdash.ingest.sheet import (
    FACT_COLUMNS,
    MergedFn,
    Submission,
    _blank_row,
    _check_merged,
    _Ctx,
    _header_row,
    _map_headers,
    _resolve_unit,
    _RowReader,
)

SUMMARY_COUNTS = ("sessions", "information_activities", "participants", "trainings", "members_trained",
                  "victims", "ngo_partners")

_TOTAL = re.compile(r"^(total|totaluri|totalgeneral|grandtotal|totalnational|totalrepublica|suma|itogo|итого)")


def _parse_summary(ctx: _Ctx, sheet: str, rows: list[list], merged: MergedFn | None) -> list[Submission]:
    hi = _header_row(rows or [])
    if hi is None:
        ctx.error(sheet, None, None, None, f"required sheet {sheet!r} is empty")
        return []
    hrow = hi + 1
    _check_merged(ctx, sheet, merged, rows[0] if hrow == 1 else None)
    mapping = _map_headers(ctx, "summary", sheet, rows[hi], hrow, vocab.SUMMARY_HEADERS,
                           vocab.OPTIONAL_SUMMARY_HEADERS)
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
        values, approx = _counts(rec)
        reported = _reported(ctx, sheet, r, rec, reported)
        if code and year:
            if (code, year) in seen:
                rec.fail("unit", unit_text, f"{show(unit_text)}: {units.official_name(code)} {year} is already on row "
                                            f"{seen[(code, year)]}; "
                                            f"a summary has one row per unit and year")
            else:
                seen[(code, year)] = r
        if not rec.ok or ctx.has_errors:
            continue
        fact = {**values, "information_activities_approx": approx, **_provenance(rec)}
        out.append(Submission(code, unit_text, year, sheet, r, reported,
                              facts={"summary": [(sheet, r, *[fact[c] for c in FACT_COLUMNS["summary"]])]}))
    if data_rows == 0:
        ctx.error(sheet, hrow, None, None, f"sheet {sheet!r} has a header row but no data rows")
    elif not out and not ctx.has_errors:
        ctx.error(sheet, hrow, None, None, f"sheet {sheet!r} has no row for a commission (only totals)")
    return [] if ctx.has_errors else out


def _provenance(rec: _RowReader) -> dict[str, object]:
    """source (blank: the commissions' own reports) and status_inferred (yes: the source gives
    the row's reporting status only by implication, e.g. a count of commissions without names)."""
    return {"source": rec._get("source", origin.parse_summary_source) or "commission_report",
            "status_inferred": rec.flag("status_inferred")}


def _counts(rec: _RowReader) -> tuple[dict[str, object], bool]:
    """The row's figures, and whether information_activities is approximate ("~500")."""
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
    return values, approx


def _reported(ctx: _Ctx, sheet: str, r: int, rec: _RowReader, reported: bool | None) -> bool | None:
    """Reported, checked against the figures: "no" with figures is an error, blank with figures
    reads as "yes" (with a warning), blank without figures is an error."""
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
    return reported
