"""Files are read and validated in worker processes (issue 15, D1): a worker that crashes, runs
out of its 1 GiB or of time costs only itself — the file is rejected with one line, the other
files of the batch are checked by a fresh worker, the parent carries on. The crash is made with
the test-only hook of `tipdash.ingest.worker` (an environment variable of the server, never
reachable from an upload)."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_summary_csv
from tipdash import ingest
from tipdash.ingest import pool, worker

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def three(tmp_path):
    return [make_summary_csv(tmp_path, [[u, 2022, "yes", 1, None, None, None, None, None, None]], name=f"{u}.csv")
            for u in ("Orhei", "Cahul", "Soroca")]


def outcome(report, path):
    return next(r for r in report.files if r.file == str(path)), [p for p in report.problems if p.file == str(path)]


@pytest.mark.parametrize("hook, words", [
    ("abort", "could not be read safely: the checker process crashed (SIGABRT)"),
    ("alloc", "could not be read safely: it needs more than the 1 GiB of memory a check may use"),
])
def test_a_dying_worker_rejects_one_file_and_the_batch_goes_on(monkeypatch, tmp_db, three, hook, words):
    monkeypatch.setenv(worker.HOOK_ENV, f"{hook}:{three[1]}")
    report = ingest.import_paths(three, tmp_db, dry_run=True)
    result, problems = outcome(report, three[1])
    assert result.status == "rejected"
    assert [str(p) for p in problems] == [f"{three[1]}:::: {words}"]
    for other in (three[0], three[2]):
        assert outcome(report, other)[0].status == "valid"
    # and for real: nothing written for the crashed file, the others imported
    report = ingest.import_paths(three, tmp_db)
    assert [r.status for r in report.files] == ["imported", "rejected", "imported"]


def test_a_slow_worker_is_stopped(monkeypatch, tmp_db, three):
    monkeypatch.setattr(pool, "WALL_SECONDS", 3.0)
    monkeypatch.setenv(worker.HOOK_ENV, f"sleep:{three[0]}")
    report = ingest.import_paths(three, tmp_db, dry_run=True)
    assert [str(p) for p in report.problems] == [f"{three[0]}:::: could not be read safely: checking it took "
                                                 f"longer than 3 s"]
    assert [r.status for r in report.files] == ["rejected", "valid", "valid"]


def test_the_worker_runs_under_the_limits():
    """The worker's own view of its limits: 1 GiB address space, nice 10, no core dumps."""
    code = ("import os, resource, sys; from tipdash.ingest import worker; worker._limit(); "
            "print(resource.getrlimit(resource.RLIMIT_AS)[0], os.nice(0), resource.getrlimit(resource.RLIMIT_CORE)[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    assert int(out[0]) == 1 << 30 and int(out[1]) >= 10 and int(out[2]) == 0


def test_parent_memory_stays_small_when_a_worker_blows_up(monkeypatch, tmp_db, three):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    monkeypatch.setenv(worker.HOOK_ENV, f"alloc:{three[0]}")
    ingest.import_paths(three, tmp_db, dry_run=True)
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024 < 100


def test_cli_prints_one_line_when_the_worker_crashes(tmp_path, three):
    env = {**os.environ, "PYTHONPATH": str(ROOT), worker.HOOK_ENV: f"abort:{three[0]}"}
    p = subprocess.run([sys.executable, "-m", "tipdash", "import", str(three[0]), "--db", str(tmp_path / "x.duckdb"),
                        "--lang", "en"],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert p.returncode == 1
    assert p.stderr.strip().splitlines() == [f"{three[0]}:::: could not be read safely: the checker process "
                                             f"crashed (SIGABRT)"]
    assert not (tmp_path / "x.duckdb").exists()


def test_answers_that_are_not_plain_data_are_refused():
    from tipdash.ingest import check, plain

    with pytest.raises(plain.Malformed):
        check.batch_file("x.csv", 1, "", {"format": "report", "problems": [["a", "b"]], "submissions": []})
    with pytest.raises(plain.Malformed):
        plain.unvalue({"__reduce__": "os.system"})
    with pytest.raises(plain.Malformed):
        plain.loads(b"\x80\x04\x95")                 # a pickle is not JSON
