"""IV. challenges, V. conclusions (each computed from a figure shown in the note) and the annex
(every indicator per unit, totals, data sources)."""
from __future__ import annotations

import pandas as pd

from tipdash import i18n, indicators, privacy
from tipdash.i18n.formats import collation_key, fmt_int
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Bullets, Heading, Landscape, Paragraph, Table
from tipdash.note.text import approx, first_column, join, lower_first, share, unit_label, value_text, with_units
from tipdash.values import clean_text, is_missing, to_int, to_timestamp


def challenges(b: NoteBuilder) -> None:
    b.add(Heading(1, b.t("h.challenges")))
    df = indicators.challenges(b.store, b.year)
    col = first_column(df, "text", "challenge")
    if not len(df) or col is None:
        b.add(Paragraph(b.t("challenges.none")))
        return
    cat = "category" if "category" in df and df["category"].notna().any() else None
    items = with_units(df, col, b.lang, cat)
    b.add(Paragraph(b.t("challenges.lead")))
    if cat is None:
        b.add(Bullets([t for _, t in items]))
        return
    groups: dict[str, list[str]] = {}
    for g, text in items:
        groups.setdefault(g, []).append(text)
    for g in sorted(groups, key=lambda g: (g == "", collation_key(g))):
        b.add(Paragraph(g or b.t("challenges.uncategorised"), bold=True), Bullets(groups[g]))


def conclusions(b: NoteBuilder) -> None:
    lang, y = b.lang, b.year
    b.add(Heading(1, b.t("h.conclusions")))
    n_rep, n_miss, total = len(b.reported), len(b.not_reported), b.total_units
    items = [b.t("concl.reporting", total=total, reported=n_rep, missing=n_miss, year=y,
                 share=share(n_rep, total)) if n_miss else b.t("concl.reporting_all", total=total,
                                                                       year=y)]
    if n_rep:
        n_sessions = int(b.met["sessions"].sum()) if len(b.met) else 0
        key = "concl.meetings" if len(b.zero) else "concl.meetings_all"
        items.append(b.t(key, reported=n_rep, met=len(b.met), share=share(len(b.met), n_rep),
                         sessions=b.pl("session", n_sessions), no_meeting=len(b.zero)))
        if len(b.sessions_unknown):
            items.append(b.t("concl.sessions_unknown", n=len(b.sessions_unknown)))
        comp = b.reported["completeness"].dropna()
        if len(comp):
            key = "concl.completeness_full" if (comp >= 1).all() else "concl.completeness"
            items.append(b.t(key, share=f"{round(100 * comp.mean())}%",
                             complete=int((comp >= 1).sum()), reported=len(comp)))
    national_only = [lower_first(i18n.indicator_label(i, lang))
                     for i in indicators.NUMERIC if b.national_only(i)]
    if national_only:
        items.append(b.t("concl.national_only", indicators=join(national_only)))
    info, info_approx = b.national_value("information_activities")[:2]
    workshops = b.national_value("trainings")[0]
    trained = b.national_value("members_trained")[0]
    if any(v is not None for v in (info, workshops, trained)):
        items.append(b.t("concl.prevention", info=value_text(info, lang, info_approx),
                         workshops=value_text(workshops, lang), participants=value_text(trained, lang)))
    victims = b.national_value("victims")[0]
    if victims is not None:
        items.append(b.t("concl.victims", n=b.victims_total()))
    challenges = b.national_value("challenges")[0]
    if challenges:
        items.append(b.t("concl.challenges", n=fmt_int(challenges, lang)))
    items.append(change(b))
    b.add(Bullets([i for i in items if i]))


