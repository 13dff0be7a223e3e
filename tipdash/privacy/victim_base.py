"""The protected victim figures of one year (:class:`VictimBase`): every view of that year -- a unit
subset, a breakdown, a cross-tabulation -- is read from it, so no combination of views says more
than the base."""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from tipdash.privacy.lines import (ATTR, DIMS, PRIMARY, PUB, SECONDARY, label, protect_lines, show,
                                   threshold_of)
from tipdash.values import is_missing


@dataclass(frozen=True)
class Figure:
    """One published figure: the sum of the base cells of ``units`` x ``dims``, and its label."""
    units: frozenset
    dims: tuple            # ((dim, category), ...)
    value: object          # int, "<5", "x" or NA


class VictimBase:
    """The protected victim figures of one year; every view of that year is read from here."""

    def __init__(self, cells, threshold: int | None = None):
        self.t = threshold_of(threshold)
        rows = _cell_rows(cells)
        agg: dict[tuple, int] = {}
        for unit, *dims, count in rows:
            key = (str(unit), *(("unknown" if is_missing(d) else str(d)) for d in dims))
            agg[key] = agg.get(key, 0) + int(count)
        self.cells = agg
        self.units = tuple(sorted({k[0] for k in agg}))
        self.unit_totals = {u: 0 for u in self.units}
        self.margins = {d: {} for d in DIMS}
        for key, n in agg.items():
            self.unit_totals[key[0]] += n
            for d, v in zip(DIMS, key[1:]):
                self.margins[d][v] = self.margins[d].get(v, 0) + n
        self.categories = {d: tuple(sorted(self.margins[d])) for d in DIMS}
        self.total = sum(self.unit_totals.values())
        lines = [[self.unit_totals[u] for u in self.units]] + \
                [[self.margins[d][v] for v in self.categories[d]] for d in DIMS]
        status, self.total_status = protect_lines(lines, self.t) if self.units else ([[]] * 5, PUB)
        self.unit_status = dict(zip(self.units, status[0]))
        self.margin_status = {d: dict(zip(self.categories[d], st)) for d, st in zip(DIMS, status[1:])}
        self.withheld = self.total_status == PRIMARY
        self._supp_units = frozenset(u for u, s in self.unit_status.items() if s != PUB)

    # -- designated figures
    def unit_label(self, unit: str):
        if unit not in self.unit_totals:
            return pd.NA
        return show(self.unit_totals[unit], self.unit_status[unit], self.t)

    def total_label(self):
        if not self.units:
            return pd.NA
        return show(self.total, self.total_status, self.t)

    def margin_label(self, dim: str, category: str):
        if category not in self.margins[dim]:
            return 0
        return show(self.margins[dim][category], self.margin_status[dim][category], self.t)

    def suppressed(self) -> list[tuple[str, str, str]]:
        """Every suppressed designated figure: (line, cell, status); line 'unit' or a dim."""
        out = [("unit", u, s) for u, s in self.unit_status.items() if s != PUB]
        out += [(d, v, s) for d in DIMS for v, s in self.margin_status[d].items() if s != PUB]
        if self.total_status != PUB:
            out.append(("total", "", self.total_status))
        return out

    # -- any figure
    def _units(self, units) -> frozenset:
        if units is None:
            return frozenset(self.units)
        if isinstance(units, str):
            units = [units]
        return frozenset(units) & frozenset(self.units)

    def value(self, units=None, **dims) -> int:
        """The raw sum (for tests and consistency checks)."""
        s = self._units(units)
        idx = [(DIMS.index(d) + 1, v) for d, v in dims.items()]
        return sum(n for k, n in self.cells.items() if k[0] in s and all(k[i] == v for i, v in idx))

    def _known_zero(self, u: str) -> bool:
        return not self.withheld and self.unit_status[u] == PUB and self.unit_totals[u] == 0

    def _covers_all(self, s: frozenset) -> bool:
        return all(u in s or self._known_zero(u) for u in self.units)

    def _unit_sum(self, s: frozenset):
        """Sum over units ``s`` when the published figures give it exactly, else None."""
        if not (s & self._supp_units):
            return sum(self.unit_totals[u] for u in s)
        if self._supp_units <= s and self.total_status == PUB:
            return self.total - sum(self.unit_totals[u] for u in self.units if u not in s)
        return None

    def figure(self, units=None, **dims):
        """The protected value of the sum over ``units`` (None = all) x ``dims`` categories."""
        for d in dims:
            if d not in DIMS:
                raise ValueError(f"unknown victim dimension {d!r}")
        s = self._units(units)
        if not s:
            return pd.NA
        t = self.t
        if self.withheld:
            return label(t) if not dims and s == frozenset(self.units) else SECONDARY
        us = self._unit_sum(s)
        if not dims:
            if us is not None:
                return show(us, PUB, t)
            live = [u for u in s if not self._known_zero(u)]
            if len(live) == 1:
                return self.unit_label(live[0])
            if self._covers_all(s):
                return self.total_label()
            return SECONDARY
        margins = {d: (self.margins[d].get(v, 0), self.margin_status[d].get(v, PUB)) for d, v in dims.items()}
        known = [m for m, st in margins.values() if st == PUB]
        if us is not None:
            known.append(us)
        if known and min(known) == 0:
            return 0
        if us is not None and len(known) == len(dims) + 1 and self.total_status == PUB:
            upper = min(known)
            lower = max(0, sum(known) - len(dims) * self.total)  # Frechet bounds from the published sums
            if lower == upper:
                return show(upper, PUB, t)
        if len(dims) == 1 and self._covers_all(s):
            (d, v), = dims.items()
            return self.margin_label(d, v)
        return SECONDARY

    # -- views
    def view_figures(self, by: Iterable[str] = (), units=None, with_total: bool = False) -> list[Figure]:
        """The figures of one view: ``by`` ⊆ unit_code + DIMS, rows = every unit of the filter x
        every category that the national margins list (so absent rows say nothing)."""
        by = list(by)
        bad = [b for b in by if b not in ("unit_code", *DIMS)]
        if bad:
            raise ValueError(f"unknown breakdown {bad}")
        s = self._units(units)
        dims = [b for b in by if b != "unit_code"]
        unit_groups = [frozenset([u]) for u in sorted(s)] if "unit_code" in by else [s]
        out = []
        for group in unit_groups:
            if not group:
                continue
            for cats in itertools.product(*(self.categories[d] for d in dims)):
                dd = dict(zip(dims, cats))
                out.append(Figure(group, tuple(dd.items()), self.figure(group, **dd)))
        if with_total and s:
            out.append(Figure(s, (), self.figure(s)))
        return out

    def view(self, by: Iterable[str] = (), units=None, with_total: bool = False) -> pd.DataFrame:
        """A protected table: columns ``*by, count``; the total (if asked) as a last row whose
        ``by`` columns hold "total"."""
        by = list(by)
        rows = []
        for f in self.view_figures(by, units):
            dd = dict(f.dims)
            rows.append({**{b: (next(iter(f.units)) if b == "unit_code" else dd[b]) for b in by},
                         "count": f.value})
        if with_total and self._units(units):
            rows.append({**{b: "total" for b in by}, "count": self.figure(self._units(units))})
        return pd.DataFrame(rows, columns=[*by, "count"]).astype({"count": object})


