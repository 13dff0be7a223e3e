"""Atomicity: an import killed with SIGKILL at any moment leaves the database exactly as it was
before, or exactly as after the whole batch; never anything in between."""
from __future__ import annotations

import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, make_report_workbook, report_sheets
from tipdash import ingest, store, units

pytestmark = pytest.mark.timeout(300)

# The child imports the batch; it announces the start and the end of the write so the parent
# can aim some kills at the write itself (copy, inserts, checkpoint, fsync, rename).
CHILD = r"""
import contextlib, sys
from tipdash import ingest, store
real = store.write

@contextlib.contextmanager
def write(*args, **kwargs):
    print("writing", flush=True)
    with real(*args, **kwargs) as con:
        yield con
    print("published", flush=True)

store.write = write
report = ingest.import_paths(sys.argv[2:], sys.argv[1], user="child")
print("done" if report.ok else report, flush=True)
"""


def state(db) -> tuple:
    """Row counts per table and the set of current submissions (unit, year, file hash)."""
    reader = store.Store(db)
    try:
        n = tuple(reader.scalar(f"SELECT count(*) FROM {t}")
                  for t in ("imports", "submissions", *store.FACT_TABLES, "audit"))
        cur = reader.query("SELECT s.unit_code, s.year, i.sha256 FROM submissions s JOIN imports i USING "
                           "(import_id) WHERE s.status = 'current'")
        return n, frozenset(map(tuple, cur.values.tolist()))
    finally:
        reader.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """35 commission reports (one per commission, 2022) with ~50 activity rows each."""
    d = tmp_path_factory.mktemp("batch")
    paths = []
    for i, u in enumerate(units.commission_units()):
        sheets = report_sheets(u.name_ro, 2022, variant=i)
        sheets["Activities"] = sheets["Activities"] + [
            [f"2022-{1 + k % 12:02d}-{1 + k % 28:02d}", None, "informare", "tineri", 10 + k, None, f"talk {k}", 1,
             "nu"] for k in range(50)]
        paths.append(make_report_workbook(d, name=f"{u.code}.xlsx", **sheets))
    return paths


class Child:
    """The importing subprocess, with unbuffered reading of the lines it prints."""

    def __init__(self, db, paths):
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), *map(str, paths)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buf = b""

    def wait_for(self, word: str, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.strip() == word.encode():
                    return True
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return False
                self.buf += chunk
        return False

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=60)

    def finish(self) -> tuple[int, str]:
        _, err = self.proc.communicate(timeout=120)
        return self.proc.returncode, err.decode(errors="replace")


def test_kill_9_leaves_before_or_after(tmp_path, batch):
    before_db = tmp_path / "before.duckdb"
    assert ingest.init_db(before_db).ok
    before = state(before_db)

    # the reference run, uninterrupted: the "after" state and how long the phases take
    ref = tmp_path / "ref" / "tipdash.duckdb"
    ref.parent.mkdir()
    shutil.copyfile(before_db, ref)
    t0 = time.monotonic()
    child = Child(ref, batch)
    assert child.wait_for("writing")
    t1 = time.monotonic()
    assert child.wait_for("published")
    t2 = time.monotonic()
    assert child.wait_for("done"), child.buf
    code, err = child.finish()
    assert code == 0, err
    after = state(ref)
    assert after != before
    assert after[0][1] == before[0][1] + 35                       # 35 new submissions
    total, write_phase = t2 - t0, t2 - t1

    rng = random.Random(20221017)
    work = tmp_path / "work" / "tipdash.duckdb"
    work.parent.mkdir()
    outcomes = []
    for k in range(8):
        shutil.copyfile(before_db, work)
        reader = store.Store(work)
        assert reader.scalar("SELECT count(*) FROM submissions") == before[0][1]    # a dashboard is reading
        child = Child(work, batch)
        if k % 2 == 0:                                            # anywhere in the run, stratified
            time.sleep((k / 2 + rng.random()) / 4 * total)
        elif k < 7:                                               # inside the write itself
            assert child.wait_for("writing")
            time.sleep(rng.random() * write_phase)
        else:                                                     # just after the publish
            assert child.wait_for("published")
        child.kill()
        got = state(work)
        assert got in (before, after), f"kill {k}: the database is neither the old nor the new state"
        seen = reader.scalar("SELECT count(*) FROM submissions")   # the open reader still answers
        assert seen in (before[0][1], after[0][1])
        reader.close()
        outcomes.append("after" if got == after else "before")
    assert outcomes[0] == "before" and outcomes[-1] == "after", outcomes

    # leftovers of the killed writers (temporary copies, the lock) do not block the next import
    shutil.copyfile(before_db, work)
    report = ingest.import_paths(batch, work)
    assert report.ok, report
    assert state(work)[1] == after[1]
    assert not [p.name for p in work.parent.iterdir() if ".tmp" in p.name]


def test_leftovers_of_a_killed_writer_are_cleaned(tmp_db, batch):
    """A writer killed mid-write leaves its private copy and its WAL; the next write removes both."""
    assert ingest.import_paths(batch[:1], tmp_db).ok
    junk = [tmp_db.with_name(f".{tmp_db.name}.999999.tmp"), tmp_db.with_name(f".{tmp_db.name}.999999.tmp.wal")]
    for p in junk:
        p.write_bytes(b"left by a killed writer")
    assert ingest.import_paths(batch[1:2], tmp_db).ok
    assert not any(p.exists() for p in junk)
    assert state(tmp_db)[0][1] == 2
