"""The only place small victim counts are suppressed.

Rule: one protected base per year. The year's victim cells (unit x sex x age group x
exploitation x status, national level = unit 'MD') give a few published *lines*, all summing to
the national total T: victims per unit, and victims by sex, by age group, by exploitation, by
status. Counts 1..threshold-1 show "<5" (primary); complementary cells, the smallest non-zero
first, show "x" until every suppressed cell keeps at least 2 possible values given T and the
line (exact interval check; if no cell is left, T is suppressed). If T itself is <5, only T is
shown ("<5") and every other cell of the year is "x". Every other figure (a unit subset, a
unit's breakdown, a cross-tabulation, a change) is shown only when it follows from figures of
the base, else "x", so no combination of views says more than the base.
DataFrames from tipdash.indicators carry their year's cells in ``df.attrs["tipdash.victims"]``;
``protect_units``/``protect_breakdown``/``protect_national`` label them from that base. A frame
without it is protected as one table on its own (safe for that table alone).
"""
from __future__ import annotations

import functools
import itertools
import math
import os
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

ENV = "TIPDASH_SUPPRESS_THRESHOLD"
DEFAULT_THRESHOLD = 5
SECONDARY = "x"                      # complementary suppression / withheld figure
DIMS = ("sex", "age_group", "exploitation", "status")
NATIONAL = "MD"
ATTR = "tipdash.victims"             # set by tipdash.indicators: {"year", "cells", "units"}
ATTR_PREV = "tipdash.victims_prev"   # the previous year's cells (indicators.change)
TOTAL_ATTR = "tipdash.total"         # the protected total of a protected frame

PUB, PRIMARY, SECOND, WITHHELD = "published", "primary", "secondary", "withheld"
_INF = 10 ** 12
_UNIT_COLS = ("unit_code", "code")


# ------------------------------------------------------------------------------ single figures

