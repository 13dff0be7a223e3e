"""Figures per unit and year: the years, every current submission's figures, one row per
commission (``unit_year``), the national totals, the change on the previous year, completeness and
reporting streaks. Raw, before privacy.

Completeness of a submission = indicators given / indicators its format can give: format A
all 8 of NUMERIC, format B the 7 it has columns for (no challenges). reported = no -> 0. It is
NOT computed (NA, with the reason in ``completeness_na``) where it would measure a transcription
rather than a report: a summary row transcribed from a national note (``national_summary``) and
the national-level compilation (``national_level``).

Frames with victim figures carry the year's victim cells in ``df.attrs["tipdash.victims"]``
so that tipdash.privacy labels every view from one protected base per year.
"""
from __future__ import annotations

import pandas as pd

from tipdash.indicators.sql import (EXPECTED, FIG, FIG_COLS, NATIONAL, NUMERIC, VICTIMS_ATTR, VICTIMS_PREV_ATTR,
                                    params, typed)
from tipdash.indicators.victim_counts import cells_tuple, victim_cells
from tipdash.store import Store


def status_and_completeness(df: pd.DataFrame) -> pd.DataFrame:
    """reporting_status and completeness from reported/sessions/format and the figures."""
    has_sub = df["submission_id"].notna()
    not_rep = ~has_sub | (df["reported"] == False)  # noqa: E712 -- NA-aware
    not_rep = not_rep.fillna(False).astype(bool)
    met = (df["sessions"].fillna(0) > 0).astype(bool)
    df["reporting_status"] = "reported_no_sessions"
    df.loc[met, "reporting_status"] = "met"
    df.loc[not_rep, "reporting_status"] = "not_reported"
    given, expected = _given_expected(df)
    share = (given / expected.where(expected > 0)).fillna(0.0)
    reason = completeness_na(df)
    df["completeness"] = share.where(~not_rep, 0.0).astype(float).where(reason.isna())
    df["completeness_na"] = reason
    if "status_inferred" in df.columns:
        df["status_inferred"] = df["status_inferred"].astype("boolean").where(has_sub)
    return df


def completeness_na(df: pd.DataFrame) -> pd.Series:
    """Why completeness is not applicable to a row (NA when it is): ``national_summary`` for figures
    transcribed from a national note (format B, source national_note), ``national_level`` for the
    national-level compilation (unit MD)."""
    reason = pd.Series(pd.NA, index=df.index, dtype=object)
    if "summary_source" in df.columns:
        reason[(df["summary_source"] == "national_note").fillna(False).astype(bool)] = "national_summary"
    unit = df["unit_code"] if "unit_code" in df.columns else df.get("code")
    if unit is not None:
        reason[(unit == NATIONAL).fillna(False).astype(bool)] = "national_level"
    return reason


