"""Dated series: activity timelines, undated
activities, sessions per quarter/year, training and campaign periods. Raw, current submissions.

An activity counts at its (start) date with its ``count``; rows without a date are listed by
``undated_activities`` instead of being placed at an arbitrary date.
"""
from __future__ import annotations

import pandas as pd

from tipdash.indicators.sql import CUR, FIG, NATIONAL, params, unit_filter, units_list
from tipdash.store import Store

_FREQ = {"M": "month", "W": "week"}   # weeks start on Monday (ISO)
_BY = ("type", "target_group")


def activities_timeline(store: Store, year_from: int, year_to: int, freq: str = "M", by: str = "type",
                        units=None) -> pd.DataFrame:
    """``period`` (start of month/ISO week, Timestamp), ``<by>``, ``activities`` (sum of count),
    dated activity rows only."""
    if freq not in _FREQ:
        raise ValueError(f"freq must be one of {sorted(_FREQ)}")
    if by not in _BY:
        raise ValueError(f"by must be one of {_BY}")
    units = units_list(units)
    df = store.query(
        f"""WITH {CUR}
        SELECT CAST(date_trunc('{_FREQ[freq]}', a.date) AS TIMESTAMP) AS period, a.{by} AS {by},
               CAST(sum(a.count) AS BIGINT) AS activities
        FROM activities a JOIN cur ON cur.submission_id = a.submission_id
        WHERE a.date IS NOT NULL{unit_filter(units)}
        GROUP BY ALL ORDER BY period, {by} NULLS LAST""", params(year_from, year_to, units))
    df["period"] = pd.to_datetime(df["period"])
    df["activities"] = df["activities"].astype(int)
    return df


def undated_activities(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """Activities without a date: year, unit_code, type, activities, approximate."""
    units = units_list(units)
    df = store.query(
        f"""WITH {CUR}
        SELECT cur.year, cur.unit_code, a.type, CAST(sum(a.count) AS BIGINT) AS activities,
               bool_or(a.approximate) AS approximate
        FROM activities a JOIN cur ON cur.submission_id = a.submission_id
        WHERE a.date IS NULL{unit_filter(units)}
        GROUP BY ALL ORDER BY cur.year, cur.unit_code, a.type NULLS LAST""",
        params(year_from, year_to, units))
    df["activities"] = df["activities"].astype(int)
    df["approximate"] = df["approximate"].astype(bool)
    return df


def sessions_per_quarter(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """``quarter`` ('2022Q3'), ``sessions``: dated session rows of commission reports."""
    units = units_list(units)
    df = store.query(
        f"""WITH {CUR}
        SELECT concat(year(x.date), 'Q', quarter(x.date)) AS quarter, CAST(count(*) AS BIGINT) AS sessions
        FROM sessions x JOIN cur ON cur.submission_id = x.submission_id
        WHERE x.date IS NOT NULL{unit_filter(units)}
        GROUP BY ALL ORDER BY quarter""", params(year_from, year_to, units))
    df["sessions"] = df["sessions"].astype(int)
    return df


def sessions_per_year(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """``year``, ``sessions`` from every source (summary figures and report rows): the sum over
    commission units and the national level; NA when no unit gives sessions that year."""
    units = units_list(units)
    df = store.query(
        f"""WITH {FIG}
        SELECT f.year, sum(f.sessions) AS sessions
        FROM fig f LEFT JOIN units u ON u.code = f.unit_code
        WHERE (u.has_commission OR f.unit_code = '{NATIONAL}'){unit_filter(units, 'f.unit_code')}
        GROUP BY f.year ORDER BY f.year""", params(year_from, year_to, units))
    df["year"] = df["year"].astype(int)
    df["sessions"] = pd.to_numeric(df["sessions"]).astype("Int64")
    return df


def periods(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """Trainings and campaigns as periods: kind ('training'|'campaign'), name, start_date,
    end_date, unit_code, count, participants, organisers, year, start_date_precision and
    end_date_precision ('day' | 'month': a period the source gives in months), source_lang."""
    df = store.query(
        f"""WITH {CUR}
        SELECT * FROM (
            SELECT 'training' AS kind, x.title AS name, x.start_date, x.end_date, cur.unit_code,
                   x.count, x.participants, x.organisers, cur.year, x.row_no,
                   coalesce(x.start_date_precision, 'day') AS start_date_precision,
                   coalesce(x.end_date_precision, 'day') AS end_date_precision, cur.source_lang
            FROM trainings x JOIN cur ON cur.submission_id = x.submission_id
            UNION ALL
            SELECT 'campaign', x.name, x.start_date, x.end_date, cur.unit_code,
                   NULL, NULL, NULL, cur.year, x.row_no, coalesce(x.start_date_precision, 'day'),
                   coalesce(x.end_date_precision, 'day'), cur.source_lang
            FROM campaigns x JOIN cur ON cur.submission_id = x.submission_id)
        ORDER BY start_date NULLS LAST, kind, unit_code, row_no""", params(year_from, year_to))
    df = df.drop(columns=["row_no"])
    for c in ("count", "participants", "year"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    for c in ("start_date", "end_date"):
        df[c] = pd.to_datetime(df[c])
    return df