def threshold() -> int:
    """Counts below this (and above 0) are suppressed; $TIPDASH_SUPPRESS_THRESHOLD overrides 5."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ENV}={raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{ENV}={raw!r} must be at least 1")
    return value


def label(threshold: int | None = None) -> str:
    """What a primary-suppressed count shows: "<5"."""
    return f"<{_t(threshold)}"


def _t(t: int | None) -> int:
    return threshold() if t is None else int(t)


def _na(v) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (str, bytes, list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def protect_value(n, threshold: int | None = None):
    """One figure on its own: 1..threshold-1 -> "<5"; 0 stays 0; NA stays NA; an already
    protected label is returned as is."""
    if _na(n) or is_suppressed(n):
        return n
    v = int(n)
    t = _t(threshold)
    return label(t) if 1 <= v < t else v


def is_suppressed(v) -> bool:
    """True for "<5" and "x"."""
    return isinstance(v, str) and (v == SECONDARY or v.startswith("<"))


# ------------------------------------------------------------------------------ lines

def _box(status: str, t: int) -> tuple[int, int]:
    """What a reader knows about a suppressed cell from its label and the rule."""
    return (1, t - 1) if status == PRIMARY else (t, _INF)


def _ranges(lines, status, total_status, t):
    """Feasible values of each suppressed cell and of the total, given the published cells,
    the total (if published) and the label bounds. Lines are independent given the total, and
    within a line (cells in boxes, fixed sum) every integer in the interval is reachable, so the
    intervals are exact."""
    total = sum(lines[0]) if lines else 0
    tlo, thi = (total, total) if total_status == PUB else _box(total_status, t)
    parts = []
    for vals, sts in zip(lines, status):
        pub = sum(v for v, s in zip(vals, sts) if s == PUB)
        sup = [i for i, s in enumerate(sts) if s != PUB]
        lo = sum(_box(sts[i], t)[0] for i in sup)
        hi = sum(_box(sts[i], t)[1] for i in sup)
        tlo, thi = max(tlo, pub + lo), min(thi, pub + hi)
        parts.append((pub, sup, lo, hi))
    cells = {}
    for li, (pub, sup, lo, hi) in enumerate(parts):
        for i in sup:
            blo, bhi = _box(status[li][i], t)
            cells[(li, i)] = (max(blo, tlo - pub - (hi - bhi)), min(bhi, thi - pub - (lo - blo)))
    return cells, (tlo, thi)


def _safe(rng: tuple[int, int], box: tuple[int, int]) -> bool:
    """At least two possible values (or as many as the label itself allows)."""
    return rng[1] > rng[0] or box[1] == box[0]


def protect_lines(lines: list[list[int]], t: int | None = None,
                  fixed: list[set[int]] | None = None) -> tuple[list[list[str]], str]:
    """Suppression status of every cell of lines that all sum to the same published total.

    ``fixed[l]``: cells of line l that may not be chosen as complements (shown elsewhere).
    Returns (status per cell: published/primary/secondary/withheld, status of the total).
    """
    t = _t(t)
    lines = [[int(v) for v in line] for line in lines]
    if not lines:
        return [], PUB
    total = sum(lines[0])
    if any(sum(line) != total for line in lines):
        raise ValueError("lines must have the same total")
    if 1 <= total < t:
        return [[WITHHELD] * len(line) for line in lines], PRIMARY
    fixed = fixed or [set() for _ in lines]
    status = [[PRIMARY if 1 <= v < t else PUB for v in line] for line in lines]
    total_status = PUB

    def unsafe_lines():
        cells, trange = _ranges(lines, status, total_status, t)
        bad = {li for (li, i), rng in cells.items() if not _safe(rng, _box(status[li][i], t))}
        if total_status != PUB and not _safe(trange, _box(total_status, t)):
            bad |= {li for li, sts in enumerate(status) if all(s == PUB for s in sts)}
        return bad

    while True:
        bad = sorted(unsafe_lines())
        if not bad:
            return status, total_status
        restart = progress = False
        for li in bad:
            cands = sorted((i for i, v in enumerate(lines[li])
                            if v > 0 and status[li][i] == PUB and i not in fixed[li]),
                           key=lambda i: (lines[li][i], i))
            if not cands:
                if total_status == PUB:
                    total_status = SECOND
                    restart = True
                    break
                continue  # the other lines' complements may free this one
            progress = True
            chosen = cands[0]
            for i in cands:  # the smallest complement that makes the line safe, else the smallest
                status[li][i] = SECOND
                if li not in unsafe_lines():
                    chosen = i
                    status[li][i] = PUB
                    break
                status[li][i] = PUB
            status[li][chosen] = SECOND
        if not restart and not progress:
            raise RuntimeError("cannot protect these lines")  # pragma: no cover


def _show(value: int, status: str, t: int):
    if status == PUB:
        return label(t) if 1 <= value < t else int(value)
    return label(t) if status == PRIMARY else SECONDARY


# ------------------------------------------------------------------------------ the base

@dataclass(frozen=True)
class Figure:
    """One published figure: the sum of the base cells of ``units`` x ``dims``, and its label."""
    units: frozenset
    dims: tuple            # ((dim, category), ...)
    value: object          # int, "<5", "x" or NA


class VictimBase:
    """The protected victim figures of one year; every view of that year is read from here."""

    def __init__(self, cells, threshold: int | None = None):
        self.t = _t(threshold)
        rows = _cell_rows(cells)
        agg: dict[tuple, int] = {}
        for unit, *dims, count in rows:
            key = (str(unit), *(("unknown" if _na(d) else str(d)) for d in dims))
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
        return _show(self.unit_totals[unit], self.unit_status[unit], self.t)

    def total_label(self):
        if not self.units:
            return pd.NA
        return _show(self.total, self.total_status, self.t)

    def margin_label(self, dim: str, category: str):
        if category not in self.margins[dim]:
            return 0
        return _show(self.margins[dim][category], self.margin_status[dim][category], self.t)

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
                return _show(us, PUB, t)
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
                return _show(upper, PUB, t)
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
        return [tuple(r) for r in cells[cols].itertuples(index=False, name=None) if not _na(r[-1])]
    return [tuple(r) for r in cells if not _na(r[-1])]


def cells_key(cells) -> tuple:
    """A hashable, order-free form of victim cells (what indicators puts in ``df.attrs``)."""
    return tuple(sorted((str(u), *(str(x) for x in d), int(n)) for u, *d, n in _cell_rows(cells)))


@functools.lru_cache(maxsize=64)
def _base_cached(key: tuple, t: int) -> VictimBase:
    return VictimBase(key, t)


def base(cells, threshold: int | None = None) -> VictimBase:
    """The protected base of one year's victim cells (cached)."""
    return _base_cached(cells_key(cells), _t(threshold))


