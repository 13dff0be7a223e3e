"""The one Store of the server (built from ``data/seed`` on first use when the database is
missing) and query results cached until a new database is published (``store.version``)."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tipdash import privacy
from tipdash import store as store_mod
from tipdash.i18n import content


@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> store_mod.Store:
    """One Store per database path for the whole server; builds the 2022 database when missing."""
    p = Path(path)
    if not p.exists():
        from tipdash import ingest  # only on a server's first start without a database

        report = ingest.init_db(p)
        if not p.exists():
            problems = "; ".join(str(pr) for pr in getattr(report, "problems", [])[:5])
            raise store_mod.StoreMissing(f"Could not build {p}: {problems}")
    return store_mod.Store(p)


def db_path() -> Path:
    return store_mod.db_path().resolve()


def get_store() -> store_mod.Store:
    """The shared, thread-safe read handle (built from data/seed if the file is missing)."""
    return _open_store(str(db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(module: str, func: str, path: str, version: Any, args: tuple, kwargs: tuple):
    mod = importlib.import_module(f"tipdash.{module}")
    return getattr(mod, func)(_open_store(path), *args, **dict(kwargs))


def data(func: str, *args, module: str = "indicators", **kwargs):
    """``tipdash.<module>.<func>(store, *args, **kwargs)``, cached until a new database is published."""
    s = get_store()
    return _cached(module, func, str(s.path), s.version, args, tuple(sorted(kwargs.items())))


def available_years() -> list[int]:
    try:
        return [int(y) for y in data("years")]
    except store_mod.StoreMissing:
        return []


@st.cache_data(show_spinner=False, max_entries=64)
def _protected_national(path: str, version: Any, year: int) -> pd.DataFrame:
    return privacy.protect_national(data("national", year))


def national(year: int) -> pd.DataFrame:
    """``indicators.national`` with the victims row protected (privacy.protect_national), once per
    published database rather than once per metric."""
    s = get_store()
    return _protected_national(str(s.path), s.version, year)


def national_row(year: int, indicator: str) -> dict[str, Any]:
    nat = national(year)
    row = nat[nat["indicator"] == indicator]
    return row.iloc[0].to_dict() if len(row) else {}


@st.cache_data(show_spinner=False, max_entries=8)
def _translations(path: str, version: Any) -> content.Translations:
    return content.Translations.from_frame(data("translations"))


def translations() -> content.Translations:
    """The free text's translations (tipdash.i18n.content), once per published database."""
    s = get_store()
    return _translations(str(s.path), s.version)
