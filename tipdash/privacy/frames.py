"""The contract functions: protect the victim figures of a DataFrame from tipdash.indicators (from
its year's base) or of any other frame (as one table on its own)."""
from __future__ import annotations

import pandas as pd

from tipdash.privacy.lines import (ATTR_PREV, DIMS, NATIONAL, PUB, SECONDARY, TOTAL_ATTR, is_suppressed,
                                   protect_lines, protect_value, show, threshold, threshold_of)
from tipdash.privacy.victim_base import VictimBase, base_of
from tipdash.values import is_missing

_UNIT_COLS = ("unit_code", "code")


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
    b, _ = base_of(df)
    if b is not None and code_col is not None and _consistent_units(b, out, code_col, col):
        out[col] = pd.Series([pd.NA if is_missing(raw) else b.unit_label(c)
                              for c, raw in zip(out[code_col], df[col])], index=out.index, dtype=object)
        out.attrs[TOTAL_ATTR] = b.total_label()
        pb, _ = base_of(df, ATTR_PREV)
        prev_col, chg_col = f"{col}_prev", f"{col}_change"
        if prev_col in out.columns:
            if pb is not None and _consistent_units(pb, out, code_col, prev_col):
                out[prev_col] = pd.Series([pd.NA if is_missing(raw) else pb.unit_label(c)
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
        if is_missing(raw):
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
        if is_missing(change):
            vals.append(pd.NA)
        elif cur is None or prev is None or any(is_missing(v) or is_suppressed(v) for v in (cur, prev)):
            vals.append(SECONDARY)
        else:
            vals.append(int(change))
    return pd.Series(vals, index=raw.index, dtype=object)


def _protect_line_column(series: pd.Series, total, t: int | None = None):
    """One line: the column's cells plus (when the total is larger) the rest as a published cell."""
    t = threshold_of(t)
    idx = [i for i in series.index if not is_missing(series[i])]
    vals = [int(series[i]) for i in idx]
    out = pd.Series([pd.NA] * len(series), index=series.index, dtype=object)
    if not idx:
        return out, (pd.NA if is_missing(total) else protect_value(total, t))
    line = list(vals)
    rest = 0 if is_missing(total) else int(total) - sum(vals)
    fixed: set[int] = set()
    if rest > 0:
        line.append(rest)
        fixed.add(len(line) - 1)
    status, total_status = protect_lines([line], t, [fixed])
    for i, v, s in zip(idx, vals, status[0]):
        out[i] = show(v, s, t)
    return out, show(sum(line), total_status, t)


def protect_breakdown(df: pd.DataFrame, count_col: str = "count", total=None) -> pd.DataFrame:
    """A breakdown table (rows = categories; or long ``dimension, category`` rows of one unit).
    Frames from tipdash.indicators are read from their year's base: every category the national
    margins list is shown (absent rows would tell zeros), labelled consistently with all other
    views. Other frames: the cells and ``total`` (default: their sum) as one line."""
    if count_col not in df.columns:
        return df.copy()
    b, info = base_of(df)
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
            if d not in DIMS or is_missing(n) or b.value(s, **{d: c}) != int(n):
                return None
        out = pd.DataFrame(rows, columns=["dimension", "category", count_col]).astype({count_col: object})
        out.attrs = dict(df.attrs)
        out.attrs[TOTAL_ATTR] = b.figure(s)
        return out
    dims = [c for c in DIMS if c in df.columns]
    by = (["unit_code"] if code_col else []) + dims
    # consistency of the raw rows with the base
    for _, r in df.iterrows():
        if is_missing(r[count_col]):
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
    lines = [[0 if is_missing(df.at[i, count_col]) else int(df.at[i, count_col]) for i in idx] for _, idx in groups]
    sums = {sum(line) for line in lines}
    t = threshold()
    line_total = max(sums | ({int(total)} if not is_missing(total) else set())) if lines else 0
    fixed = []
    for line in lines:  # pad every line to the same total with a published "rest" cell
        rest = line_total - sum(line)
        fixed.append({len(line)} if rest > 0 else set())
        if rest > 0:
            line.append(rest)
    status, total_status = protect_lines(lines, t, fixed) if lines else ([], PUB)
    for (_, idx), line, sts in zip(groups, lines, status):
        for i, v, s in zip(idx, line, sts):
            out.at[i, count_col] = pd.NA if is_missing(df.at[i, count_col]) else show(v, s, t)
    out.attrs[TOTAL_ATTR] = show(line_total, total_status, t) if lines else pd.NA
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
    b, _ = base_of(df)
    i = rows[0]
    if b is not None:
        districts = [u for u in b.units if u != NATIONAL]
        values = {"districts_sum": b.figure(districts) if districts else pd.NA,
                  "national_level": b.unit_label(NATIONAL),
                  "total": b.total_label()}
        raw_ok = all(is_missing(df.at[i, c]) == is_missing(values[c]) for c in values if c in df.columns)
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
        out.at[i, "total"] = total_label if not is_missing(tot) else tot
    return out


def protect_assistance(df: pd.DataFrame, count_col: str = "count") -> pd.DataFrame:
    """Assistance counts (victims given legal/medical/… help): shown only at national level and
    when the year's total is shown exactly; else "x" (zero stays 0, NA stays NA)."""
    out = df.copy()
    if count_col not in out.columns:
        return out
    b, info = base_of(df)
    national_view = b is not None and (info.get("units") is None or b._covers_all(b._units(info["units"])))
    exact_total = b is not None and b.total_status == PUB and not b.withheld
    vals = []
    for v in df[count_col]:
        if is_missing(v) or int(v) == 0:
            vals.append(v if is_missing(v) else 0)
        elif b is not None and not (national_view and exact_total):
            vals.append(SECONDARY)
        else:
            vals.append(protect_value(v))
    out[count_col] = pd.Series(vals, index=out.index, dtype=object)
    return out
