"""Renderers of the informative note's document model (:mod:`tipdash.note`): Markdown, DOCX, PDF.

The PDF embeds the DejaVu Sans fonts shipped in ``tipdash/fonts/`` (Bitstream Vera licence,
see ``tipdash/fonts/LICENSE``), so it never depends on the fonts of the machine; DejaVu covers
Romanian ș ț ă î â and Cyrillic. DejaVu has no italic face here: "italic" paragraphs (notes on
a figure) are set smaller and in grey instead.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from tipdash.note.generate import Bullets, Document, Heading, Landscape, Paragraph, Table

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT_REGULAR = FONTS / "DejaVuSans.ttf"
FONT_BOLD = FONTS / "DejaVuSans-Bold.ttf"
LANG_TAGS = {"ro": "ro-MD", "en": "en-GB", "ru": "ru-RU"}


# ----------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*\[\]]|(?<![^\W_])_|_(?![^\W_]))")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-](?=\s)|\d+(?=[.)](\s|$)))")


def md_escape(text: str, table: bool = False) -> str:
    """Escape what Markdown would read as markup (free text is shown as imported)."""
    text = _MD_SPECIAL.sub(r"\\\1", str(text))
    text = _MD_LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                      else "\\" + m.group(2)), text)
    if table:
        text = text.replace("|", "\\|").replace("\n", " ")
    return text


def to_markdown(doc: Document) -> bytes:
    out = [f"# {md_escape(doc.title)}", "", f"**{md_escape(doc.subtitle)}**", ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {md_escape(block.text)}", ""]
        elif isinstance(block, Paragraph):
            text = md_escape(block.text)
            if block.bold:
                text = f"**{text}**"
            elif block.italic:
                text = f"*{text}*"
            out += [text, ""]
        elif isinstance(block, Bullets):
            out += [f"- {md_escape(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(md_escape(h, True) for h in block.header) + " |")
            out.append("|" + "|".join("---:" if j in block.numeric else "---"
                                      for j in range(len(block.header))) + "|")
            out += ["| " + " | ".join(md_escape(c, True) for c in row) + " |" for row in block.rows]
            out.append("")
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


# ----------------------------------------------------------------------------- DOCX

def to_docx(doc: Document) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    d = Docx()
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    for name in ("Heading 1", "Heading 2", "Title"):
        st = d.styles[name]
        st.font.name = "Times New Roman"
        st.font.color.rgb = RGBColor(0, 0, 0)
    d.styles["Heading 1"].font.size = Pt(14)
    d.styles["Heading 2"].font.size = Pt(12)
    section = d.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for s in ("left_margin", "right_margin"):
        setattr(section, s, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2)
    _docx_page_numbers(section, OxmlElement, qn)

    props = d.core_properties
    props.title = f"{doc.title} {doc.year}"
    props.subject = doc.subtitle
    props.author = "tipdash"
    props.language = LANG_TAGS.get(doc.lang, doc.lang)
    if doc.meta.get("last_import") is not None:
        props.created = props.modified = doc.meta["last_import"]

    for text, size in ((doc.title, 14), (doc.subtitle, 12)):
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(size)

    for block in doc.blocks:
        if isinstance(block, Landscape):
            sec = d.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Cm(29.7), Cm(21)
        elif isinstance(block, Heading):
            d.add_heading(block.text, level=min(block.level, 2))
        elif isinstance(block, Paragraph):
            p = d.add_paragraph()
            run = p.add_run(block.text)
            run.bold, run.italic = block.bold, block.italic
        elif isinstance(block, Bullets):
            for item in block.items:
                d.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            sec = d.sections[-1]
            width = sec.page_width - sec.left_margin - sec.right_margin
            rel = block.widths or (1,) * len(block.header)
            widths = [int(width * w / sum(rel)) for w in rel]
            table = d.add_table(rows=1 + len(block.rows), cols=len(block.header))
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            table.autofit = False
            size = Pt(8 if block.small else 10)
            for i, values in enumerate([block.header] + block.rows):
                row = table.rows[i]
                if i == 0:  # repeat the header row on every page
                    tr_pr = row._tr.get_or_add_trPr()
                    el = OxmlElement("w:tblHeader")
                    el.set(qn("w:val"), "true")
                    tr_pr.append(el)
                for j, value in enumerate(values):
                    cell = row.cells[j]
                    cell.width = widths[j]
                    para = cell.paragraphs[0]
                    if j in block.numeric and i > 0:
                        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    run = para.add_run(str(value))
                    run.font.size = size
                    run.bold = i == 0
            d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip_times(buf.getvalue(), doc.meta.get("last_import"))


def _fixed_zip_times(data: bytes, when) -> bytes:
    """The same note from the same data gives the same bytes: zip entries get the last import's
    time instead of the clock's."""
    import zipfile

    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second) if when else (1980, 1, 1, 0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_page_numbers(section, OxmlElement, qn) -> None:
    """A centred PAGE field in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    p._p.append(fld)


# ----------------------------------------------------------------------------- PDF

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


def to_pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    label = doc.page_label

    class _PDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("DejaVu", "", 8)
            self.set_text_color(90)
            self.cell(0, 5, label.format(page=self.page_no(), pages="{nb}"), align="C")
            self.set_text_color(0)

    pdf = _PDF(format="A4", unit="mm")
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
        from datetime import timezone

        pdf.set_creation_date(doc.meta["last_import"].replace(tzinfo=timezone.utc))
    pdf.add_page()

    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11.5)
    pdf.multi_cell(0, 6, doc.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def keep_room(mm: float) -> None:
        if pdf.get_y() + mm > pdf.page_break_trigger:
            pdf.add_page(orientation=pdf.cur_orientation)

    for block in doc.blocks:
        if isinstance(block, Landscape):
            pdf.set_left_margin(15)
            pdf.set_right_margin(15)
            pdf.add_page(orientation="L")
        elif isinstance(block, Heading):
            keep_room(30)
            pdf.ln(3 if block.level == 1 else 1.5)
            pdf.set_font("DejaVu", "B", 12.5 if block.level == 1 else 11)
            pdf.multi_cell(0, 6.5, block.text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Paragraph):
            keep_room(12)
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
                keep_room(LINE * 2)
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(5, LINE, "•")
                pdf.multi_cell(pdf.epw - 8, LINE, item, align="L", new_x="LMARGIN", new_y="NEXT")
                pdf.ln(0.8)
            pdf.ln(1.5)
        elif isinstance(block, Table):
            keep_room(20)
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
    return bytes(pdf.output())
