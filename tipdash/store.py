"""The only module that opens DuckDB.

Readers open the published database file read-only. Writers never touch the published file:
they copy it, write the copy inside one transaction, checkpoint it and publish it with an
atomic ``os.replace``. A kill -9 at any moment therefore leaves the old or the new file, and
a dashboard that is serving keeps answering from whichever file it has open.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "tipdash.duckdb"
SCHEMA = Path(__file__).with_name("schema.sql")

FACT_TABLES = ("summary", "sessions", "topics", "activities", "campaigns", "trainings",
               "victims", "partners", "challenges", "conclusions", "context", "series", "series_sources")


class StoreMissing(RuntimeError):
    """The database file does not exist yet."""


class StoreBusy(RuntimeError):
    """Another import holds the write lock."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Explicit path, else $TIPDASH_DB, else data/tipdash.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("TIPDASH_DB")
    return Path(env) if env else DEFAULT_DB


def now_utc() -> datetime:
    """Timestamps are stored as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


# ------------------------------------------------------------------ one look at each file per page run

_RUN = threading.local()
_publishes = 0          # databases published by this process: a publish ends every pinned look


@contextlib.contextmanager
def one_look() -> Iterator[None]:
    """Inside: ``file_version`` looks at each file once (in this thread). A page run (app.py) reads
    one version of the database throughout, and makes one ``stat`` where it made dozens, each a
    hand-off of the GIL that every other session's run queues behind. A publish by this process
    (``write``) ends the look, so a run that imports reads what it wrote."""
    _RUN.seen = (_publishes, {})
    try:
        yield
    finally:
        _RUN.seen = None


def file_version(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime in ns, size) of ``path``, None when it does not exist: what says a file was
    replaced or changed (cache keys, re-reading a settings file); once per ``one_look``."""
    seen = getattr(_RUN, "seen", None)
    if seen is None or seen[0] != _publishes:
        return _look(path)
    if path not in seen[1]:
        seen[1][path] = _look(path)
    return seen[1][path]


def _published() -> None:
    global _publishes
    _publishes += 1


def _look(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Store:
    """Read side: parameterised queries on the published file, reopened when it is replaced."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = db_path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: tuple[int, int, int] | None = None

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current file. A fresh in-memory instance ATTACHes the file read-only,
        so DuckDB's per-path instance cache can never hand back a replaced file."""
        key = file_version(self.path)      # the version this page run's cache keys name
        if key is None:
            raise StoreMissing(f"No database at {self.path}. Run: python -m tipdash init")
        with self._lock:
            if self._con is None or key != self._key:
                con = duckdb.connect(":memory:")
                quoted = str(self.path.resolve()).replace("'", "''")
                con.execute(f"ATTACH '{quoted}' AS tipdash (READ_ONLY)")
                self._con, self._key = con, key  # the old one closes when its last cursor goes
            cur = self._con.cursor()
        cur.execute("USE tipdash")
        return cur

    def query(self, sql: str, params: list | tuple | dict | None = None) -> pd.DataFrame:
        """Run one parameterised SELECT and return a DataFrame."""
        cur = self._connection()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def scalar(self, sql: str, params: list | tuple | dict | None = None):
        cur = self._connection()
        try:
            row = cur.execute(sql, params or []).fetchone()
            return row[0] if row else None
        finally:
            cur.close()

    @property
    def version(self) -> tuple[int, int, int] | None:
        """Changes whenever a new database is published (use as a cache key)."""
        return file_version(self.path)

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA.read_text(encoding="utf-8"))


def _load_units(con: duckdb.DuckDBPyConnection) -> None:
    from tipdash import units

    con.execute("DELETE FROM units")
    con.executemany(
        "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?)",
        [(u.code, u.name_ro, u.name_en, u.name_ru, u.kind, u.has_commission) for u in units.all_units()],
    )


#: the published database and its events log: owner read-write, group read, others nothing
#: (they hold unsuppressed figures and the names people type into the sign-in form)
DB_MODE = 0o640


def private_file(path: Path) -> Path:
    """Create (or empty) ``path`` readable by its owner only, whatever the umask: a writer's copy
    of the database is private until it is published."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def private_connect(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection on ``path``; a file DuckDB has just created is made private at once
    (DuckDB cannot open an empty file, so it cannot be created private beforehand)."""
    con = duckdb.connect(str(path))
    os.chmod(path, 0o600)
    return con


def published(path: Path) -> Path:
    """``path`` with the mode of a published database (:data:`DB_MODE`), to be renamed into place."""
    os.chmod(path, DB_MODE)
    return path


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def write(path: str | os.PathLike | None = None, *, wait: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a read-write connection on a private copy; publish it atomically on success.

    The schema and the units table are (re)created on the copy, so `write` on a missing file
    creates a new database.
    """
    target = db_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_file = open(target.with_name(target.name + ".lock"), "a+")
    try:
        _acquire(lock_file, wait)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        # copies (and their WAL files) left by writers killed mid-write; we hold the lock
        for stale in target.parent.glob(f".{target.name}.*.tmp*"):
            stale.unlink(missing_ok=True)
        tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        con = None
        try:                                   # the copy too: a full disk must leave no partial copy
            if target.exists():
                shutil.copyfile(target, private_file(tmp))
            con = private_connect(tmp)
            _create_schema(con)
            con.execute("BEGIN TRANSACTION")
            _load_units(con)
            yield con
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            con.close()
            con = None
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(published(tmp), target)
            _published()
            _fsync_dir(target.parent)
        except BaseException:
            if con is not None:
                with contextlib.suppress(Exception):
                    con.close()
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
            raise
    finally:
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        lock_file.close()


def _acquire(lock_file, wait: float) -> None:
    import time

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StoreBusy("Another import is running; try again in a minute.") from None
            time.sleep(0.1)


def next_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new id for imports and submissions (one sequence for both)."""
    return con.execute("SELECT nextval('id_seq')").fetchone()[0]


def next_ids(con: duckdb.DuckDBPyConnection, n: int) -> list[int]:
    """``n`` new ids at once (an import of hundreds of files asks once, not per file)."""
    return [r[0] for r in con.execute("SELECT nextval('id_seq') FROM range(?)", [n]).fetchall()]


def audit(con: duckdb.DuckDBPyConnection, who: str | None, action: str, detail: str = "",
          sha256: str | None = None) -> None:
    """Record an action in the audit table (inside the caller's write)."""
    con.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?)", [now_utc(), who, action, detail, sha256])


