"""The national statistical series (format C) as imported: published national figures with their
source, never added to the commissions' figures. Raw; nothing here is suppressed, because these
are national totals and rates that the sources themselves publish (tipdash.privacy protects
counts by district)."""
from __future__ import annotations

import pandas as pd

from tipdash.store import Store

SERIES_COLUMNS = ["year", "indicator", "breakdown", "dimension", "category", "value", "value_text", "unit",
                  "source", "note", "submission_id", "file_name", "sheet", "row_no"]
SOURCE_COLUMNS = ["source", "publisher", "title", "url", "licence", "accessed", "note"]


def _has_series(store: Store) -> bool:
    """A database written before format C has no series tables (it gets them on its next write)."""
    return bool(store.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'series'"))


def national_series(store: Store, indicator: str | None = None) -> pd.DataFrame:
    """Every current figure (optionally of one indicator), ordered by year, indicator, breakdown:
    year, indicator, breakdown, dimension ('total', 'sex', or 'sex&age' for a combined breakdown),
    category ('total', 'female', 'female&child'), value (float), value_text (as published), unit,
    source, note (codes joined by ';'), and where it comes from (submission_id, file_name, sheet,
    row_no)."""
    if not _has_series(store):
        return pd.DataFrame(columns=SERIES_COLUMNS)
    df = store.query(
        """SELECT s.year, x.indicator, x.breakdown, x.value, x.value_text, x.unit, s.source, x.note,
                  s.submission_id, i.file_name, x.sheet, x.row_no
           FROM series x JOIN submissions s ON s.submission_id = x.submission_id
           JOIN imports i ON i.import_id = s.import_id
           WHERE s.status = 'current' AND ($ind IS NULL OR x.indicator = $ind)
           ORDER BY s.year, x.indicator, x.breakdown, s.source""", {"ind": indicator})
    parts = [[p.split(":", 1) for p in b.split("&")] if b != "total" else [["total", "total"]]
             for b in df["breakdown"]]
    df["dimension"] = ["&".join(d for d, _ in p) for p in parts]
    df["category"] = ["&".join(c for _, c in p) for p in parts]
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    df["row_no"] = pd.to_numeric(df["row_no"]).astype("Int64")
    return df[SERIES_COLUMNS].reset_index(drop=True)


def series_sources(store: Store) -> pd.DataFrame:
    """The sources of the current figures, one row per source id (the row it was last imported
    with): source, publisher, title, url, licence, accessed, note."""
    if not _has_series(store):
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    df = store.query(
        """SELECT x.source, x.publisher, x.title, x.url, x.licence, x.accessed, x.note
           FROM series_sources x JOIN submissions s ON s.submission_id = x.submission_id
           WHERE s.status = 'current'
           QUALIFY row_number() OVER (PARTITION BY x.source ORDER BY s.submission_id DESC) = 1
           ORDER BY x.source""")
    return df[SOURCE_COLUMNS].reset_index(drop=True)


def series_years(store: Store) -> list[int]:
    """Years with at least one current national figure, ascending."""
    if not _has_series(store):
        return []
    df = store.query("SELECT DISTINCT year FROM submissions WHERE status = 'current' AND format = 'series' "
                     "ORDER BY year")
    return [int(y) for y in df["year"]]
