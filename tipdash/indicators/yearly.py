"""Every figure the pages, exports and the note show, as DataFrames (raw, before privacy).

Reads only current submissions. NA = not reported; 0 = reported zero. Format B (summary) rows
give the figures as they are; format A (commission report) figures are derived from the detail
rows. A format-A sheet that is absent gives NA; a sheet present without rows gives 0 -- the
importer records the sheets a report had in ``submissions.sheets`` ("activities,sessions,...").
National-level facts (unit 'MD') stay at 'MD': they are never spread over the districts.

Completeness of a submission = indicators given / indicators its format can give: format A
all 8 of NUMERIC, format B the 7 it has columns for (no challenges). reported = no -> 0.

Frames with victim figures carry the year's victim cells in ``df.attrs["tipdash.victims"]``
so that tipdash.privacy labels every view from one protected base per year.
Dated series (timelines, quarters, periods) live in tipdash.indicators_time, victims in
tipdash.indicators_victims; both are re-exported here.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from tipdash.store import Store

NUMERIC = ["sessions", "information_activities", "participants", "trainings", "members_trained",
           "victims", "ngo_partners", "challenges"]
INFO_TYPES = ("information", "awareness_campaign", "media")
VICTIM_DIMS = ("sex", "age_group", "exploitation", "status")
ASSISTANCE_TYPES = ("legal", "medical", "psychological", "housing")
STATUSES = ("not_reported", "reported_no_sessions", "met")
NATIONAL = "MD"
EXPECTED = {"report": tuple(NUMERIC), "summary": tuple(i for i in NUMERIC if i != "challenges")}
VICTIMS_ATTR = "tipdash.victims"          # same keys as tipdash.privacy.ATTR / ATTR_PREV
VICTIMS_PREV_ATTR = "tipdash.victims_prev"

_INFO = ", ".join(f"'{t}'" for t in INFO_TYPES)

# Current submissions of a year range, with their file.
_CUR = """
cur AS (
    SELECT s.submission_id, s.unit_code, s.year, s.format, s.reported, i.file_name
    FROM submissions s JOIN imports i ON i.import_id = s.import_id
    WHERE s.status = 'current' AND s.year BETWEEN $y0 AND $y1),
present AS (
    SELECT submission_id, string_split(sheets, ',') AS sheets
    FROM submissions WHERE sheets IS NOT NULL)"""

# indicator -> (aggregate CTE of the detail rows, the figure it gives, the sheet whose presence
# without rows means 0). Summary rows give the column of the same name (challenges: none).
_DERIVED = {
    "sessions": ("ses", "ses.n", "sessions"),
    "information_activities": ("act", "coalesce(act.info, 0)", "activities"),
    "participants": ("act", "act.participants", "activities"),
    "trainings": ("trn", "trn.trainings", "trainings"),
    "members_trained": ("trn", "trn.members", "trainings"),
    "victims": ("vic", "vic.victims", "victims"),
    "ngo_partners": ("par", "par.ngo", "partners"),
    "challenges": ("cha", "cha.n", "challenges"),
}


def _figure_sql(indicator: str) -> str:
    """reported = no -> NULL; summary -> its value; detail rows -> aggregate; sheet present -> 0."""
    cte, expr, sheet = _DERIVED[indicator]
    from_summary = "NULL" if indicator == "challenges" else f"sm.{indicator}"
    return (f"CASE WHEN cur.reported IS FALSE THEN NULL WHEN cur.format = 'summary' THEN {from_summary} "
            f"WHEN {cte}.n > 0 THEN {expr} WHEN list_contains(p.sheets, '{sheet}') THEN 0 END AS {indicator}")


_APPROX_SQL = ("CASE WHEN cur.reported IS FALSE THEN false "
               "WHEN cur.format = 'summary' THEN coalesce(sm.information_activities_approx, false) "
               "ELSE coalesce(act.info_approx, false) END AS information_activities_approx")
_FIGURE_COLUMNS = ",\n        ".join(
    [_figure_sql(i) for i in _DERIVED if i in ("sessions", "information_activities")] + [_APPROX_SQL]
    + [_figure_sql(i) for i in _DERIVED if i not in ("sessions", "information_activities")])

# One row per current submission with its NUMERIC figures.
_FIG = _CUR + f""",
ses AS (SELECT submission_id, count(*) AS n FROM sessions GROUP BY submission_id),
act AS (SELECT submission_id, count(*) AS n,
               sum(count) FILTER (WHERE type IN ({_INFO})) AS info,
               bool_or(approximate) FILTER (WHERE type IN ({_INFO})) AS info_approx,
               sum(participants) AS participants
        FROM activities GROUP BY submission_id),
