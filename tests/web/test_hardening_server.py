"""The patches tipdash.web makes to the Streamlit server (tipdash/web/hardening.py), on Streamlit's
own objects: a browser's clear_cache does nothing, the metrics endpoint's stats are empty, and a
OneTime deferred download is served for two fetches (the page's check + the download), then gone.
Each test fails if Streamlit moves the method the patch replaces. (Over the wire:
tests/e2e/test_security.py.)"""
from __future__ import annotations

import time
import types

import pytest
import streamlit as st
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.caching import get_data_cache_stats_provider
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.stats import StatsManager

import tipdash.web  # noqa: F401 -- applies the patches, as the first page run of a server does
from tipdash.web import hardening


def test_a_browsers_clear_cache_leaves_every_cache_alone():
    calls = []

    @st.cache_data(show_spinner=False)
    def figure(x):
        calls.append(x)
        return x * 2

    assert figure(21) == 42 and figure(21) == 42 and calls == [21]
    session = types.SimpleNamespace(_session_state=types.SimpleNamespace(clear=lambda: calls.append("cleared")))
    AppSession._handle_clear_cache_request(session)                 # what the clear_cache BackMsg calls
    assert figure(21) == 42
    assert calls == [21]                                            # still cached; nothing cleared
    figure.clear()


def test_metrics_have_nothing_to_say():
    mgr = StatsManager()
    mgr.register_provider(get_data_cache_stats_provider())
    assert mgr.get_stats() == {} and list(mgr.registered_families()) == []


def _manager():
    return MediaFileManager(MemoryMediaFileStorage("/media"))


def test_a_one_time_download_is_served_twice_then_gone():
    mgr = _manager()
    file_id = mgr.add_deferred(hardening.OneTime(lambda: b"raw figures"), "text/csv", "coord-1", "x.csv")
    url = mgr.execute_deferred(file_id)
    name = url.rsplit("/", 1)[-1]
    storage = mgr._storage
    assert storage.get_file(name).content == b"raw figures"        # the page's check of the URL
    assert storage.get_file(name).content == b"raw figures"        # the download
    with pytest.raises(MediaFileStorageError):                      # anyone else, later
        storage.get_file(name)
    # the next click makes it again (same bytes, same id) and it is served again
    assert mgr.execute_deferred(file_id) == url
    assert storage.get_file(name).content == b"raw figures"


def test_a_one_time_download_expires(monkeypatch):
    monkeypatch.setattr(hardening, "LIFETIME", 0.2)
    mgr = _manager()
    url = mgr.execute_deferred(mgr.add_deferred(hardening.OneTime(lambda: b"raw"), "text/csv", "c", "x.csv"))
    time.sleep(0.3)
    with pytest.raises(MediaFileStorageError):
        mgr._storage.get_file(url.rsplit("/", 1)[-1])


def test_ordinary_downloads_are_untouched():
    mgr = _manager()
    url = mgr.execute_deferred(mgr.add_deferred(lambda: b"public", "text/csv", "c", "p.csv"))
    for _ in range(5):
        assert mgr._storage.get_file(url.rsplit("/", 1)[-1]).content == b"public"
