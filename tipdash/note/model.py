"""The informative note as a small document model: what the sections build and the renderers
(:mod:`tipdash.note.md`, :mod:`tipdash.note.docx`, :mod:`tipdash.note.pdf`) draw."""
from __future__ import annotations

from dataclasses import dataclass, field

#: the language tag written into the DOCX and PDF metadata
LANG_TAGS = {"ro": "ro-MD", "en": "en-GB", "ru": "ru-RU"}


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
