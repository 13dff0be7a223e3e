"""The note's wording helpers: plurals of its nouns, figures in sentences, lists of unit names,
free text in the note's language with its origin marker.

Numbers, plural categories, dates and the order of names come from :mod:`tipdash.i18n.formats`;
free text from :mod:`tipdash.i18n.content`; what is here is how the note words them (``note.*``
catalogue keys).
"""
from __future__ import annotations

from typing import Callable, Iterable

import pandas as pd

from tipdash import i18n
from tipdash.i18n import content, formats
from tipdash.values import clean_text, is_missing

INFO_TYPES = ("information", "awareness_campaign", "media")
NATIONAL = "MD"


def plural(base: str, n: int, lang: str, **fmt) -> str:
    """The plural form of ``n`` (:func:`tipdash.i18n.formats.plural`); ``base`` is a full
    ``note.…`` key or a noun under ``note.pl.``."""
    key = base if base.startswith("note.") else f"note.pl.{base}"
    return formats.plural(key, n, lang, **fmt)


def share(part: int, whole: int, lang: str) -> str:
    """part/whole as a whole percentage in the language's form ("80 %" ro/ru, "80%" en)."""
    return formats.fmt_percent(part / whole, lang) if whole else "—"


def approx(n, is_approx: bool, lang: str) -> str:
    """500 → "around 500" / "circa 500" / "около 500" when the figure is approximate."""
    text = formats.fmt_int(n, lang)
    return i18n.t("note.approx", lang, n=text) if is_approx else text


def value_text(v, lang: str, is_approx: bool = False) -> str:
    """A figure for a table cell or a sentence; blank → "not reported"."""
    if is_missing(v):
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
    """Distinct unit names in ``lang``, in the alphabet of ``lang`` (:func:`formats.collation_key`)."""
    return formats.sort_names({unit_label(c, lang) for c in codes}, lang)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)


def first_column(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


Show = Callable[[str, str], content.Shown]


def with_units(df: pd.DataFrame, text_col: str, lang: str, group_col: str | None = None,
               show: Show | None = None) -> list:
    """Distinct texts, each followed by the commissions that reported it (the national-level
    compilation is not named); those reported by more commissions first, else in the files'
    order. ``show(text, source_lang)`` puts a text in the note's language (default: as it is).
    Returns ``[(group, text, Shown)]`` (the marker of the Shown is not in the text)."""
    if not len(df):
        return []
    show = show or (lambda text, src: content.Shown(text, content.SOURCE, src))
    unit_col = first_column(df, "unit_code", "code")
    order = [c for c in ("submission_id", "row_no") if c in df.columns]
    if order:  # as in the files: file by file, row by row
        df = df.sort_values(order, kind="stable")
    work = pd.DataFrame({"text": df[text_col].map(clean_text).to_numpy(),
                         "group": df[group_col].map(clean_text).to_numpy() if group_col else "",
                         "unit": df[unit_col].to_numpy() if unit_col else NATIONAL,
                         "src": df["source_lang"].to_numpy() if "source_lang" in df else i18n.DEFAULT_LANG})
    work = work[work["text"] != ""]
    out = []
    for (group, text), rows in work.groupby(["group", "text"], sort=False):
        codes = [u for u in dict.fromkeys(rows["unit"]) if not is_missing(u) and u != NATIONAL]
        shown = show(text, rows["src"].iloc[0])
        if group:
            group = show(group, rows["src"].iloc[0]).text
        out.append((-len(codes), len(out), group,
                    f"{shown.text} ({join(sorted_names(codes, lang))})" if codes else shown.text, shown))
    return [(group, text, shown) for _, _, group, text, shown in sorted(out, key=lambda x: x[:2])]


def marked(items: list, lang: str) -> tuple[str, list[str]]:
    """(the marker for the list's lead, the items): a marker every item shares ("(traducere
    neoficială)") is said once, in the lead; otherwise each item carries its own."""
    common = content.common_marker([s for _, _, s in items], lang)
    if common:
        return common, [text for _, text, _ in items]
    return "", [f"{text} {s.marker(lang)}".rstrip() for _, text, s in items]


def lead_with(lead: str, marker: str) -> str:
    """"Subiectele discutate:" + "(traducere neoficială)" -> "Subiectele discutate (traducere neoficială):"."""
    if not marker:
        return lead
    return f"{lead[:-1]} {marker}:" if lead.endswith(":") else f"{lead} {marker}"
