"""Turn an uploaded or imported file into raw sheets, after upload safety checks.

Public API (the importer depends on exactly this):

- ``MAX_BYTES``: the largest file accepted (10 MiB).
- ``ReadError(ValueError)``: ``.file``, ``.message``; ``str()`` is ``"{file}: {message}"``.
- ``Workbook(file, kind, sheets, warnings=[])``: ``kind`` is ``'xlsx' | 'xls' | 'ods' | 'csv'``;
  ``sheets`` maps sheet name -> rows of cell values (``str``, ``int``, ``float``, ``bool``,
  ``datetime.date``, ``datetime.datetime``, ``datetime.time``, ``datetime.timedelta`` or
  ``None``).  Row ``i`` of a sheet is spreadsheet row ``i + 1`` and cell ``j`` is column
  ``j + 1`` (leading empty rows/columns are kept); trailing empty rows and columns are trimmed
  and every row of a sheet has the same length.  Strings are stripped; empty text is ``None``.
  Whole numbers stored as floats (``3.0``) come back as ``int``; formula cells give their cached
  value; error cells give their text (``"#DIV/0!"``); a text cell starting with ``=`` stays text.
  ``warnings`` lists things worth showing to the uploader that do not stop the read (e.g. a
  formula without a cached value, which reads as blank).
- ``read_file(name, data) -> Workbook``, ``read_path(path) -> Workbook``.
- ``merged_header_cells(name, data, sheet) -> list[str]``: refs such as ``"A1:B1"`` of the merged
  ranges that touch row 1 (``[]`` for CSV or an unknown sheet).
- ``parse_number(text) -> int | float | None``: ``"1 234"``, ``"1.234,5"``, ``"12,5"``; ``"~500"``
  is not a number.
- ``sha256(data) -> str``.

Safety: every check is done on the content, never on the name.  Before any parser sees a ZIP
(xlsx/ods) its central directory is checked (size, member count, compression ratio) and every
member is inflated here, in a streaming way, with a byte budget and a CRC check (so a lying
header is caught); XML parts carrying a DTD are refused (no entity expansion can happen), and
the sheets are parsed with defusedxml to bound the cell range and shared-string counts that
calamine would allocate (calamine allocates a dense grid and aborts the whole process when that
fails).  OLE2 (xls) files get the same treatment: the compound-file structure and the BIFF cell
records are validated here before calamine reads them.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as _defused_fromstring

# --- limits --------------------------------------------------------------------------------------

MAX_BYTES = 10 * 1024 * 1024
#: Sum of the uncompressed sizes of all ZIP members.  A legitimate 10 MiB workbook inflates to a
#: few tens of MiB at most; 100 MiB leaves room and bounds the inflate work.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
#: Members of a ZIP.  A workbook with dozens of sheets, images and comments has a few hundred.
MAX_MEMBERS = 1000
#: Compression ratio above which a member larger than RATIO_MIN_SIZE is refused.  Real sheet XML
#: compresses 5-30:1, even very repetitive sheets stay well under 100:1; deflate tops out ~1030:1.
MAX_RATIO = 100
RATIO_MIN_SIZE = 1024 * 1024
#: Cells of the bounding boxes (A1 to the last cell holding a value) of all sheets together.
#: calamine allocates ~32 bytes per cell of that box, Python 8 more: 5M cells ~ 200 MB worst case.
#: A 10 MiB xlsx holds at most ~2M real cells.
MAX_CELLS = 5_000_000
MAX_SHEETS = 500
#: Control parts we parse whole ([Content_Types].xml, workbook.xml, rels, manifest).
_MAX_CONTROL_PART = 5 * 1024 * 1024
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024
_MAX_WARNINGS = 20

_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_EMPTY_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SPREADSHEET_EXTS = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".ods", ".ots"}


class ReadError(ValueError):
    """A file that cannot be read, with a message meant for the person who uploaded it."""

    def __init__(self, file: str, message: str):
        self.file = file
        self.message = message
        super().__init__(f"{file}: {message}")

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class Workbook:
    file: str
    kind: str
    sheets: dict[str, list[list[object]]]
    warnings: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- entry points --------------------------------------------------------------------------------


def read_path(path) -> Workbook:
    """Read a file from disk (the CLI import).  The file name (not the directory) names it."""
    p = Path(path)
    name = p.name
    try:
        with open(p, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as e:
        raise ReadError(name, f"cannot open file ({e.strerror or e})") from None
    return read_file(name, data)


def read_file(name: str, data: bytes) -> Workbook:
    """Check ``data`` (the bytes of a file called ``name``) and return its raw sheets."""
    data = _as_bytes(name, data)
    kind = _sniff(name, data)
    if kind == "zip":
        scan = _scan_zip(name, data)
        sheets, warnings = _read_calamine(name, data, scan)
        return Workbook(name, scan.kind, sheets, warnings)
    if kind == "ole2":
        scan = _scan_ole2(name, data)
        sheets, warnings = _read_calamine(name, data, scan)
        return Workbook(name, "xls", sheets, warnings)
    return Workbook(name, "csv", {_stem(name): _read_csv(name, data)}, [])


def merged_header_cells(name: str, data: bytes, sheet: str) -> list[str]:
    """Refs ("A1:B1") of the merged ranges of ``sheet`` that touch row 1."""
    data = _as_bytes(name, data)
    kind = _sniff(name, data)
    if kind == "zip":
        scan = _scan_zip(name, data)
        for s in scan.sheets:
            if s.name == sheet:
                return [ref for ref in s.merged if _ref_top_row(ref) == 1]
        return []
    if kind == "ole2":
        _scan_ole2(name, data)  # the same safety checks as read_file before calamine sees it
        cw = _open_calamine(name, data)
        try:
            if sheet not in cw.sheet_names:
                return []
            try:
                ranges = cw.get_sheet_by_name(sheet).merged_cell_ranges or []
            except Exception:  # noqa: BLE001 - merged cells are a nicety; the read reports errors
                return []
            return [
                f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}"
                for (r0, c0), (r1, c1) in ranges
                if r0 == 0
            ]
        finally:
            _close(cw)
    return []


# --- number parsing ------------------------------------------------------------------------------

_NUM_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_RE_PLAIN = re.compile(r"\d+")
_RE_SPACED = re.compile(r"\d{1,3}(?: \d{3})+")
_RE_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+")
_RE_COMMAED = re.compile(r"\d{1,3}(?:,\d{3})+")


def parse_number(text) -> int | float | None:
    """A number written by a person: ``"1 234"``, ``"1.234,5"``, ``"12,5"``, ``"-3"``.

    A single comma is a decimal comma (Romanian usage); a single dot is a decimal point; a
    separator repeated, or followed by the other one, groups thousands.  Anything else
    (``"~500"``, ``"around 500"``, ``"12%"``, ``"1e3"``) is not a number: ``None``.
    Whole values come back as ``int``.  Numbers (not bool) pass through.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        return _norm_float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    s = text.translate(_NUM_SPACES).strip()
    if not s:
        return None
    sign = 1
    if s[0] in "+-\u2212":
        sign = -1 if s[0] != "+" else 1
        s = s[1:].lstrip()
    if not s:
        return None
    int_part, frac = s, ""
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        int_part, _, frac = s.rpartition(dec)
        group = _RE_DOTTED if dec == "," else _RE_COMMAED
        if not (_RE_PLAIN.fullmatch(int_part) or group.fullmatch(int_part) or _RE_SPACED.fullmatch(int_part)):
            return None
        int_part = re.sub(r"[ .,]", "", int_part)
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        if s.count(sep) == 1:
            int_part, _, frac = s.partition(sep)
            if not (_RE_PLAIN.fullmatch(int_part) or _RE_SPACED.fullmatch(int_part)):
                return None
            int_part = int_part.replace(" ", "")
        else:
            group = _RE_DOTTED if sep == "." else _RE_COMMAED
            if not group.fullmatch(s):
                return None
            int_part = s.replace(sep, "")
    else:
        if not (_RE_PLAIN.fullmatch(s) or _RE_SPACED.fullmatch(s)):
            return None
        int_part = s.replace(" ", "")
    if frac and not _RE_PLAIN.fullmatch(frac):
        return None
    if not int_part:
        return None
    if not frac or set(frac) == {"0"}:
        return sign * int(int_part)
    return sign * float(f"{int_part}.{frac}")


