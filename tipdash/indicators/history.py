"""Figures across years: every commission's figures for every year of a range (one query), the
yearly totals of the whole period, and the change of a year against any chosen base year. Raw,
before privacy.

Frames with victim figures carry each year's victim cells in ``df.attrs["tipdash.victims_years"]``
(year -> cells, the form ``df.attrs["tipdash.victims"]`` has for one year), so that
:mod:`tipdash.privacy` labels every cell from its own year's protected base: a cell of the
district x year table says exactly what the map and the Victims page say for that year.
"""
from __future__ import annotations

import pandas as pd

from tipdash.indicators.sql import (FIG, FIG_COLS, NATIONAL, NUMERIC, VICTIMS_PREV_ATTR, params, typed,
                                    unit_filter, units_list)
from tipdash.indicators.victim_counts import cells_tuple, victim_cells, victim_cells_range
from tipdash.indicators.yearly import status_and_completeness, unit_year
from tipdash.store import Store

VICTIMS_YEARS_ATTR = "tipdash.victims_years"   # same key as tipdash.privacy.ATTR_YEARS


def _years_cells(store: Store, year_from: int, year_to: int) -> dict[int, tuple]:
    cells = victim_cells_range(store, year_from, year_to)
    out = {y: () for y in range(int(year_from), int(year_to) + 1)}
    for year, part in cells.groupby("year", sort=True):
        out[int(year)] = cells_tuple(part.drop(columns=["year"]))
    return out


def unit_years(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """One row per commission unit and year of the range (35 x years, whether it reported or not):
    code, year, reporting_status, NUMERIC…, information_activities_approx, submission_id,
    file_name. A year without any commission data gives 35 rows 'not_reported'."""
    df = store.query(
        f"""WITH {FIG}, yrs AS (SELECT CAST(range AS INTEGER) AS year FROM range($y0, $y1 + 1))
        SELECT u.code, yrs.year, f.reported, {FIG_COLS}, f.submission_id, f.file_name, f.format
        FROM units u CROSS JOIN yrs LEFT JOIN fig f ON f.unit_code = u.code AND f.year = yrs.year
        WHERE u.has_commission ORDER BY u.code, yrs.year""", params(year_from, year_to))
    df = status_and_completeness(typed(df))
    cols = ["code", "year", "reporting_status", *NUMERIC, "information_activities_approx", "completeness",
            "submission_id", "file_name"]
    df = df[cols].reset_index(drop=True)
    df.attrs[VICTIMS_YEARS_ATTR] = _years_cells(store, year_from, year_to)
    return df


def yearly_totals(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """One row per year of the range: year, sessions, information_activities (sums over the
    commissions and the national level; NA when nobody gave the figure that year),
    information_activities_approx, units_reporting (commissions that sent a report, 'MD' not
    counted). Only the unit filter's units when one is given (the national level then left out)."""
    units = units_list(units)
    df = store.query(
        f"""WITH {FIG}, yrs AS (SELECT CAST(range AS INTEGER) AS year FROM range($y0, $y1 + 1)),
        f AS (SELECT fig.* FROM fig LEFT JOIN units u ON u.code = fig.unit_code
              WHERE (u.has_commission OR fig.unit_code = '{NATIONAL}'){unit_filter(units, 'fig.unit_code')})
        SELECT yrs.year, sum(f.sessions) AS sessions, sum(f.information_activities) AS information_activities,
               coalesce(bool_or(f.information_activities_approx), false) AS information_activities_approx,
               count(*) FILTER (WHERE f.unit_code <> '{NATIONAL}' AND f.reported IS NOT FALSE) AS units_reporting
        FROM yrs LEFT JOIN f ON f.year = yrs.year GROUP BY yrs.year ORDER BY yrs.year""",
        params(year_from, year_to, units))
    for c in ("sessions", "information_activities", "units_reporting"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    df["units_reporting"] = df["units_reporting"].fillna(0)
    df["year"] = df["year"].astype(int)
    df["information_activities_approx"] = df["information_activities_approx"].astype(bool)
    return df


def change_between(store: Store, year: int, base_year: int) -> pd.DataFrame:
    """``unit_year(year)`` plus ``<ind>_prev`` (the base year's figure) and ``<ind>_change``
    (NA unless both years give it), for any earlier or later base year. The base year's victim
    cells ride in ``attrs["tipdash.victims_prev"]`` (what privacy reads ``_prev`` from)."""
    cur = unit_year(store, year)
    base = unit_year(store, base_year)
    base = base[["code", "reporting_status", *NUMERIC]].rename(
        columns={c: f"{c}_prev" for c in ["reporting_status", *NUMERIC]})
    attrs = dict(cur.attrs)
    df = cur.merge(base, on="code", how="left")
    for ind in NUMERIC:
        df[f"{ind}_change"] = df[ind] - df[f"{ind}_prev"]
    df.attrs = attrs
    df.attrs[VICTIMS_PREV_ATTR] = {"year": int(base_year), "cells": cells_tuple(victim_cells(store, base_year)),
                                   "units": None}
    return df
