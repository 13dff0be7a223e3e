"""Worksheet and shared-string parts of an xlsx, read in the same streaming pass as their checks.

The common form of a worksheet (Excel, LibreOffice, openpyxl, xlsxwriter write it: unprefixed
tags, ``r`` first, double quotes, no comments or CDATA) is read with one regular expression per
block of whole rows. A block where any cell tag is not matched exactly hands the part over to
the exact reader (expat, set up by defusedxml: no DTD, no entities), from its first byte — the
same bytes, so what was checked is what is read.
"""
from __future__ import annotations

import re
from operator import itemgetter

from tipdash.ingest.grid import Grid
from tipdash.ingest.limits import _MAX_WARNINGS, ReadError, _corrupt, _parse_ref, col_letter
from tipdash.ingest.xlsxcells import clean, convert, decode_x, number, ref_fn, serial_value, xml_text

_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?(?: s="([0-9]{1,9})")?'
    rb'(?:/>|>(<f>[^<]*</f>|<f [^>]*/>|<f [^>]*>[^<]*</f>|<f/>)?(?:<v>([^<]*)</v>|<v/>)?'
    rb'(?:<is><t(?: xml:space="preserve")?>([^<]*)</t></is>|<is>(.*?)</is>)?</c>)',
    re.S)
#: the cells most writers emit, a strict subset of _CELL (no formula, no style after the type, no
#: xml:space or rich text in an inline string): six groups and no alternatives to try (a third
#: faster on a 10 000-cell sheet: 4.5 ms, not 5.8); where it matches, _CELL matches the same text
#: with the same values
_CELL_COMMON = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?'
    rb'(?:/>|>(?:<v>([^<]*)</v>)?(?:<is><t>([^<]*)</t></is>)?</c>)')
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row|f|v|is|t|r|si|mergeCell)[\s/>]")
_MERGE = re.compile(rb"<mergeCell\b[^>]*?\sref\s*=\s*[\"']([^\"']{1,40})[\"']")
_T = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>|<t(?:\s[^>]*)?/>")
_RPH = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)
_SIMPLE_T = re.compile(rb'<t(?: xml:space="preserve")?>([^<]*)</t>')
_SI = re.compile(rb"<si>(.*?)</si>|<si/>", re.S)
_SITAG = re.compile(rb"<si[\s/>]")


def _groups(types: tuple) -> dict[bytes, list[int]]:
    """Cell positions by type (a block holds two or three types: one list pass each)."""
    return {t: [i for i, x in enumerate(types) if x == t] for t in set(types)}


def _pick(seq, idx) -> tuple | list:
    """The items of ``seq`` at the positions ``idx`` (a range: the whole block) in one C call."""
    if isinstance(idx, range):
        return seq
    return itemgetter(*idx)(seq) if len(idx) > 1 else [seq[i] for i in idx]


_KNOWN = (b"", b"inlineStr", b"s")
_RARE_CTAG = re.compile(rb"<c[>/\t\n\r]")


def _cell_tags(work: bytes) -> int:
    """<c …> tags of a block (the regex must match every one of them); -1 when a cell tag has
    a form the regex does not model (``<c>``, ``<c/>``, a tab or line break after ``<c``)."""
    return -1 if _RARE_CTAG.search(work) else work.count(b"<c ")


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


class _Blocks:
    """Streamed XML cut into blocks of whole elements: ``block`` gets everything up to the last
    complete ``END`` tag of what has arrived; the rest waits for the next chunk."""
    END = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.tail + chunk
        cut = buf.rfind(self.END)
        if cut < 0:
            self.tail = buf
            return
        cut += len(self.END)
        self.tail = buf[cut:]
        self.block(buf[:cut])

    def finish(self) -> None:
        if self.tail:
            self.block(self.tail)
            self.tail = b""


