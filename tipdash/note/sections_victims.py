"""III. victims and presumed victims, the assistance they got, and the partner organisations."""
from __future__ import annotations

import pandas as pd

from tipdash import i18n, indicators, privacy
from tipdash.i18n.formats import collation_key
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Bullets, Heading, Paragraph, Table
from tipdash.note.text import first_column, unit_label, value_text
from tipdash.values import is_missing


def victims(b: NoteBuilder) -> None:
    lang = b.lang
    b.add(Heading(1, b.t("h.victims")))
    total = b.national_value("victims")[0]
    if total is None:
        b.add(Paragraph(b.t("victims.not_reported")))
    else:
        b.add(Paragraph(b.t("victims.total", n=b.victims_total()), bold=True))
        b.add(*b.breakdown_note("victims"))
        rows = []
        for dim in ("status", "sex", "age_group", "exploitation"):
            if total and indicators.victim_breakdown_reported(b.store, b.year, dim):
                df = indicators.victims(b.store, b.year, by=[dim])
                df = privacy.protect_breakdown(df, count_col="count")
                for _, r in df.iterrows():
                    rows.append([i18n.column_label(dim, lang), i18n.vocab_label(dim, r[dim], lang),
                                 value_text(r["count"], lang)])
        if rows:
            b.add(Table([b.t("victims.col_dim"), b.t("victims.col_cat"),
                         b.t("victims.col_count")], rows, widths=(2, 3, 1), numeric=(2,)))
        if b.uy["victims"].notna().any():
            prot = privacy.protect_units(b.uy, col="victims")
            rows = [[unit_label(r["code"], lang), value_text(r["victims"], lang)]
                    for _, r in prot.iterrows() if not is_missing(r["victims"])]
            rows.sort(key=lambda r: collation_key(r[0], lang))
            b.add(Paragraph(b.t("victims.by_unit")),
                  Table([b.t("annex.col_unit"), i18n.indicator_label("victims", lang)], rows,
                        widths=(3, 1), numeric=(1,)))
        assistance(b)
    partners(b)


def assistance(b: NoteBuilder) -> None:
    lang = b.lang
    df = privacy.protect_assistance(indicators.assistance(b.store, b.year), count_col="count")
    items = []
    for _, r in df.iterrows():
        if not (bool(r["provided"]) if not is_missing(r["provided"]) else False):
            continue
        label = i18n.t_or(f"vocab.assistance.{r['type']}", str(r["type"]), lang)
        items.append(label if is_missing(r["count"]) else f"{label}: {value_text(r['count'], lang)}")
    if items:
        b.add(Paragraph(b.t("assistance.lead")), Bullets(items))
    else:
        b.add(Paragraph(b.t("assistance.none")))


def partners(b: NoteBuilder) -> None:
    lang = b.lang
    df = indicators.partners(b.store, b.year)
    org = first_column(df, "organisation", "name")
    if not len(df) or org is None:
        b.add(Paragraph(b.t("partners.none")))
        return
    kind = df["kind"].fillna("other") if "kind" in df else pd.Series("ngo", index=df.index)
    ngos = b.items(df[kind == "ngo"], org)
    others = df[kind != "ngo"]
    if ngos:
        b.add(*b.listed(b.t("partners.lead"), ngos, bold=True))
    if len(others):
        items = [(g, f"{text} — {i18n.vocab_label('kind', k, lang)}", shown)
                 for k, grp in others.groupby(kind[kind != "ngo"])
                 for g, text, shown in b.items(grp, org)]
        b.add(*b.listed(b.t("partners.other"), items, bold=True))
