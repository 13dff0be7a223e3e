"""Victim figures across years (the district x year table, a unit's chart over the years, the
commissions' yearly totals): every cell is labelled from the protected base of its own year, so
it says exactly what the single-year views (map, Victims page, note) say for that year, primary
and complementary suppression included. No figure across years (a sum over years, a change) is
published unless it follows from cells shown exactly."""
from __future__ import annotations

import pandas as pd

from tipdash.privacy.frames import _protect_line_column
from tipdash.privacy.victim_base import base
from tipdash.values import is_missing

ATTR_YEARS = "tipdash.victims_years"   # set by tipdash.indicators.unit_years: {year: cells}


def _bases(df: pd.DataFrame) -> dict:
    info = df.attrs.get(ATTR_YEARS) if hasattr(df, "attrs") else None
    return {int(y): base(cells) for y, cells in (info or {}).items()}


def protect_unit_years(df: pd.DataFrame, col: str = "victims", code_col: str = "code") -> pd.DataFrame:
    """A long frame (``code_col``, ``year``, ``col``): each unit-year labelled from its year's base
    ("<5", "x" or the count; NA stays NA). A year whose cells are not carried in the frame, or
    whose raw values differ from them, is protected as one line on its own (safe for that year)."""
    out = df.copy()
    if col not in out.columns:
        return out
    out[col] = out[col].astype(object)
    bases = _bases(df)
    for year, idx in df.groupby("year", sort=False).groups.items():
        part = df.loc[idx]
        b = bases.get(int(year))
        if b is not None and all(
                (code not in b.unit_totals) if is_missing(raw) else b.unit_totals.get(code) == int(raw)
                for code, raw in zip(part[code_col], part[col])):
            out.loc[idx, col] = pd.Series([pd.NA if is_missing(raw) else b.unit_label(code)
                                           for code, raw in zip(part[code_col], part[col])],
                                          index=idx, dtype=object)
        else:
            out.loc[idx, col] = _protect_line_column(part[col], None)[0]
    return out


def protect_year_totals(df: pd.DataFrame, col: str = "victims", years_from: pd.DataFrame | None = None) -> pd.DataFrame:
    """A frame of one row per ``year`` whose ``col`` is the year's total of victims or presumed
    victims reported by the commissions (districts and national level): the total as its year's
    base shows it (``years_from`` carries the cells when ``df`` does not)."""
    out = df.copy()
    if col not in out.columns:
        return out
    bases = _bases(years_from if years_from is not None else df)
    vals = []
    for year, raw in zip(df["year"], df[col]):
        b = bases.get(int(year))
        if is_missing(raw):
            vals.append(pd.NA)
        elif b is not None and b.units and b.total == int(raw):
            vals.append(b.total_label())
        else:
            vals.append(_protect_line_column(pd.Series([raw]), None)[1])
    out[col] = pd.Series(vals, index=out.index, dtype=object)
    return out
