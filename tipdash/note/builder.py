"""The state every section of the note reads: the year's figures, computed once, and the shared
ways of showing them (a figure in words, its split between districts and national level)."""
from __future__ import annotations

import pandas as pd

from tipdash import i18n, indicators, privacy
from tipdash.i18n import content
from tipdash.i18n.formats import fmt_int
from tipdash.note.model import Bullets, Paragraph
from tipdash.note.text import INFO_TYPES, NATIONAL, lead_with, marked, plural, value_text, with_units
from tipdash.values import is_missing, to_int


class NoteBuilder:
    """The note of one year in one language while it is being built: ``blocks`` grows section by
    section (:mod:`tipdash.note.sections_activity` and the other ``sections_*`` modules)."""

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
        self.tr = content.Translations.from_frame(indicators.translations(store))
        inferred = self.uy["status_inferred"].fillna(False).astype(bool)
        self.inferred = self.uy.loc[inferred, "code"].tolist()

    def show(self, text, source_lang: str) -> content.Shown:
        """Free text in the note's language, with its origin (tipdash.i18n.content)."""
        return content.show(text, self.lang, source_lang, self.tr)

    def items(self, df: pd.DataFrame, col: str, group_col: str | None = None) -> list:
        """[(group, text, Shown)] of a free-text column, with the commissions that reported each."""
        return with_units(df, col, self.lang, group_col, self.show)

    def listed(self, lead: str, items: list, bold: bool = False) -> list:
        """A lead paragraph and the bullet list of ``items`` (a marker they share goes in the lead)."""
        marker, texts = marked(items, self.lang)
        return [Paragraph(lead_with(lead, marker), bold=bold), Bullets(texts)]

    def source_name(self, rows: pd.DataFrame) -> str:
        """Who compiled ``rows`` (their submission's Prepared by), in the note's language; "" if unknown."""
        if "prepared_by" not in rows or not rows["prepared_by"].notna().any():
            return ""
        first = rows[rows["prepared_by"].notna()].iloc[0]
        shown = self.show(first["prepared_by"], first["source_lang"])
        marker = shown.marker(self.lang).strip("()")     # said inside the parentheses it goes in
        return f"{shown.text}; {marker}" if marker else shown.text

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
        return (to_int(r["total"]), bool(r.get("approximate")) if not is_missing(r.get("approximate")) else False,
                to_int(r["districts_sum"]), to_int(r["districts_reporting"]) or 0, to_int(r["national_level"]))

    def national_only(self, ind: str) -> bool:
        total, _, dsum, _, nat = self.national_value(ind)
        return total is not None and dsum is None and nat is not None

    def parts(self, ind: str) -> tuple[str, str, str]:
        """(sum over commissions, national level, total) as shown: approximate figures keep their
        word; victim figures as tipdash.privacy labels them (so neither part can be derived)."""
        total, is_approx, dsum, _, nat = self.national_value(ind)
        d_approx = bool(self.uy[f"{ind}_approx"].fillna(False).any()) if f"{ind}_approx" in self.uy else False
        n_approx = is_approx and (not d_approx or self.national_activities_approx())
        if ind == "victims":
            r = self.nat_shown.loc[ind]
            dsum, nat, total = (None if is_missing(r[c]) else r[c]
                                for c in ("districts_sum", "national_level", "total"))
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

    def partial(self, ind: str) -> bool:
        """The national total of ``ind`` leaves some of what it counts out (participants in trainings)."""
        return ind in self.nat.index and bool(self.nat.loc[ind].get("partial", False))

    def participants_text(self, values: pd.Series) -> str:
        """Sum of the known figures; "not reported" when none is known, flagged when some are not."""
        known = values.dropna()
        if not len(known):
            return i18n.t("note.not_reported", self.lang)
        text = fmt_int(int(known.sum()), self.lang)
        return text + " " + self.t("trainings.partial") if len(known) < len(values) else text