def _given_expected(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    fmt = df["format"].fillna("")
    given = pd.Series(0, index=df.index)
    expected = pd.Series(0, index=df.index)
    for ind in NUMERIC:
        counts = fmt.map(lambda f, i=ind: i in EXPECTED.get(f, ()))
        expected += counts.astype(int)
        given += (counts & df[ind].notna()).astype(int)
    reported_no = (df["reported"] == False).fillna(False).astype(bool)  # noqa: E712
    given = given.where(~reported_no, 0)
    return given, expected


def _attach(df: pd.DataFrame, store: Store, year: int, units=None, prev: bool = False) -> pd.DataFrame:
    df.attrs[VICTIMS_ATTR] = {"year": int(year), "cells": cells_tuple(victim_cells(store, year)),
                              "units": None if units is None else tuple(units)}
    if prev:
        df.attrs[VICTIMS_PREV_ATTR] = {"year": int(year) - 1,
                                       "cells": cells_tuple(victim_cells(store, int(year) - 1)), "units": None}
    return df


# ------------------------------------------------------------------------------ per unit-year

def years(store: Store) -> list[int]:
    """Years with a current commission submission (formats A and B), ascending."""
    df = store.query("SELECT DISTINCT year FROM submissions WHERE status = 'current' AND format <> 'series' "
                     "ORDER BY year")
    return [int(y) for y in df["year"]]


def figures(store: Store, year_from: int, year_to: int | None = None) -> pd.DataFrame:
    """One row per current submission (every unit, national level included) with its figures:
    submission_id, unit_code, year, format, reported, file_name, NUMERIC…, approx flag."""
    y1 = year_from if year_to is None else year_to
    df = store.query(f"WITH {FIG} SELECT * FROM fig ORDER BY year, unit_code", params(year_from, y1))
    return typed(df)


def unit_year(store: Store, year: int) -> pd.DataFrame:
    """One row per commission unit (35, by code) with its figures for ``year``."""
    df = store.query(
        f"""WITH {FIG}
        SELECT u.code, CAST($y0 AS INTEGER) AS year, f.reported, {FIG_COLS},
               f.submission_id, f.file_name, f.format
        FROM units u LEFT JOIN fig f ON f.unit_code = u.code
        WHERE u.has_commission ORDER BY u.code""", params(year, year))
    df = status_and_completeness(typed(df))
    cols = ["code", "year", "reported", "reporting_status", "status_inferred", "sessions", "information_activities",
            "information_activities_approx", "participants", "trainings", "members_trained", "members_trained_partial",
            "victims", "ngo_partners", "challenges", "completeness", "completeness_na", "submission_id", "file_name"]
    return _attach(df[cols].reset_index(drop=True), store, year)


def _national_level(store: Store, year: int) -> pd.DataFrame:
    df = figures(store, year)
    return df[df["unit_code"] == NATIONAL]


def national(store: Store, year: int) -> pd.DataFrame:
    """One row per indicator: districts_sum, districts_reporting, national_level, total, approximate,
    partial (members_trained: participants not reported for every training counted)."""
    uy = unit_year(store, year)
    md = _national_level(store, year)
    rows = []
    for ind in NUMERIC:
        col = uy[ind]
        dsum = col.sum(min_count=1)
        nat = md[ind].iloc[0] if len(md) else pd.NA
        parts = [v for v in (dsum, nat) if not pd.isna(v)]
        approx = False
        if ind == "information_activities":
            approx = bool(uy.loc[col.notna(), "information_activities_approx"].any()) or bool(
                len(md) and not pd.isna(nat) and md["information_activities_approx"].iloc[0])
        rows.append({"indicator": ind, "districts_sum": dsum, "districts_reporting": int(col.notna().sum()),
                     "national_level": nat, "total": sum(parts) if parts else pd.NA, "approximate": approx,
                     "partial": bool(parts) and ind == "members_trained" and _members_partial(uy, md)})
    df = pd.DataFrame(rows)
    for c in ("districts_sum", "national_level", "total"):
        df[c] = pd.array(df[c], dtype="Int64")
    return _attach(df, store, year)


def _members_partial(uy: pd.DataFrame, md: pd.DataFrame) -> bool:
    """Participants in trainings are not known for every training counted: a report's training
    rows without participants, or a unit with trainings but no participants figure."""
    frames = [f for f in (uy, md) if len(f)]
    for f in frames:
        if f["members_trained_partial"].any():
            return True
        if ((f["trainings"].fillna(0) > 0) & f["members_trained"].isna()).any():
            return True
    return False


def change(store: Store, year: int) -> pd.DataFrame:
    """unit_year(year) plus ``<ind>_prev`` and ``<ind>_change`` (NA unless both years give it)."""
    cur = unit_year(store, year)
    prev = unit_year(store, year - 1)
    prev = prev[["code", "reporting_status", *NUMERIC]].rename(
        columns={c: f"{c}_prev" for c in ["reporting_status", *NUMERIC]})
    df = cur.merge(prev, on="code", how="left")
    for ind in NUMERIC:
        df[f"{ind}_change"] = df[ind] - df[f"{ind}_prev"]
    df.attrs = {}
    return _attach(df, store, year, prev=True)


def completeness(store: Store, year: int) -> pd.DataFrame:
    """Per current submission of ``year`` (national level included; reported = no listed with 0):
    submission_id, unit_code, file_name, format, given, expected, share (NA when not applicable),
    completeness_na (the reason), reported."""
    df = figures(store, year)
    given, expected = _given_expected(df)
    out = pd.DataFrame({"submission_id": df["submission_id"], "unit_code": df["unit_code"],
                        "file_name": df["file_name"], "format": df["format"],
                        "given": given.astype(int), "expected": expected.astype(int)})
    reason = completeness_na(df)
    out["share"] = (out["given"] / out["expected"].where(out["expected"] > 0)).fillna(0.0).astype(float) \
        .where(reason.isna())
    out["completeness_na"] = reason
    out["reported"] = df["reported"]
    return out.sort_values(["unit_code", "submission_id"]).reset_index(drop=True)


def reporting_streaks(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """code, years_not_reported, years_without_meeting: consecutive years ending at year_to."""
    df = store.query(
        f"""WITH {FIG}, yrs AS (SELECT CAST(range AS INTEGER) AS year FROM range($y0, $y1 + 1))
        SELECT u.code, yrs.year, f.submission_id, f.reported, f.sessions
        FROM units u CROSS JOIN yrs LEFT JOIN fig f ON f.unit_code = u.code AND f.year = yrs.year
        WHERE u.has_commission ORDER BY u.code, yrs.year DESC""", params(year_from, year_to))
    df = typed(df)
    nr = (df["submission_id"].isna() | (df["reported"] == False).fillna(False)).astype(bool)  # noqa: E712
    no_meet = nr | ~(df["sessions"].fillna(0) > 0).astype(bool)
    df["nr"] = nr.astype(int).groupby(df["code"]).cumprod()
    df["nm"] = no_meet.astype(int).groupby(df["code"]).cumprod()
    out = df.groupby("code", sort=True)[["nr", "nm"]].sum().reset_index()
    return out.rename(columns={"nr": "years_not_reported", "nm": "years_without_meeting"}).astype(
        {"years_not_reported": int, "years_without_meeting": int})