trn AS (SELECT submission_id, count(*) AS n, sum(count) AS trainings, sum(participants) AS members
        FROM trainings GROUP BY submission_id),
vic AS (SELECT submission_id, count(*) AS n, sum(count) AS victims FROM victims GROUP BY submission_id),
par AS (SELECT submission_id, count(*) AS n, count(*) FILTER (WHERE kind = 'ngo') AS ngo
        FROM partners GROUP BY submission_id),
cha AS (SELECT submission_id, count(*) AS n FROM challenges GROUP BY submission_id),
fig AS (
    SELECT cur.submission_id, cur.unit_code, cur.year, cur.format, cur.reported, cur.file_name,
{_FIGURE_COLUMNS}
    FROM cur
    LEFT JOIN summary sm ON sm.submission_id = cur.submission_id
    LEFT JOIN present p ON p.submission_id = cur.submission_id
    LEFT JOIN ses ON ses.submission_id = cur.submission_id
    LEFT JOIN act ON act.submission_id = cur.submission_id
    LEFT JOIN trn ON trn.submission_id = cur.submission_id
    LEFT JOIN vic ON vic.submission_id = cur.submission_id
    LEFT JOIN par ON par.submission_id = cur.submission_id
    LEFT JOIN cha ON cha.submission_id = cur.submission_id)"""

_FIG_COLS = ", ".join(f"f.{c}" for c in NUMERIC) + ", f.information_activities_approx"


# ------------------------------------------------------------------------------ helpers

def _units_list(units) -> list[str] | None:
    if units is None:
        return None
    if isinstance(units, str):
        return [units]
    return [str(u) for u in units]


def _unit_filter(units, column: str = "cur.unit_code") -> str:
    """SQL condition for the optional unit filter (the codes go in as the $units parameter)."""
    return "" if units is None else f" AND {column} IN (SELECT unnest($units))"


def _params(y0: int, y1: int, units=None, **extra) -> dict:
    p = {"y0": int(y0), "y1": int(y1), **extra}
    if units is not None:
        p["units"] = units
    return p


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer figures, boolean flags."""
    for c in NUMERIC + ["submission_id", "year"]:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c]).astype("Int64")
    if "information_activities_approx" in df.columns:
        df["information_activities_approx"] = df["information_activities_approx"].fillna(False).astype(bool)
    if "reported" in df.columns:
        df["reported"] = df["reported"].astype("boolean")
    return df


def _status_and_completeness(df: pd.DataFrame) -> pd.DataFrame:
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
    df["completeness"] = share.where(~not_rep, 0.0).astype(float)
    return df


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
    df.attrs[VICTIMS_ATTR] = {"year": int(year), "cells": _cells_tuple(victim_cells(store, year)),
                              "units": None if units is None else tuple(units)}
    if prev:
        df.attrs[VICTIMS_PREV_ATTR] = {"year": int(year) - 1,
                                       "cells": _cells_tuple(victim_cells(store, int(year) - 1)), "units": None}
    return df


# ------------------------------------------------------------------------------ per unit-year

def years(store: Store) -> list[int]:
    """Years with a current submission, ascending."""
    df = store.query("SELECT DISTINCT year FROM submissions WHERE status = 'current' ORDER BY year")
    return [int(y) for y in df["year"]]


def figures(store: Store, year_from: int, year_to: int | None = None) -> pd.DataFrame:
    """One row per current submission (every unit, national level included) with its figures:
    submission_id, unit_code, year, format, reported, file_name, NUMERIC…, approx flag."""
    y1 = year_from if year_to is None else year_to
    df = store.query(f"WITH {_FIG} SELECT * FROM fig ORDER BY year, unit_code", _params(year_from, y1))
    return _typed(df)


def unit_year(store: Store, year: int) -> pd.DataFrame:
    """One row per commission unit (35, by code) with its figures for ``year``."""
    df = store.query(
        f"""WITH {_FIG}
        SELECT u.code, CAST($y0 AS INTEGER) AS year, f.reported, {_FIG_COLS},
               f.submission_id, f.file_name, f.format
        FROM units u LEFT JOIN fig f ON f.unit_code = u.code
        WHERE u.has_commission ORDER BY u.code""", _params(year, year))
    df = _status_and_completeness(_typed(df))
    cols = ["code", "year", "reported", "reporting_status", "sessions", "information_activities",
            "information_activities_approx", "participants", "trainings", "members_trained", "victims",
            "ngo_partners", "challenges", "completeness", "submission_id", "file_name"]
    return _attach(df[cols].reset_index(drop=True), store, year)


def _national_level(store: Store, year: int) -> pd.DataFrame:
    return figures(store, year).query("unit_code == @NATIONAL")


