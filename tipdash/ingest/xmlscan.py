"""Checks and scans of the XML parts inside an xlsx/ods, before calamine parses them.

A byte-level guard (no DTD, sane encoding and counts), defusedxml parsers, and the scanners that
find each sheet's used range, error cells and merged ranges so that the cell budget is enforced
before calamine allocates its dense grid.
"""

from __future__ import annotations

import re

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as _defused_fromstring

from tipdash.ingest.limits import (
    _MAX_WARNINGS,
    MAX_CELLS,
    MAX_SHEETS,
    ReadError,
    _corrupt,
    _parse_ref,
    _SheetScan,
    _short,
    col_letter,
)

_XML_BOMB = "XML entity expansion (possible XML bomb)"
_RE_DTD = re.compile(rb"<!(?i:doctype|entity)")
_RE_COUNT = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"']\s*(\d+)")
_RE_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
_OK_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}


class _XmlGuard:
    """Byte-level checks on an XML part, fed chunk by chunk: no DTD, sane encoding and counts."""

    def __init__(self, name: str, part: str, size: int, strict: bool):
        self.name, self.part, self.strict = name, part, strict
        self.count_limit = max(size, MAX_CELLS)
        self.tail = b""
        self.first = True

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            head = chunk[:4096]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
                if self.strict:
                    raise ReadError(self.name, f"unsupported XML encoding (UTF-16) in part {self.part!r}")
                self.strict = False
            m = _RE_ENCODING.match(head.lstrip(b"\xef\xbb\xbf"))
            if m and self.strict and m.group(1).decode("ascii", "replace").lower() not in _OK_ENCODINGS:
                raise ReadError(self.name, f"unsupported XML encoding {m.group(1)!r} in part {self.part!r}")
        buf = self.tail + chunk
        if b"<!" in buf and _RE_DTD.search(buf):
            if self.strict:
                raise ReadError(self.name, f"{_XML_BOMB}: a DTD in part {self.part!r}")
        if self.strict and b"ount" in buf:
            for m in _RE_COUNT.finditer(buf):
                if int(m.group(1)) > self.count_limit:
                    raise _corrupt(self.name, f"implausible count {int(m.group(1)):,} in part {self.part!r}")
        self.tail = buf[-64:]


def _defused_parser(handler) -> object:
    """An expat parser set up by defusedxml (DTDs and entities raise) with our fast handlers."""
    p = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    px = p.parser
    px.StartElementHandler = handler.start
    px.EndElementHandler = handler.end
    px.CharacterDataHandler = handler.data
    return p


def _feed_parser(name: str, part: str, parser, chunk: bytes, final: bool) -> None:
    try:
        parser.parser.Parse(chunk, final)
    except DefusedXmlException:
        raise ReadError(name, f"{_XML_BOMB}: a DTD in part {part!r}") from None
    except ReadError:
        raise
    except Exception as e:  # noqa: BLE001 - expat errors
        raise _corrupt(name, f"malformed XML in part {part!r} ({_short(e)})") from None


def _parse_small(name: str, part: str, raw: bytes):
    try:
        return _defused_fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        raise ReadError(name, f"{_XML_BOMB}: a DTD in part {part!r}") from None
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, f"malformed XML in part {part!r} ({_short(e)})") from None


