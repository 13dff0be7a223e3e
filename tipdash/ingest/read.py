"""Turn an uploaded or imported file into raw sheets, after upload safety checks.

Public API (the importer depends on exactly this):

- ``MAX_BYTES``: the largest file accepted (10 MiB).
- ``ReadError(ValueError)``: ``.file``, ``.code``, ``.params``, ``.message`` (English), ``.text(lang)``;
  ``str()`` is ``"{file}: {message}"``.
- ``Workbook(file, kind, sheets, warnings=[])``: ``kind`` is ``'xlsx' | 'xls' | 'ods' | 'csv'``;
  ``sheets`` maps sheet name -> rows of cell values (``str``, ``int``, ``float``, ``bool``,
  ``datetime.date``, ``datetime.datetime``, ``datetime.time``, ``datetime.timedelta`` or
  ``None``).  Row ``i`` of a sheet is spreadsheet row ``i + 1`` and cell ``j`` is column
  ``j + 1`` (leading empty rows/columns are kept); trailing empty rows and columns are trimmed
  and every row of a sheet has the same length.  Strings are stripped; empty text is ``None``.
  Whole numbers stored as floats (``3.0``) come back as ``int``; formula cells give their cached
  value; error cells give their text (``"#DIV/0!"``); a text cell starting with ``=`` stays text.
  ``warnings`` lists things worth showing to the uploader that do not stop the read, as (message
  code, parameters) (e.g. a formula without a cached value, which reads as blank).
- ``read_file(name, data) -> Workbook``, ``read_path(path) -> Workbook``.
- ``Workbook.merged``: sheet name -> refs such as ``"A1:B1"`` of its merged ranges;
  ``merged_header_cells(name, data, sheet) -> list[str]``: those that touch row 1 (``[]`` for CSV
  or an unknown sheet).
- Limits: at most ``MAX_ROWS`` rows and ``MAX_COLUMNS`` columns with values per sheet, and the
  used ranges of all sheets within ``MAX_CELLS`` (`limits`): a file beyond them is refused with a
  message naming the sheet and cell, before any header is mapped.
- ``parse_number(text) -> int | float | None``: ``"1 234"``, ``"1.234,5"``, ``"12,5"``; ``"~500"``
  is not a number.
- ``sha256(data) -> str``.

Safety: every check is done on the content, never on the name.  A ZIP (xlsx/ods) is parsed by
tipdash alone (`zipfmt`: one end record ending the file, members back to back from offset 0, local
and central headers agreeing) and each member is inflated once (`zipscan`), in a streaming way,
with a byte budget and a CRC check (so a lying header is caught); every XML part is checked while
it is read (no DTD, so no entity expansion; sane encoding and counts: `xmlscan`) by the same pass
that reads its values (`xlsxbook`, `xlsxsheet`, `xlsxcells`, `odsbook`): no other parser ever sees
the archive, so what was checked is what is read.  OLE2 (xls) files: the compound-file structure
and the BIFF cell records are validated (`ole2`) before calamine reads them (`calamine`).  The
whole read runs in a worker process with a memory and time limit (`pool`), so a reader bug can
only cost that worker.

Layout: this module holds the entry points, number parsing and file-kind sniffing; the limits
and shared records are in `limits`, CSV in `csvread` (all in `tipdash.ingest`).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from tipdash.ingest.calamine import _read_calamine
from tipdash.ingest.csvread import _read_csv
from tipdash.ingest.limits import MAX_BYTES, ReadError, _mb, _norm_float, _parse_ref
from tipdash.ingest.odsbook import read_ods
from tipdash.ingest.ole2 import _scan_ole2
from tipdash.ingest.xlsxbook import read_xlsx
from tipdash.ingest.zipscan import Archive, kind_of

_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_EMPTY_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_SPREADSHEET_EXTS = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlt", ".ods", ".ots"}


@dataclass
class Workbook:
    file: str
    kind: str
    sheets: dict[str, list[list[object]]]
    warnings: list[str] = field(default_factory=list)
    merged: dict[str, list[str]] = field(default_factory=dict)


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
        raise ReadError(name, "read.cannot_open", reason=str(e.strerror or e)) from None
    return read_file(name, data)


def read_file(name: str, data: bytes) -> Workbook:
    """Check ``data`` (the bytes of a file called ``name``) and return its raw sheets."""
    data = _as_bytes(name, data)
    kind = _sniff(name, data)
    if kind == "zip":
        archive = Archive(name, data)
        kind = kind_of(name, archive)
        sheets, merged, warnings = (read_xlsx if kind == "xlsx" else read_ods)(name, archive)
        return Workbook(name, kind, sheets, warnings, merged)
    if kind == "ole2":
        scan = _scan_ole2(name, data)
        sheets, merged, warnings = _read_calamine(name, data, scan)
        return Workbook(name, "xls", sheets, warnings, merged)
    return Workbook(name, "csv", {_stem(name): _read_csv(name, data, _stem(name))}, [], {})


def merged_header_cells(name: str, data: bytes, sheet: str) -> list[str]:
    """Refs ("A1:B1") of the merged ranges of ``sheet`` that touch row 1."""
    wb = read_file(name, data)
    return [ref for ref in wb.merged.get(sheet, []) if _ref_top_row(ref) == 1]


def _ref_top_row(ref: str) -> int | None:
    first = ref.split(":")[0]
    p = _parse_ref(first)
    return p[0] + 1 if p else None


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
        raise ReadError(name, "read.too_big", size=_mb(len(data)), limit=_mb(MAX_BYTES))
    if not data:
        raise ReadError(name, "read.empty")
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
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"{\\rtf", "rtf"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"Rar!\x1a\x07", "rar"),
    (b"MZ", "windows_program"),
    (b"\x7fELF", "program"),
    (b"\x09\x08\x10\x00\x00\x06\x05\x00", "excel234"),
]


def _describe(data: bytes) -> str | None:
    """What a non-spreadsheet looks like (a kind: import.kind.<kind>), or None for plain text."""
    for magic, what in _MAGICS:
        if data.startswith(magic):
            return what
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:65536]:
        return "excel2003_xml"
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or (
        head.startswith(b"<") and b"<html" in head
    ):
        return "html"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "xml"
    return None


def _sniff(name: str, data: bytes) -> str:
    if data.startswith(_ZIP_MAGIC) or data.startswith(_ZIP_EMPTY_MAGIC):
        return "zip"
    if data.startswith(_OLE2_MAGIC):
        return "ole2"
    what = _describe(data)
    if _ext(name) in _SPREADSHEET_EXTS and what is None:
        what = "text_not_csv" if _looks_textual(data) else "binary"
    if what is not None:
        raise ReadError(name, "read.not_spreadsheet", kind=what)
    return "text"


def _looks_textual(data: bytes) -> bool:
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in sample:
        return False
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return ctrl <= len(sample) // 100