def _attr_base(df: pd.DataFrame, attr: str = ATTR):
    info = df.attrs.get(attr) if hasattr(df, "attrs") else None
    if not info or "cells" not in info:
        return None, None
    return base(info["cells"]), info


# ------------------------------------------------------------------------------ contract functions

def protect_units(df: pd.DataFrame, col: str = "victims", national_total=None) -> pd.DataFrame:
    """Per-unit column with primary and complementary suppression. Frames from
    tipdash.indicators are labelled from their year's base (and ``<col>_prev``/``<col>_change``
    from both years); other frames as one line with ``national_total`` (default: their sum).
    The protected total is in ``out.attrs["tipdash.total"]``."""
    for suffix in ("_change", "_prev"):  # a change is protected together with both years' figures
        if col.endswith(suffix) and col[:-len(suffix)] in df.columns:
            return protect_units(df, col[:-len(suffix)], national_total)
    out = df.copy()
    if col not in out.columns:
        return out
    code_col = next((c for c in _UNIT_COLS if c in out.columns), None)
    b, _ = _attr_base(df)
    if b is not None and code_col is not None and _consistent_units(b, out, code_col, col):
        out[col] = pd.Series([pd.NA if _na(raw) else b.unit_label(c)
                              for c, raw in zip(out[code_col], df[col])], index=out.index, dtype=object)
        out.attrs[TOTAL_ATTR] = b.total_label()
        pb, _ = _attr_base(df, ATTR_PREV)
        prev_col, chg_col = f"{col}_prev", f"{col}_change"
        if prev_col in out.columns:
            if pb is not None and _consistent_units(pb, out, code_col, prev_col):
                out[prev_col] = pd.Series([pd.NA if _na(raw) else pb.unit_label(c)
                                           for c, raw in zip(out[code_col], df[prev_col])],
                                          index=out.index, dtype=object)
            else:
                out[prev_col] = _protect_line_column(df[prev_col], None)[0]
        if chg_col in out.columns:
            out[chg_col] = _change_column(df, out, col, prev_col, chg_col)
        return out
    protected, total_label = _protect_line_column(df[col], national_total)
    out[col] = protected
    out.attrs[TOTAL_ATTR] = total_label
    for extra in (f"{col}_prev",):
        if extra in out.columns:
            out[extra] = _protect_line_column(df[extra], None)[0]
    if f"{col}_change" in out.columns:
        out[f"{col}_change"] = _change_column(df, out, col, f"{col}_prev", f"{col}_change")
    return out


def _consistent_units(b: VictimBase, df: pd.DataFrame, code_col: str, col: str) -> bool:
    """The frame's raw values are the base's unit totals (else it was changed: protect locally)."""
    for code, raw in zip(df[code_col], df[col]):
        if _na(raw):
            if code in b.unit_totals:
                return False
        elif b.unit_totals.get(code) != int(raw):
            return False
    return True


