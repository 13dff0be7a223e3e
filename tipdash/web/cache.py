"""The one Store of the server (built from ``data/seed`` on first use when the database is
missing), query results cached until a new database is published (``store.version``), and the
objects built from them that every session can share (``shared``: figures, localised tables).

Every cache here is a bounded map of this process (``Memo``), not ``st.cache_data``: a page
view asks for some thirty cached values, and Streamlit's cached-function call (inspecting the
signature, hashing the arguments, unpickling a copy of the value) cost ~0.3 ms each, a quarter
of a warm page (bench/README.md, "load"). Query results are handed out as shallow copies (pandas'
copy-on-write keeps the cached frame as it is whatever a page does to its copy); shared objects
as they are (read only). ``clear()`` empties them all (benchmarks' cold runs); a browser cannot.
Keys always hold ``store.version``, so a newly published database is read at the next view."""
from __future__ import annotations

import functools
import hashlib
import importlib
import os
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
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


class Memo:
    """A bounded, thread-safe map of this process from keys to values built once (least
    recently used first out). Two sessions asking for a missing key at once may both build it."""

    def __init__(self, size: int):
        self.size, self._d, self._lock = size, OrderedDict(), threading.Lock()
        _MEMOS.append(self)

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        value = build()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._d.clear()


_MEMOS: list[Memo] = []
_STORES, _DATA, _NATIONAL, _TRANSLATIONS = Memo(8), Memo(512), Memo(64), Memo(8)


def clear() -> None:
    """Empty every cache of this module (and Streamlit's): the next view reads the database again."""
    for m in _MEMOS:
        m.clear()
    _BY_PLACE.clear()
    st.cache_resource.clear()


def get_store() -> store_mod.Store:
    """The shared, thread-safe read handle (built from data/seed if the file is missing)."""
    where = (os.environ.get("TIPDASH_DB"), os.getcwd())      # what db_path() depends on
    s = _BY_PLACE.get(where)
    if s is None:
        path = str(db_path())
        if len(_BY_PLACE) >= 8:
            _BY_PLACE.clear()
        s = _BY_PLACE[where] = _STORES.get(path, lambda: _open_store(path))
    return s


_BY_PLACE: dict[tuple, store_mod.Store] = {}


def db_key() -> tuple[str, Any]:
    """(database path, version): the part of every cache key that says which database was read."""
    s = get_store()
    return str(s.path), s.version


def _key(*parts: Any) -> Hashable:
    key = tuple(parts)
    try:
        hash(key)
    except TypeError:            # a list or a dict among the arguments
        return fingerprint(*parts)
    return key


def data(func: str, *args, module: str = "indicators", **kwargs):
    """``tipdash.<module>.<func>(store, *args, **kwargs)``, cached until a new database is
    published; frames come as shallow copies (copy-on-write: the cached one never changes)."""
    s = get_store()

    def build():
        return getattr(importlib.import_module(f"tipdash.{module}"), func)(s, *args, **kwargs)
    return _copy(_DATA.get(_key(module, func, str(s.path), s.version, args, tuple(sorted(kwargs.items()))), build))


def _copy(v: Any) -> Any:
    if isinstance(v, (pd.DataFrame, pd.Series)):
        return v.copy(deep=False)
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def available_years() -> list[int]:
    try:
        return [int(y) for y in data("years")]
    except store_mod.StoreMissing:
        return []


def _national(year: int) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    def build():
        nat = privacy.protect_national(data("national", year))
        return nat, {r["indicator"]: r for r in nat.to_dict("records")}
    return _NATIONAL.get((*db_key(), year), build)


def national(year: int) -> pd.DataFrame:
    """``indicators.national`` with the victims row protected (privacy.protect_national), once per
    published database rather than once per metric."""
    return _national(year)[0].copy(deep=False)


def national_row(year: int, indicator: str) -> dict[str, Any]:
    """One indicator's row of ``national`` (a copy: the rows are shared by every session)."""
    return dict(_national(year)[1].get(indicator, {}))


