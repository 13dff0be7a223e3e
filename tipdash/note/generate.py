"""The annual informative note on the Territorial Commissions, generated from the data.

``render(store, year, fmt="md"|"docx"|"pdf", lang="ro"|"en"|"ru") -> bytes``.

The content is built once (:func:`build`) as a small document model -- headings, paragraphs,
bullet lists and tables, see :class:`Document` -- from :mod:`tipdash.indicators` (victim figures
through :mod:`tipdash.privacy`), and rendered to Markdown, DOCX or PDF by
:mod:`tipdash.note_render`. The sections follow the State Chancellery's 2022 note
(``data/sources/informative_note_2022_en.md``): introduction; I. activity of the commissions
(sessions table, commissions without meetings, topics); II. prevention; III. victims and
assistance; IV. challenges and needs; V. conclusions, each computed from a figure shown in the
note; annex (every indicator per unit, totals, data sources and import dates).

Rules:

* Unit names come from the gazetteer in the note's language (official Romanian spelling with
  comma-below ș ț, whatever the source file wrote).
* Lists of units are sorted alphabetically by the displayed name with diacritics ignored for
  ordering (:func:`collation_key`: ă â → a, î → i, ș ş → s, ț ţ → t, ё → е), the original
  spelling breaking ties -- so "Călărași" sorts with "Ca…", "Ștefan Vodă" with "St…".
* Free text from the data (topics, challenges, organisations, training titles, descriptions)
  is shown as imported; headings and generated sentences are translated (``note.*`` keys).
* Blank = not reported, never zero; approximate figures keep "around"/"circa"/"около".
* A year with no current submission raises :class:`NoData`, not an empty document.
"""
from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from tipdash import i18n, indicators, privacy

FORMATS = ("md", "docx", "pdf")
INFO_TYPES = ("information", "awareness_campaign", "media")
NATIONAL = "MD"


class NoData(Exception):
    """The year has no current submission: nothing to write a note about."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"No data for {year}: nothing imported for that year")

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return i18n.t("note.nodata", lang, year=self.year)


# ----------------------------------------------------------------------------- document model

@dataclass
class Heading:
    level: int  # 1 = section (I., II., …), 2 = subsection
    text: str


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: tuple[float, ...] | None = None  # relative column widths (PDF/DOCX)
    numeric: tuple[int, ...] = ()  # right-aligned columns
    small: bool = False  # wide table: smaller type


@dataclass
class Landscape:
    """What follows goes on landscape pages (the annex)."""


Block = Heading | Paragraph | Bullets | Table | Landscape


@dataclass
class Document:
    lang: str
    year: int
    title: str
    subtitle: str
    blocks: list = field(default_factory=list)
    page_label: str = "{page}/{pages}"
    meta: dict = field(default_factory=dict)


# ----------------------------------------------------------------------------- text helpers

def collation_key(name: str) -> tuple[str, str]:
    """Sort key ignoring diacritics (NFD without combining marks, casefolded), original as tie-break."""
    folded = "".join(c for c in unicodedata.normalize("NFD", str(name)) if not unicodedata.combining(c))
    return folded.casefold(), str(name)


def _na(v) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _int(v) -> int | None:
    return None if _na(v) else int(v)


def fmt_int(n, lang: str) -> str:
    """1234 → "1,234" (en), "1.234" (ro), "1 234" (ru, no-break space)."""
    s = f"{int(n):,}"
    return {"ro": s.replace(",", "."), "ru": s.replace(",", "\u00a0")}.get(lang, s)


def plural_form(n: int, lang: str) -> str:
    """CLDR-style plural category: en one/other; ro one/few/other ("de"); ru one/few/many."""
    n = abs(int(n))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if n == 1:
        return "one"
    if lang == "ro" and (n == 0 or 1 <= n % 100 <= 19):
        return "few"
    return "other"


_FORMS = {"en": ("one", "other"), "ro": ("one", "few", "other"), "ru": ("one", "few", "many")}


def plural(base: str, n: int, lang: str, **fmt) -> str:
    """The plural form of ``n`` from a key holding every form separated by "|"
    (en one|other; ro one|few|other; ru one|few|many), formatted with ``n`` (localised) and ``fmt``.
    ``base`` is a full ``note.…`` key or a noun under ``note.pl.``."""
    key = base if base.startswith("note.") else f"note.pl.{base}"
    forms = i18n.t(key, lang).split("|")
    order = _FORMS.get(lang, _FORMS["en"])
    text = forms[min(order.index(plural_form(n, lang)), len(forms) - 1)]
    try:
        return text.format(n=fmt_int(n, lang), **fmt)
    except (KeyError, IndexError, ValueError):
        return text


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def approx(n, is_approx: bool, lang: str) -> str:
    """500 → "around 500" / "circa 500" / "около 500" when the figure is approximate."""
    text = fmt_int(n, lang)
    return i18n.t("note.approx", lang, n=text) if is_approx else text


def value_text(v, lang: str, is_approx: bool = False) -> str:
    """A figure for a table cell or a sentence; blank → "not reported"."""
    if _na(v):
        return i18n.t("note.not_reported", lang)
    if isinstance(v, str):  # a privacy label such as "<5"
        return v
    return approx(v, is_approx, lang)


def unit_label(code: str, lang: str) -> str:
    return i18n.t("note.national_level", lang) if code == NATIONAL else i18n.unit_name(code, lang)


def lower_first(label: str) -> str:
    """"Information activities" → "information activities" inside a sentence; acronyms ("NGO
    partners", "ONG partenere") stay as they are."""
    return label[:1].lower() + label[1:] if len(label) > 1 and label[1].islower() else label


def sorted_names(codes: Iterable[str], lang: str) -> list[str]:
    """Distinct unit names in ``lang``, alphabetical with diacritics ignored (:func:`collation_key`)."""
    return sorted({unit_label(c, lang) for c in codes}, key=collation_key)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)


