"""What every reader backend shares: the limits, `ReadError`, the scan records, the budget.

Kept apart from `tipdash.ingest.read` so that the backends (zip, xml, xls, calamine, csv) can use
it without importing the entry points that import them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
#: Columns a sheet may use: a tipdash sheet has at most a dozen, so a value beyond column 200 (GR)
#: is refused before any header is mapped (a header of 10^6 names would cost minutes to map).
MAX_COLUMNS = 200
#: Rows a sheet may use: a commission report has at most a few thousand activity rows.
MAX_ROWS = 100_000
#: Warnings kept per file, and uncached-formula refs kept per sheet.
_MAX_WARNINGS = 20

# --- validation limits (the cost of checking a file stays bounded whatever it holds) ------------

#: The largest count accepted anywhere (participants, victims, sessions …): far above any real
#: figure of one commission in one year, far below the INTEGER columns' 2 147 483 647.
MAX_COUNT = 1_000_000
#: Characters in one text cell: the 2022 note's longest challenge has ~420; Excel's own limit is
#: 32 767. Longer text is refused, naming the cell.
MAX_TEXT = 4_000
#: Problems listed per file; the rest are counted ("and 12 345 more").
MAX_PROBLEMS = 200
#: Data rows of a summary (format B): one per unit (37) and year.
MAX_SUMMARY_ROWS = 5_000
#: Distinct unit names per file that get fuzzy matching (and suggestions); others: exact only.
MAX_FUZZY_UNITS = 40
#: Characters of a header or unit name looked at when suggesting a close match.
MAX_MATCH_TEXT = 100


class ReadError(ValueError):
    """A file that cannot be read: a message code (catalogue key ``import.problem.<code>``) and
    its parameters, rendered for the person who uploaded it (``message``: English; ``text(lang)``)."""

    def __init__(self, file: str, code: str, **params):
        self.file, self.code, self.params = file, code, params
        super().__init__(f"{file}: {code}")

    def text(self, lang: str = "en") -> str:
        from tipdash.ingest.messages import render
        return render(self.code, self.params, lang)

    @property
    def message(self) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


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


def _bomb(name: str, code: str, **params) -> ReadError:
    """A refusal that names a possible zip bomb (codes ``bomb.*``)."""
    return ReadError(name, f"bomb.{code}", **params)


def _corrupt(name: str, code: str, **params) -> ReadError:
    """A damaged or unreadable workbook (codes ``corrupt.*``)."""
    return ReadError(name, f"corrupt.{code}", **params)


class _Budget:
    """Counts every byte inflated for one file, whatever the headers claim."""

    def __init__(self, name: str):
        self.name = name
        self.used = 0
        self.cells = 0

    def take(self, n: int) -> None:
        self.used += n
        if self.used > MAX_UNCOMPRESSED:
            raise _bomb(self.name, "expands", limit=_mb(MAX_UNCOMPRESSED))

    def add_cells(self, n: int, where: str) -> None:
        self.cells += n
        if self.cells > MAX_CELLS:
            raise ReadError(self.name, "read.too_many_cells", sheet=where, cells=MAX_CELLS)


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


def _norm_float(v: float):
    if v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _short(e: BaseException) -> str:
    """An exception as one short line (never a traceback, never several lines)."""
    s = " ".join((str(e) or type(e).__name__).split())
    return s if len(s) <= 200 else s[:200] + "…"