def audit_log() -> pd.DataFrame:
    """``store.audit_log`` once per published database and state of the events log beside it (a
    sign-in or download appends to the log without publishing a database). Read-only."""
    s = get_store()
    events = store_mod.file_version(store_mod.events_path(s.path))
    return shared("table", "audit_log", lambda: store_mod.audit_log(s), *db_key(), events)


def translations() -> content.Translations:
    """The free text's translations (tipdash.i18n.content), once per published database; shared,
    not copied: every table of every run reads it, and nothing writes to it."""
    return _TRANSLATIONS.get(db_key(), lambda: content.Translations.from_frame(data("translations")))


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
        h.update(_frame_digest(v))
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


def _frame_digest(v: pd.DataFrame | pd.Series) -> bytes:
    """The digest of a frame's pickle; a frame ``shared`` handed out is hashed once (it is never
    written to), by identity while it lives."""
    entry = _FROZEN.get(id(v))
    if entry is not None and entry[0]() is v:
        if entry[1] is None:
            entry[1] = hashlib.blake2b(pickle.dumps(v, protocol=5), digest_size=20).digest()
        return entry[1]
    return hashlib.blake2b(pickle.dumps(v, protocol=5), digest_size=20).digest()


_FROZEN: dict[int, list] = {}       # id -> [weak reference, digest or None] of frames shared() built


def _frozen(value: Any) -> Any:
    """Register the frames of a ``shared`` value (itself, or within its tuples, lists and dicts)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        i = id(value)
        _FROZEN[i] = [weakref.ref(value, lambda _, i=i: _FROZEN.pop(i, None)), None]
    elif isinstance(value, (tuple, list, dict)):
        for v in (value.values() if isinstance(value, dict) else value):
            _frozen(v)
    return value


_FIGURES, _TABLES = Memo(256), Memo(2048)


def shared(kind: str, name: str, build: Callable[[], Any], *parts: Any) -> Any:
    """``build()`` once for the whole server per ``name`` and ``parts`` (hashable parts as they
    are, others by content, see ``fingerprint``; put in ``parts`` everything the result depends
    on: the frame, the language, ``get_store().version`` when it reads the database), then the
    same object for every session and run: a figure or a localised table, never written to
    afterwards (``st.plotly_chart`` and ``st.dataframe`` only read). ``kind`` "figure" keeps 256
    (made :class:`SharedFigure`), "table" 2048."""
    if kind == "figure":
        return _FIGURES.get((name, _key(*parts)), lambda: _shared_figures(build()))
    return _TABLES.get((name, _key(*parts)), lambda: _frozen(build()))


class SharedFigure(go.Figure):
    """A figure every session draws and nobody changes. ``st.plotly_chart`` asks each run for
    ``to_dict()``, which plotly makes by deep-copying the whole figure (the map's 20 frames of
    district outlines: about half of drawing it); here the dict is made once, and each call gets
    fresh top-level containers over the shared leaves (Streamlit pops ``uid`` from each trace)."""

    def to_dict(self) -> dict:
        made = self.__dict__.get("_tipdash_dict")
        if made is None:
            made = self._tipdash_dict = go.Figure.to_dict(self)
        return {k: [dict(x) for x in v] if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
                for k, v in made.items()}


def _shared_figures(value: Any) -> Any:
    """A built figure (or list of figures) made :class:`SharedFigure` (same object, same content)."""
    if isinstance(value, list):
        return [_shared_figures(v) for v in value]
    if type(value) is go.Figure:
        value.__class__ = SharedFigure
    return value


def figure(builder: str, lang: str, *args):
    """``tipdash.<builder>(*args)`` -- a function that builds a plotly figure from cached data --
    through ``shared``: once per server for the published database, the language and ``args``
    (plotly's validation costs tens of ms a figure; the views across years would not keep to
    250 ms without it). Shared read-only: do not change the figure."""
    module, func = builder.rsplit(".", 1)

    def build():
        return getattr(importlib.import_module(f"tipdash.{module}"), func)(*args)
    return shared("figure", builder, build, *db_key(), lang, args)
