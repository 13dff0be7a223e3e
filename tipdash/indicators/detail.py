"""Detail rows of current submissions: activities, meeting topics, partners, challenges, and when
the newest file was imported."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from tipdash.indicators.sql import CUR, params, unit_filter, units_list
from tipdash.store import Store


def activities(store: Store, year_from: int, year_to: int, units=None) -> pd.DataFrame:
    """Current activity rows: unit_code, year, date, end_date, type, target_group, participants,
    campaign, description, count, approximate, date_precision, end_date_precision ('day' | 'month'),
    source_lang (the language of the free text)."""
    units = units_list(units)
    df = store.query(
        f"""WITH {CUR}
        SELECT cur.unit_code, cur.year, a.date, a.end_date, a.type, a.target_group, a.participants,
               a.campaign, a.description, a.count, a.approximate,
               coalesce(a.date_precision, 'day') AS date_precision,
               coalesce(a.end_date_precision, 'day') AS end_date_precision, cur.source_lang
        FROM activities a JOIN cur ON cur.submission_id = a.submission_id
        WHERE true{unit_filter(units)}
        ORDER BY cur.year, cur.unit_code, a.date NULLS LAST, a.row_no""", params(year_from, year_to, units))
    for c in ("participants", "count", "year"):
        df[c] = pd.to_numeric(df[c]).astype("Int64")
    df["approximate"] = df["approximate"].astype(bool)
    for c in ("date", "end_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def _rows(store: Store, table: str, cols: str, year: int, units, order: str) -> pd.DataFrame:
    units = units_list(units)
    return store.query(
        f"""WITH {CUR}
        SELECT cur.unit_code, cur.year, {cols}, cur.source_lang
        FROM {table} x JOIN cur ON cur.submission_id = x.submission_id
        WHERE true{unit_filter(units)} ORDER BY cur.unit_code, {order}""", params(year, year, units))


def topics(store: Store, year: int, units=None) -> pd.DataFrame:
    """Meeting topics: unit_code, year, topic, source ('topics' sheet | 'session'), date, source_lang."""
    units = units_list(units)
    df = store.query(
        f"""WITH {CUR}
        SELECT unit_code, year, topic, source, date, source_lang FROM (
            SELECT cur.unit_code, cur.year, x.topic, 'topics' AS source, CAST(NULL AS DATE) AS date,
                   x.row_no, 0 AS k, cur.source_lang
            FROM topics x JOIN cur ON cur.submission_id = x.submission_id WHERE true{unit_filter(units)}
            UNION ALL
            SELECT cur.unit_code, cur.year, x.topics, 'session', x.date, x.row_no, 1, cur.source_lang
            FROM sessions x JOIN cur ON cur.submission_id = x.submission_id
            WHERE x.topics IS NOT NULL AND trim(x.topics) <> ''{unit_filter(units)})
        ORDER BY unit_code, k, row_no""", params(year, year, units))
    return df


def partners(store: Store, year: int, units=None) -> pd.DataFrame:
    """unit_code, year, organisation, kind, cooperation, source_lang."""
    return _rows(store, "partners", "x.organisation, x.kind, x.cooperation", year, units, "x.row_no")


def challenges(store: Store, year: int, units=None) -> pd.DataFrame:
    """unit_code, year, text, category, source_lang."""
    return _rows(store, "challenges", "x.text, x.category", year, units, "x.row_no")


def conclusions(store: Store, year: int) -> pd.DataFrame:
    """The compilers' own conclusions (format A sheet Conclusions), in their order: unit_code, year,
    text, prepared_by, source_lang. For 2022, the State Chancellery's five, at national level."""
    return _rows(store, "conclusions", "x.text, cur.prepared_by", year, None, "x.row_no")


def context(store: Store, year: int) -> pd.DataFrame:
    """The context the reports give (format A sheet Context): unit_code, year, text, prepared_by,
    source_lang."""
    return _rows(store, "context", "x.text, cur.prepared_by", year, None, "x.row_no")


def translations(store: Store) -> pd.DataFrame:
    """The translations table (source_lang, source_hash, lang, text, origin); empty for a database
    written before it existed."""
    cols = ["source_lang", "source_hash", "lang", "text", "origin"]
    if not store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'translations'"):
        return pd.DataFrame(columns=cols)
    return store.query(f"SELECT {', '.join(cols)} FROM translations ORDER BY source_hash, lang")


def last_import(store: Store) -> datetime | None:
    """When the newest file was imported (naive UTC), None for an empty database."""
    v = store.scalar("SELECT max(imported_at) FROM imports")
    if v is None or pd.isna(v):
        return None
    return pd.Timestamp(v).to_pydatetime()
