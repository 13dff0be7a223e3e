"""Introduction, I. activity of the commissions (sessions, topics) and II. prevention (information
activities, campaigns, trainings) of the note."""
from __future__ import annotations

import pandas as pd

from tipdash import i18n, indicators
from tipdash.i18n.formats import collation_key, fmt_int, period
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Bullets, Heading, Paragraph, Table
from tipdash.note.text import INFO_TYPES, NATIONAL, approx, first_column, join, plural, share, sorted_names
from tipdash.values import clean_text, to_timestamp


def introduction(b: NoteBuilder) -> None:
    """Why the note exists, the context its source gives, who provided information and who did
    not (saying when those names are inferred rather than given by the source)."""
    n_rep, n_miss = len(b.reported), len(b.not_reported)
    b.add(Heading(1, b.t("h.intro")), Paragraph(b.t("intro.purpose", year=b.year)))
    _context(b)
    b.add(Paragraph(b.t("intro.reported", n_reported=b.pl("atu", n_rep), reported=n_rep,
                        total=b.total_units, share=share(n_rep, b.total_units, b.lang))))
    if n_miss:
        names = join(sorted_names(b.not_reported, b.lang))
        b.add(Paragraph(plural("note.intro.not_reported", n_miss, b.lang, names=names)))
        inferred = [c for c in b.not_reported if c in b.inferred]
        if inferred:
            b.add(Paragraph(b.t("intro.inferred", total=b.total_units, named=b.total_units - len(inferred)),
                            italic=True))
    else:
        b.add(Paragraph(b.t("intro.all_reported", total=b.total_units)))


def _context(b: NoteBuilder) -> None:
    """The context the source states (sheet Context), as one paragraph under a lead naming it."""
    ctx = indicators.context(b.store, b.year)
    if not len(ctx):
        return
    shown = [b.show(t, s) for t, s in zip(ctx["text"], ctx["source_lang"])]
    marker = {s.marker(b.lang) for s in shown}
    text = " ".join(s.text for s in shown)
    text = b.t("quote", text=text)
    if len(marker) == 1 and marker != {""}:
        text += " " + marker.pop()
    source = b.source_name(ctx)
    b.add(Paragraph(b.t("intro.context_lead", source=source) if source else b.t("intro.context_lead_anon")),
          Paragraph(text))


def commissions(b: NoteBuilder) -> None:
    b.add(Heading(1, b.t("h.sessions")))
    if len(b.met):
        b.add(Paragraph(b.t("sessions.lead", year=b.year)))
        rows = []
        for k, grp in b.met.groupby(b.met["sessions"].astype(int)):
            rows.append([b.pl("session", int(k)), join(sorted_names(grp["code"], b.lang))])
        b.add(Table([b.t("sessions.col_sessions"), b.t("sessions.col_commission")], rows,
                    widths=(1, 3)))
        n_sessions = int(b.met["sessions"].sum())
        b.add(Paragraph(b.t("sessions.total", sessions=b.pl("session", n_sessions),
                            commissions=b.pl("tc", len(b.met)),
                            n_sessions=fmt_int(n_sessions, b.lang), n_met=len(b.met))))
    else:
        b.add(Paragraph(b.t("sessions.none_met", year=b.year)))
    if len(b.zero):
        b.add(Paragraph(plural("note.sessions.no_meetings", len(b.zero), b.lang,
                               names=join(sorted_names(b.zero["code"], b.lang)))))
    if len(b.sessions_unknown):
        b.add(Paragraph(plural("note.sessions.not_given", len(b.sessions_unknown), b.lang,
                               names=join(sorted_names(b.sessions_unknown["code"], b.lang)))))
    topics = indicators.topics(b.store, b.year)
    col = first_column(topics, "topic", "topics", "text")
    if col and len(topics) and "source" in topics:  # a session's topics cell may list several
        split = topics[col].where(topics["source"] != "session",
                                  topics[col].astype(str).str.split(r"\s*[;\n]\s*", regex=True))
        topics = topics.assign(**{col: split}).explode(col)
    items = b.items(topics, col) if col and len(topics) else []
    if items:
        b.add(*b.listed(b.t("topics.lead"), items, bold=True))
    else:
        b.add(Paragraph(b.t("topics.none")))


def prevention(b: NoteBuilder) -> None:
    """II. prevention: information activities (total, by target group, other types), campaigns,
    trainings."""
    lang = b.lang
    b.add(Heading(1, b.t("h.prevention")))
    total, is_approx, _, _, _ = b.national_value("information_activities")
    if total is None:
        b.add(Paragraph(b.t("info.not_reported")))
    elif total == 0:
        b.add(Paragraph(b.t("info.none")))
    else:
        key = "note.info.total_approx" if is_approx else "note.info.total"
        b.add(Paragraph(plural(key, total, lang), bold=True))
        b.add(*b.breakdown_note("information_activities"))
    participants = b.national_value("participants")[0]
    if participants is not None:
        b.add(Paragraph(b.t("info.participants", n=b.parts("participants")[2])))
    _activity_groups(b)
    per = indicators.periods(b.store, b.year, b.year)
    _campaigns(b, per[per["kind"] == "campaign"] if len(per) else per)
    trainings(b, per[per["kind"] == "training"] if len(per) else per)


