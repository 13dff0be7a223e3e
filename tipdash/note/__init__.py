"""The annual informative note (md/docx/pdf), generated from the data.

``render(store, year, fmt, lang) -> bytes``; ``build(store, year, lang) -> Document``;
``file_name(year, lang, fmt)``; ``NoData`` for a year with nothing imported; ``FORMATS``.
"""
from tipdash.note.generate import (
    FORMATS,
    Bullets,
    Document,
    Heading,
    Landscape,
    NoData,
    Paragraph,
    Table,
    build,
    collation_key,
    file_name,
    period,
    plural,
    render,
)

__all__ = ["build", "render", "file_name", "NoData", "FORMATS", "Document", "Heading", "Paragraph", "Bullets",
           "Table", "Landscape", "collation_key", "period", "plural"]