def national(store: Store, year: int) -> pd.DataFrame:
    """One row per indicator: districts_sum, districts_reporting, national_level, total, approximate."""
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
                     "national_level": nat, "total": sum(parts) if parts else pd.NA, "approximate": approx})
    df = pd.DataFrame(rows)
    for c in ("districts_sum", "national_level", "total"):
        df[c] = pd.array(df[c], dtype="Int64")
    return _attach(df, store, year)


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
    submission_id, unit_code, file_name, format, given, expected, share, reported."""
    df = figures(store, year)
    given, expected = _given_expected(df)
    out = pd.DataFrame({"submission_id": df["submission_id"], "unit_code": df["unit_code"],
                        "file_name": df["file_name"], "format": df["format"],
                        "given": given.astype(int), "expected": expected.astype(int)})
    out["share"] = (out["given"] / out["expected"].where(out["expected"] > 0)).fillna(0.0).astype(float)
    out["reported"] = df["reported"]
    return out.sort_values(["unit_code", "submission_id"]).reset_index(drop=True)


def reporting_streaks(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """code, years_not_reported, years_without_meeting: consecutive years ending at year_to."""
    df = store.query(
        f"""WITH {_FIG}, yrs AS (SELECT CAST(range AS INTEGER) AS year FROM range($y0, $y1 + 1))
        SELECT u.code, yrs.year, f.submission_id, f.reported, f.sessions
        FROM units u CROSS JOIN yrs LEFT JOIN fig f ON f.unit_code = u.code AND f.year = yrs.year
        WHERE u.has_commission ORDER BY u.code, yrs.year DESC""", _params(year_from, year_to))
    df = _typed(df)
    nr = (df["submission_id"].isna() | (df["reported"] == False).fillna(False)).astype(bool)  # noqa: E712
    no_meet = nr | ~(df["sessions"].fillna(0) > 0).astype(bool)
    df["nr"] = nr.astype(int).groupby(df["code"]).cumprod()
    df["nm"] = no_meet.astype(int).groupby(df["code"]).cumprod()
    out = df.groupby("code", sort=True)[["nr", "nm"]].sum().reset_index()
    return out.rename(columns={"nr": "years_not_reported", "nm": "years_without_meeting"}).astype(
        {"years_not_reported": int, "years_without_meeting": int})


# ------------------------------------------------------------------------------ detail rows

def activities(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """Current activity rows: unit_code, year, date, end_date, type, target_group, participants,
    campaign, description, count, approximate."""
    units = _units_list(units)
    df = store.query(
        f"""WITH {_CUR}
        SELECT cur.unit_code, cur.year, a.date, a.end_date, a.type, a.target_group, a.participants,
               a.campaign, a.description, a.count, a.approximate
        FROM activities a JOIN cur ON cur.submission_id = a.submission_id
        WHERE true{_unit_filter(units)}
        ORDER BY cur.year, cur.unit_code, a.date NULLS LAST, a.row_no""", _params(year_from, year_to, units))
    for c in ("participants", "count", "year"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    df["approximate"] = df["approximate"].astype(bool)
    for c in ("date", "end_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def _rows(store: Store, table: str, cols: str, year: int, units, order: str) -> pd.DataFrame:
    units = _units_list(units)
    return store.query(
        f"""WITH {_CUR}
        SELECT cur.unit_code, cur.year, {cols}
        FROM {table} x JOIN cur ON cur.submission_id = x.submission_id
        WHERE true{_unit_filter(units)} ORDER BY cur.unit_code, {order}""", _params(year, year, units))


def topics(store: Store, year: int, units=None) -> pd.DataFrame:
    """Meeting topics: unit_code, year, topic, source ('topics' sheet | 'session'), date."""
    units = _units_list(units)
    df = store.query(
        f"""WITH {_CUR}
        SELECT unit_code, year, topic, source, date FROM (
            SELECT cur.unit_code, cur.year, x.topic, 'topics' AS source, CAST(NULL AS DATE) AS date,
                   x.row_no, 0 AS k
            FROM topics x JOIN cur ON cur.submission_id = x.submission_id WHERE true{_unit_filter(units)}
            UNION ALL
            SELECT cur.unit_code, cur.year, x.topics, 'session', x.date, x.row_no, 1
            FROM sessions x JOIN cur ON cur.submission_id = x.submission_id
            WHERE x.topics IS NOT NULL AND trim(x.topics) <> ''{_unit_filter(units)})
        ORDER BY unit_code, k, row_no""", _params(year, year, units))
    return df


def partners(store: Store, year: int, units=None) -> pd.DataFrame:
    """unit_code, year, organisation, kind, cooperation."""
    return _rows(store, "partners", "x.organisation, x.kind, x.cooperation", year, units, "x.row_no")


def challenges(store: Store, year: int, units=None) -> pd.DataFrame:
    """unit_code, year, text, category."""
    return _rows(store, "challenges", "x.text, x.category", year, units, "x.row_no")


def last_import(store: Store) -> datetime | None:
    """When the newest file was imported (naive UTC), None for an empty database."""
    v = store.scalar("SELECT max(imported_at) FROM imports")
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).to_pydatetime()


# ------------------------------------------------------------------------------ one unit

def unit_profile(store: Store, code: str, year: int) -> dict[str, pd.DataFrame]:
    """Everything one unit (or 'MD') reported for ``year``: summary, sessions, topics, activities,
    campaigns, trainings, victims (long: dimension, category, count), partners, challenges,
    submissions (every version of the unit-year: file_name, sha256, imported_at, imported_by,
    status…)."""
    p = {"y0": int(year), "y1": int(year), "code": code}
    summary = store.query(
        f"""WITH {_FIG}
        SELECT c.code, CAST($y0 AS INTEGER) AS year, f.reported, {_FIG_COLS}, f.submission_id, f.file_name,
               f.format
        FROM (SELECT $code AS code) c LEFT JOIN fig f ON f.unit_code = c.code""", p)
    summary = _status_and_completeness(_typed(summary)).drop(columns=["format"])
    summary = summary[["code", "year", "reported", "reporting_status", *NUMERIC,
                       "information_activities_approx", "completeness", "submission_id", "file_name"]]

    def rows(table: str, cols: str, order: str) -> pd.DataFrame:
        return store.query(
            f"""WITH {_CUR}
            SELECT {cols} FROM {table} x JOIN cur ON cur.submission_id = x.submission_id
            WHERE cur.unit_code = $code ORDER BY {order}""", p)

    cells = victim_cells(store, year)
    mine = cells[cells["unit_code"] == code]
    long = pd.concat([mine.groupby(d, as_index=False)["count"].sum().rename(columns={d: "category"})
                      .assign(dimension=d) for d in VICTIM_DIMS], ignore_index=True) if len(mine) else \
        pd.DataFrame(columns=["dimension", "category", "count"])
    long = long[["dimension", "category", "count"]].reset_index(drop=True)
    attrs = {"year": int(year), "cells": _cells_tuple(cells), "units": (code,)}
    summary.attrs[VICTIMS_ATTR] = attrs
    long.attrs[VICTIMS_ATTR] = attrs
    return {
        "summary": summary,
        "sessions": rows("sessions", "x.date, x.topics, x.participants", "x.date NULLS LAST, x.row_no"),
        "topics": rows("topics", "x.topic", "x.row_no"),
        "activities": activities(store, year, year, units=[code]).drop(columns=["unit_code", "year"]),
        "campaigns": rows("campaigns", "x.name, x.start_date, x.end_date, x.description",
                          "x.start_date NULLS LAST, x.row_no"),
        "trainings": rows("trainings", "x.title, x.start_date, x.end_date, x.organisers, x.participants, x.count",
                          "x.start_date NULLS LAST, x.row_no"),
        "victims": long,
        "partners": rows("partners", "x.organisation, x.kind, x.cooperation", "x.row_no"),
        "challenges": rows("challenges", "x.text, x.category", "x.row_no"),
        "submissions": store.query(
            """SELECT s.submission_id, s.format, s.status, i.file_name, i.sha256, i.imported_at,
                      i.imported_by, s.submitted_on, s.prepared_by, s.reported
               FROM submissions s JOIN imports i ON i.import_id = s.import_id
               WHERE s.unit_code = $code AND s.year = $y0
               ORDER BY i.imported_at DESC, s.submission_id DESC""", {"code": code, "y0": int(year)}),
    }


# Dated series and victims live in two more modules; re-exported so callers use this one.
from tipdash.indicators.time import (  # noqa: E402
    activities_timeline, periods, sessions_per_quarter, sessions_per_year, undated_activities,
)
from tipdash.indicators.victim_counts import (  # noqa: E402
    _cells_tuple, assistance, victim_breakdown_reported, victim_cells, victims,
)

__all__ = [
    "NUMERIC", "years", "figures", "unit_year", "national", "change", "completeness", "reporting_streaks",
    "activities", "activities_timeline", "undated_activities", "sessions_per_quarter", "sessions_per_year",
    "periods", "victim_cells", "victims", "assistance", "victim_breakdown_reported", "unit_profile",
    "topics", "partners", "challenges", "last_import",
]
