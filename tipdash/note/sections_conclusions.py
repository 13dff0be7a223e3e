"""V. conclusions, in two parts that are never mixed: the conclusions the source itself states
(format A sheet Conclusions; for 2022 the State Chancellery's five), reproduced and marked as
translations where they are, and the figures tipdash computes from the data, under a heading that
says so (each one a figure shown elsewhere in the note)."""
from __future__ import annotations

from tipdash import i18n, indicators, privacy
from tipdash.i18n.formats import fmt_int, fmt_percent
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Bullets, Heading, Paragraph
from tipdash.note.text import NATIONAL, approx, join, lower_first, share, value_text
from tipdash.values import is_missing, to_int


def conclusions(b: NoteBuilder) -> None:
    b.add(Heading(1, b.t("h.conclusions")))
    stated(b)
    b.add(Heading(2, b.t("h.computed")), Paragraph(b.t("computed.lead"), italic=True))
    b.add(Bullets([i for i in computed(b) if i]))


def stated(b: NoteBuilder) -> None:
    """The source's own conclusions: the national level's first, then the commissions' (each
    followed by the commissions that wrote it)."""
    df = indicators.conclusions(b.store, b.year)
    if not len(df):
        return
    national, local = df[df["unit_code"] == NATIONAL], df[df["unit_code"] != NATIONAL]
    if len(national):
        source = b.source_name(national)
        b.add(Heading(2, b.t("h.conclusions_source", source=source) if source
                      else b.t("h.conclusions_source_anon")))
        b.add(*b.listed(b.t("conclusions.lead"), b.items(national, "text")))
    if len(local):
        b.add(Heading(2, b.t("h.conclusions_commissions")))
        b.add(*b.listed(b.t("conclusions.lead"), b.items(local, "text")))


def computed(b: NoteBuilder) -> list[str]:
    """tipdash's observations, each from a figure the note shows."""
    lang, y = b.lang, b.year
    n_rep, n_miss, total = len(b.reported), len(b.not_reported), b.total_units
    items = [b.t("concl.reporting", total=total, reported=n_rep, missing=n_miss, year=y,
                 share=share(n_rep, total, lang)) if n_miss else b.t("concl.reporting_all", total=total, year=y)]
    if n_rep:
        n_sessions = int(b.met["sessions"].sum()) if len(b.met) else 0
        key = "concl.meetings" if len(b.zero) else "concl.meetings_all"
        items.append(b.t(key, reported=n_rep, met=len(b.met), share=share(len(b.met), n_rep, lang),
                         sessions=b.pl("session", n_sessions), no_meeting=len(b.zero)))
        if len(b.sessions_unknown):
            items.append(b.t("concl.sessions_unknown", n=len(b.sessions_unknown)))
        items.append(completeness(b))
    national_only = [lower_first(i18n.indicator_label(i, lang))
                     for i in indicators.NUMERIC if b.national_only(i)]
    if national_only:
        items.append(b.t("concl.national_only", indicators=join(national_only)))
    info, info_approx = b.national_value("information_activities")[:2]
    workshops = b.national_value("trainings")[0]
    trained = b.national_value("members_trained")[0]
    if any(v is not None for v in (info, workshops, trained)):
        participants = value_text(trained, lang)
        if trained is not None and b.partial("members_trained"):
            participants += " " + b.t("trainings.partial")
        items.append(b.t("concl.prevention", info=value_text(info, lang, info_approx),
                         workshops=value_text(workshops, lang), participants=participants))
    if b.national_value("victims")[0] is not None:
        items.append(b.t("concl.victims", n=b.victims_total()))
    items.append(change(b))
    return items


def completeness(b: NoteBuilder) -> str:
    """The share of expected indicators tipdash holds for the commissions that reported -- only
    where it measures reports, not a transcription of a national summary."""
    rep = b.reported
    comp = rep["completeness"].dropna()
    if len(comp):
        key = "concl.completeness_full" if (comp >= 1).all() else "concl.completeness"
        return b.t(key, share=fmt_percent(comp.mean(), b.lang), complete=int((comp >= 1).sum()),
                   reported=len(comp))
    if (rep["completeness_na"] == "national_summary").any():
        return b.t("concl.completeness_na", year=b.year)
    return ""
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


