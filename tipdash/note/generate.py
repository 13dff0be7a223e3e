"""The annual informative note on the Territorial Commissions, generated from the data.

``render(store, year, fmt="md"|"docx"|"pdf", lang="ro"|"en"|"ru") -> bytes``.

The content is built once (:func:`build`) as a small document model -- headings, paragraphs,
bullet lists and tables, see :mod:`tipdash.note.model` -- from :mod:`tipdash.indicators` (victim
figures through :mod:`tipdash.privacy`), and rendered to Markdown, DOCX or PDF by
:mod:`tipdash.note.md`, :mod:`tipdash.note.docx` and :mod:`tipdash.note.pdf`. The sections
(``SECTIONS``, in ``sections_activity``, ``sections_victims``, ``sections_closing``) follow the
State Chancellery's 2022 note (``data/sources/informative_note_2022_en.md``): introduction; I.
activity of the commissions (sessions table, commissions without meetings, topics); II.
prevention; III. victims and assistance, with the national context (the year's national statistics,
a different measure); IV. challenges and needs; V. conclusions, each computed
from a figure shown in the note; annex (every indicator per unit, totals, data sources and
import dates).

Rules:

* Unit names come from the gazetteer in the note's language (official Romanian spelling with
  comma-below ș ț, whatever the source file wrote).
* Lists of units are sorted alphabetically by the displayed name with diacritics ignored for
  ordering (:func:`tipdash.i18n.formats.collation_key`: ă â → a, î → i, ș ş → s, ț ţ → t,
  ё → е), the original spelling breaking ties -- so "Călărași" sorts with "Ca…", "Ștefan Vodă"
  with "St…".
* Free text from the data (topics, challenges, organisations, training titles, descriptions)
  is shown as imported; headings and generated sentences are translated (``note.*`` keys).
* Blank = not reported, never zero; approximate figures keep "around"/"circa"/"около".
* A year with no current submission raises :class:`NoData`, not an empty document.
"""
from __future__ import annotations

from tipdash import i18n, indicators
from tipdash.note import (sections_activity, sections_closing, sections_conclusions, sections_context,
                          sections_victims)
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Document

FORMATS = ("md", "docx", "pdf")

#: the sections in the order of the note (each adds its blocks to the builder)
SECTIONS = (sections_activity.introduction, sections_activity.commissions, sections_activity.prevention,
            sections_victims.victims, sections_context.national_context, sections_closing.challenges,
            sections_conclusions.conclusions,
            sections_closing.annex)


class NoData(Exception):
    """The year has no current submission: nothing to write a note about."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(f"No data for {year}: nothing imported for that year")

    def message(self, lang: str = i18n.DEFAULT_LANG) -> str:
        return i18n.t("note.nodata", lang, year=self.year)


def build(store, year: int, lang: str = i18n.DEFAULT_LANG) -> Document:
    """The note of ``year`` as a :class:`Document` (raises :class:`NoData`)."""
    if lang not in i18n.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(i18n.LANGS)}")
    year = int(year)
    if year not in [int(y) for y in indicators.years(store)]:
        raise NoData(year)
    b = NoteBuilder(store, year, lang)
    for section in SECTIONS:
        section(b)
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
    from tipdash.note import docx, md, pdf  # python-docx and fpdf only when a note is rendered

    return {"md": md.to_markdown, "docx": docx.to_docx, "pdf": pdf.to_pdf}[fmt](doc)


def file_name(year: int, lang: str, fmt: str) -> str:
    """Default download name, as the CLI uses: ``tipdash_note_2022_ro.pdf``."""
    return f"tipdash_note_{year}_{lang}.{fmt}"