class FastSheet(_Blocks):
    """The regex reader of a worksheet part, fed its inflated chunks."""
    END = b"</row>"

    def __init__(self, file: str, sheet: str, budget, sst: list, kinds: list, date1904: bool):
        self.file, self.sheet = file, sheet
        self.grid = Grid(file, sheet, budget)
        self.sst, self.kinds, self.date1904 = sst, kinds, date1904
        self.tail = b""
        self.first = True
        self.merged: list[str] = []
        self.uncached: list[str] = []
        self.cols: dict[bytes, int] = {}
        self.numcache: dict = {}

    def block(self, work: bytes) -> None:
        if self.first:
            self.first = False
            if work.startswith(b"<?xml"):
                work = work[work.find(b"?>") + 2:]
        if b"<!" in work or b"<?" in work or (b":" in work and _PREFIXED.search(work)):
            raise NotCanonical
        n = _cell_tags(work)
        cells = _CELL_COMMON.findall(work)
        if len(cells) == n:
            if cells:
                letters, rtext, s, types, v, simple = zip(*cells)
                blank = (b"",) * n
                self.convert(letters, rtext, s, types, blank, v, simple, blank)
        else:
            cells = _CELL.findall(work)
            if len(cells) != n:
                raise NotCanonical
            if cells:
                letters, rtext, s1, types, s2, f, v, simple, rich = zip(*cells)
                self.convert(letters, rtext, [a or b for a, b in zip(s1, s2)], types, f, v, simple, rich)
        if b"mergeCell" in work:
            self.merged.extend(m.decode("ascii", "replace").upper() for m in _MERGE.findall(work))

    def convert(self, letters, rtext, s, types, f, v, simple, rich) -> None:
        """A block of cells, as parallel sequences (one per regex group; ``s`` the style wherever
        it stood), converted type by type (one list pass per type, not per cell)."""
        try:
            self.cells(letters, rtext, s, types, f, v, simple, rich)
        except ReadError:
            raise
        except (ValueError, UnicodeDecodeError):
            raise NotCanonical from None

    def cells(self, letters, rtext, s, types, f, v, simple, rich) -> None:
        cols = self.col_numbers(letters)
        row_of = {x: int(x) - 1 for x in set(rtext)}             # a row's cells share its number
        rows = list(map(row_of.__getitem__, rtext))
        vals: list = [None] * len(rows)
        kinds = set(types)
        groups = {types[0]: range(len(rows))} if len(kinds) == 1 else _groups(types)
        for t, idx in groups.items():
            if t == b"inlineStr":
                self.inline(idx, simple, rich, vals)
            elif t == b"":
                self.numbers(idx, s, f, v, vals, rows, cols)
            elif t == b"s":
                self.shared(idx, v, vals)
            if t not in _KNOWN or None in _pick(vals, idx):
                for i in idx:
                    if vals[i] is None and (t != b"" or v[i]):
                        vals[i] = self.other(rows[i], cols[i], t, s[i], f[i], v[i], simple[i], rich[i])
        keep = [i for i, x in enumerate(vals) if x is not None]
        if len(keep) < len(vals):
            rows, cols, vals = [rows[i] for i in keep], [cols[i] for i in keep], [vals[i] for i in keep]
        self.grid.extend(rows, cols, vals)

    def col_numbers(self, letters: tuple) -> list[int]:
        known = self.cols
        for name in set(letters) - known.keys():
            c = 0
            for ch in name:
                c = c * 26 + ch - 64
            known[name] = c - 1
        return list(map(known.__getitem__, letters))

    def inline(self, idx, simple: tuple, rich: tuple, vals: list) -> None:
        """Inline strings: the simple ones decoded in one go."""
        text = b"\x00".join(_pick(simple, idx)).decode("utf-8")
        parts = text.split("\x00")
        if "&" in text or "\r" in text:
            parts = [xml_text(p.encode("utf-8")) if ("&" in p or "\r" in p) else p for p in parts]
        if "_x" in text:
            parts = [decode_x(p) for p in parts]
        if isinstance(idx, range):                # the whole block is inline strings
            vals[:] = [p.strip() or None for p in parts]
        else:
            for i, p in zip(idx, parts):
                vals[i] = p.strip() or None
        if any(rich):
            for i in idx:
                if rich[i]:
                    vals[i] = clean(rich_text(rich[i]))

    def numbers(self, idx, s, f, v, vals: list, rows: list, cols: list) -> None:
        """Numbers and dates (a number whose style has a date format); each (text, style) once."""
        cache, kinds, nk = self.numcache, self.kinds, len(self.kinds)
        keys = list(zip(_pick(v, idx), _pick(s, idx)))
        got = [cache.get(k) for k in keys]
        for i, key, x in zip(idx, keys, got):
            if x is None:
                x = cache.get(key)              # filled by an earlier cell of this block
            if x is not None:
                vals[i] = x
                continue
            raw, style = key
            if not raw:
                if f[i]:
                    self.no_cache(rows[i], cols[i])
                continue
            kind = kinds[int(style)] if style and int(style) < nk else None
            x = int(raw) if raw.isdigit() else number(self.file, ref_fn(self.sheet, rows[i], cols[i]), raw)
            x = serial_value(x, kind, self.date1904) if kind else x
            if len(cache) < 100_000:
                cache[key] = x
            vals[i] = x

    def shared(self, idx, v, vals: list) -> None:
        sst, n = self.sst, len(self.sst)
        for i in idx:
            raw = v[i]
            if raw.isdigit() and int(raw) < n:
                vals[i] = sst[int(raw)]

    def other(self, r, c, t, s, f, v, simple, rich):
        kind = self.kinds[int(s)] if s and int(s) < len(self.kinds) else None
        text = xml_text(v) if v else None
        if f and not text and t not in (b"str", b"s", b"inlineStr"):
            self.no_cache(r, c)
            return None
        inline = rich_text(rich) if rich else (decode_x(xml_text(simple)) if t == b"inlineStr" else None)
        return convert(self.file, ref_fn(self.sheet, r, c), t.decode("ascii"), kind, text, inline, self.sst,
                       self.date1904)

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


class FastStrings(_Blocks):
    """The regex reader of the shared-string table."""
    END = b"</si>"

    def __init__(self, file: str):
        self.file = file
        self.strings: list = []
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
