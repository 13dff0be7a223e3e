"""Victim figures: the year's victim cells, breakdowns, assistance. Raw, current submissions;
commission units and the national level only.
"""
from __future__ import annotations

import pandas as pd

from tipdash.indicators.sql import (ASSISTANCE_TYPES, CUR, NATIONAL, VICTIM_DIMS, VICTIMS_ATTR, params, unit_filter,
                                    units_list)
from tipdash.store import Store


class Cells(tuple):
    """The cells, immutable. pandas deep-copies a frame's ``attrs`` at nearly every operation (a
    column read, a ``map``, the Arrow conversion of a table): a copy of this tuple is the tuple
    itself, instead of a walk through its hundreds of cells each time."""

    __slots__ = ()

    def __deepcopy__(self, memo) -> "Cells":
        return self


def cells_tuple(cells: pd.DataFrame) -> tuple:
    """The cells as a hashable, sorted tuple (what ``df.attrs[\"tipdash.victims\"]`` carries)."""
    return Cells(sorted((str(u), str(s), str(a), str(e), str(st), int(n))
                        for u, s, a, e, st, n in cells.itertuples(index=False, name=None)))


def victim_cells(store: Store, year: int) -> pd.DataFrame:
    """The year's victim cells: unit_code (commission units and 'MD'), sex, age_group,
    exploitation, status, count. Format B totals and blank categories count as 'unknown'; a
    report whose Victims sheet is present but empty gives a 0 cell."""
    return victim_cells_range(store, year, year).drop(columns=["year"])


def victim_cells_range(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """:func:`victim_cells` of every year of a range in one query, with a leading ``year`` column
    (the views across years protect each year from its own cells)."""
    df = store.query(
        f"""WITH {CUR},
        cu AS (SELECT cur.* FROM cur LEFT JOIN units u ON u.code = cur.unit_code
               WHERE (u.has_commission OR cur.unit_code = '{NATIONAL}') AND cur.reported IS NOT FALSE)
        SELECT year, unit_code, sex, age_group, exploitation, status, CAST(sum(count) AS BIGINT) AS count FROM (
            SELECT cu.year, cu.unit_code, coalesce(v.sex, 'unknown') AS sex,
                   coalesce(v.age_group, 'unknown') AS age_group,
                   coalesce(v.exploitation, 'unknown') AS exploitation, coalesce(v.status, 'unknown') AS status,
                   v.count
            FROM victims v JOIN cu ON cu.submission_id = v.submission_id WHERE cu.format = 'report'
            UNION ALL
            SELECT cu.year, cu.unit_code, 'unknown', 'unknown', 'unknown', 'unknown', sm.victims
            FROM summary sm JOIN cu ON cu.submission_id = sm.submission_id
            WHERE cu.format = 'summary' AND sm.victims IS NOT NULL
            UNION ALL
            SELECT cu.year, cu.unit_code, 'unknown', 'unknown', 'unknown', 'unknown', 0
            FROM cu JOIN present p ON p.submission_id = cu.submission_id
            WHERE cu.format = 'report' AND list_contains(p.sheets, 'victims')
              AND NOT EXISTS (SELECT 1 FROM victims v WHERE v.submission_id = cu.submission_id))
        GROUP BY ALL ORDER BY ALL""", params(year_from, year_to))
    df["count"] = df["count"].astype(int)
    df["year"] = df["year"].astype(int)
    return df


def victims(store: Store, year: int, by: list[str], units=None) -> pd.DataFrame:
    """``*by, count`` with by ⊆ unit_code, sex, age_group, exploitation, status (rows with a
    breakdown category and count 0 are left out; by=[] gives the total)."""
    by = list(by)
    bad = [b for b in by if b not in ("unit_code", *VICTIM_DIMS)]
    if bad:
        raise ValueError(f"unknown victims breakdown {bad}")
    units = units_list(units)
    cells = victim_cells(store, year)
    sel = cells if units is None else cells[cells["unit_code"].isin(units)]
    if by:
        df = sel.groupby(by, sort=True, as_index=False)["count"].sum()
        if any(b in VICTIM_DIMS for b in by):
            df = df[df["count"] > 0]
    else:
        df = pd.DataFrame({"count": [int(sel["count"].sum())]} if len(sel) else {"count": []})
    df = df.reset_index(drop=True)
    df["count"] = df["count"].astype(int)
    df.attrs[VICTIMS_ATTR] = {"year": int(year), "cells": cells_tuple(cells),
                                  "units": None if units is None else tuple(units)}
    return df


def assistance(store: Store, year: int, units=None) -> pd.DataFrame:
    """type (legal|medical|psychological|housing), count (NA unless every victims row gives it),
    provided (bool: some row gives it, with or without a count)."""
    units = units_list(units)
    parts = ", ".join(
        f"""CASE WHEN count(*) > 0 AND count(v.{a}) = count(*) THEN sum(v.{a}) END AS {a}_n,
            coalesce(bool_or(coalesce(v.{a}_provided, false) OR coalesce(v.{a}, 0) > 0), false) AS {a}_p"""
        for a in ASSISTANCE_TYPES)
    row = store.query(
        f"""WITH {CUR}
        SELECT {parts} FROM victims v JOIN cur ON cur.submission_id = v.submission_id
        WHERE cur.reported IS NOT FALSE{unit_filter(units)}""", params(year, year, units)).iloc[0]
    df = pd.DataFrame({"type": list(ASSISTANCE_TYPES),
                       "count": pd.array([None if pd.isna(row[f"{a}_n"]) else int(row[f"{a}_n"])
                                          for a in ASSISTANCE_TYPES], dtype="Int64"),
                       "provided": [bool(row[f"{a}_p"]) for a in ASSISTANCE_TYPES]})
    df.attrs[VICTIMS_ATTR] = {"year": int(year), "cells": cells_tuple(victim_cells(store, year)),
                                  "units": None if units is None else tuple(units)}
    return df


def victim_breakdown_reported(store: Store, year: int, dim: str) -> bool:
    """False when every victims cell has 'unknown' (or blank) in ``dim`` (or there are none).
    dim 'unit_code': True when some commission (not only the national level) gives victims."""
    if dim not in ("unit_code", *VICTIM_DIMS):
        raise ValueError(f"unknown victims dimension {dim!r}")
    cells = victim_cells(store, year)
    if dim == "unit_code":
        return bool((cells["unit_code"] != NATIONAL).any())
    return bool((cells[dim] != "unknown").any())