def _change_column(raw: pd.DataFrame, out: pd.DataFrame, col: str, prev_col: str, chg_col: str) -> pd.Series:
    """A change is shown only when both years' figures are shown exactly."""
    vals = []
    for i in raw.index:
        change = raw.at[i, chg_col]
        cur = out.at[i, col] if col in out.columns else None
        prev = out.at[i, prev_col] if prev_col in out.columns else None
        if _na(change):
            vals.append(pd.NA)
        elif cur is None or prev is None or _na(cur) or _na(prev) or is_suppressed(cur) or is_suppressed(prev):
            vals.append(SECONDARY)
        else:
            vals.append(int(change))
    return pd.Series(vals, index=raw.index, dtype=object)


def _protect_line_column(series: pd.Series, total, t: int | None = None):
    """One line: the column's cells plus (when the total is larger) the rest as a published cell."""
    t = _t(t)
    idx = [i for i in series.index if not _na(series[i])]
    vals = [int(series[i]) for i in idx]
    out = pd.Series([pd.NA] * len(series), index=series.index, dtype=object)
    if not idx:
        return out, (pd.NA if _na(total) else protect_value(total, t))
    line = list(vals)
    rest = 0 if _na(total) else int(total) - sum(vals)
    fixed: set[int] = set()
    if rest > 0:
        line.append(rest)
        fixed.add(len(line) - 1)
    status, total_status = protect_lines([line], t, [fixed])
    for i, v, s in zip(idx, vals, status[0]):
        out[i] = _show(v, s, t)
    return out, _show(sum(line), total_status, t)


def protect_breakdown(df: pd.DataFrame, count_col: str = "count", total=None) -> pd.DataFrame:
    """A breakdown table (rows = categories; or long ``dimension, category`` rows of one unit).
    Frames from tipdash.indicators are read from their year's base: every category the national
    margins list is shown (absent rows would tell zeros), labelled consistently with all other
    views. Other frames: the cells and ``total`` (default: their sum) as one line."""
    if count_col not in df.columns:
        return df.copy()
    b, info = _attr_base(df)
    if b is not None:
        out = _breakdown_from_base(b, info, df, count_col)
        if out is not None:
            return out
    out = df.copy()
    if "dimension" in df.columns:
        return _protect_long_local(df, count_col, total)
    protected, total_label = _protect_line_column(df[count_col], total)
    out[count_col] = protected
    out.attrs[TOTAL_ATTR] = total_label
    return out


def _view_units(info, df):
    units = info.get("units")
    return None if units is None else list(units)


def _breakdown_from_base(b: VictimBase, info: dict, df: pd.DataFrame, count_col: str):
    units = _view_units(info, df)
    code_col = next((c for c in _UNIT_COLS if c in df.columns), None)
    if "dimension" in df.columns and "category" in df.columns:
        s = b._units(units)
        rows = []
        for d in DIMS:
            if d not in set(df["dimension"]):
                continue
            for cat in b.categories[d]:
                rows.append({"dimension": d, "category": cat, count_col: b.figure(s, **{d: cat})})
        # consistency: every raw row must be the base's value
        for d, c, n in zip(df["dimension"], df["category"], df[count_col]):
            if d not in DIMS or _na(n) or b.value(s, **{d: c}) != int(n):
                return None
        out = pd.DataFrame(rows, columns=["dimension", "category", count_col]).astype({count_col: object})
        out.attrs = dict(df.attrs)
        out.attrs[TOTAL_ATTR] = b.figure(s)
        return out
    dims = [c for c in DIMS if c in df.columns]
    by = (["unit_code"] if code_col else []) + dims
    # consistency of the raw rows with the base
    for _, r in df.iterrows():
        if _na(r[count_col]):
            return None
        s = [r[code_col]] if code_col else units
        if b.value(s, **{d: r[d] for d in dims}) != int(r[count_col]):
            return None
    figs = b.view_figures(by, units)
    rows = []
    for f in figs:
        row = {d: v for d, v in f.dims}
        if code_col:
            row[code_col] = next(iter(f.units))
        row[count_col] = f.value
        rows.append(row)
    cols = ([code_col] if code_col else []) + dims + [count_col]
    out = pd.DataFrame(rows, columns=cols).astype({count_col: object})
    out.attrs = dict(df.attrs)
    out.attrs[TOTAL_ATTR] = b.figure(units)
    return out


