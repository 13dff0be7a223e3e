"""The informative note (:mod:`tipdash.note.model`) as a Word document (python-docx): A4, Times New
Roman, page numbers, the annex on landscape pages; the same data gives the same bytes."""
from __future__ import annotations

import io
import zipfile

from docx import Document as Docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from tipdash.note.model import LANG_TAGS, Bullets, Document, Heading, Landscape, Paragraph, Table


def to_docx(doc: Document) -> bytes:
    d = Docx()
    _styles_and_page(d)
    _properties(d, doc)
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
            _table(d, block)
            d.add_paragraph()
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip_times(buf.getvalue(), doc.meta.get("last_import"))


def _styles_and_page(d) -> None:
    """Times New Roman 12 (headings 14/12, black), A4 with 2 cm margins, page numbers."""
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
    _docx_page_numbers(section)


def _properties(d, doc: Document) -> None:
    props = d.core_properties
    props.title = f"{doc.title} {doc.year}"
    props.subject = doc.subtitle
    props.author = "tipdash"
    props.language = LANG_TAGS.get(doc.lang, doc.lang)
    if doc.meta.get("last_import") is not None:
        props.created = props.modified = doc.meta["last_import"]


def _table(d, block: Table) -> None:
    """A grid as wide as the page, the header row repeated on every page, figures right-aligned."""
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


def _fixed_zip_times(data: bytes, when) -> bytes:
    """The same note from the same data gives the same bytes: zip entries get the last import's
    time instead of the clock's."""
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second) if when else (1980, 1, 1, 0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=stamp), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_page_numbers(section) -> None:
    """A centred PAGE field in the footer."""
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
