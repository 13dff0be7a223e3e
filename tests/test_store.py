"""tipdash.store's one look per page run: inside ``one_look`` a database replaced by another
process is seen at the next run, not halfway through this one; a publish by this process is seen
at once; other threads look for themselves."""
from __future__ import annotations

import os
import shutil
import threading

from tipdash import store


def _db(tmp_path, name="tipdash.duckdb"):
    path = tmp_path / name
    with store.write(path) as con:
        con.execute("SELECT 1")
    return path


def _replaced_by_another_process(path):
    """What a replica's import does: a new file renamed over the published one."""
    tmp = path.with_name(".other.tmp")
    shutil.copyfile(path, tmp)
    with open(tmp, "ab") as fh:             # a different size: a different version
        fh.write(b"\0" * 4096)
    os.replace(tmp, path)


def test_inside_one_look_a_run_keeps_the_version_it_saw_first(tmp_path):
    path = _db(tmp_path)
    s = store.Store(path)
    with store.one_look():
        first = s.version
        _replaced_by_another_process(path)
        assert s.version == first                       # the same run reads one version throughout
    assert s.version != first                           # the next run sees the new file


def test_outside_one_look_every_call_looks(tmp_path):
    path = _db(tmp_path)
    s = store.Store(path)
    first = s.version
    _replaced_by_another_process(path)
    assert s.version != first


def test_a_publish_by_this_process_ends_the_look(tmp_path):
    path = _db(tmp_path)
    s = store.Store(path)
    with store.one_look():
        first = s.version
        with store.write(path) as con:                  # e.g. an import from the Import page
            con.execute("CREATE TABLE IF NOT EXISTS extra (x INTEGER)")
        assert s.version != first


def test_a_missing_file_has_no_version_and_other_threads_look_for_themselves(tmp_path):
    path = _db(tmp_path)
    s = store.Store(path)
    assert store.file_version(tmp_path / "nothing.duckdb") is None
    seen = {}
    with store.one_look():
        first = s.version
        _replaced_by_another_process(path)
        worker = threading.Thread(target=lambda: seen.setdefault("other", s.version))
        worker.start()
        worker.join()
        assert s.version == first and seen["other"] != first