# --- sniffing ------------------------------------------------------------------------------------


def _as_bytes(name: str, data) -> bytes:
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError("data must be bytes")
    if len(data) > MAX_BYTES:
        raise ReadError(name, f"file too large ({_mb(len(data))}; the limit is {_mb(MAX_BYTES)})")
    if not data:
        raise ReadError(name, "empty file")
    return data


def _ext(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    i = base.rfind(".")
    return base[i:].lower() if i > 0 else ""


def _stem(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    i = base.rfind(".")
    return (base[:i] if i > 0 else base) or "data"


_MAGICS = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x09\x08\x10\x00\x00\x06\x05\x00", "an Excel 2/3/4 file"),
]


def _describe(data: bytes) -> str | None:
    """What a non-spreadsheet looks like, or None when it looks like plain text."""
    for magic, what in _MAGICS:
        if data.startswith(magic):
            return what
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
        return "an Excel 2003 XML spreadsheet (open it in Excel and save it as .xlsx)"
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
        head.startswith(b"<") and b"<html" in head
    ):
        return "an HTML page (an 'Excel' file exported as a web page: open it in Excel and save it as .xlsx)"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "an XML document"
    return None


def _sniff(name: str, data: bytes) -> str:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_ZIP_EMPTY_MAGIC):
        return "zip"
    if data.startswith(_OLE2_MAGIC):
        return "ole2"
    what = _describe(data)
    ext = _ext(name)
    if ext in _SPREADSHEET_EXTS:
        if what is None:
            what = "text" if _looks_textual(data) else "unknown binary data"
            if what == "text":
                what = "text (if it is a CSV file, save it with a .csv name)"
        raise ReadError(name, f"not a spreadsheet (content looks like {what})")
    if what is not None:
        raise ReadError(name, f"not a spreadsheet (content looks like {what})")
    return "text"