def _cell_rows(cells) -> list[tuple]:
    if cells is None:
        return []
    if isinstance(cells, pd.DataFrame):
        cols = ["unit_code", *DIMS, "count"]
        return [tuple(r) for r in cells[cols].itertuples(index=False, name=None) if not is_missing(r[-1])]
    return [tuple(r) for r in cells if not is_missing(r[-1])]


def cells_key(cells) -> tuple:
    """A hashable, order-free form of victim cells (what indicators puts in ``df.attrs``)."""
    return tuple(sorted((str(u), *(str(x) for x in d), int(n)) for u, *d, n in _cell_rows(cells)))


@functools.lru_cache(maxsize=64)
def _base_cached(key: tuple, t: int) -> VictimBase:
    return VictimBase(key, t)


def base(cells, threshold: int | None = None) -> VictimBase:
    """The protected base of one year's victim cells (cached)."""
    return _base_cached(cells_key(cells), threshold_of(threshold))


def base_of(df: pd.DataFrame, attr: str = ATTR):
    """The base of the year whose cells ``df`` carries in ``df.attrs[attr]`` (and that info), else (None, None)."""
    info = df.attrs.get(attr) if hasattr(df, "attrs") else None
    if not info or "cells" not in info:
        return None, None
    return base(info["cells"]), info
