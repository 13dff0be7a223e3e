"""The cells of one sheet as they are read, bounded: at most MAX_ROWS rows and MAX_COLUMNS
columns with values, and the sheets' boxes together within the file's cell budget. Every reader
(xlsx, ods, xls, csv) fills one, so the limits hold whatever the format.

Cells are kept as (row, column, value) until the sheet is complete (``rows()`` then lays out the
rectangle once): the fast xlsx reader hands over whole blocks of cells at a time (``extend``).
"""
from __future__ import annotations

from array import array

from tipdash.ingest.limits import MAX_COLUMNS, MAX_ROWS, ReadError, _Budget, col_letter


def too_wide(file: str, sheet: str, row: int, col: int) -> ReadError:
    return ReadError(file, "read.too_wide", sheet=sheet, cell=f"{col_letter(col)}{row + 1}",
                     last=col_letter(MAX_COLUMNS - 1), limit=MAX_COLUMNS)


def too_long(file: str, sheet: str, row: int) -> ReadError:
    return ReadError(file, "read.too_long", sheet=sheet, row=row + 1, max=MAX_ROWS)


class Grid:
    """Values by 0-based (row, column); only values (never None) are given. Leading empty rows
    and columns are kept (row i is spreadsheet row i + 1); ``rows()`` pads every row to the
    same width and ends at the last row with a value."""

    __slots__ = ("file", "sheet", "budget", "r", "c", "v", "nrows", "width", "counted")

    def __init__(self, file: str, sheet: str, budget: _Budget | None):
        self.file, self.sheet, self.budget = file, sheet, budget
        self.r, self.c, self.v = array("l"), array("l"), []
        self.nrows = self.width = self.counted = 0

    def put(self, r: int, c: int, v) -> None:
        if r >= self.nrows or c >= self.width:
            self.grow(r, c, r, c)
        self.r.append(r)
        self.c.append(c)
        self.v.append(v)

    def extend(self, rows: list[int], cols: list[int], vals: list) -> None:
        """A block of values at once (the lists are parallel)."""
        if not rows:
            return
        mr, mc = max(rows), max(cols)
        if mr >= self.nrows or mc >= self.width:
            if mc >= MAX_COLUMNS:                 # name the first cell beyond the limit
                i = next(i for i, c in enumerate(cols) if c >= MAX_COLUMNS)
                self.grow(mr, mc, rows[i], cols[i])
            if mr >= MAX_ROWS:
                mr = next(r for r in rows if r >= MAX_ROWS)
            self.grow(mr, mc, mr, mc)
        self.r.extend(rows)
        self.c.extend(cols)
        self.v.extend(vals)

    def grow(self, mr: int, mc: int, at_r: int, at_c: int) -> None:
        if mc >= MAX_COLUMNS:
            raise too_wide(self.file, self.sheet, at_r, at_c)
        if mr >= MAX_ROWS:
            raise too_long(self.file, self.sheet, mr)
        self.nrows = max(self.nrows, mr + 1)
        self.width = max(self.width, mc + 1)
        cells = self.nrows * self.width
        if self.budget is not None and cells > self.counted:
            self.budget.add_cells(cells - self.counted, self.sheet)
        self.counted = cells

    def rows(self) -> list[list]:
        """The rectangle from A1 to the last value."""
        width = self.width
        data = [[None] * width for _ in range(self.nrows)]
        for r, c, v in zip(self.r, self.c, self.v):
            data[r][c] = v
        self.r, self.c, self.v = array("l"), array("l"), []
        return data


def bounded(file: str, sheet: str, rows: list[list], budget: _Budget | None) -> list[list]:
    """The limits of a Grid applied to rows read another way (calamine)."""
    g = Grid(file, sheet, budget)
    last_r, last_c = -1, -1
    for r, row in enumerate(rows):
        for c in range(len(row) - 1, -1, -1):
            if row[c] is not None:
                last_r = r
                last_c = max(last_c, c)
                break
    if last_r >= 0:
        g.grow(last_r, last_c, last_r, last_c)
    return rows
