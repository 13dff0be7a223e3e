"""What every indicators module shares: the SQL of current submissions and of their figures, the
optional unit filter, and the column types. Kept apart so that no module of the package needs
another one's internals (the dated series and the victims build on this, not on yearly).

Reads only current submissions of the commissions (formats A and B; the national statistical
series, format C, is read by ``series``). NA = not reported; 0 = reported zero. Format B (summary) rows
give the figures as they are; format A (commission report) figures are derived from the detail
rows. A format-A sheet that is absent gives NA; a sheet present without rows gives 0 -- the
importer records the sheets a report had in ``submissions.sheets`` ("activities,sessions,...").
"""
from __future__ import annotations

import pandas as pd

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
CUR = """
cur AS (
    SELECT s.submission_id, s.unit_code, s.year, s.format, s.reported, i.file_name,
           coalesce(s.source_lang, 'ro') AS source_lang, s.prepared_by
    FROM submissions s JOIN imports i ON i.import_id = s.import_id
    WHERE s.status = 'current' AND s.format <> 'series' AND s.year BETWEEN $y0 AND $y1),
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
FIG = CUR + f""",
ses AS (SELECT submission_id, count(*) AS n FROM sessions GROUP BY submission_id),
act AS (SELECT submission_id, count(*) AS n,
               sum(count) FILTER (WHERE type IN ({_INFO})) AS info,
               bool_or(approximate) FILTER (WHERE type IN ({_INFO})) AS info_approx,
               sum(participants) AS participants
        FROM activities GROUP BY submission_id),
trn AS (SELECT submission_id, count(*) AS n, sum(count) AS trainings, sum(participants) AS members,
               bool_or(participants IS NULL) AND bool_or(participants IS NOT NULL) AS members_partial
        FROM trainings GROUP BY submission_id),
vic AS (SELECT submission_id, count(*) AS n, sum(count) AS victims FROM victims GROUP BY submission_id),
par AS (SELECT submission_id, count(*) AS n, count(*) FILTER (WHERE kind = 'ngo') AS ngo
        FROM partners GROUP BY submission_id),
cha AS (SELECT submission_id, count(*) AS n FROM challenges GROUP BY submission_id),
fig AS (
    SELECT cur.submission_id, cur.unit_code, cur.year, cur.format, cur.reported, cur.file_name,
{_FIGURE_COLUMNS},
        coalesce(trn.members_partial, false) AS members_trained_partial,
        coalesce(sm.source, CASE WHEN cur.format = 'summary' THEN 'commission_report' END) AS summary_source,
        coalesce(sm.status_inferred, false) AS status_inferred
    FROM cur
    LEFT JOIN summary sm ON sm.submission_id = cur.submission_id
    LEFT JOIN present p ON p.submission_id = cur.submission_id
    LEFT JOIN ses ON ses.submission_id = cur.submission_id
    LEFT JOIN act ON act.submission_id = cur.submission_id
    LEFT JOIN trn ON trn.submission_id = cur.submission_id
    LEFT JOIN vic ON vic.submission_id = cur.submission_id
    LEFT JOIN par ON par.submission_id = cur.submission_id
    LEFT JOIN cha ON cha.submission_id = cur.submission_id)"""

FIG_COLS = ", ".join(f"f.{c}" for c in NUMERIC) + (", f.information_activities_approx, f.members_trained_partial, "
                                                   "f.summary_source, f.status_inferred")


def units_list(units) -> list[str] | None:
    if units is None:
        return None
    if isinstance(units, str):
        return [units]
    return [str(u) for u in units]


def unit_filter(units, column: str = "cur.unit_code") -> str:
    """SQL condition for the optional unit filter (the codes go in as the $units parameter)."""
    return "" if units is None else f" AND {column} IN (SELECT unnest($units))"


def params(y0: int, y1: int, units=None, **extra) -> dict:
    p = {"y0": int(y0), "y1": int(y1), **extra}
    if units is not None:
        p["units"] = units
    return p


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer figures, boolean flags."""
    for c in NUMERIC + ["submission_id", "year"]:
        if c in df.columns:
            df[c] = pd.to_numeric(df[c]).astype("Int64")
    for flag in ("information_activities_approx", "members_trained_partial"):
        if flag in df.columns:
            df[flag] = df[flag].fillna(False).astype(bool)
    if "reported" in df.columns:
        df["reported"] = df["reported"].astype("boolean")
    return df
