"""Three changes to the Streamlit server the dashboard runs in, made once per process when
``tipdash.web`` is first imported (the first page run, before any cache holds anything):

* ``clear_cache`` from a browser does nothing. Streamlit empties every ``st.cache_data`` and
  ``st.cache_resource`` of the whole process for ANY client that sends this websocket message
  (``AppSession._handle_clear_cache_request``; the hidden toolbar does not stop a script), so one
  anonymous client could slow every user down. The caches refresh by themselves when a new
  database is published (``web.cache``).
* ``/_stcore/metrics`` says nothing: its cache hit/miss counters name the app's internals. The
  proxy should hide the URL too (README, "Deploying").
* one-time downloads: a file made by a deferred download wrapped in :class:`OneTime` (the
  unsuppressed victims CSV) is served from ``/media/<id>.csv`` for at most ``FETCHES`` requests
  (the page's own check of the URL + the download) within ``LIFETIME`` seconds, then removed.
  Without this the file stays at that URL, for anyone who has it, while the session lives.

Each patch wraps a named Streamlit method (``AppSession._handle_clear_cache_request``,
``StatsManager.get_stats``/``registered_families``, ``MediaFileManager.execute_deferred``,
``MemoryMediaFileStorage.get_file``); ``tests/web/test_hardening_server.py`` fails if one moves.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Callable

_LOG = logging.getLogger("tipdash.hardening")
FETCHES = 2
LIFETIME = 60.0
_ONE_TIME: dict[str, list] = {}     # storage file id -> [fetches left, deadline, storage]
_LOCK = threading.Lock()
_LOCAL = threading.local()          # .made: a OneTime callable ran; .inside: in execute_deferred
_APPLIED = False


class OneTime:
    """A deferred download's data callable whose file may be fetched only once (see module)."""

    def __init__(self, make: Callable[[], Any]):
        self.make = make

    def __call__(self):
        data = self.make()
        _LOCAL.made = True
        return data


def apply() -> None:
    """Install the three patches (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    _no_clear_cache()
    _silent_metrics()
    _one_time_media()
    _APPLIED = True


def _no_clear_cache() -> None:
    from streamlit.runtime.app_session import AppSession

    def _handle_clear_cache_request(self) -> None:
        _LOG.info("ignored a clear_cache request from a browser session")

    AppSession._handle_clear_cache_request = _handle_clear_cache_request


def _silent_metrics() -> None:
    from streamlit.runtime.stats import StatsManager

    StatsManager.get_stats = lambda self, family_names=None: {}
    StatsManager.registered_families = lambda self: ()


def _one_time_media() -> None:
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    execute = MediaFileManager.execute_deferred
    get_file = MemoryMediaFileStorage.get_file

    def execute_deferred(self, file_id: str) -> str:
        _LOCAL.made, _LOCAL.inside = False, True
        try:
            url = execute(self, file_id)
        finally:
            _LOCAL.inside = False
        if getattr(_LOCAL, "made", False):
            _LOCAL.made = False
            with _LOCK:
                _ONE_TIME[os.path.splitext(url.rsplit("/", 1)[-1])[0]] = [FETCHES, time.monotonic() + LIFETIME,
                                                                         self._storage]
        return url

    def one_time_get_file(self, filename: str):
        file_id = os.path.splitext(filename)[0]
        if getattr(_LOCAL, "inside", False):          # execute_deferred asking for the URL
            return get_file(self, filename)
        with _LOCK:
            _expire(time.monotonic())
            entry = _ONE_TIME.get(file_id)
            if entry is None:
                return get_file(self, filename)
            entry[0] -= 1
            media = get_file(self, filename)
            if entry[0] <= 0:
                del _ONE_TIME[file_id]
                self.delete_file(file_id)
            return media

    def _expire(now: float) -> None:
        for fid, (_, deadline, storage) in list(_ONE_TIME.items()):
            if now > deadline:
                del _ONE_TIME[fid]
                storage.delete_file(fid)

    MediaFileManager.execute_deferred = execute_deferred
    MemoryMediaFileStorage.get_file = one_time_get_file   # a removed file: MediaFileStorageError, HTTP 404
