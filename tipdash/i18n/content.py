"""Free text of the data (topics, challenges, training titles, organisers, campaign names,
descriptions, partners, conclusions, context) in the reader's language, always saying where it
comes from.

A text is stored as its source wrote it, in the submission's language (``source_lang``). For a
reader of another language:

* a translation marked ``unofficial_translation`` is shown with "(unofficial translation)";
* a ``registered_name`` (a name checked in a cited source) is shown as it is;
* ``as_in_source``, or no translation at all, shows the source text with "(text in English, as
  in the source)" -- never a translation invented here.

The translations come from the database (``indicators.translations``) as a :class:`Translations`
table; this module is pure (no store, no streamlit).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from tipdash import i18n
from tipdash.values import clean_text, is_missing, text_hash

#: columns of the indicator frames that hold free text (translated where shown)
FREE_TEXT = ("topic", "topics", "description", "campaign", "name", "title", "organisers", "organisation",
             "cooperation", "text", "category", "prepared_by")
UNOFFICIAL, REGISTERED, AS_IN_SOURCE = "unofficial_translation", "registered_name", "as_in_source"
SOURCE, UNTRANSLATED = "source", "untranslated"


class Translations:
    """(source language, text, reader's language) -> (text, origin), from the translations table."""

    def __init__(self, rows: Iterable[tuple] = ()):
        self._rows = {(sl, h, lang): (text, origin) for sl, h, lang, text, origin in rows}

    @classmethod
    def from_frame(cls, df: pd.DataFrame | None) -> "Translations":
        if df is None or not len(df):
            return cls()
        cols = ["source_lang", "source_hash", "lang", "text", "origin"]
        return cls(df[cols].itertuples(index=False, name=None))

    def get(self, source_lang: str, text: str, lang: str) -> tuple[str, str] | None:
        return self._rows.get((source_lang, text_hash(text), lang))

    def __len__(self) -> int:
        return len(self._rows)


@dataclass(frozen=True)
class Shown:
    text: str
    origin: str          # source | unofficial_translation | registered_name | as_in_source | untranslated
    source_lang: str

    def marker(self, lang: str) -> str:
        """"(traducere neoficială)", "(text în limba engleză, conform sursei)" or ""."""
        if self.origin == UNOFFICIAL:
            return i18n.t("content.unofficial", lang)
        if self.origin in (AS_IN_SOURCE, UNTRANSLATED):
            return i18n.t(f"content.in_source.{self.source_lang}", lang)
        return ""

    def with_marker(self, lang: str) -> str:
        mark = self.marker(lang)
        return f"{self.text} {mark}" if mark else self.text


def show(text, lang: str, source_lang: str | None, table: Translations | None) -> Shown:
    """``text`` (written in ``source_lang``, default ro) as a reader of ``lang`` sees it."""
    lang = i18n.normalise_lang(lang)
    src = source_lang if source_lang in i18n.LANGS else i18n.DEFAULT_LANG
    text = clean_text(text)
    if src == lang or not text:
        return Shown(text, SOURCE, src)
    hit = table.get(src, text, lang) if table is not None else None
    if hit is None:
        return Shown(text, UNTRANSLATED, src)
    shown, origin = hit
    return Shown(text if origin == AS_IN_SOURCE else shown, origin, src)


def text(value, lang: str, source_lang: str | None, table: Translations | None) -> str:
    """The text with its marker (for a table cell, a download, a list item)."""
    return show(value, lang, source_lang, table).with_marker(lang)


def common_marker(shown: list[Shown], lang: str) -> str:
    """The marker every item of a list shares ("" when they differ or need none): a list whose
    items are all unofficial translations says so once, in its heading."""
    marks = {s.marker(lang) for s in shown}
    return marks.pop() if len(marks) == 1 else ""


def localise_texts(df: pd.DataFrame, lang: str, table: Translations | None,
                   columns: Iterable[str] = FREE_TEXT) -> pd.DataFrame:
    """A copy of ``df`` whose free-text columns are in ``lang`` with their markers (rows read in
    the ``source_lang`` column's language, default ro); ``source_lang`` itself is dropped."""
    if "source_lang" not in df.columns:
        return df
    out = df.copy()
    langs = out["source_lang"].tolist()
    for col in (c for c in columns if c in out.columns):
        out[col] = pd.Series([v if is_missing(v) else text(v, lang, sl, table)
                              for v, sl in zip(out[col].tolist(), langs)], index=out.index, dtype=object)
    return out.drop(columns=["source_lang"])
