"""Worksheet and shared-string parts of an xlsx, read in the same streaming pass as their checks.

The common form of a worksheet (Excel, LibreOffice, openpyxl, xlsxwriter write it: unprefixed
tags, ``r`` first, double quotes, no comments or CDATA) is read with one regular expression per
block of whole rows. A block where any cell tag is not matched exactly hands the part over to
the exact reader (expat, set up by defusedxml: no DTD, no entities), from its first byte — the
same bytes, so what was checked is what is read.
"""
from __future__ import annotations

import re

from tipdash.ingest.grid import Grid
from tipdash.ingest.limits import _MAX_WARNINGS, ReadError, _corrupt, _parse_ref, col_letter
from tipdash.ingest.xlsxcells import clean, convert, decode_x, number, ref_fn, serial_value, xml_text

_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?(?: s="([0-9]{1,9})")?'
    rb'(?:/>|>(<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>|<f/>)?(?:<v>([^<]*)</v>|<v/>)?(?:<is>(.*?)</is>)?</c>)',
    re.S)
_CTAG = re.compile(rb"<c[\s/>]")
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row|f|v|is|t|r|si|mergeCell)[\s/>]")
_MERGE = re.compile(rb"<mergeCell\b[^>]*?\sref\s*=\s*[\"']([^\"']{1,40})[\"']")
_T = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_RPH = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)
_SIMPLE_T = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_SITAG = re.compile(rb"<si[\s/>]")


class NotCanonical(Exception):
    """The fast reader met something it does not model exactly: use the exact reader."""


def rich_text(content: bytes) -> str:
    """The text of an <is> or <si> element: its <t> runs, phonetic runs left out."""
    m = _SIMPLE_T.fullmatch(content)
    if m:
        return decode_x(xml_text(m.group(1)))
    if b"<rPh" in content:
        content = _RPH.sub(b"", content)
    return decode_x("".join(xml_text(t) for t in _T.findall(content)))


class FastSheet:
    """The regex reader of a worksheet part, fed its inflated chunks."""

    def __init__(self, file: str, sheet: str, budget, sst: list, kinds: list, date1904: bool):
        self.file, self.sheet = file, sheet
        self.grid = Grid(file, sheet, budget)
        self.sst, self.kinds, self.date1904 = sst, kinds, date1904
        self.tail = b""
        self.first = True
        self.merged: list[str] = []
        self.uncached: list[str] = []
        self.cols: dict[bytes, int] = {}

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        cut = buf.rfind(b"</row>")
        if cut < 0:
            self.tail = buf
            return
        cut += 6
        self.tail = buf[cut:]
        self.block(buf[:cut])

    def finish(self) -> None:
        if self.tail:
            self.block(self.tail)
            self.tail = b""

    def block(self, work: bytes) -> None:
        if self.first:
            self.first = False
            if work.startswith(b"<?xml"):
                work = work[work.find(b"?>") + 2:]
        if b"<!" in work or b"<?" in work or (b":" in work and _PREFIXED.search(work)):
            raise NotCanonical
        cells = _CELL.findall(work)
        if len(cells) != len(_CTAG.findall(work)):
            raise NotCanonical
        if cells:
            try:
                self.cells(cells)
            except (ValueError, UnicodeDecodeError):
                raise NotCanonical from None
        if b"mergeCell" in work:
            self.merged.extend(m.decode("ascii", "replace").upper() for m in _MERGE.findall(work))

    def cells(self, cells: list) -> None:
        put, cols, kinds, sst = self.grid.put, self.cols, self.kinds, self.sst
        nk = len(kinds)
        for letters, rtext, s1, t, s2, f, v, inline in cells:
            c = cols.get(letters)
            if c is None:
                c = 0
                for ch in letters:
                    c = c * 26 + ch - 64
                c = cols[letters] = c - 1
            r = int(rtext) - 1
            if not t:
                if not v:
                    if f:
                        self.no_cache(r, c)
                    continue
                s = s1 or s2
                kind = kinds[int(s)] if s and int(s) < nk else None
                x = int(v) if v.isdigit() else number(self.file, ref_fn(self.sheet, r, c), v)
                put(r, c, serial_value(x, kind, self.date1904) if kind else x)
            elif t == b"s" and v.isdigit() and int(v) < len(sst):
                val = sst[int(v)]
                if val is not None:
                    put(r, c, val)
            elif t == b"inlineStr" and inline:
                val = clean(rich_text(inline))
                if val is not None:
                    put(r, c, val)
            else:
                self.other(r, c, t, s1 or s2, f, v, inline)

    def other(self, r, c, t, s, f, v, inline) -> None:
        kind = self.kinds[int(s)] if s and int(s) < len(self.kinds) else None
        text = xml_text(v) if v else None
        if f and not text and t not in (b"str", b"s", b"inlineStr"):
            self.no_cache(r, c)
            return
        val = convert(self.file, ref_fn(self.sheet, r, c), t.decode("ascii"), kind, text,
                      rich_text(inline) if inline else None, self.sst, self.date1904)
        if val is not None:
            self.grid.put(r, c, val)

    def no_cache(self, r: int, c: int) -> None:
        if len(self.uncached) < _MAX_WARNINGS:
            self.uncached.append(f"{col_letter(c)}{r + 1}")