def _ts(v) -> pd.Timestamp | None:
    return None if _na(v) else pd.Timestamp(v)


def _day(d: pd.Timestamp, lang: str, with_year: bool = True) -> str:
    text = f"{d.day} {i18n.t(f'note.month_gen.{d.month}', lang)}"
    return f"{text} {d.year}" if with_year else text


def period(start, end, lang: str) -> str:
    """A date range in words, with month precision when it covers whole months
    ("July–October 2022"), else day precision ("17–23 October 2022")."""
    s, e = _ts(start), _ts(end)
    if s is None and e is None:
        return i18n.t("note.period.none", lang)
    if s is None:
        return i18n.t("note.period.until", lang, date=_day(e, lang))
    if e is None or e == s:
        text = _day(s, lang)
        return text if e is not None else i18n.t("note.period.from", lang, date=text)
    month = lambda d: i18n.t(f"note.month.{d.month}", lang)  # noqa: E731
    if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
        if (s.year, s.month) == (e.year, e.month):
            return f"{month(s)} {s.year}"
        if s.year == e.year:
            return f"{month(s)}–{month(e)} {s.year}"
        return f"{month(s)} {s.year} – {month(e)} {e.year}"
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{_day(e, lang)}"
    if s.year == e.year:
        return f"{_day(s, lang, False)} – {_day(e, lang)}"
    return f"{_day(s, lang)} – {_day(e, lang)}"


def _text(v) -> str:
    return "" if _na(v) else " ".join(str(v).split())