def _looks_textual(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        return False
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return ctrl <= len(sample) // 100


# --- ZIP (xlsx / ods) ------------------------------------------------------------------------------


@dataclass
class _SheetScan:
    name: str | None = None
    part: str | None = None
    max_row: int = -1
    max_col: int = -1
    errors: dict = field(default_factory=dict)  # (row, col) -> "#DIV/0!"
    merged: list = field(default_factory=list)  # ["A1:B1", ...]
    uncached: list = field(default_factory=list)  # refs of formulas without cached value

    @property
    def cells(self) -> int:
        return (self.max_row + 1) * (self.max_col + 1) if self.max_row >= 0 else 0


@dataclass
class _Scan:
    kind: str
    sheets: list  # of _SheetScan, named (xlsx/ods); by workbook order for xls
    by_index: bool = False


def _bomb(name: str, what: str) -> ReadError:
    return ReadError(name, f"refused: {what} (possible zip bomb)")


def _corrupt(name: str, what: str) -> ReadError:
    return ReadError(name, f"corrupt or unreadable workbook: {what}")


_XML_BOMB = "XML entity expansion (possible XML bomb)"
_RE_DTD = re.compile(rb"<!(?i:doctype|entity)")
_RE_COUNT = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"']\s*(\d+)")
_RE_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
_OK_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_MEDIA_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg",
               ".wdp", ".jfif", ".ico", ".bin", ".ttf", ".odttf", ".otf", ".woff")
_ODS_MIMES = {
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
}


def _scan_zip(name: str, data: bytes) -> _Scan:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as e:  # noqa: BLE001 - zipfile raises many kinds on garbage
        raise _corrupt(name, f"damaged ZIP container ({_short(e)})") from None
    if len(infos) > MAX_MEMBERS:
        raise _bomb(name, f"the ZIP has {len(infos)} parts (limit {MAX_MEMBERS})")
    if not infos:
        raise ReadError(name, "not a spreadsheet (content looks like an empty ZIP archive)")
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:
            raise _corrupt(name, f"duplicate part {info.filename!r} in the ZIP")
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(
                name,
                f"part {info.filename!r} is compressed {info.file_size // max(info.compress_size, 1)}:1 "
                f"(limit {MAX_RATIO}:1)",
            )
        if info.flag_bits & 0x1:
            raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(name, f"part {info.filename!r} uses an unsupported compression method")
    if total > MAX_UNCOMPRESSED:
        raise _bomb(name, f"the workbook would expand to {_mb(total)} (limit {_mb(MAX_UNCOMPRESSED)})")

    by_name = {i.filename: i for i in infos}
    if "[Content_Types].xml" in by_name:
        kind = "xlsx"
    elif "mimetype" in by_name:
        kind = "ods"
    else:
        raise ReadError(
            name,
            "not a spreadsheet (content looks like a ZIP archive that is neither an Excel "
            "(.xlsx) nor an OpenDocument (.ods) file)",
        )

    budget = _Budget(name)
    if kind == "xlsx":
        return _scan_ooxml(name, data, infos, by_name, budget)
    return _scan_ods(name, data, infos, by_name, budget)


class _Budget:
    """Counts every byte inflated for one file, whatever the headers claim."""

    def __init__(self, name: str):
        self.name = name
        self.used = 0
        self.cells = 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > MAX_UNCOMPRESSED:
            raise _bomb(self.name, f"the workbook expands beyond {_mb(MAX_UNCOMPRESSED)}")

    def add_cells(self, n: int, where: str) -> None:
        self.cells += n
        if self.cells > MAX_CELLS:
            raise ReadError(
                self.name,
                f"workbook too large: {where} makes the used ranges cover more than "
                f"{MAX_CELLS:,} cells (delete stray cells far below or right of the data)",
            )


