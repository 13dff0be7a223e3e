"""The informative note (:mod:`tipdash.note.model`) as Markdown; free text is escaped, never markup
(nor HTML, which Markdown passes through, nor terminal escapes for whoever ``cat``s the file)."""
from __future__ import annotations

import html
import re

from tipdash.note.model import Bullets, Document, Heading, Paragraph, Table
from tipdash.values import drop_controls

_MD_SPECIAL = re.compile(r"([\\`*\[\]]|(?<![^\W_])_|_(?![^\W_]))")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-](?=\s)|\d+(?=[.)](\s|$)))")


def md_escape(text: str, table: bool = False) -> str:
    """Escape what Markdown would read as markup (free text is shown as imported): ``< > &`` as
    HTML entities (Markdown passes raw HTML through), control characters dropped."""
    text = html.escape(drop_controls(str(text).replace("\t", " "), keep="\n"), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
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
