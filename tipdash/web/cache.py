"""The one Store of the server (built from ``data/seed`` on first use when the database is
missing), query results cached until a new database is published (``store.version``), and the
objects built from them that every session can share (``shared``: figures, localised tables)."""
from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pickle
from collections.abc import Callable, Mapping
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
    return _resolved(str(store_mod.db_path()), os.getcwd())


@functools.lru_cache(maxsize=16)
def _resolved(path: str, cwd: str) -> Path:
    """Path.resolve() asks the file system at every step; a page asks for the path a dozen times."""
    return Path(path).resolve()


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


@st.cache_resource(show_spinner=False, max_entries=64)
def _national_rows(path: str, version: Any, year: int) -> dict[str, dict[str, Any]]:
    nat = _protected_national(path, version, year)
    return {r["indicator"]: r for r in nat.to_dict("records")}


def national_row(year: int, indicator: str) -> dict[str, Any]:
    """One indicator's row of ``national`` (a copy: the rows are shared by every session)."""
    s = get_store()
    return dict(_national_rows(str(s.path), s.version, year).get(indicator, {}))


@st.cache_resource(show_spinner=False, max_entries=8)
def _translations(path: str, version: Any) -> content.Translations:
    """Shared, not copied: every table of every run reads it, and nothing writes to it."""
    return content.Translations.from_frame(data("translations"))


def translations() -> content.Translations:
    """The free text's translations (tipdash.i18n.content), once per published database."""
    s = get_store()
    return _translations(str(s.path), s.version)


# ---------------------------------------------------------------------------- shared objects

def fingerprint(*parts: Any) -> str:
    """A digest of values compared by content: DataFrames and Series by their pickle (values,
    index, dtypes, attrs: faster than hashing them, and two different frames never pickle alike;
    two equal ones may, rarely, pickle apart, which only costs a rebuild), mappings and
    sequences by their items, scalars by type and repr."""
    h = hashlib.blake2b(digest_size=20)
    _feed(h, parts)
    return h.hexdigest()


def _feed(h, v: Any) -> None:
    if isinstance(v, (pd.DataFrame, pd.Series)):
        h.update(b"<pandas>")
        h.update(pickle.dumps(v, protocol=5))
    elif isinstance(v, Mapping):
        h.update(b"{")
        for k in sorted(v, key=repr):
            _feed(h, k)
            _feed(h, v[k])
        h.update(b"}")
    elif isinstance(v, (list, tuple, set, frozenset)):
        h.update(b"[" if isinstance(v, list) else b"(")
        for x in (sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v):
            _feed(h, x)
        h.update(b"]")
    else:
        h.update(f"{type(v).__name__}:{v!r};".encode())


@st.cache_resource(show_spinner=False, max_entries=256)
def _shared_figure(name: str, key: str, _build: Callable[[], Any]) -> Any:
    return _build()


@st.cache_resource(show_spinner=False, max_entries=2048)
def _shared_table(name: str, key: str, _build: Callable[[], Any]) -> Any:
    return _build()


def shared(kind: str, name: str, build: Callable[[], Any], *parts: Any) -> Any:
    """``build()`` once for the whole server per ``name`` and ``parts`` (by content, see
    ``fingerprint``; put in ``parts`` everything the result depends on: the frame, the language,
    ``get_store().version`` when it reads the database), then the same object for every session
    and run: a figure or a localised table, never written to afterwards (``st.plotly_chart``
    and ``st.dataframe`` only read). ``kind`` "figure" keeps 256, "table" 2048."""
    cached = _shared_figure if kind == "figure" else _shared_table
    return cached(name, fingerprint(*parts), build)