def _member_chunks(name: str, data: bytes, info: zipfile.ZipInfo, budget: _Budget):
    """Yield the inflated bytes of one member, never more than its declared size."""
    off = info.header_offset
    if off < 0 or off + 30 > len(data) or data[off:off + 4] != _ZIP_MAGIC:
        raise _corrupt(name, f"part {info.filename!r}: bad local header")
    n, m = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + n + m
    end = start + info.compress_size
    if end > len(data):
        raise _corrupt(name, f"part {info.filename!r} is truncated")
    comp = memoryview(data)[start:end]
    if budget is None:
        budget = _Budget(name)
    declared = info.file_size
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != declared:
            raise _corrupt(name, f"part {info.filename!r}: sizes disagree")
        for i in range(0, len(comp), _OUT_CHUNK):
            chunk = bytes(comp[i:i + _OUT_CHUNK])
            budget.take(len(chunk))
            crc = zlib.crc32(chunk, crc)
            produced += len(chunk)
            yield chunk
    else:
        d = zlib.decompressobj(-15)
        pos = 0
        try:
            while not d.eof:
                if d.unconsumed_tail:
                    inp = d.unconsumed_tail
                elif pos < len(comp):
                    inp = comp[pos:pos + _IN_CHUNK]
                    pos += len(inp)
                else:
                    inp = b""
                out = d.decompress(inp, _OUT_CHUNK)
                if not out:
                    if not inp:
                        break
                    continue
                produced += len(out)
                if produced > declared:
                    raise _bomb(name, f"part {info.filename!r} inflates beyond its declared size")
                budget.take(len(out))
                crc = zlib.crc32(out, crc)
                yield out
        except zlib.error as e:
            raise _corrupt(name, f"part {info.filename!r}: {_short(e)}") from None
        if not d.eof:
            raise _corrupt(name, f"part {info.filename!r} is truncated")
    if produced != declared or (crc & 0xFFFFFFFF) != info.CRC:
        raise _corrupt(name, f"part {info.filename!r} fails its checksum")


def _is_media(part: str) -> bool:
    return part.lower().endswith(_MEDIA_EXTS)


def _looks_xml(part: str, first_chunk: bytes) -> bool:
    """XML parts are what calamine parses; embedded files (an .xlsx, a PDF) are left alone."""
    if part.lower().endswith((".xml", ".rels", ".vml")):
        return True
    head = first_chunk[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<", b"\xff\xfe", b"\xfe\xff"))


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


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


def _read_member(name, data, info, budget, guard=None) -> bytes:
    if info.file_size > _MAX_CONTROL_PART:
        raise _corrupt(name, f"part {info.filename!r} is unusually large")
    out = []
    for chunk in _member_chunks(name, data, info, budget):
        if guard is not None:
            guard.feed(chunk)
        out.append(chunk)
    return b"".join(out)


def _scan_ooxml(name, data, infos, by_name, budget) -> _Scan:
    control = {}
    for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        info = by_name.get(part)
        if info is not None:
            raw = _read_member(name, data, info, budget, _XmlGuard(name, part, info.file_size, True))
            control[part] = _parse_small(name, part, raw)

    ctypes = " ".join(
        (el.get("ContentType") or "") for el in control["[Content_Types].xml"].iter()
    ).lower()
    if "spreadsheetml.sheet.main" not in ctypes and "sheet.macroenabled.main" not in ctypes and \
            "spreadsheetml.template.main" not in ctypes and "template.macroenabled.main" not in ctypes:
        if "sheet.binary.macroenabled.main" in ctypes:
            raise ReadError(name, "Excel binary workbooks (.xlsb) are not supported: save it as .xlsx")
        if "wordprocessingml" in ctypes:
            raise ReadError(name, "not a spreadsheet (content looks like a Word document)")
        if "presentationml" in ctypes:
            raise ReadError(name, "not a spreadsheet (content looks like a PowerPoint presentation)")
        raise ReadError(name, "not a spreadsheet (an Office file without a workbook)")
    if "xl/workbook.xml" not in control:
        raise _corrupt(name, "the workbook part xl/workbook.xml is missing")

    # sheet name -> part, in workbook order (what calamine follows)
    rels = {}
    if "xl/_rels/workbook.xml.rels" in control:
        for el in control["xl/_rels/workbook.xml.rels"].iter():
            if _local(el.tag) == "Relationship" and el.get("Id"):
                rels[el.get("Id")] = _resolve_target(el.get("Target") or "")
    part_to_sheet = {}
    order = []
    for el in control["xl/workbook.xml"].iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            sname = el.get("name") or ""
            order.append(sname)
            if rid in rels:
                part_to_sheet.setdefault(rels[rid], sname)
    if len(order) > MAX_SHEETS:
        raise ReadError(name, f"too many sheets ({len(order)}; limit {MAX_SHEETS})")

    scans = []
    for info in infos:
        part = info.filename
        if part in control or part.endswith("/"):
            continue
        guard = fast = None
        for chunk in _member_chunks(name, data, info, budget):
            if guard is None:
                xml = part in part_to_sheet or (not _is_media(part) and _looks_xml(part, chunk))
                guard = _XmlGuard(name, part, info.file_size, strict=xml)
                if xml:
                    # every XML part, not only the recognised sheets: a part calamine would read
                    # as a sheet cannot slip through a target we failed to resolve
                    fast = _FastSheetScan(name, part, budget)
            guard.feed(chunk)
            if fast is not None:
                fast.feed(chunk)
        if fast is None:
            continue
        scan = fast.finish()
        if scan is None:
            # Something the byte scan does not model exactly (cells or rows without a position,
            # error cells, formulas without a cached value): parse the part with defusedxml.
            budget.cells -= fast.counted
            handler = _XlsxSheetHandler(name, part, budget)
            parser = _defused_parser(handler)
            for chunk in _member_chunks(name, data, info, None):
                _feed_parser(name, part, parser, chunk, False)
            _feed_parser(name, part, parser, b"", True)
            handler.finish()
            scan = handler.scan
        scan.part = part
        scan.name = part_to_sheet.get(part)
        if scan.name is not None:
            scans.append(scan)
    return _Scan("xlsx", [s for s in scans if s.name is not None])


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


def _resolve_target(target: str) -> str:
    t = target.replace("\\", "/")
    if t.startswith("/"):
        t = t[1:]
    else:
        t = "xl/" + t
    return posixpath.normpath(t)


_RE_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,9})")