def _activity_groups(b: NoteBuilder) -> None:
    """Information activities by target group (only when some target group is known: a list
    whose one line is "not specified" says nothing), the other activity types, and what the
    national level described."""
    lang = b.lang
    acts = b.acts
    info = acts[acts["type"].isin(INFO_TYPES)] if len(acts) else acts
    if len(info) and info["target_group"].notna().any():
        groups = []
        for tg, grp in info.groupby(info["target_group"].fillna("unknown"), sort=False):
            n = int(grp["count"].fillna(1).sum())
            label = (b.t("target_unknown") if tg == "unknown"
                     else i18n.vocab_label("target_group", tg, lang))
            groups.append((-n, collation_key(label), f"{label}: "
                           f"{approx(n, bool(grp['approximate'].fillna(False).any()), lang)}"))
        b.add(Paragraph(b.t("target.lead")), Bullets([g[2] for g in sorted(groups)]))
    if len(acts):
        other = acts[~acts["type"].isin(INFO_TYPES)]
        if len(other):
            items = []
            for typ, grp in other.groupby(other["type"].fillna("other")):
                n = int(grp["count"].fillna(1).sum())
                label = i18n.vocab_label("type", typ, lang)
                items.append((-n, collation_key(label), f"{label}: "
                              f"{approx(n, bool(grp['approximate'].fillna(False).any()), lang)}"))
            b.add(Paragraph(b.t("other_types.lead")), Bullets([i[2] for i in sorted(items)]))
        described = acts[(acts["count"].fillna(1) > 1) & acts["description"].notna()
                         & (acts["unit_code"] == NATIONAL)]
        texts = b.items(described, "description")[:10]
        if texts:
            source = b.source_name(described)
            b.add(*b.listed(b.t("info.described", source=source) if source else b.t("info.described_anon"),
                            texts))


def _campaigns(b: NoteBuilder, camps: pd.DataFrame) -> None:
    """One line per campaign period, with the units that reported it."""
    lang, acts = b.lang, b.acts
    if len(camps):
        items = []
        keys = camps.assign(_n=camps["name"].map(clean_text), _s=camps["start_date"].astype(str),
                            _e=camps["end_date"].astype(str))
        for _, grp in keys.groupby(["_s", "_e", "_n"], sort=True, dropna=False):
            c = grp.iloc[0]
            name = b.show(c["name"], c["source_lang"])
            text = f"{name.text} ({_period(c, lang)})"
            codes = [u for u in grp["unit_code"].dropna() if u != NATIONAL]
            if len(acts) and "campaign" in acts:
                linked = acts[(acts["campaign"].map(clean_text) == c["_n"]) & acts["unit_code"].isin(grp["unit_code"])]
                if len(linked):
                    text += "; " + b.t("campaign.activities", activities=approx(
                        int(linked["count"].fillna(1).sum()),
                        bool(linked["approximate"].fillna(False).any()), lang))
            if codes:
                text += f" ({join(sorted_names(codes, lang))})"
            items.append(("", text, name))
        b.add(*b.listed(b.t("campaigns.lead"), items))


def trainings(b: NoteBuilder, tr: pd.DataFrame) -> None:
    """One line per training (same title and organisers): its period (first start to last
    end), workshops, participants, organisers, and the commissions that reported it."""
    lang = b.lang
    b.add(Heading(2, b.t("h.trainings")))
    if not len(tr):
        b.add(Paragraph(b.t("trainings.none")))
        return
    work = tr.assign(_title=tr["name"].map(clean_text), _org=tr["organisers"].map(clean_text))
    lines = []
    for (title, org), g in work.groupby(["_title", "_org"], sort=False, dropna=False):
        start, end = g["start_date"].min(), g["end_date"].max()
        first = g.loc[g["start_date"] == start].iloc[0] if g["start_date"].notna().any() else g.iloc[0]
        last = g.loc[g["end_date"] == end].iloc[0] if g["end_date"].notna().any() else g.iloc[0]
        when = _period({"start_date": start, "end_date": end,
                        "start_date_precision": first.get("start_date_precision"),
                        "end_date_precision": last.get("end_date_precision")}, lang)
        src = g["source_lang"].iloc[0]
        title_shown = b.show(title, src) if title else None
        mark = title_shown.marker(lang) if title_shown else ""
        text = b.t("trainings.item", period=when,
                   workshops=b.pl("workshop", int(g["count"].fillna(1).sum())),
                   title=title_shown.text if title_shown else "—", title_marker=f" {mark}" if mark else "",
                   participants=b.participants_text(g["participants"]),
                   organisers=b.show(org, src).with_marker(lang) if org else i18n.t("note.not_reported", lang))
        codes = [u for u in dict.fromkeys(g["unit_code"].dropna()) if u != NATIONAL]
        if codes:
            text += "; " + b.t("trainings.units", units=join(sorted_names(codes, lang)))
        lines.append((to_timestamp(start) or pd.Timestamp.max, title, text[:1].upper() + text[1:] + "."))
    b.add(Bullets([line[2] for line in sorted(lines, key=lambda x: (x[0], x[1]))]))
    b.add(Paragraph(b.t("trainings.total", workshops=b.pl("workshop", int(tr["count"].fillna(1).sum())),
                        participants=b.participants_text(tr["participants"]))))


def _period(row, lang: str) -> str:
    """The period of a campaign or training row in words: months only when the source gives
    only months (a start and an end both at month precision)."""
    month = row.get("start_date_precision") == "month" and row.get("end_date_precision") in ("month", None)
    return period(row["start_date"], row["end_date"], lang, precision="month" if month else "day")