def _col(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def _with_units(df: pd.DataFrame, text_col: str, lang: str, group_col: str | None = None) -> list:
    """Distinct texts, each followed by the commissions that reported it (the national-level
    compilation is not named); those reported by more commissions first, else in the files'
    order. Returns ``[(group, text)]``."""
    if not len(df):
        return []
    unit_col = _col(df, "unit_code", "code")
    order = [c for c in ("submission_id", "row_no") if c in df.columns]
    if order:  # as in the files: file by file, row by row
        df = df.sort_values(order, kind="stable")
    work = pd.DataFrame({"text": df[text_col].map(_text).to_numpy(),
                         "group": df[group_col].map(_text).to_numpy() if group_col else "",
                         "unit": df[unit_col].to_numpy() if unit_col else NATIONAL})
    work = work[work["text"] != ""]
    out = []
    for (group, text), units in work.groupby(["group", "text"], sort=False)["unit"]:
        codes = [u for u in dict.fromkeys(units) if not _na(u) and u != NATIONAL]
        out.append((-len(codes), len(out), group,
                    f"{text} ({join(sorted_names(codes, lang))})" if codes else text))
    return [(group, text) for _, _, group, text in sorted(out)]


# ----------------------------------------------------------------------------- the content

class _Builder:
    def __init__(self, store, year: int, lang: str):
        self.store, self.year, self.lang = store, year, lang
        self.blocks: list = []
        self.uy = indicators.unit_year(store, year)
        nat = indicators.national(store, year)
        self.nat = nat.set_index("indicator")
        # victims row (districts_sum, national_level, total) labelled from the year's protected base
        self.nat_shown = privacy.protect_national(nat, "victims").set_index("indicator")
        self.total_units = len(self.uy)
        status = self.uy["reporting_status"]
        self.not_reported = self.uy.loc[status == "not_reported", "code"].tolist()
        self.reported = self.uy.loc[status != "not_reported"]
        sessions = self.reported["sessions"]
        self.met = self.reported.loc[sessions.fillna(0) > 0]
        self.zero = self.reported.loc[sessions.notna() & (sessions.fillna(-1) == 0)]
        self.sessions_unknown = self.reported.loc[sessions.isna()]
        self.acts = indicators.activities(store, year, year)

    # small shorthands
    def t(self, key: str, **fmt) -> str:
        return i18n.t(f"note.{key}", self.lang, **fmt)

    def pl(self, base: str, n: int, **fmt) -> str:
        return plural(base, n, self.lang, **fmt)

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def national_value(self, ind: str):
        """(total, approximate, districts_sum, districts_reporting, national_level) of an indicator."""
        if ind not in self.nat.index:
            return None, False, None, 0, None
        r = self.nat.loc[ind]
        return (_int(r["total"]), bool(r.get("approximate")) if not _na(r.get("approximate")) else False,
                _int(r["districts_sum"]), _int(r["districts_reporting"]) or 0, _int(r["national_level"]))

    def national_only(self, ind: str) -> bool:
        total, _, dsum, _, nat = self.national_value(ind)
        return total is not None and dsum is None and nat is not None

    # ---- sections
    def introduction(self) -> None:
        n_rep, n_miss = len(self.reported), len(self.not_reported)
        self.add(Heading(1, self.t("h.intro")),
                 Paragraph(self.t("intro.purpose", year=self.year)),
                 Paragraph(self.t("intro.reported", n_reported=self.pl("atu", n_rep), reported=n_rep,
                                  total=self.total_units, share=share(n_rep, self.total_units))))
        if n_miss:
            names = join(sorted_names(self.not_reported, self.lang))
            self.add(Paragraph(plural("note.intro.not_reported", n_miss, self.lang, names=names)))
        else:
            self.add(Paragraph(self.t("intro.all_reported", total=self.total_units)))

    def commissions(self) -> None:
        self.add(Heading(1, self.t("h.sessions")))
        if len(self.met):
            self.add(Paragraph(self.t("sessions.lead", year=self.year)))
            rows = []
            for k, grp in self.met.groupby(self.met["sessions"].astype(int)):
                rows.append([self.pl("session", int(k)), join(sorted_names(grp["code"], self.lang))])
            self.add(Table([self.t("sessions.col_sessions"), self.t("sessions.col_commission")], rows,
                           widths=(1, 3)))
            n_sessions = int(self.met["sessions"].sum())
            self.add(Paragraph(self.t("sessions.total", sessions=self.pl("session", n_sessions),
                                      commissions=self.pl("tc", len(self.met)),
                                      n_sessions=fmt_int(n_sessions, self.lang), n_met=len(self.met))))
        else:
            self.add(Paragraph(self.t("sessions.none_met", year=self.year)))
        if len(self.zero):
            self.add(Paragraph(plural("note.sessions.no_meetings", len(self.zero), self.lang,
                                      names=join(sorted_names(self.zero["code"], self.lang)))))
        if len(self.sessions_unknown):
            self.add(Paragraph(plural("note.sessions.not_given", len(self.sessions_unknown), self.lang,
                                      names=join(sorted_names(self.sessions_unknown["code"], self.lang)))))
        topics = indicators.topics(self.store, self.year)
        col = _col(topics, "topic", "topics", "text")
        if col and len(topics) and "source" in topics:  # a session's topics cell may list several
            split = topics[col].where(topics["source"] != "session",
                                      topics[col].astype(str).str.split(r"\s*[;\n]\s*", regex=True))
            topics = topics.assign(**{col: split}).explode(col)
        items = [text for _, text in _with_units(topics, col, self.lang)] if col and len(topics) else []
        if items:
            self.add(Paragraph(self.t("topics.lead"), bold=True), Bullets(items))
        else:
            self.add(Paragraph(self.t("topics.none")))

    def prevention(self) -> None:
        lang = self.lang
        self.add(Heading(1, self.t("h.prevention")))
        total, is_approx, _, _, _ = self.national_value("information_activities")
        if total is None:
            self.add(Paragraph(self.t("info.not_reported")))
        elif total == 0:
            self.add(Paragraph(self.t("info.none")))
        else:
            key = "note.info.total_approx" if is_approx else "note.info.total"
            self.add(Paragraph(plural(key, total, lang), bold=True))
            self.add(*self.breakdown_note("information_activities"))
        participants = self.national_value("participants")[0]
        if participants is not None:
            self.add(Paragraph(self.t("info.participants", n=self.parts("participants")[2])))
        acts = self.acts
        info = acts[acts["type"].isin(INFO_TYPES)] if len(acts) else acts
        if len(info):
            groups = []
            for tg, grp in info.groupby(info["target_group"].fillna("unknown"), sort=False):
                n = int(grp["count"].fillna(1).sum())
                label = (self.t("target_unknown") if tg == "unknown"
                         else i18n.vocab_label("target_group", tg, lang))
                groups.append((-n, collation_key(label), f"{label}: "
                               f"{approx(n, bool(grp['approximate'].fillna(False).any()), lang)}"))
            self.add(Paragraph(self.t("target.lead")), Bullets([g[2] for g in sorted(groups)]))
        if len(acts):
            other = acts[~acts["type"].isin(INFO_TYPES)]
            if len(other):
                items = []
                for typ, grp in other.groupby(other["type"].fillna("other")):
                    n = int(grp["count"].fillna(1).sum())
                    label = i18n.vocab_label("type", typ, lang)
                    items.append((-n, collation_key(label), f"{label}: "
                                  f"{approx(n, bool(grp['approximate'].fillna(False).any()), lang)}"))
                self.add(Paragraph(self.t("other_types.lead")), Bullets([i[2] for i in sorted(items)]))
            described = acts[(acts["count"].fillna(1) > 1) & acts["description"].notna()
                             & (acts["unit_code"] == NATIONAL)]
            texts = _with_units(described, "description", lang)[:10]
            if texts:
                self.add(Paragraph(self.t("info.described")), Bullets([t for _, t in texts]))
        per = indicators.periods(self.store, self.year, self.year)
        camps = per[per["kind"] == "campaign"] if len(per) else per
        if len(camps):  # one line per campaign period, with the units that reported it
            items = []
            keys = camps.assign(_n=camps["name"].map(_text), _s=camps["start_date"].astype(str),
                                _e=camps["end_date"].astype(str))
            for _, grp in keys.groupby(["_s", "_e", "_n"], sort=True, dropna=False):
                c = grp.iloc[0]
                text = f"{_text(c['name'])} ({period(c['start_date'], c['end_date'], lang)})"
                codes = [u for u in grp["unit_code"].dropna() if u != NATIONAL]
                if len(acts) and "campaign" in acts:
                    linked = acts[(acts["campaign"].map(_text) == c["_n"]) & acts["unit_code"].isin(grp["unit_code"])]
                    if len(linked):
                        text += "; " + self.t("campaign.activities", activities=approx(
                            int(linked["count"].fillna(1).sum()),
                            bool(linked["approximate"].fillna(False).any()), lang))
                if codes:
                    text += f" ({join(sorted_names(codes, lang))})"
                items.append(text)
            self.add(Paragraph(self.t("campaigns.lead")), Bullets(items))
        self.trainings(per[per["kind"] == "training"] if len(per) else per)

    def participants_text(self, values: pd.Series) -> str:
        """Sum of the known figures; "not reported" when none is known, flagged when some are not."""
        known = values.dropna()
        if not len(known):
            return i18n.t("note.not_reported", self.lang)
        text = fmt_int(int(known.sum()), self.lang)
        return text + " " + self.t("trainings.partial") if len(known) < len(values) else text

    def trainings(self, tr: pd.DataFrame) -> None:
        """One line per training (same title and organisers): its period (first start to last
        end), workshops, participants, organisers, and the commissions that reported it."""
        lang = self.lang
        self.add(Heading(2, self.t("h.trainings")))
        if not len(tr):
            self.add(Paragraph(self.t("trainings.none")))
            return
        work = tr.assign(_title=tr["name"].map(_text), _org=tr["organisers"].map(_text))
        lines = []
        for (title, org), g in work.groupby(["_title", "_org"], sort=False, dropna=False):
            start, end = g["start_date"].min(), g["end_date"].max()
            text = self.t("trainings.item", period=period(start, end, lang),
                          workshops=self.pl("workshop", int(g["count"].fillna(1).sum())), title=title or "—",
                          participants=self.participants_text(g["participants"]),
                          organisers=org or i18n.t("note.not_reported", lang))
            codes = [u for u in dict.fromkeys(g["unit_code"].dropna()) if u != NATIONAL]
            if codes:
                text += "; " + self.t("trainings.units", units=join(sorted_names(codes, lang)))
            lines.append((_ts(start) or pd.Timestamp.max, title, text[:1].upper() + text[1:] + "."))
        self.add(Bullets([line[2] for line in sorted(lines, key=lambda x: (x[0], x[1]))]))
        self.add(Paragraph(self.t("trainings.total", workshops=self.pl("workshop", int(tr["count"].fillna(1).sum())),
                                  participants=self.participants_text(tr["participants"]))))

    def parts(self, ind: str) -> tuple[str, str, str]:
        """(sum over commissions, national level, total) as shown: approximate figures keep their
        word; victim figures as tipdash.privacy labels them (so neither part can be derived)."""
        total, is_approx, dsum, _, nat = self.national_value(ind)
        d_approx = bool(self.uy[f"{ind}_approx"].fillna(False).any()) if f"{ind}_approx" in self.uy else False
        n_approx = is_approx and (not d_approx or self.national_activities_approx())
        if ind == "victims":
            r = self.nat_shown.loc[ind]
            dsum, nat, total = (None if _na(r[c]) else r[c] for c in ("districts_sum", "national_level", "total"))
        return (value_text(dsum, self.lang, d_approx), value_text(nat, self.lang, n_approx),
                value_text(total, self.lang, is_approx))

    def victims_total(self) -> str:
        return self.parts("victims")[2]

    def national_activities_approx(self) -> bool:
        acts = self.acts
        if not len(acts) or "unit_code" not in acts:
            return False
        national = acts[(acts["unit_code"] == NATIONAL) & acts["type"].isin(INFO_TYPES)]
        return bool(national["approximate"].fillna(False).any())

    def breakdown_note(self, ind: str) -> list:
        total, _, dsum, dn, nat = self.national_value(ind)
        if self.national_only(ind):
            return [Paragraph(self.t("figure.national_only"), italic=True)]
        if dsum is not None and nat:
            districts, national, _ = self.parts(ind)
            return [Paragraph(self.t("figure.split", districts=districts, n_units=dn, national=national),
                              italic=True)]
        return []

    def victims(self) -> None:
        lang = self.lang
        self.add(Heading(1, self.t("h.victims")))
        total = self.national_value("victims")[0]
        if total is None:
            self.add(Paragraph(self.t("victims.not_reported")))
        else:
            self.add(Paragraph(self.t("victims.total", n=self.victims_total()), bold=True))
            self.add(*self.breakdown_note("victims"))
            rows = []
            for dim in ("status", "sex", "age_group", "exploitation"):
                if total and indicators.victim_breakdown_reported(self.store, self.year, dim):
                    df = indicators.victims(self.store, self.year, by=[dim])
                    df = privacy.protect_breakdown(df, count_col="count")
                    for _, r in df.iterrows():
                        rows.append([i18n.column_label(dim, lang), i18n.vocab_label(dim, r[dim], lang),
                                     value_text(r["count"], lang)])
            if rows:
                self.add(Table([self.t("victims.col_dim"), self.t("victims.col_cat"),
                                self.t("victims.col_count")], rows, widths=(2, 3, 1), numeric=(2,)))
            if self.uy["victims"].notna().any():
                prot = privacy.protect_units(self.uy, col="victims")
                rows = [[unit_label(r["code"], lang), value_text(r["victims"], lang)]
                        for _, r in prot.iterrows() if not _na(r["victims"])]
                rows.sort(key=lambda r: collation_key(r[0]))
                self.add(Paragraph(self.t("victims.by_unit")),
                         Table([self.t("annex.col_unit"), i18n.indicator_label("victims", lang)], rows,
                               widths=(3, 1), numeric=(1,)))
            self.assistance()
        self.partners()

    def assistance(self) -> None:
        lang = self.lang
        df = privacy.protect_assistance(indicators.assistance(self.store, self.year), count_col="count")
        items = []
        for _, r in df.iterrows():
            if not (bool(r["provided"]) if not _na(r["provided"]) else False):
                continue
            label = i18n.t_or(f"vocab.assistance.{r['type']}", str(r["type"]), lang)
            items.append(label if _na(r["count"]) else f"{label}: {value_text(r['count'], lang)}")
        if items:
            self.add(Paragraph(self.t("assistance.lead")), Bullets(items))
        else:
            self.add(Paragraph(self.t("assistance.none")))

    def partners(self) -> None:
        lang = self.lang
        df = indicators.partners(self.store, self.year)
        org = _col(df, "organisation", "name")
        if not len(df) or org is None:
            self.add(Paragraph(self.t("partners.none")))
            return
        kind = df["kind"].fillna("other") if "kind" in df else pd.Series("ngo", index=df.index)
        ngos = _with_units(df[kind == "ngo"], org, lang)
        others = df[kind != "ngo"]
        if ngos:
            self.add(Paragraph(self.t("partners.lead"), bold=True), Bullets([t for _, t in ngos]))
        if len(others):
            items = [f"{text} — {i18n.vocab_label('kind', k, lang)}"
                     for k, grp in others.groupby(kind[kind != "ngo"])
                     for _, text in _with_units(grp, org, lang)]
            self.add(Paragraph(self.t("partners.other"), bold=True), Bullets(items))

    def challenges(self) -> None:
        self.add(Heading(1, self.t("h.challenges")))
        df = indicators.challenges(self.store, self.year)
        col = _col(df, "text", "challenge")
        if not len(df) or col is None:
            self.add(Paragraph(self.t("challenges.none")))
            return
        cat = "category" if "category" in df and df["category"].notna().any() else None
        items = _with_units(df, col, self.lang, cat)
        self.add(Paragraph(self.t("challenges.lead")))
        if cat is None:
            self.add(Bullets([t for _, t in items]))
            return
        groups: dict[str, list[str]] = {}
        for g, text in items:
            groups.setdefault(g, []).append(text)
        for g in sorted(groups, key=lambda g: (g == "", collation_key(g))):
            self.add(Paragraph(g or self.t("challenges.uncategorised"), bold=True), Bullets(groups[g]))

    def conclusions(self) -> None:
        lang, y = self.lang, self.year
        self.add(Heading(1, self.t("h.conclusions")))
        n_rep, n_miss, total = len(self.reported), len(self.not_reported), self.total_units
        items = [self.t("concl.reporting", total=total, reported=n_rep, missing=n_miss, year=y,
                        share=share(n_rep, total)) if n_miss else self.t("concl.reporting_all", total=total,
                                                                           year=y)]
        if n_rep:
            n_sessions = int(self.met["sessions"].sum()) if len(self.met) else 0
            key = "concl.meetings" if len(self.zero) else "concl.meetings_all"
            items.append(self.t(key, reported=n_rep, met=len(self.met), share=share(len(self.met), n_rep),
                                sessions=self.pl("session", n_sessions), no_meeting=len(self.zero)))
            if len(self.sessions_unknown):
                items.append(self.t("concl.sessions_unknown", n=len(self.sessions_unknown)))
            comp = self.reported["completeness"].dropna()
            if len(comp):
                key = "concl.completeness_full" if (comp >= 1).all() else "concl.completeness"
                items.append(self.t(key, share=f"{round(100 * comp.mean())}%",
                                    complete=int((comp >= 1).sum()), reported=len(comp)))
        national_only = [lower_first(i18n.indicator_label(i, lang))
                         for i in indicators.NUMERIC if self.national_only(i)]
        if national_only:
            items.append(self.t("concl.national_only", indicators=join(national_only)))
        info, info_approx = self.national_value("information_activities")[:2]
        workshops = self.national_value("trainings")[0]
        trained = self.national_value("members_trained")[0]
        if any(v is not None for v in (info, workshops, trained)):
            items.append(self.t("concl.prevention", info=value_text(info, lang, info_approx),
                                workshops=value_text(workshops, lang), participants=value_text(trained, lang)))
        victims = self.national_value("victims")[0]
        if victims is not None:
            items.append(self.t("concl.victims", n=self.victims_total()))
        challenges = self.national_value("challenges")[0]
        if challenges:
            items.append(self.t("concl.challenges", n=fmt_int(challenges, lang)))
        items.append(self.change())
        self.add(Bullets([i for i in items if i]))

    def change(self) -> str:
        prev = self.year - 1
        if prev not in indicators.years(self.store):
            return self.t("concl.no_prev", prev=prev)
        lang = self.lang
        puy = indicators.unit_year(self.store, prev)
        pnat_raw = indicators.national(self.store, prev)
        pnat = pnat_raw.set_index("indicator")
        pvictims = privacy.protect_national(pnat_raw, "victims").set_index("indicator")
        prep = puy[puy["reporting_status"] != "not_reported"]
        pairs = [(self.t("label.reported"), len(self.reported), len(prep), False, False),
                 (self.t("label.met"), len(self.met), int((prep["sessions"].fillna(0) > 0).sum()), False, False)]
        for ind in indicators.NUMERIC:
            cur, cur_approx = self.national_value(ind)[:2]
            old = _int(pnat.loc[ind, "total"]) if ind in pnat.index else None
            old_approx = ind in pnat.index and not _na(pnat.loc[ind, "approximate"]) and bool(
                pnat.loc[ind, "approximate"])
            if cur is None or old is None:
                continue
            if ind == "victims":  # only when both years' totals are shown exactly
                shown = (self.nat_shown.loc[ind, "total"], pvictims.loc[ind, "total"])
                if any(_na(v) or privacy.is_suppressed(v) for v in shown):
                    continue
            pairs.append((lower_first(i18n.indicator_label(ind, lang)), cur, old, cur_approx, old_approx))
        parts = []
        for label, cur, old, cur_approx, old_approx in pairs:
            d = cur - old
            delta = self.t("unchanged") if d == 0 else ("+" if d > 0 else "−") + fmt_int(abs(d), lang)
            if d and (cur_approx or old_approx):
                delta = i18n.t("note.approx", lang, n=delta)
            parts.append(self.t("concl.change_item", label=label, cur=approx(cur, cur_approx, lang),
                                prev_value=approx(old, old_approx, lang), delta=delta))
        return self.t("concl.change", prev=prev, items="; ".join(parts))

    def annex(self) -> None:
        lang = self.lang
        nr = i18n.t("note.not_reported", lang)
        self.add(Landscape(), Heading(1, self.t("h.annex")),
                 Paragraph(self.t("annex.lead", total=self.total_units, nr=nr, threshold=privacy.threshold(),
                                  label=privacy.label(), secondary=getattr(privacy, "SECONDARY", "x"))))
        uy = privacy.protect_units(self.uy, col="victims")
        cols = list(indicators.NUMERIC)
        header = [self.t("annex.col_unit"), i18n.indicator_label("reporting_status", lang)] + \
                 [i18n.indicator_label(c, lang) for c in cols] + [i18n.indicator_label("completeness", lang)]
        rows = []
        for _, r in uy.iterrows():
            row = [unit_label(r["code"], lang), i18n.vocab_label("reporting_status", r["reporting_status"], lang)]
            for c in cols:
                flag = bool(r.get(f"{c}_approx")) if not _na(r.get(f"{c}_approx")) else False
                row.append(value_text(r[c], lang, flag))
            row.append(nr if _na(r["completeness"]) else f"{round(100 * float(r['completeness']))}%")
            rows.append(row)
        rows.sort(key=lambda r: collation_key(r[0]))
        numeric = tuple(range(2, len(header)))
        self.add(Table(header, rows, widths=(2.2, 3.4) + (2.3,) * (len(header) - 3) + (2.7,), numeric=numeric,
                       small=True))
        self.add(Heading(2, self.t("h.totals")), Paragraph(self.t("annex.totals_lead")))
        rows = []
        for ind in cols:
            districts, national, total = self.parts(ind)
            rows.append([i18n.indicator_label(ind, lang), districts, fmt_int(self.national_value(ind)[3], lang),
                         national, total])
        self.add(Table([self.t("col.indicator"), self.t("col.districts_sum"), self.t("col.districts_reporting"),
                        self.t("col.national"), self.t("col.total")], rows, widths=(3, 2, 2, 2, 2),
                       numeric=(1, 2, 3, 4)))
        self.sources()

    def sources(self) -> None:
        from tipdash import store as store_mod

        lang = self.lang
        self.add(Heading(2, self.t("h.sources")), Paragraph(self.t("sources.lead", year=self.year)))
        hist = store_mod.history(self.store)
        hist = hist[(hist["year"] == self.year) & (hist["status"] == "current")]
        rows = []
        keys = ["file_name", "format", "sha256", "imported_at", "imported_by"]
        for k, grp in hist.groupby(keys, dropna=False, sort=False):
            rec = dict(zip(keys, k))
            at = _ts(rec["imported_at"])
            rows.append([str(rec["file_name"]), i18n.t_or(f"vocab.format.{rec['format']}", str(rec["format"]), lang),
                         fmt_int(len(grp), lang), at.strftime("%Y-%m-%d %H:%M") if at is not None else "",
                         _text(rec["imported_by"]) or "—", str(rec["sha256"])[:12]])
        rows.sort(key=lambda r: (r[3], r[0]))
        self.add(Table([self.t("col.file"), self.t("col.format"), self.t("col.units"), self.t("col.imported_at"),
                        self.t("col.imported_by"), self.t("col.sha256")], rows,
                       widths=(4, 3, 1.2, 2, 1.6, 1.8), numeric=(2,)))
        last = indicators.last_import(self.store)
        from tipdash import __version__

        self.add(Paragraph(self.t("sources.generated", version=__version__,
                                  last_import=pd.Timestamp(last).strftime("%Y-%m-%d %H:%M") if last else "—"),
                           italic=True))


def build(store, year: int, lang: str = i18n.DEFAULT_LANG) -> Document:
    """The note of ``year`` as a :class:`Document` (raises :class:`NoData`)."""
    if lang not in i18n.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(i18n.LANGS)}")
    year = int(year)
    if year not in [int(y) for y in indicators.years(store)]:
        raise NoData(year)
    b = _Builder(store, year, lang)
    b.introduction()
    b.commissions()
    b.prevention()
    b.victims()
    b.challenges()
    b.conclusions()
    b.annex()
    last = indicators.last_import(store)
    return Document(lang=lang, year=year, title=b.t("title"), subtitle=b.t("subtitle", year=year),
                    blocks=b.blocks, page_label=b.t("page"),
                    meta={"last_import": last})


def render(store, year: int, fmt: str = "md", lang: str = i18n.DEFAULT_LANG) -> bytes:
    """The informative note of ``year`` as Markdown (UTF-8), DOCX or PDF bytes.

    Raises :class:`NoData` when nothing is imported for ``year``; ValueError for an unknown
    format or language."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    doc = build(store, year, lang)
    from tipdash.note import renderers as note_render

    return {"md": note_render.to_markdown, "docx": note_render.to_docx, "pdf": note_render.to_pdf}[fmt](doc)


def file_name(year: int, lang: str, fmt: str) -> str:
    """Default download name, as the CLI uses: ``tipdash_note_2022_ro.pdf``."""
    return f"tipdash_note_{year}_{lang}.{fmt}"


__all__ = ["NoData", "render", "build", "file_name", "Document", "Heading", "Paragraph", "Bullets",
           "Table", "Landscape", "collation_key", "period", "plural", "FORMATS"]
