"""The annual informative note (md/docx/pdf), generated from the data.

``render(store, year, fmt, lang) -> bytes``; ``build(store, year, lang) -> Document`` (the
document model of :mod:`tipdash.note.model`); ``file_name(year, lang, fmt)``; ``NoData`` for a
year with nothing imported; ``FORMATS``. Sections: ``sections_activity``, ``sections_victims``,
``sections_closing`` over ``builder.NoteBuilder``; renderers: ``md``, ``docx``, ``pdf``.
"""
from tipdash.note.generate import FORMATS, NoData, build, file_name, render
from tipdash.note.model import Document

__all__ = ["build", "render", "file_name", "NoData", "FORMATS", "Document"]
