"""The cells of one sheet as they are read, bounded: at most MAX_ROWS rows and MAX_COLUMNS
columns with values, and the sheets' boxes together within the file's cell budget. Every reader
(xlsx, ods, xls, csv) fills one, so the limits hold whatever the format."""
from __future__ import annotations

from tipdash.ingest.limits import MAX_COLUMNS, MAX_ROWS, ReadError, _Budget, col_letter


def too_wide(file: str, sheet: str, row: int, col: int) -> ReadError:
    return ReadError(file, "read.too_wide", sheet=sheet, cell=f"{col_letter(col)}{row + 1}",
                     last=col_letter(MAX_COLUMNS - 1), limit=MAX_COLUMNS)


def too_long(file: str, sheet: str, row: int) -> ReadError:
    return ReadError(file, "read.too_long", sheet=sheet, row=row + 1, max=MAX_ROWS)


class Grid:
    """Rows of values; ``put`` only for values (never None). Leading empty rows and columns
    are kept (row i is spreadsheet row i + 1); ``rows()`` pads every row to the same width."""

    __slots__ = ("file", "sheet", "budget", "data", "width", "counted")

    def __init__(self, file: str, sheet: str, budget: _Budget | None):
        self.file, self.sheet, self.budget = file, sheet, budget
        self.data: list[list] = []
        self.width = 0
        self.counted = 0

    def put(self, r: int, c: int, v) -> None:
        data = self.data
        if r >= len(data):
            self.grow(r, c)
        elif c >= self.width:
            self.widen(r, c)
        row = data[r]
        if c >= len(row):
            row.extend([None] * (c + 1 - len(row)))
        row[c] = v

    def grow(self, r: int, c: int) -> None:
        if r >= MAX_ROWS:
            raise too_long(self.file, self.sheet, r)
        self.data.extend([] for _ in range(r + 1 - len(self.data)))
        if c >= self.width:
            self.widen(r, c)
        else:
            self.count()

    def widen(self, r: int, c: int) -> None:
        if c >= MAX_COLUMNS:
            raise too_wide(self.file, self.sheet, r, c)
        self.width = c + 1
        self.count()

    def count(self) -> None:
        cells = len(self.data) * self.width
        if self.budget is not None and cells > self.counted:
            self.budget.add_cells(cells - self.counted, self.sheet)
        self.counted = cells

    def rows(self) -> list[list]:
        """The rectangle from A1 to the last value, trailing empty rows dropped."""
        data, width = self.data, self.width
        while data and not any(v is not None for v in data[-1]):
            data.pop()
        for row in data:
            if len(row) < width:
                row.extend([None] * (width - len(row)))
        return data


def bounded(file: str, sheet: str, rows: list[list], budget: _Budget | None) -> list[list]:
    """The limits of a Grid applied to rows read another way (calamine, csv)."""
    g = Grid(file, sheet, budget)
    last_r, last_c = -1, -1
    for r, row in enumerate(rows):
        for c in range(len(row) - 1, -1, -1):
            if row[c] is not None:
                last_r = r
                last_c = max(last_c, c)
                break
    if last_r >= 0:
        g.put(last_r, last_c, True)
    return rows
