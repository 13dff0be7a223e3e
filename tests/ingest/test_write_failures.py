"""Failing writes (issue 15, D9 import side). A full disk, for real and without root: the CLI
runs with RLIMIT_FSIZE (SIGXFSZ ignored), so the copy of the database or DuckDB's own writes
fail with a real OS error. One line on stderr, exit 1, the database byte-identical, no
temporary copy left behind."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_summary_csv, report_sheets, make_report_workbook
from tipdash import ingest

ROOT = Path(__file__).resolve().parents[2]


def run_with_file_limit(limit: int, *args) -> subprocess.CompletedProcess:
    def limited():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "tipdash", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, preexec_fn=limited, timeout=300)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "db" / "t.duckdb"
    path.parent.mkdir()
    base = make_summary_csv(tmp_path, [["Orhei", 2022, "yes", 2, None, None, None, None, None, None]])
    assert ingest.import_paths([base], path).ok
    return path


@pytest.mark.parametrize("where", ["copy", "write"])
def test_full_disk_is_one_line_and_changes_nothing(db, tmp_path, where):
    sheets = report_sheets()
    sheets["Activities"] += [["17.10.2022", None, "informare", None, 5, None, "talk " * 50, 1, None]] * 3000
    report = make_report_workbook(tmp_path, name="big.xlsx", **sheets)
    size = db.stat().st_size
    # "copy": the copy of the database cannot be completed; "write": the copy fits, the new rows do not
    limit = size // 2 if where == "copy" else size + 64 * 1024
    before = db.read_bytes()
    p = run_with_file_limit(limit, "import", str(report), "--db", str(db), "--lang", "en")
    assert p.returncode == 1, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith(f"{report}:::: not imported: the database could not be written (")
    assert "File too large" in lines[0] or "too large" in lines[0].lower()
    assert "Traceback" not in p.stderr + p.stdout
    assert db.read_bytes() == before
    assert sorted(x.name for x in db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]


def test_a_duckdb_conversion_error_is_one_line_and_changes_nothing(db, tmp_path):
    """Validation refuses counts above 1 000 000, so only a checker that went wrong could send
    one: the write must still fail cleanly (it printed a traceback, and the Import page showed
    Streamlit's exception box)."""
    from tipdash.ingest import check, load, plain

    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 3, None, None, None, None, None, None]])
    meta, facts = check.check_file(path.name, path.read_bytes())
    facts["subs"][0]["summary"][2 + 0] = [3_000_000_000]            # sessions: beyond INTEGER
    f = check.batch_file(path.name, 10, "x" * 64, plain.loads(plain.dumps(meta)))
    f.facts = plain.dumps(facts)
    before = db.read_bytes()
    report = load._run([f], db, dry_run=False, strict=False, user="t")
    assert [str(p) for p in report.problems] == [
        f"{path.name}:::: not imported: the database could not be written ("
        + report.problems[0].message.split("(", 1)[1]]
    assert "INT32" in report.problems[0].message or "out of range" in report.problems[0].message.lower()
    assert report.files[0].status == "rejected" and not report.ok
    assert db.read_bytes() == before
    assert sorted(x.name for x in db.parent.iterdir()) == ["t.duckdb", "t.duckdb.lock"]