def _parse_ref(ref: str):
    m = _RE_REF.fullmatch(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def col_letter(col: int) -> str:
    """0 -> 'A', 26 -> 'AA' (spreadsheet column letters)."""
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return s


def _ref_top_row(ref: str) -> int | None:
    first = ref.split(":")[0]
    p = _parse_ref(first)
    return p[0] + 1 if p else None


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


def _scan_ods(name, data, infos, by_name, budget) -> _Scan:
    mime = _read_member(name, data, by_name["mimetype"], budget).decode("ascii", "replace").strip()
    if mime not in _ODS_MIMES:
        if "opendocument.text" in mime:
            raise ReadError(name, "not a spreadsheet (content looks like an OpenDocument text document)")
        if "opendocument.presentation" in mime:
            raise ReadError(name, "not a spreadsheet (content looks like an OpenDocument presentation)")
        raise ReadError(name, f"not a spreadsheet (an OpenDocument file of type {mime[:80]!r})")
    if "content.xml" not in by_name:
        raise _corrupt(name, "content.xml is missing")
    scans = []
    for info in infos:
        part = info.filename
        if part == "mimetype" or part.endswith("/"):
            continue
        media = _is_media(part) or part.lower().startswith(("pictures/", "thumbnails/"))
        guard = None
        handler = parser = None
        if part == "content.xml":
            handler = _OdsContentHandler(name, budget)
            parser = _defused_parser(handler)
        for chunk in _member_chunks(name, data, info, budget):
            if guard is None:
                xml = part == "content.xml" or (not media and _looks_xml(part, chunk))
                guard = _XmlGuard(name, part, info.file_size, strict=xml)
            guard.feed(chunk)
            if parser is not None:
                _feed_parser(name, part, parser, chunk, False)
        if parser is not None:
            _feed_parser(name, part, parser, b"", True)
            scans = handler.sheets
    if len(scans) > MAX_SHEETS:
        raise ReadError(name, f"too many sheets ({len(scans)}; limit {MAX_SHEETS})")
    return _Scan("ods", scans)


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


# --- OLE2 (xls) ----------------------------------------------------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_DIFSECT = 0xFFFFFFFC
_RESERVED = 0xFFFFFFFA

_XLS_ERRORS = {
    0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
    0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA",
}


def _scan_ole2(name: str, data: bytes) -> _Scan:
    """Validate the compound file as calamine will walk it, then the BIFF cell records."""
    bad = lambda what: _corrupt(name, what)  # noqa: E731
    if len(data) < 512:
        raise bad("truncated OLE2 header")
    shift = struct.unpack_from("<H", data, 30)[0]
    if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
        raise bad("invalid OLE2 header")
    ss = 1 << shift
    if len(data) < ss:
        raise bad("truncated OLE2 header")
    nsec = -(-(len(data) - ss) // ss)
    dir_len, fat_len, dir_start = struct.unpack_from("<III", data, 40)
    minifat_start, minifat_len, difat_start, difat_len = struct.unpack_from("<IIII", data, 60)
    # calamine sizes buffers from these header fields before it reads anything
    if (fat_len > nsec or dir_len * ss > len(data) or difat_len > nsec
            or minifat_len > len(data) // 8192 + 1):
        raise bad("OLE2 header sizes exceed the file")

    def sector(sid: int) -> bytes:
        off = (sid + 1) * ss
        return data[off:off + ss].ljust(ss, b"\0")

    # DIFAT: header entries then a chain of DIFAT sectors (calamine pops the last entry as next)
    difat = list(struct.unpack_from("<109I", data, 76))
    sid = difat_start
    steps = 0
    while sid < _RESERVED:
        if sid >= nsec or steps > nsec:
            raise bad("invalid DIFAT chain")
        steps += 1
        difat.extend(struct.unpack(f"<{ss // 4}I", sector(sid)))
        sid = difat.pop()
    fat: list[int] = []
    for sid in difat:
        if sid < _DIFSECT:
            if sid >= nsec:
                raise bad("FAT sector outside the file")
            fat.extend(struct.unpack(f"<{ss // 4}I", sector(sid)))

    def chain(start: int, table: list[int], limit: int, what: str) -> list[int]:
        out = []
        sid = start
        while sid != _ENDOFCHAIN:
            if sid >= limit or sid >= len(table) or len(out) > limit:
                raise bad(f"invalid sector chain ({what})")
            out.append(sid)
            sid = table[sid]
        return out

    def read_chain(start, size, what):
        sids = chain(start, fat, nsec, what)
        return b"".join(sector(s) for s in sids)[:size] if size else b"".join(sector(s) for s in sids)

    dirs_raw = read_chain(dir_start, 0, "directory")
    entries = []
    for i in range(0, len(dirs_raw) - 127, 128):
        e = dirs_raw[i:i + 128]
        nlen = struct.unpack_from("<H", e, 64)[0]
        ename = e[:max(0, min(nlen, 64) - 2)].decode("utf-16-le", "replace")
        etype = e[66]
        start = struct.unpack_from("<I", e, 116)[0]
        size = struct.unpack_from("<Q" if ss == 4096 else "<I", e, 120)[0]
        entries.append((ename, etype, start, size))
    if not entries:
        raise bad("empty OLE2 directory")
    names = {n for n, t, _, _ in entries if t in (1, 2)}
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)")
    if "WordDocument" in names:
        raise ReadError(name, "not a spreadsheet (content looks like a Word document)")
    if "PowerPoint Document" in names:
        raise ReadError(name, "not a spreadsheet (content looks like a PowerPoint presentation)")
    if any(n == "_VBA_PROJECT_CUR" for n, _, _, _ in entries):
        raise ReadError(name, "workbooks with macros are not accepted: save it as .xlsx without macros")
    # calamine takes the first directory entry so named, whatever its type
    wb_entry = next((e for e in entries if e[0] == "Workbook"), None) or next(
        (e for e in entries if e[0] == "Book"), None)
    if wb_entry is None:
        raise ReadError(name, "not a spreadsheet (an OLE2/Office file without a workbook stream)")

    root = entries[0]
    if root[3] > len(data):
        raise bad("OLE2 mini stream larger than the file")
    ministream = b""
    minifat: list[int] = []
    if minifat_len > 0:
        ministream = read_chain(root[2], root[3], "mini stream")
        mf = read_chain(minifat_start, minifat_len * ss, "mini FAT")
        minifat = list(struct.unpack(f"<{len(mf) // 4}I", mf[: len(mf) // 4 * 4]))
    nmini = -(-len(ministream) // 64)

    _, _, start, size = wb_entry
    if size > len(data):
        raise bad("workbook stream larger than the file")
    if size < 4096:  # calamine's rule, whatever the header's cutoff says
        sids = chain(start, minifat, nmini, "workbook mini stream")
        wb = b"".join(ministream[s * 64:(s + 1) * 64] for s in sids)[:size]
    else:
        wb = read_chain(start, size, "workbook stream")
    return _scan_biff(name, wb)


def _biff_records(stream: bytes, pos: int):
    n = len(stream)
    while pos + 4 <= n:
        typ, ln = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + ln > n:
            return
        yield typ, stream[pos + 4:pos + 4 + ln]
        pos += 4 + ln


def _scan_biff(name: str, stream: bytes) -> _Scan:
    budget = _Budget(name)
    positions = []
    for typ, rec in _biff_records(stream, 0):
        if typ == 0x002F:
            raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)")
        if typ == 0x00FC and len(rec) >= 8:
            unique = struct.unpack_from("<i", rec, 4)[0]
            if unique < 0 or unique > len(stream):
                raise _corrupt(name, "implausible shared string count")
        elif typ == 0x0085 and len(rec) >= 4:
            positions.append(struct.unpack_from("<I", rec, 0)[0])
        elif typ == 0x000A:
            break
    if len(positions) > MAX_SHEETS:
        raise ReadError(name, f"too many sheets ({len(positions)}; limit {MAX_SHEETS})")
    scans = []
    for idx, pos in enumerate(positions):
        if pos >= len(stream):
            raise _corrupt(name, "a sheet points outside the workbook stream")
        s = _SheetScan(name=str(idx))
        fmla = (0, 0)

        def cell(r, c):
            if r > s.max_row:
                s.max_row = r
            if c > s.max_col:
                s.max_col = c

        for typ, rec in _biff_records(stream, pos):
            if typ == 0x000A:
                break
            if typ == 0x0200:  # DIMENSIONS: calamine reserves rows*cols cells
                if len(rec) == 14:
                    rf, rl, cf, cl = struct.unpack_from("<IIHH", rec, 0)
                elif len(rec) == 10:
                    rf, rl, cf, cl = struct.unpack_from("<HHHH", rec, 0)
                else:
                    continue
                if rl >= 1 and cl >= 1:
                    rows = ((rl - 1 - rf) & 0xFFFFFFFF) + 1
                    cols = ((cl - 1 - cf) & 0xFFFFFFFF) + 1
                    if rows * cols > MAX_CELLS:
                        raise ReadError(
                            name, f"workbook too large: a sheet declares {rows * cols:,} cells (limit {MAX_CELLS:,})"
                        )
                continue
            if typ in (0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201, 0x00D6,
                       0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0406) and len(rec) >= 4:
                r, c = struct.unpack_from("<HH", rec, 0)
                cell(r, c)
                if typ == 0x0006:
                    fmla = (r, c)
                    if len(rec) >= 14 and rec[6] == 2 and rec[12:14] == b"\xff\xff":
                        s.errors[(r, c)] = _XLS_ERRORS.get(rec[8], "#ERROR")
                elif typ == 0x0205 and len(rec) >= 8 and rec[7] == 1:
                    s.errors[(r, c)] = _XLS_ERRORS.get(rec[6], "#ERROR")
            elif typ in (0x00BD, 0x00BE) and len(rec) >= 6:
                r, c0 = struct.unpack_from("<HH", rec, 0)
                c1 = struct.unpack_from("<H", rec, len(rec) - 2)[0]
                step = 6 if typ == 0x00BD else 2
                cell(r, max(c0, c1, c0 + max(0, (len(rec) - 6) // step - 1)))
            elif typ == 0x0207:
                cell(*fmla)
        budget.add_cells(s.cells, f"sheet {idx + 1}")
        scans.append(s)
    return _Scan("xls", scans, by_index=True)


# --- calamine ------------------------------------------------------------------------------------


def _open_calamine(name: str, data: bytes):
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)") from None
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, _short(e)) from None
    except BaseException as e:  # pyo3 PanicException derives from BaseException
        if type(e).__name__ == "PanicException":
            raise _corrupt(name, "the reader failed on this file") from None
        raise


def _close(cw) -> None:
    try:
        cw.close()
    except Exception:  # noqa: BLE001
        pass


def _read_calamine(name: str, data: bytes, scan: _Scan):
    cw = _open_calamine(name, data)
    warnings: list[str] = []
    try:
        sheet_names = list(cw.sheet_names)
        if len(sheet_names) > MAX_SHEETS:
            raise ReadError(name, f"too many sheets ({len(sheet_names)}; limit {MAX_SHEETS})")
        if scan.by_index:
            info = {sheet_names[i]: s for i, s in enumerate(scan.sheets) if i < len(sheet_names)}
        else:
            info = {s.name: s for s in scan.sheets}
        sheets: dict[str, list[list[object]]] = {}
        total = 0
        for sname in sheet_names:
            if sname in sheets:
                raise _corrupt(name, f"two sheets are named {sname!r}")
            try:
                sh = cw.get_sheet_by_name(sname)
                end = sh.end
                if end is not None:
                    total += (end[0] + 1) * (end[1] + 1)
                    if total > MAX_CELLS:
                        raise ReadError(name, f"workbook too large: more than {MAX_CELLS:,} cells in use")
                raw = sh.to_python(skip_empty_area=False) if end is not None else []
            except ReadError:
                raise
            except Exception as e:  # noqa: BLE001
                raise _corrupt(name, f"sheet {sname!r}: {_short(e)}") from None
            except BaseException as e:
                if type(e).__name__ == "PanicException":
                    raise _corrupt(name, f"sheet {sname!r}: the reader failed") from None
                raise
            s = info.get(sname)
            rows = [[_norm(v) for v in row] for row in raw]
            if s is not None:
                for (r, c), text in s.errors.items():
                    if r < len(rows) and c < len(rows[r]):
                        rows[r][c] = text
                if s.uncached:
                    warnings.append(
                        f"sheet {sname!r}: formula cells without a saved result read as blank "
                        f"({', '.join(s.uncached[:5])}{', …' if len(s.uncached) > 5 else ''}); "
                        "open the file in Excel or LibreOffice and save it again"
                    )
            sheets[sname] = _trim(rows)
        return sheets, warnings[:_MAX_WARNINGS]
    finally:
        _close(cw)


def _norm_float(v: float):
    if v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _norm(v):
    t = type(v)
    if t is str:
        v = v.strip()
        return v or None
    if t is float:
        if not math.isfinite(v):
            return None
        return _norm_float(v)
    return v


def _trim(rows: list[list[object]]) -> list[list[object]]:
    last = len(rows)
    while last and all(v is None for v in rows[last - 1]):
        last -= 1
    rows = rows[:last]
    width = 0
    for row in rows:
        for j in range(len(row) - 1, width - 1, -1):
            if row[j] is not None:
                width = j + 1
                break
    out = []
    for row in rows:
        if len(row) >= width:
            out.append(row[:width])
        else:
            out.append(row + [None] * (width - len(row)))
    return out


# --- CSV -----------------------------------------------------------------------------------------


def _decode_text(name: str, data: bytes) -> str:
    enc = None
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        enc = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif b"\x00" in data:
        sample = data[:65536]
        half = max(1, len(sample) // 2)
        odd = sample[1::2].count(0) / half
        even = sample[0::2].count(0) / half
        if odd > 0.3 and even < 0.05:
            enc = "utf-16-le"
        elif even > 0.3 and odd < 0.05:
            enc = "utf-16-be"
        else:
            raise ReadError(name, "not a spreadsheet (content looks like binary data: NUL bytes in a text file)")
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            raise ReadError(name, f"cannot decode the text as {enc.upper()}") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_8bit(data)
    if "\x00" in text:
        raise ReadError(name, "not a spreadsheet (content looks like binary data: NUL characters)")
    ctrl = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\r\n\f")
    if ctrl > max(2, len(text[:65536]) // 100):
        raise ReadError(name, "not a spreadsheet (content looks like binary data)")
    return text


_RE_WORD = re.compile(r"[^\W\d_]+")


def _implausible_words(text: str, enc: str) -> int:
    """Words that would not be written in this encoding's language(s)."""
    bad = 0
    for w in _RE_WORD.findall(text):
        non_ascii = sum(1 for ch in w if ord(ch) > 127)
        if not non_ascii:
            continue
        if enc == "cp1251":
            cyr = sum(1 for ch in w if "\u0400" <= ch <= "\u04ff")
            if cyr and cyr != len(w):  # Cyrillic mixed with Latin inside one word
                bad += 1
        elif non_ascii >= 2 and non_ascii * 2 > len(w):
            # Romanian words carry a diacritic or two among plain letters; a word made mostly
            # of accented letters is Cyrillic text decoded with the wrong code page.
            bad += 1
    return bad


def _decode_8bit(data: bytes) -> str:
    """Romanian Excel (cp1250) or Russian Excel (cp1251) CSV: pick the plausible one."""
    candidates = {}
    for enc in ("cp1250", "cp1251"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if not candidates:
        return data.decode("cp1250", errors="replace")
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    scores = {enc: _implausible_words(t, enc) for enc, t in candidates.items()}
    return candidates["cp1251"] if scores["cp1251"] < scores["cp1250"] else candidates["cp1250"]


def _delimiter_score(sample: str, delim: str):
    try:
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if any(x.strip() for x in r)]
    except csv.Error:
        return (False, 0.0, 0)
    rows = rows[:200]
    if len(rows) > 1:
        rows = rows[:-1] if len(sample) >= 65536 else rows  # last row of a cut sample may be partial
    if not rows:
        return (False, 0.0, 0)
    counts: dict[int, int] = {}
    for r in rows:
        counts[len(r)] = counts.get(len(r), 0) + 1
    modal, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return (modal > 1, freq / len(rows), modal)


def _choose_delimiter(sample: str) -> str:
    """The separator giving the most consistent column count (at least 2 columns).

    Ties go to csv.Sniffer's answer, except that ';' beats ',': Romanian and Russian Excel write
    ';'-separated files whose numbers carry decimal commas, which can look just as consistent.
    """
    scores = {d: _delimiter_score(sample, d) for d in (";", "\t", ",")}
    top = max(scores.values())
    if not top[0]:
        return ","  # one column
    tied = [d for d in scores if scores[d] == top]
    if len(tied) > 1 and ";" not in tied:
        try:
            sniffed = csv.Sniffer().sniff(sample, delimiters="".join(tied)).delimiter
        except csv.Error:
            sniffed = None
        if sniffed in tied:
            return sniffed
    return tied[0]


def _read_csv(name: str, data: bytes) -> list[list[object]]:
    text = _decode_text(name, data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = None
    m = re.match(r"sep=(.)[ \t]*\r?\n", text[:16], re.IGNORECASE)
    if m:
        delim = m.group(1)
        text = text[m.end():]
    if delim is None:
        delim = _choose_delimiter(text[:65536])
    too_large = ReadError(name, f"file too large: more than {MAX_CELLS:,} cells")
    rows: list[list[object]] = []
    blank = 0  # blank lines not yet known to be inside the data (trailing ones are dropped)
    width = 0
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            cells = [v.strip() or None for v in r]
            while cells and cells[-1] is None:
                cells.pop()
            if not cells:
                blank += 1
                continue
            w = max(width, len(cells))
            if (len(rows) + blank + 1) * w > MAX_CELLS:
                raise too_large
            if blank:
                rows.extend([] for _ in range(blank))
                blank = 0
            rows.append(cells)
            width = w
    except csv.Error as e:
        raise ReadError(name, f"malformed CSV ({_short(e)})") from None
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return rows


# --- helpers -------------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _short(e: BaseException) -> str:
    s = str(e) or type(e).__name__
    return s if len(s) <= 200 else s[:200] + "…"
