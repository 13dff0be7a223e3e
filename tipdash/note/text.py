"""The note's wording helpers: plurals of its nouns, figures in sentences, lists of unit names.

Numbers, plural categories, dates and the order of names come from :mod:`tipdash.i18n.formats`;
what is here is how the note words them (``note.*`` catalogue keys).
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from tipdash import i18n
from tipdash.i18n import formats
from tipdash.values import clean_text, is_missing

INFO_TYPES = ("information", "awareness_campaign", "media")
NATIONAL = "MD"


def plural(base: str, n: int, lang: str, **fmt) -> str:
    """The plural form of ``n`` (:func:`tipdash.i18n.formats.plural`); ``base`` is a full
    ``note.…`` key or a noun under ``note.pl.``."""
    key = base if base.startswith("note.") else f"note.pl.{base}"
    return formats.plural(key, n, lang, **fmt)


def share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


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
    """Distinct unit names in ``lang``, in :func:`tipdash.i18n.formats.collation_key` order."""
    return sorted({unit_label(c, lang) for c in codes}, key=formats.collation_key)


def join(items: Iterable[str]) -> str:
    return ", ".join(items)


def first_column(df: pd.DataFrame, *names: str) -> str | None:
    return next((n for n in names if n in df.columns), None)


def with_units(df: pd.DataFrame, text_col: str, lang: str, group_col: str | None = None) -> list:
    """Distinct texts, each followed by the commissions that reported it (the national-level
    compilation is not named); those reported by more commissions first, else in the files'
    order. Returns ``[(group, text)]``."""
    if not len(df):
        return []
    unit_col = first_column(df, "unit_code", "code")
    order = [c for c in ("submission_id", "row_no") if c in df.columns]
    if order:  # as in the files: file by file, row by row
        df = df.sort_values(order, kind="stable")
    work = pd.DataFrame({"text": df[text_col].map(clean_text).to_numpy(),
                         "group": df[group_col].map(clean_text).to_numpy() if group_col else "",
                         "unit": df[unit_col].to_numpy() if unit_col else NATIONAL})
    work = work[work["text"] != ""]
    out = []
    for (group, text), units in work.groupby(["group", "text"], sort=False)["unit"]:
        codes = [u for u in dict.fromkeys(units) if not is_missing(u) and u != NATIONAL]
        out.append((-len(codes), len(out), group,
                    f"{text} ({join(sorted_names(codes, lang))})" if codes else text))
    return [(group, text) for _, _, group, text in sorted(out)]