class ExactSheet:
    """The expat reader of a worksheet part (any valid form: prefixes, attribute order,
    cells or rows without positions, comments, CDATA)."""

    def __init__(self, file: str, sheet: str, budget, sst: list, kinds: list, date1904: bool):
        self.file, self.sheet = file, sheet
        self.grid = Grid(file, sheet, budget)
        self.sst, self.kinds, self.date1904 = sst, kinds, date1904
        self.merged: list[str] = []
        self.uncached: list[str] = []
        self.row = -1
        self.col = -1
        self.cell = None                       # [t, style, has_f, v parts, inline parts]
        self.target = None                     # the list that character data goes to
        self.in_is = self.in_rph = False

    def start(self, tag, attrs):
        local = tag[tag.rfind("}") + 1:]
        if local == "c":
            a = _attrs(attrs)
            pos = _parse_ref(a["r"]) if "r" in a else None
            if pos is not None:
                self.row, self.col = pos
            else:
                self.col += 1
            self.cell = [a.get("t", ""), a.get("s"), False, None, None]
        elif self.cell is not None:
            self.cell_part(local)
        elif local == "row":
            r = _attrs(attrs).get("r")
            self.row = int(r) - 1 if r is not None and r.isdigit() else self.row + 1
            self.col = -1
        elif local == "mergeCell":
            ref = _attrs(attrs).get("ref")
            if ref:
                self.merged.append(ref.upper())

    def cell_part(self, local: str) -> None:
        cell = self.cell
        if local == "v":
            cell[3] = self.target = []
        elif local == "f":
            cell[2] = True
        elif local == "is":
            self.in_is = True
            cell[4] = []
        elif local == "rPh":
            self.in_rph = True
        elif local == "t" and self.in_is and not self.in_rph:
            self.target = cell[4]

    def end(self, tag):
        local = tag[tag.rfind("}") + 1:]
        if local in ("v", "t"):
            self.target = None
        elif local == "is":
            self.in_is = False
        elif local == "rPh":
            self.in_rph = False
        elif local == "c" and self.cell is not None:
            self.finish_cell()

    def finish_cell(self) -> None:
        t, s, has_f, vparts, iparts = self.cell
        self.cell = None
        r, c = self.row, self.col
        if r < 0 or c < 0:
            raise _corrupt(self.file, "cell_position", sheet=self.sheet)
        v = "".join(vparts) if vparts is not None else None
        if has_f and not v and t not in ("str", "s", "inlineStr"):
            if len(self.uncached) < _MAX_WARNINGS:
                self.uncached.append(f"{col_letter(c)}{r + 1}")
            return
        kind = self.kinds[int(s)] if s and s.isdigit() and int(s) < len(self.kinds) else None
        inline = "".join(iparts) if iparts is not None else None
        val = convert(self.file, ref_fn(self.sheet, r, c), t, kind, v, inline, self.sst, self.date1904)
        if val is not None:
            self.grid.put(r, c, val)

    def data(self, text):
        if self.target is not None:
            self.target.append(text)

    def finish(self) -> None:
        pass


def _attrs(attrs: list) -> dict:
    """expat's ordered attributes (namespaced names are "uri name") as local name -> value."""
    out = {}
    for i in range(0, len(attrs), 2):
        k = attrs[i]
        out[k[k.rfind("}") + 1:]] = attrs[i + 1]
    return out


class FastStrings:
    """The regex reader of the shared-string table."""

    def __init__(self, file: str):
        self.file = file
        self.strings: list = []
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        cut = buf.rfind(b"</si>")
        if cut < 0:
            self.tail = buf
            return
        cut += 5
        self.tail = buf[cut:]
        self.block(buf[:cut])

    def finish(self) -> None:
        if self.tail:
            self.block(self.tail)
            self.tail = b""

    def block(self, work: bytes) -> None:
        if b"<!" in work or (b":" in work and _PREFIXED.search(work)):
            raise NotCanonical
        found = _SI.findall(work)
        if len(found) != len(_SITAG.findall(work)):
            raise NotCanonical
        try:
            self.strings.extend(clean(rich_text(si)) if si else None for si in found)
        except (ValueError, UnicodeDecodeError):
            raise NotCanonical from None


class ExactStrings:
    """The expat reader of the shared-string table."""

    def __init__(self, file: str):
        self.file = file
        self.strings: list = []
        self.parts = None
        self.target = None
        self.in_rph = False

    def start(self, tag, attrs):
        local = tag[tag.rfind("}") + 1:]
        if local == "si":
            self.parts = []
        elif local == "rPh":
            self.in_rph = True
        elif local == "t" and self.parts is not None and not self.in_rph:
            self.target = self.parts

    def end(self, tag):
        local = tag[tag.rfind("}") + 1:]
        if local == "t":
            self.target = None
        elif local == "rPh":
            self.in_rph = False
        elif local == "si" and self.parts is not None:
            self.strings.append(clean(decode_x("".join(self.parts))))
            self.parts = None

    def data(self, text):
        if self.target is not None:
            self.target.append(text)

    def finish(self) -> None:
        pass


__all__ = ["ReadError", "FastSheet", "ExactSheet", "FastStrings", "ExactStrings", "NotCanonical"]