def _protect_long_local(df: pd.DataFrame, count_col: str, total) -> pd.DataFrame:
    """Long rows (dimension, category, count) of one table on its own: each dimension is a line,
    all lines sum to the same total."""
    out = df.copy()
    out[count_col] = out[count_col].astype(object)
    groups = [(d, list(g.index)) for d, g in df.groupby("dimension", sort=True)]
    lines = [[0 if _na(df.at[i, count_col]) else int(df.at[i, count_col]) for i in idx] for _, idx in groups]
    sums = {sum(line) for line in lines}
    t = threshold()
    line_total = max(sums | ({int(total)} if not _na(total) else set())) if lines else 0
    fixed = []
    for line in lines:  # pad every line to the same total with a published "rest" cell
        rest = line_total - sum(line)
        fixed.append({len(line)} if rest > 0 else set())
        if rest > 0:
            line.append(rest)
    status, total_status = protect_lines(lines, t, fixed) if lines else ([], PUB)
    for (_, idx), line, sts in zip(groups, lines, status):
        for i, v, s in zip(idx, line, sts):
            out.at[i, count_col] = pd.NA if _na(df.at[i, count_col]) else _show(v, s, t)
    out.attrs[TOTAL_ATTR] = _show(line_total, total_status, t) if lines else pd.NA
    return out


def protect_national(df: pd.DataFrame, indicator: str = "victims") -> pd.DataFrame:
    """The victims row of ``indicators.national``: districts_sum, national_level and total from
    the year's base (a districts sum next to the total would otherwise give away the national
    level, and the other way round)."""
    out = df.copy()
    if "indicator" not in out.columns:
        return out
    rows = out.index[out["indicator"] == indicator]
    if not len(rows):
        return out
    for c in ("districts_sum", "national_level", "total"):
        if c in out.columns:
            out[c] = out[c].astype(object)
    b, _ = _attr_base(df)
    i = rows[0]
    if b is not None:
        districts = [u for u in b.units if u != NATIONAL]
        values = {"districts_sum": b.figure(districts) if districts else pd.NA,
                  "national_level": b.unit_label(NATIONAL),
                  "total": b.total_label()}
        raw_ok = all(_na(df.at[i, c]) == _na(values[c]) for c in values if c in df.columns)
        if raw_ok:
            for c, v in values.items():
                if c in out.columns:
                    out.at[i, c] = v
            return out
    ds = df.at[i, "districts_sum"] if "districts_sum" in df.columns else None
    nl = df.at[i, "national_level"] if "national_level" in df.columns else None
    tot = df.at[i, "total"] if "total" in df.columns else None
    line = pd.Series([ds, nl], index=["districts_sum", "national_level"])
    protected, total_label = _protect_line_column(line, tot)
    for c in ("districts_sum", "national_level"):
        if c in out.columns:
            out.at[i, c] = protected[c]
    if "total" in out.columns:
        out.at[i, "total"] = total_label if not _na(tot) else tot
    return out


def protect_assistance(df: pd.DataFrame, count_col: str = "count") -> pd.DataFrame:
    """Assistance counts (victims given legal/medical/… help): shown only at national level and
    when the year's total is shown exactly; else "x" (zero stays 0, NA stays NA)."""
    out = df.copy()
    if count_col not in out.columns:
        return out
    b, info = _attr_base(df)
    national_view = b is not None and (info.get("units") is None or b._covers_all(b._units(info["units"])))
    exact_total = b is not None and b.total_status == PUB and not b.withheld
    vals = []
    for v in df[count_col]:
        if _na(v) or int(v) == 0:
            vals.append(v if _na(v) else 0)
        elif b is not None and not (national_view and exact_total):
            vals.append(SECONDARY)
        else:
            vals.append(protect_value(v))
    out[count_col] = pd.Series(vals, index=out.index, dtype=object)
    return out
