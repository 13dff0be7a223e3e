"""IV. challenges and needs, and the annex (every indicator per unit, totals, data sources)."""
from __future__ import annotations

import pandas as pd

from tipdash import i18n, indicators, privacy
from tipdash.i18n.formats import collation_key, fmt_int, fmt_percent
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Heading, Landscape, Paragraph, Table
from tipdash.note.text import NATIONAL, first_column, unit_label, value_text
from tipdash.values import clean_text, is_missing, to_timestamp


def challenges(b: NoteBuilder) -> None:
    b.add(Heading(1, b.t("h.challenges")))
    df = indicators.challenges(b.store, b.year)
    col = first_column(df, "text", "challenge")
    if not len(df) or col is None:
        b.add(Paragraph(b.t("challenges.none")))
        return
    cat = "category" if "category" in df and df["category"].notna().any() else None
    items = b.items(df, col, cat)
    if cat is None:
        b.add(*b.listed(b.t("challenges.lead"), items))
        return
    b.add(Paragraph(b.t("challenges.lead")))
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item[0], []).append(item)
    for g in sorted(groups, key=lambda g: (g == "", collation_key(g, b.lang))):
        b.add(*b.listed(g or b.t("challenges.uncategorised"), groups[g], bold=True))


def annex(b: NoteBuilder) -> None:
    """Every indicator per commission (a reporting status the source does not state is marked
    inferred; completeness only where it measures reports), then the totals and the sources."""
    lang = b.lang
    nr = i18n.t("note.not_reported", lang)
    b.add(Landscape(), Heading(1, b.t("h.annex")),
          Paragraph(b.t("annex.lead", total=b.total_units, nr=nr, threshold=privacy.threshold(),
                        label=privacy.label(), secondary=getattr(privacy, "SECONDARY", "x"))))
    uy = privacy.protect_units(b.uy, col="victims")
    cols = list(indicators.NUMERIC)
    with_comp = uy["completeness"].notna().any()
    header = [b.t("annex.col_unit"), i18n.indicator_label("reporting_status", lang)] + \
             [i18n.indicator_label(c, lang) for c in cols] + \
             ([i18n.column_label("completeness_pct", lang)] if with_comp else [])
    rows = [_annex_row(b, r, cols, with_comp) for _, r in uy.iterrows()]
    rows.sort(key=lambda r: collation_key(r[0], lang))
    numeric = tuple(range(2, len(header)))
    b.add(Table(header, rows, widths=(2.2, 3.4) + (2.3,) * len(cols) + ((2.7,) if with_comp else ()),
                numeric=numeric, small=True))
    if b.inferred:
        b.add(Paragraph(b.t("annex.inferred", mark=b.t("annex.inferred_mark")), italic=True))
    if not with_comp and (uy["completeness_na"] == "national_summary").any():
        b.add(Paragraph(b.t("concl.completeness_na", year=b.year), italic=True))
    b.add(Heading(2, b.t("h.totals")), Paragraph(b.t("annex.totals_lead")))
    rows = []
    for ind in cols:
        districts, national, total = b.parts(ind)
        if b.partial(ind):
            total += " " + b.t("trainings.partial")
        rows.append([i18n.indicator_label(ind, lang), districts, fmt_int(b.national_value(ind)[3], lang),
                     national, total])
    b.add(Table([b.t("col.indicator"), b.t("col.districts_sum"), b.t("col.districts_reporting"),
                 b.t("col.national"), b.t("col.total")], rows, widths=(3, 2, 2, 2, 2),
                numeric=(1, 2, 3, 4)))
    sources(b)


def _annex_row(b: NoteBuilder, r, cols: list[str], with_comp: bool) -> list[str]:
    lang = b.lang
    status = i18n.vocab_label("reporting_status", r["reporting_status"], lang)
    if r["code"] in b.inferred:
        status += " " + b.t("annex.inferred_mark")
    row = [unit_label(r["code"], lang), status]
    for c in cols:
        flag = bool(r.get(f"{c}_approx")) if not is_missing(r.get(f"{c}_approx")) else False
        row.append(value_text(r[c], lang, flag))
    if with_comp:
        row.append(i18n.t(f"vocab.completeness_na.{r['completeness_na']}", lang)
                   if not is_missing(r["completeness_na"]) else
                   (i18n.t("note.not_reported", lang) if is_missing(r["completeness"])
                    else fmt_percent(float(r["completeness"]), lang)))
    return row


def _format_label(b: NoteBuilder, rec: dict, figs) -> str:
    """What a file is: a commission report, the national-level facts of a report, a summary of
    the commissions' reports or one transcribed from a national note."""
    mine = figs[figs["file_name"] == rec["file_name"]]
    kind = str(rec["format"])
    if kind == "report" and len(mine) and (mine["unit_code"] == NATIONAL).all():
        kind = "report_national"
    elif kind == "summary" and len(mine) and (mine["summary_source"] == "national_note").all():
        kind = "summary_national_note"
    return i18n.t_or(f"vocab.format.{kind}", str(rec["format"]), b.lang)


def sources(b: NoteBuilder) -> None:
    from tipdash import store as store_mod

    lang = b.lang
    b.add(Heading(2, b.t("h.sources")), Paragraph(b.t("sources.lead", year=b.year)))
    hist = store_mod.history(b.store)
    hist = hist[(hist["year"] == b.year) & (hist["status"] == "current")]
    figs = indicators.figures(b.store, b.year)
    rows = []
    keys = ["file_name", "format", "sha256", "imported_at", "imported_by"]
    for k, grp in hist.groupby(keys, dropna=False, sort=False):
        rec = dict(zip(keys, k))
        at = to_timestamp(rec["imported_at"])
        rows.append([str(rec["file_name"]), _format_label(b, rec, figs),
                     fmt_int(grp["unit_code"].nunique(), lang), at.strftime("%Y-%m-%d %H:%M") if at is not None else "",
                     clean_text(rec["imported_by"]) or "—", str(rec["sha256"])[:12]])
    rows.sort(key=lambda r: (r[3], r[0]))
    b.add(Table([b.t("col.file"), b.t("col.format"), b.t("col.units"), b.t("col.imported_at"),
                 b.t("col.imported_by"), b.t("col.sha256")], rows,
                widths=(4, 3, 1.2, 2, 1.6, 1.8), numeric=(2,)))
    last = indicators.last_import(b.store)
    from tipdash import __version__

    b.add(Paragraph(b.t("sources.generated", version=__version__,
                        last_import=pd.Timestamp(last).strftime("%Y-%m-%d %H:%M") if last else "—"),
                    italic=True))