def audit_many(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Record several actions (who, action, detail, sha256) at once, inside the caller's write."""
    if not rows:
        return
    now = now_utc()
    frame = pd.DataFrame([(now, *r) for r in rows], columns=["at", "who", "action", "detail", "sha256"])
    con.register("_tipdash_audit_rows", frame)
    try:
        con.execute('INSERT INTO audit SELECT "at", who, action, detail, sha256 FROM _tipdash_audit_rows')
    finally:
        with contextlib.suppress(Exception):
            con.unregister("_tipdash_audit_rows")


def history(store: Store) -> pd.DataFrame:
    """Every submission with its file, newest first (``source``: the source id of a national
    series submission, NULL for formats A and B and in databases written before format C)."""
    source = "s.source" if store.scalar(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = 'submissions' "
        "AND column_name = 'source'") else "CAST(NULL AS VARCHAR) AS source"
    return store.query(
        f"""SELECT s.submission_id, s.unit_code, s.year, s.format, {source}, s.status, s.superseded_by,
                  i.file_name, i.sha256, s.sheet, s.row_no, i.imported_at, i.imported_by, i.import_id
           FROM submissions s JOIN imports i USING (import_id)
           ORDER BY i.imported_at DESC, s.submission_id DESC""")


def revert(path: str | os.PathLike | None, submission_id: int, user: str | None = None) -> str:
    """Undo a submission: mark it reverted and make the one it superseded current again.

    Reverting an import id reverts every submission of that file.
    """
    with write(path) as con:
        rows = con.execute(
            "SELECT submission_id, unit_code, year, status FROM submissions "
            "WHERE submission_id = ? OR import_id = ?", [submission_id, submission_id]).fetchall()
        if not rows:
            raise KeyError(f"No submission or import with id {submission_id}")
        messages = []
        for sid, unit, year, status in rows:
            if status != "current":
                messages.append(f"{sid} ({unit} {year}) is {status}; nothing to revert")
                continue
            con.execute("UPDATE submissions SET status='reverted', changed_at=? WHERE submission_id=?",
                        [now_utc(), sid])
            prev = con.execute(
                "SELECT submission_id FROM submissions WHERE superseded_by = ? AND status='superseded' "
                "ORDER BY submission_id DESC LIMIT 1", [sid]).fetchone()
            if prev:
                con.execute("UPDATE submissions SET status='current', superseded_by=NULL, changed_at=? "
                            "WHERE submission_id=?", [now_utc(), prev[0]])
                messages.append(f"reverted {sid} ({unit} {year}); {prev[0]} is current again")
            else:
                messages.append(f"reverted {sid} ({unit} {year}); no earlier submission")
        audit(con, user, "revert", "; ".join(messages))
        return "\n".join(messages)


def events_path(path: str | os.PathLike | None = None) -> Path:
    """Sign-ins and downloads go to an append-only log beside the database: writing them into
    the database would copy the whole file per event. ``$TIPDASH_EVENTS_LOG`` puts it elsewhere
    (e.g. on another disk)."""
    env = os.environ.get("TIPDASH_EVENTS_LOG")
    if env:
        return Path(env)
    target = db_path(path)
    return target.with_name(target.name + ".events.jsonl")


def log_event(path: str | os.PathLike | None, who: str | None, action: str, detail: str = "",
              sha256: str | None = None) -> None:
    """Append one audit event (flock + fsync, so concurrent sessions never interleave lines).
    Raises OSError when the event is not on disk (full disk ...): callers write the event first
    and refuse the action then."""
    import json

    line = json.dumps({"at": now_utc().isoformat(sep=" "), "who": who, "action": action,
                       "detail": detail, "sha256": sha256}, ensure_ascii=False)
    p = events_path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT, DB_MODE)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode) and info.st_mode & 0o777 & ~DB_MODE:   # a log from before 0640
            os.fchmod(fd, info.st_mode & DB_MODE)
        fcntl.flock(fh, fcntl.LOCK_EX)
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
        fcntl.flock(fh, fcntl.LOCK_UN)


def audit_log(store: Store) -> pd.DataFrame:
    """Imports and reverts (recorded in the database, atomically with the data) and the
    sign-in/download events, newest first."""
    import json

    cols = ["at", "who", "action", "detail", "sha256"]
    frames = []
    if store.path.exists():
        frames.append(store.query('SELECT "at", who, action, detail, sha256 FROM audit'))
    p = events_path(store.path)
    if p.is_file():
        rows = [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines() if x.strip()]
        ev = pd.DataFrame(rows, columns=cols)
        ev["at"] = pd.to_datetime(ev["at"])
        frames.append(ev)
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).sort_values("at", ascending=False, kind="stable").reset_index(drop=True)
