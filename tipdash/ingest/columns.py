"""A sheet's data checked column by column: each mapped column is read whole (text, count, date,
vocabulary, yes/no), each distinct value is read once, and only the cells that fail are looked at
one by one. A sheet of 10^5 rows costs a few list passes per column, not a function call per cell.

Problems name the row, the column as written in the file and the cell ("C3").
"""
from __future__ import annotations

from tipdash.ingest.cells import CellError, to_bool, to_count, to_date, to_date_or_month, to_text, to_vocab
from tipdash.ingest.limits import MAX_COUNT, MAX_TEXT
from tipdash.ingest.sheet import _Ctx, cell_ref
from tipdash.ingest.text import CONTROLS

_NONE = type(None)
_MISS = object()


class Columns:
    """The data rows of one sheet: ``rownums`` (1-based spreadsheet rows) and, per field, the
    column index and header as written. ``bad`` holds the row positions that had an error."""

    def __init__(self, ctx: _Ctx, sheet: str, rows: list[list], rownums: list[int],
                 mapping: dict[str, int], headers: dict[str, str], year: int | None):
        self.ctx, self.sheet, self.rownums, self.year = ctx, sheet, rownums, year
        self.mapping, self.headers = mapping, headers
        self.n = len(rownums)
        width = len(rows[0]) if rows else 0
        self.cols = list(zip(*rows)) if rows else []
        self.blank = (None,) * self.n
        self.width = width
        self.bad: set[int] = set()

    def raw(self, fld: str) -> tuple:
        j = self.mapping.get(fld)
        return self.cols[j] if j is not None and j < self.width else self.blank

    def col(self, fld: str) -> str:
        return self.headers.get(fld, fld)

    def error(self, fld: str, i: int, value, code: str, /, **params) -> None:
        self.bad.add(i)
        r = self.rownums[i]
        self.ctx.error(self.sheet, r, self.col(fld), value, code, cell_ref(self.mapping.get(fld, 0), r), **params)

    def warn(self, fld: str, i: int, value, code: str, /, **params) -> None:
        r = self.rownums[i]
        self.ctx.warn(self.sheet, r, self.col(fld), value, code, cell_ref(self.mapping.get(fld, 0), r), **params)

    def required(self, fld: str, out: list, code: str = "field.required") -> None:
        if None in out:
            for i in [i for i, v in enumerate(out) if v is None]:
                self.error(fld, i, None, code)

    # ------------------------------------------------------------------------------ kinds of column

    def text(self, fld: str, required: bool = False) -> list:
        vals = self.raw(fld)
        out = list(vals)
        if not set(map(type, vals)) <= {str, _NONE}:
            for i, v in enumerate(vals):
                if v is not None and v.__class__ is not str:
                    try:
                        out[i] = to_text(v)
                    except CellError as e:
                        self.error(fld, i, v, e.code, **e.params)
                        out[i] = None
        strs = [v for v in out if v is not None]
        if strs and (max(map(len, strs)) > MAX_TEXT or CONTROLS.search("\n".join(strs))):
            self._clean(fld, out)
        if required:
            self.required(fld, out)
        return out

    def _clean(self, fld: str, out: list) -> None:
        j = self.mapping.get(fld, 0)
        for i, v in enumerate(out):
            if v is not None and (len(v) > MAX_TEXT or not v.isprintable()):
                if len(v) > MAX_TEXT:
                    self.bad.add(i)
                r = self.rownums[i]
                out[i] = self.ctx.text(self.sheet, r, self.col(fld), cell_ref(j, r), v)

    def count(self, fld: str, minimum: int = 0, default=None, required: bool = False) -> list:
        vals = self.raw(fld)
        if set(map(type, vals)) <= {int, _NONE}:
            nn = [v for v in vals if v is not None]
            if not nn or (min(nn) >= minimum and max(nn) <= MAX_COUNT):
                if required:
                    self.required(fld, vals, "field.count_blank")
                return list(vals) if default is None else [default if v is None else v for v in vals]
        out: list = [None] * self.n
        cache: dict = {}
        for i, v in enumerate(vals):
            if v is None:
                out[i] = default
                if required:
                    self.error(fld, i, None, "field.count_blank")
                continue
            if v.__class__ is int and minimum <= v <= MAX_COUNT:
                out[i] = v
                continue
            out[i] = self._once(fld, i, v, cache, lambda x: to_count(x, minimum=minimum))
        return out

    def _once(self, fld: str, i: int, v, cache: dict, convert):
        """``convert(v)``, each distinct value once (``cache``); a refused value (a CellError raised
        or returned) is reported at its cell and read as None."""
        key = (v.__class__, v)
        r = cache.get(key, _MISS)
        if r is _MISS:
            try:
                r = convert(v)
            except CellError as e:
                r = e
            cache[key] = r
        if isinstance(r, CellError):
            self.error(fld, i, v, r.code, **r.params)
            return None
        return r

    def date(self, fld: str) -> list:
        vals = self.raw(fld)
        year = self.year
        if bool not in set(map(type, vals)):       # each distinct value once (True == 1 would mix)
            mapping = {v: self._date(v, year) for v in set(vals) if v is not None}
            if not any(isinstance(r, CellError) for r in mapping.values()):
                return [mapping[v] if v is not None else None for v in vals]
        out: list = [None] * self.n
        cache: dict = {}
        for i, v in enumerate(vals):
            if v is None:
                continue
            out[i] = self._once(fld, i, v, cache, lambda x: self._date(x, year))
        return out

    @staticmethod
    def _date(v, year):
        try:
            r = to_date(v)
        except CellError as e:
            return e
        if r is not None and year and r.year != year:
            return CellError("date.outside_year", date=r, year=year)
        return r

    def period(self, start: str, end: str) -> tuple[list, list]:
        a, b = self.date(start), self.date(end)
        raw = self.raw(end)
        for i in [i for i, (x, y) in enumerate(zip(a, b)) if x is not None and y is not None and y < x]:
            self.error(end, i, raw[i], "period.end_before_start", end=b[i], start=a[i], start_column=self.col(start))
        return a, b

    def date_or_month(self, fld: str, end: bool = False) -> tuple[list, list]:
        """(dates, precisions) of a column whose cells may give only the month ("iulie 2022"):
        the first day of that month for a start, the last for an end, precision "month"."""
        vals, year = self.raw(fld), self.year
        mapping = {}
        for v in set(vals) if bool not in set(map(type, vals)) else ():
            mapping[v] = _month_cell(v, end, year)
        dates, precisions = [None] * self.n, [None] * self.n
        for i, v in enumerate(vals):
            if v is None:
                continue
            r = mapping[v] if v in mapping else _month_cell(v, end, year)
            if isinstance(r, CellError):
                self.error(fld, i, v, r.code, **r.params)
            else:
                dates[i], precisions[i] = r
        return dates, precisions

    def period_precise(self, start: str, end: str) -> tuple[list, list, list, list]:
        """Start and end (each a day or a month) with their precisions; an end before its start is
        an error at the end's cell."""
        a, pa = self.date_or_month(start)
        b, pb = self.date_or_month(end, end=True)
        raw = self.raw(end)
        for i in [i for i, (x, y) in enumerate(zip(a, b)) if x is not None and y is not None and y < x]:
            self.error(end, i, raw[i], "period.end_before_start", end=_when(b[i], pb[i]), start=_when(a[i], pa[i]),
                       start_column=self.col(start))
        return a, pa, b, pb

    def vocab(self, fld: str, name: str, required: bool = False, default=None) -> list:
        return self._distinct(fld, lambda v: to_vocab(name, v), default, "field.required" if required else None)

    def flag(self, fld: str, default=False) -> list:
        return self._distinct(fld, to_bool, default, None)

    def _distinct(self, fld: str, read, default, blank_code: str | None) -> list:
        """Each distinct value read once; a blank cell gives ``default`` (or an error)."""
        vals = self.raw(fld)
        mapping = {}
        for v in set(vals):
            if v is not None:
                try:
                    mapping[v] = read(v)
                except CellError as e:
                    mapping[v] = e
        out = [mapping[v] if v is not None else default for v in vals]
        if any(isinstance(x, CellError) for x in mapping.values()) or (blank_code and None in vals):
            for i, v in enumerate(vals):
                r = mapping.get(v) if v is not None else None
                if isinstance(r, CellError):
                    self.error(fld, i, v, r.code, **r.params)
                    out[i] = None
                elif v is None and blank_code:
                    self.error(fld, i, None, blank_code)
                elif r is None and v is not None:
                    out[i] = default
        elif None in mapping.values():
            out = [default if x is None else x for x in out]
        return out


def _when(d, precision: str | None):
    """A date as a message shows it: the month only when that is all the file gave."""
    return {"month": d} if precision == "month" else d


def _month_cell(v, end: bool, year: int | None):
    """(date, precision) of one cell, or the CellError that says why it is none."""
    try:
        d, precision = to_date_or_month(v, end=end)
    except CellError as e:
        return e
    if d is not None and year and d.year != year:
        return CellError("date.outside_year", date=_when(d, precision), year=year)
    return d, precision

