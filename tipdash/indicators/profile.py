"""Everything one unit reported for one year (the district profile of the dashboard)."""
from __future__ import annotations

import pandas as pd

from tipdash.indicators.detail import activities
from tipdash.indicators.sql import CUR, FIG, FIG_COLS, NUMERIC, VICTIM_DIMS, VICTIMS_ATTR, typed
from tipdash.indicators.victim_counts import cells_tuple, victim_cells
from tipdash.indicators.yearly import status_and_completeness
from tipdash.store import Store


_PRECISION = ("coalesce(x.start_date_precision, 'day') AS start_date_precision, "
              "coalesce(x.end_date_precision, 'day') AS end_date_precision")


def unit_profile(store: Store, code: str, year: int) -> dict[str, pd.DataFrame]:
    """Everything one unit (or 'MD') reported for ``year``: summary, sessions, topics, activities,
    campaigns, trainings, victims (long: dimension, category, count), partners, challenges,
    submissions (every version of the unit-year: file_name, sha256, imported_at, imported_by,
    status…)."""
    p = {"y0": int(year), "y1": int(year), "code": code}
    summary = store.query(
        f"""WITH {FIG}
        SELECT c.code, CAST($y0 AS INTEGER) AS year, f.reported, {FIG_COLS}, f.submission_id, f.file_name,
               f.format
        FROM (SELECT $code AS code) c LEFT JOIN fig f ON f.unit_code = c.code""", p)
    summary = status_and_completeness(typed(summary)).drop(columns=["format"])
    summary = summary[["code", "year", "reported", "reporting_status", "status_inferred", *NUMERIC,
                       "information_activities_approx", "members_trained_partial", "completeness",
                       "completeness_na", "submission_id", "file_name"]]

    def rows(table: str, cols: str, order: str) -> pd.DataFrame:
        return store.query(
            f"""WITH {CUR}
            SELECT {cols}, cur.source_lang FROM {table} x JOIN cur ON cur.submission_id = x.submission_id
            WHERE cur.unit_code = $code ORDER BY {order}""", p)

    cells = victim_cells(store, year)
    mine = cells[cells["unit_code"] == code]
    long = pd.concat([mine.groupby(d, as_index=False)["count"].sum().rename(columns={d: "category"})
                      .assign(dimension=d) for d in VICTIM_DIMS], ignore_index=True) if len(mine) else \
        pd.DataFrame(columns=["dimension", "category", "count"])
    long = long[["dimension", "category", "count"]].reset_index(drop=True)
    attrs = {"year": int(year), "cells": cells_tuple(cells), "units": (code,)}
    summary.attrs[VICTIMS_ATTR] = attrs
    long.attrs[VICTIMS_ATTR] = attrs
    return {
        "summary": summary,
        "sessions": rows("sessions", "x.date, x.topics, x.participants", "x.date NULLS LAST, x.row_no"),
        "topics": rows("topics", "x.topic", "x.row_no"),
        "activities": activities(store, year, year, units=[code]).drop(columns=["unit_code", "year"]),
        "campaigns": rows("campaigns", f"x.name, x.start_date, x.end_date, x.description, {_PRECISION}",
                          "x.start_date NULLS LAST, x.row_no"),
        "trainings": rows("trainings", "x.title, x.start_date, x.end_date, x.organisers, x.participants, x.count, "
                          + _PRECISION, "x.start_date NULLS LAST, x.row_no"),
        "victims": long,
        "partners": rows("partners", "x.organisation, x.kind, x.cooperation", "x.row_no"),
        "challenges": rows("challenges", "x.text, x.category", "x.row_no"),
        "submissions": store.query(
            """SELECT s.submission_id, s.format, s.status, i.file_name, i.sha256, i.imported_at,
                      i.imported_by, s.submitted_on, s.prepared_by, s.reported,
                      coalesce(s.source_lang, 'ro') AS source_lang
               FROM submissions s JOIN imports i ON i.import_id = s.import_id
               WHERE s.unit_code = $code AND s.year = $y0 AND s.format <> 'series'
               ORDER BY i.imported_at DESC, s.submission_id DESC""", {"code": code, "y0": int(year)}),
    }
