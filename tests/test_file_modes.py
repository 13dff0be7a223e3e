"""File modes (security review D11, D13): users.toml is never readable by others, not even while it
is written; the database, the writer's private copy and the events log are never world-readable,
whatever the umask; `users add --password-stdin` takes a password typed with CRLF.

Each check runs in a subprocess with ``umask 000`` (the worst case), so the test process keeps its own."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, *, env: dict | None = None, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, preexec_fn=preexec, timeout=120)


def _others(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode) & 0o007


def test_users_toml_is_never_readable_by_others_even_when_its_write_fails(tmp_path):
    """A write that fails half-way (file size limit, as on a full disk) leaves no copy of the hashes
    readable by others: the temporary file is created 0600 before anything is written to it."""
    import resource
    import signal

    def limit():
        os.umask(0)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))
    res = _run("""
        from tipdash import auth
        try:
            auth.add_user("ana", "admin", "a long password 1")
        except OSError as exc:
            print("refused:", exc.errno)
    """, env={"TIPDASH_CONFIG_DIR": str(tmp_path)}, preexec=limit)
    assert "refused: 27" in res.stdout, res.stdout + res.stderr   # EFBIG: the write really failed
    left = sorted(tmp_path.iterdir())
    assert all(_others(p) == 0 and stat.S_IMODE(p.stat().st_mode) & 0o070 == 0 for p in left), \
        [(p.name, oct(p.stat().st_mode)) for p in left]


def test_users_toml_is_0600_under_umask_000(tmp_path):
    res = _run("""
        import os
        os.umask(0)
        from tipdash import auth
        auth.add_user("ana", "admin", "a long password 1")
        auth.add_user("ion", "analyst", "a long password 2")
    """, env={"TIPDASH_CONFIG_DIR": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["users.toml"]
    assert stat.S_IMODE((tmp_path / "users.toml").stat().st_mode) == 0o600


def test_database_copy_and_events_log_are_not_world_readable_under_umask_000(tmp_path):
    db = tmp_path / "t.duckdb"
    res = _run(f"""
        import os, stat
        os.umask(0)
        from pathlib import Path
        from tipdash import store
        db = Path({str(db)!r})
        with store.write(db) as con:              # a new database
            store.audit(con, "x", "init")
        with store.write(db) as con:              # and a copy of an existing one
            copies = list(db.parent.glob(".t.duckdb.*.tmp"))
            print("copy", [oct(stat.S_IMODE(p.stat().st_mode)) for p in copies])
        store.log_event(db, "ana", "sign_in")
    """)
    assert res.returncode == 0, res.stderr
    assert "copy ['0o600']" in res.stdout, res.stdout
    for p in (db, tmp_path / "t.duckdb.events.jsonl"):
        assert _others(p) == 0, (p.name, oct(p.stat().st_mode))
        assert stat.S_IMODE(p.stat().st_mode) in (0o600, 0o640)


def test_an_existing_world_readable_events_log_is_closed_to_others(tmp_path):
    from tipdash import store

    db = tmp_path / "t.duckdb"
    log = store.events_path(db)
    log.write_text("")
    os.chmod(log, 0o644)
    store.log_event(db, "ana", "sign_in")
    assert _others(log) == 0


def test_users_add_password_stdin_strips_a_crlf(tmp_path):
    from tipdash import auth

    res = subprocess.run([sys.executable, "-m", "tipdash", "users", "add", "maria", "--role", "analyst",
                          "--password-stdin"], input=b"a good long password\r\n", capture_output=True, cwd=ROOT,
                         env={**os.environ, "TIPDASH_CONFIG_DIR": str(tmp_path)}, timeout=60)
    assert res.returncode == 0, res.stderr
    limiter = auth.RateLimiter(tmp_path / "limits.json")
    assert auth.authenticate("maria", "a good long password", limiter,
                             path=tmp_path / "users.toml") == "analyst"
