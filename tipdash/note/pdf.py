"""The informative note (:mod:`tipdash.note.model`) as PDF (fpdf2).

The PDF embeds the DejaVu Sans fonts shipped in ``tipdash/fonts/`` (Bitstream Vera licence,
see ``tipdash/fonts/LICENSE``), so it never depends on the fonts of the machine; DejaVu covers
Romanian ș ț ă î â and Cyrillic. DejaVu has no italic face here: "italic" paragraphs (notes on
a figure) are set smaller and in grey instead.
"""
from __future__ import annotations

from datetime import timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from tipdash.note.model import LANG_TAGS, Bullets, Document, Heading, Landscape, Paragraph, Table

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT_REGULAR = FONTS / "DejaVuSans.ttf"
FONT_BOLD = FONTS / "DejaVuSans-Bold.ttf"

BODY_PT, SMALL_PT, TABLE_PT, WIDE_TABLE_PT = 10.5, 9, 9, 7
LINE = 5.2  # mm per body line
PAD = 1.2  # mm, left/right cell padding


def _heading_size(pdf, header: list[str], widths, size: float, width: float) -> float:
    """The largest type size (<= size, >= 5.5 pt) at which no header word is split across lines."""
    rel = widths or (1,) * len(header)
    cols = [width * w / sum(rel) - 2 * PAD - 0.5 for w in rel]
    while size > 5.5:
        pdf.set_font("DejaVu", "B", size)
        if all(pdf.get_string_width(word) <= col for h, col in zip(header, cols) for word in str(h).split()):
            break
        size -= 0.25
    return size


def _natural_widths(pdf, block: Table, size: float) -> tuple[float, ...] | None:
    """Column widths (mm) at which no body cell wraps and no header word is split; None when
    that does not fit the page (then the block's relative widths apply and long cells wrap)."""
    need = []
    for j, h in enumerate(block.header):
        pdf.set_font("DejaVu", "B", size)
        w = max((pdf.get_string_width(word) for word in str(h).split()), default=0)
        pdf.set_font("DejaVu", "", size)
        w = max([w] + [pdf.get_string_width(str(r[j])) for r in block.rows])
        need.append(w + 2 * PAD + 1)
    return tuple(need) if sum(need) <= pdf.epw else None


class _PDF(FPDF):
    """A4 pages with the page label ("2/7") centred in the footer."""

    footer_label = "{page}/{pages}"

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(90)
        self.cell(0, 5, self.footer_label.format(page=self.page_no(), pages="{nb}"), align="C")
        self.set_text_color(0)


def to_pdf(doc: Document) -> bytes:
    pdf = _start(doc)
    for block in doc.blocks:
        if isinstance(block, Landscape):
            pdf.set_left_margin(15)
            pdf.set_right_margin(15)
            pdf.add_page(orientation="L")
        elif isinstance(block, Heading):
            _keep_room(pdf, 30)
            pdf.ln(3 if block.level == 1 else 1.5)
            pdf.set_font("DejaVu", "B", 12.5 if block.level == 1 else 11)
            pdf.multi_cell(0, 6.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Paragraph):
            _keep_room(pdf, 12)
            if block.italic and not block.bold:
                pdf.set_font("DejaVu", "", SMALL_PT)
                pdf.set_text_color(80)
            else:
                pdf.set_font("DejaVu", "B" if block.bold else "", BODY_PT)
            pdf.multi_cell(0, LINE, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0)
            pdf.ln(2)
        elif isinstance(block, Bullets):
            pdf.set_font("DejaVu", "", BODY_PT)
            for item in block.items:
                _keep_room(pdf, LINE * 2)
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(5, LINE, "•")
                pdf.multi_cell(pdf.epw - 8, LINE, item, align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.8)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _table(pdf, block)
    return bytes(pdf.output())


def _start(doc: Document) -> _PDF:
    """The PDF with its fonts, margins and metadata, and the title on the first page."""
    pdf = _PDF(format="A4", unit="mm")
    pdf.footer_label = doc.page_label
    pdf.add_font("DejaVu", "", str(FONT_REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{doc.title} {doc.year}")
    pdf.set_subject(doc.subtitle)
    pdf.set_author("tipdash")
    pdf.set_creator("tipdash")
    pdf.set_lang(LANG_TAGS.get(doc.lang, doc.lang))
    if doc.meta.get("last_import") is not None:
        pdf.set_creation_date(doc.meta["last_import"].replace(tzinfo=timezone.utc))
    pdf.add_page()

    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11.5)
    pdf.multi_cell(0, 6, doc.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return pdf


def _keep_room(pdf: FPDF, mm: float) -> None:
    """A new page when less than ``mm`` is left on this one (no heading alone at a page's foot)."""
    if pdf.get_y() + mm > pdf.page_break_trigger:
        pdf.add_page(orientation=pdf.cur_orientation)


def _table(pdf: FPDF, block: Table) -> None:
    _keep_room(pdf, 20)
    size = WIDE_TABLE_PT if block.small else TABLE_PT
    pdf.set_font("DejaVu", "", size)
    aligns = tuple("R" if j in block.numeric else "L" for j in range(len(block.header)))
    natural = _natural_widths(pdf, block, size)
    widths, width = block.widths, pdf.epw
    if natural is not None:  # short table: as wide as it needs (a little air), left-aligned
        width = pdf.epw if block.small else min(pdf.epw, max(sum(natural) * 1.3, pdf.epw * 0.45))
        widths = natural
    head_pt = _heading_size(pdf, block.header, widths, size, width)
    pdf.set_font("DejaVu", "", size)
    with pdf.table(col_widths=widths, width=width, align="LEFT", text_align=aligns,
                   line_height=size * 0.5, padding=(1, PAD),
                   headings_style=FontFace(emphasis="BOLD", size_pt=head_pt,
                                           fill_color=(225, 228, 235)),
                   repeat_headings=1, v_align="TOP") as table:
        head = table.row()
        for h in block.header:
            head.cell(h, align="L")
        for values in block.rows:
            row = table.row()
            for v in values:
                row.cell(str(v))
    pdf.ln(4)