def change(b: NoteBuilder) -> str:
    prev = b.year - 1
    if prev not in indicators.years(b.store):
        return b.t("concl.no_prev", prev=prev)
    lang = b.lang
    puy = indicators.unit_year(b.store, prev)
    pnat_raw = indicators.national(b.store, prev)
    pnat = pnat_raw.set_index("indicator")
    pvictims = privacy.protect_national(pnat_raw, "victims").set_index("indicator")
    prep = puy[puy["reporting_status"] != "not_reported"]
    pairs = [(b.t("label.reported"), len(b.reported), len(prep), False, False),
             (b.t("label.met"), len(b.met), int((prep["sessions"].fillna(0) > 0).sum()), False, False)]
    for ind in indicators.NUMERIC:
        cur, cur_approx = b.national_value(ind)[:2]
        old = to_int(pnat.loc[ind, "total"]) if ind in pnat.index else None
        old_approx = ind in pnat.index and not is_missing(pnat.loc[ind, "approximate"]) and bool(
            pnat.loc[ind, "approximate"])
        if cur is None or old is None:
            continue
        if ind == "victims":  # only when both years' totals are shown exactly
            shown = (b.nat_shown.loc[ind, "total"], pvictims.loc[ind, "total"])
            if any(is_missing(v) or privacy.is_suppressed(v) for v in shown):
                continue
        pairs.append((lower_first(i18n.indicator_label(ind, lang)), cur, old, cur_approx, old_approx))
    parts = []
    for label, cur, old, cur_approx, old_approx in pairs:
        d = cur - old
        delta = b.t("unchanged") if d == 0 else ("+" if d > 0 else "−") + fmt_int(abs(d), lang)
        if d and (cur_approx or old_approx):
            delta = i18n.t("note.approx", lang, n=delta)
        parts.append(b.t("concl.change_item", label=label, cur=approx(cur, cur_approx, lang),
                         prev_value=approx(old, old_approx, lang), delta=delta))
    return b.t("concl.change", prev=prev, items="; ".join(parts))


def annex(b: NoteBuilder) -> None:
    lang = b.lang
    nr = i18n.t("note.not_reported", lang)
    b.add(Landscape(), Heading(1, b.t("h.annex")),
          Paragraph(b.t("annex.lead", total=b.total_units, nr=nr, threshold=privacy.threshold(),
                        label=privacy.label(), secondary=getattr(privacy, "SECONDARY", "x"))))
    uy = privacy.protect_units(b.uy, col="victims")
    cols = list(indicators.NUMERIC)
    header = [b.t("annex.col_unit"), i18n.indicator_label("reporting_status", lang)] + \
             [i18n.indicator_label(c, lang) for c in cols] + [i18n.indicator_label("completeness", lang)]
    rows = []
    for _, r in uy.iterrows():
        row = [unit_label(r["code"], lang), i18n.vocab_label("reporting_status", r["reporting_status"], lang)]
        for c in cols:
            flag = bool(r.get(f"{c}_approx")) if not is_missing(r.get(f"{c}_approx")) else False
            row.append(value_text(r[c], lang, flag))
        row.append(nr if is_missing(r["completeness"]) else f"{round(100 * float(r['completeness']))}%")
        rows.append(row)
    rows.sort(key=lambda r: collation_key(r[0]))
    numeric = tuple(range(2, len(header)))
    b.add(Table(header, rows, widths=(2.2, 3.4) + (2.3,) * (len(header) - 3) + (2.7,), numeric=numeric,
                small=True))
    b.add(Heading(2, b.t("h.totals")), Paragraph(b.t("annex.totals_lead")))
    rows = []
    for ind in cols:
        districts, national, total = b.parts(ind)
        rows.append([i18n.indicator_label(ind, lang), districts, fmt_int(b.national_value(ind)[3], lang),
                     national, total])
    b.add(Table([b.t("col.indicator"), b.t("col.districts_sum"), b.t("col.districts_reporting"),
                 b.t("col.national"), b.t("col.total")], rows, widths=(3, 2, 2, 2, 2),
                numeric=(1, 2, 3, 4)))
    sources(b)


def sources(b: NoteBuilder) -> None:
    from tipdash import store as store_mod

    lang = b.lang
    b.add(Heading(2, b.t("h.sources")), Paragraph(b.t("sources.lead", year=b.year)))
    hist = store_mod.history(b.store)
    hist = hist[(hist["year"] == b.year) & (hist["status"] == "current")]
    rows = []
    keys = ["file_name", "format", "sha256", "imported_at", "imported_by"]
    for k, grp in hist.groupby(keys, dropna=False, sort=False):
        rec = dict(zip(keys, k))
        at = to_timestamp(rec["imported_at"])
        rows.append([str(rec["file_name"]), i18n.t_or(f"vocab.format.{rec['format']}", str(rec["format"]), lang),
                     fmt_int(len(grp), lang), at.strftime("%Y-%m-%d %H:%M") if at is not None else "",
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