# The common, canonical form (Excel, LibreOffice, openpyxl, xlsxwriter): unprefixed tags, the
# position first, double quotes.  Anything else makes the fast scan hand over to the parser.
_RE_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[ />]')
_RE_ROW_REF = re.compile(rb'<row r="([0-9]{1,7})"[ />]')
_RE_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row|f|v)\b")
_RE_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?mergeCell\b[^>]*?\sref\s*=\s*[\"']([^\"']{1,40})[\"']")
_RE_UNCACHED = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def _letters_value(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


class _FastSheetScan:
    """Byte-level scan of a worksheet part for the common, fully positioned case.

    Every cell tag is counted (styled blanks included), so the box it finds is never smaller
    than calamine's.  ``finish()`` returns None when the part needs the exact parser.
    """

    def __init__(self, name, part, budget):
        self.name, self.part, self.budget = name, part, budget
        self.tail = b""
        self.max_row = -1
        self.max_col = -1
        self.exact = True
        self.merged: list[str] = []
        self.counted = 0

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        cut = buf.rfind(b"<")
        if cut < 0:
            self.tail = b""
            work = buf
        else:
            work, self.tail = buf[:cut], buf[cut:]
        self._process(work)

    def _process(self, work: bytes) -> None:
        if not work:
            return
        refs = _RE_CELL_REF.findall(work)
        if self.exact:
            tags = work.count(b"<c ") + work.count(b"<c>") + work.count(b"<c/>")
            rows = work.count(b"<row ") + work.count(b"<row>") + work.count(b"<row/>")
            if (
                len(refs) != tags
                or len(_RE_ROW_REF.findall(work)) != rows
                or b't="e"' in work
                or b"t='e'" in work
                or (b"<f" in work and _RE_UNCACHED.search(work))
                or (b":" in work and _RE_PREFIXED.search(work))
            ):
                self.exact = False
        if refs:
            rmax = max(map(int, (r for _, r in refs))) - 1
            letters = {c for c, _ in refs}
            cmax = max(_letters_value(c) for c in letters)
            if rmax > self.max_row:
                self.max_row = rmax
            if cmax > self.max_col:
                self.max_col = cmax
            cells = (self.max_row + 1) * (self.max_col + 1)
            if cells > self.counted:
                self.budget.add_cells(cells - self.counted, f"part {self.part!r}")
                self.counted = cells
        for ref in _RE_MERGE.findall(work):
            self.merged.append(ref.decode("ascii", "replace").upper())

    def finish(self):
        self._process(self.tail)
        self.tail = b""
        if not self.exact:
            return None
        return _SheetScan(max_row=self.max_row, max_col=self.max_col, merged=self.merged)


class _XlsxSheetHandler:
    """Finds the extent of the cells holding a value, error cells, merged ranges."""

    def __init__(self, name, part, budget):
        self.name, self.part, self.budget = name, part, budget
        self.scan = _SheetScan()
        self.row = -1
        self.col = -1
        self.in_c = False
        self.has_v = self.has_f = False
        self.t = None
        self.collect = False
        self.buf = []
        self.vtext = None
        self.cells_in_budget = 0

    def start(self, tag, attrs):
        local = tag[tag.rfind("}") + 1:]
        if local == "c":
            ref = t = None
            for i in range(0, len(attrs), 2):
                k = attrs[i]
                if k == "r":
                    ref = attrs[i + 1]
                elif k == "t":
                    t = attrs[i + 1]
            pos = _parse_ref(ref) if ref else None
            if pos is not None:
                self.row, self.col = pos
            else:
                self.col += 1
            self.in_c = True
            self.has_v = self.has_f = False
            self.t = t
            self.vtext = None
        elif local == "v":
            if self.in_c:
                self.has_v = True
                self.collect = True
                self.buf = []
        elif local == "is":
            if self.in_c:
                self.has_v = True
        elif local == "f":
            if self.in_c:
                self.has_f = True
        elif local == "row":
            r = None
            for i in range(0, len(attrs), 2):
                if attrs[i] == "r":
                    r = attrs[i + 1]
            if r is not None and r.isdigit():
                self.row = int(r) - 1
            else:
                self.row += 1
            self.col = -1
        elif local == "mergeCell":
            for i in range(0, len(attrs), 2):
                if attrs[i] == "ref":
                    self.scan.merged.append(attrs[i + 1].upper())

    def end(self, tag):
        local = tag[tag.rfind("}") + 1:]
        if local == "v":
            if self.collect:
                self.vtext = "".join(self.buf)
                self.collect = False
        elif local == "c" and self.in_c:
            self.in_c = False
            if self.has_v or self.has_f:
                s = self.scan
                if self.row > s.max_row:
                    s.max_row = self.row
                if self.col > s.max_col:
                    s.max_col = self.col
                if self.t == "e" and self.vtext:
                    s.errors[(self.row, self.col)] = self.vtext.strip()
                elif self.has_f and not self.vtext and self.t not in ("str", "s", "inlineStr"):
                    if len(s.uncached) < _MAX_WARNINGS:
                        s.uncached.append(f"{col_letter(self.col)}{self.row + 1}")
        elif local == "row":
            self._check()

    def data(self, text):
        if self.collect:
            self.buf.append(text)

    def _check(self):
        cells = self.scan.cells
        if cells > self.cells_in_budget:
            self.budget.add_cells(cells - self.cells_in_budget, f"part {self.part!r}")
            self.cells_in_budget = cells

    def finish(self):
        self._check()


def _attr(attrs, local: str):
    suffix = "}" + local
    for i in range(0, len(attrs), 2):
        k = attrs[i]
        if k.endswith(suffix) or k == local:
            return attrs[i + 1]
    return None


def _attrs_all(attrs, local: str) -> list:
    suffix = "}" + local
    return [attrs[i + 1] for i in range(0, len(attrs), 2) if attrs[i].endswith(suffix) or attrs[i] == local]


def _int_attr(attrs, local: str, default: int = 1) -> int:
    v = _attr(attrs, local)
    if v is None:
        return default
    try:
        n = int(v)
    except ValueError:
        return default
    return n if n > 0 else default


class _OdsContentHandler:
    """Extent (repeats included), error cells and row-1 spans of every table in content.xml."""

    def __init__(self, name, budget):
        self.name, self.budget = name, budget
        self.sheets: list[_SheetScan] = []
        self.depth = 0
        self.cur: _SheetScan | None = None
        self.row = 0
        self.row_rep = 1
        self.in_row = False
        self.row_valued = False
        self.row_errors = []
        self.col = 0
        self.in_cell = False
        self.cell_rep = 1
        self.cell_valued = False
        self.cell_error = False
        self.buf = []
        self.counted = 0

    def start(self, tag, attrs):
        local = tag[tag.rfind("}") + 1:]
        if local == "table":
            self.depth += 1
            if self.depth == 1:
                self.cur = _SheetScan(name=_attr(attrs, "name") or f"Sheet{len(self.sheets) + 1}")
                self.row = 0
                self.counted = 0
            return
        if self.depth != 1:
            return
        if local == "table-row":
            self.in_row = True
            self.row_rep = _int_attr(attrs, "number-rows-repeated")
            self.row_valued = False
            self.row_errors = []
            self.col = 0
        elif local in ("table-cell", "covered-table-cell") and self.in_row:
            self.in_cell = True
            self.cell_rep = _int_attr(attrs, "number-columns-repeated")
            vts = _attrs_all(attrs, "value-type")
            self.cell_valued = bool(vts) or _attr(attrs, "formula") is not None
            self.cell_error = "error" in vts
            self.buf = []
            if local == "table-cell" and self.row == 0:
                cs = _int_attr(attrs, "number-columns-spanned")
                rs = _int_attr(attrs, "number-rows-spanned")
                if cs > 1 or rs > 1:
                    self.cur.merged.append(
                        f"{col_letter(self.col)}1:{col_letter(self.col + cs - 1)}{rs}"
                    )
        elif self.in_cell and local == "p":
            self.cell_valued = True

    def end(self, tag):
        local = tag[tag.rfind("}") + 1:]
        if local == "table":
            if self.depth == 1 and self.cur is not None:
                self.sheets.append(self.cur)
                if len(self.sheets) > MAX_SHEETS:
                    raise ReadError(self.name, f"too many sheets (limit {MAX_SHEETS})")
                self.cur = None
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if local in ("table-cell", "covered-table-cell") and self.in_cell:
            self.in_cell = False
            if self.cell_valued:
                last = self.col + self.cell_rep - 1
                if last > self.cur.max_col:
                    self.cur.max_col = last
                self.row_valued = True
                if self.cell_error:
                    text = "".join(self.buf).strip() or "#ERROR"
                    for k in range(min(self.cell_rep, 1000)):
                        self.row_errors.append((self.col + k, text))
            self.col += self.cell_rep
        elif local == "table-row" and self.in_row:
            self.in_row = False
            s = self.cur
            if self.row_valued:
                last = self.row + self.row_rep - 1
                if last > s.max_row:
                    s.max_row = last
                for k in range(min(self.row_rep, 1000)):
                    for c, text in self.row_errors:
                        s.errors[(self.row + k, c)] = text
            self.row += self.row_rep
            cells = s.cells
            if cells > self.counted:
                self.budget.add_cells(cells - self.counted, f"sheet {s.name!r}")
                self.counted = cells

    def data(self, text):
        if self.in_cell and self.cell_error:
            self.buf.append(text)
