"""Import commission reports (format A) and summaries (format B) into the database.

One call = one batch: every file is read (`tipdash.readers`) and validated (`tipdash.validate`)
first; then the batch is written in ONE `store.write()` (one atomic publish):

* a file with an error writes nothing (its problems are reported); the valid files of a
  non-strict batch are written together; `strict=True` rejects the whole batch on any error;
  `dry_run=True` validates and writes nothing;
* a unit-year may appear once per batch: a later file holding it is rejected (the message names
  the file that had it first);
* each written file gets one `imports` row, one `submissions` row per unit-year, its fact rows
  and an `audit` row. A submission replaces the current one for its unit-year (old one:
  status 'superseded', superseded_by = new); a unit-year whose current submission came from a
  file with the same SHA-256 is left alone, and a file all of whose unit-years are so is
  "unchanged (already imported as import N)" and writes nothing.
"""
from __future__ import annotations

import getpass
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from tipdash import store
from tipdash.ingest import read
from tipdash.ingest.validate import FACT_COLUMNS, Parsed, Problem, Submission, parse

__all__ = ["Problem", "FileResult", "ImportReport", "import_paths", "import_bytes", "init_db",
           "SEED_DIR", "SUPPORTED"]

SEED_DIR = store.ROOT / "data" / "seed"
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MAX_BYTES = 10 * 1024 * 1024               # as readers.MAX_BYTES; checked before reading a path
FLUSH_ROWS = 200_000                       # fact rows buffered before a bulk insert



@dataclass
class FileResult:
    file: str
    status: str                            # 'imported' | 'unchanged' | 'rejected' | 'valid'
    submissions: int = 0
    rows: int = 0
    import_id: int | None = None
    message: str = ""
    format: str | None = None
    sha256: str | None = None
    superseded: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.file}: {self.status}"
        if self.status in ("imported", "valid"):
            what = {"report": "commission report", "summary": "summary"}.get(self.format or "", "file")
            text += (f" as import {self.import_id}" if self.import_id else " (dry run)") + \
                f": {what}, {self.submissions} submission{'s' * (self.submissions != 1)}, {self.rows} rows"
            if self.superseded:
                text += f", supersedes {len(self.superseded)} earlier submission" + "s" * (len(self.superseded) > 1)
        if self.message:
            text += f" ({self.message})" if self.status != "imported" else f"; {self.message}"
        return text


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def __str__(self) -> str:
        return "\n".join([*map(str, self.problems), *map(str, self.files)])


@dataclass
class _File:
    name: str
    size: int | None
    sha256: str = ""
    parsed: Parsed | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER") or "unknown"


# ------------------------------------------------------------------------------ reading

def _read(name: str, data: bytes) -> _File:
    f = _File(name, len(data), hashlib.sha256(data).hexdigest())
    try:
        wb = read.read_file(name, data)
    except read.ReadError as exc:
        f.problems.append(Problem(name, None, None, None, None, _read_error_message(exc)))
        return f

    def merged(sheet: str) -> list:
        if wb.kind == "csv":
            return []
        try:
            return list(read.merged_header_cells(name, data, sheet))
        except read.ReadError:
            return []

    try:
        f.parsed = parse(name, wb.sheets, wb.kind, merged)
    except Exception as exc:  # a bug must not take the whole batch (or the Import page) down
        f.problems.append(Problem(name, None, None, None, None,
                                  f"internal error while checking the file ({type(exc).__name__}: {exc}); "
                                  f"please report it with the file"))
        return f
    f.problems.extend(Problem(name, None, None, None, None, str(w), "warning") for w in getattr(wb, "warnings", []))
    f.problems.extend(f.parsed.problems)
    return f


def _read_error_message(exc: Exception) -> str:
    msg = getattr(exc, "message", None) or (exc.args[1] if len(exc.args) > 1 else str(exc))
    return f"cannot read the file: {msg}"


# ------------------------------------------------------------------------------ public API

def import_paths(paths: Iterable[str | os.PathLike], db=None, *, dry_run: bool = False, strict: bool = False,
                 user: str | None = None) -> ImportReport:
    """Import files (a directory stands for its .xlsx/.xls/.ods/.csv files, sorted)."""
    files: list[_File] = []
    for path in _expand(paths):
        name = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                files.append(_File(name, None, problems=[Problem(
                    name, None, None, None, size, f"the file is {size / 2**20:.1f} MB; the limit is "
                                                  f"{MAX_BYTES // 2**20} MB")]))
                continue
            files.append(_read(name, path.read_bytes()))
        except OSError as exc:
            files.append(_File(name, None, problems=[Problem(name, None, None, None, None,
                                                             f"cannot open the file: {exc.strerror or exc}")]))
    return _run(files, db, dry_run=dry_run, strict=strict, user=user)


def import_bytes(files: Sequence[tuple[str, bytes]], db=None, *, dry_run: bool = False, strict: bool = False,
                 user: str | None = None) -> ImportReport:
    """Import uploaded files given as (file name, content)."""
    return _run([_read(name, data) for name, data in files], db, dry_run=dry_run, strict=strict, user=user)


def init_db(db=None, *, force: bool = False) -> ImportReport:
    """Build the database from data/seed/ (every supported file, sorted), as user "init".

    An existing database is left alone unless `force`; with `force` its contents are replaced
    by the seed in one atomic write (so a failure keeps the old database).
    """
    target = store.db_path(db)
    if target.exists() and not force:
        return ImportReport(files=[FileResult(str(target), "unchanged",
                                              message="the database exists; use --force to rebuild it")])
    seed = sorted(p for p in SEED_DIR.iterdir() if p.suffix.lower() in SUPPORTED)
    files = [_read(p.name, p.read_bytes()) for p in seed]
    return _run(files, target, dry_run=False, strict=True, user="init", wipe=target.exists())


def _expand(paths: Iterable[str | os.PathLike]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in SUPPORTED
                              and not q.name.startswith((".", "~$"))))
        else:
            out.append(p)
    return out


# ------------------------------------------------------------------------------ the batch

Query = Callable[[str, list], list[tuple]]


def _cross_file_checks(files: list[_File]) -> None:
    """A unit-year may appear in one file of a batch only: later files holding it are rejected."""
    first: dict[tuple[str, int], tuple[_File, Submission]] = {}
    for f in files:
        if f.errors or not f.parsed:
            continue
        clash = []
        for sub in f.parsed.submissions:
            key = (sub.unit_code, sub.year)
            if key in first:
                clash.append((sub, *first[key]))
        for sub, other, osub in clash:
            f.problems.append(Problem(
                f.name, sub.sheet, sub.row_no, "Unit" if f.parsed.format == "report" else "unit", sub.unit_label,
                f"{sub.unit_label} {sub.year} is already in {other.name} ({osub.sheet} row {osub.row_no}) "
                f"in this batch; import one file per unit and year"))
        if not clash:
            for sub in f.parsed.submissions:
                first[(sub.unit_code, sub.year)] = (f, sub)


def _current(query: Query, subs: list[Submission]) -> dict[tuple[str, int], tuple[int, str, int]]:
    """(unit, year) -> (current submission id, its file's sha256, its import id)."""
    if not subs:
        return {}
    years = sorted({s.year for s in subs})
    wanted = {(s.unit_code, s.year) for s in subs}
    rows = query(                          # a few dozen current submissions per year
        "SELECT s.unit_code, s.year, s.submission_id, i.sha256, i.import_id FROM submissions s "
        "JOIN imports i USING (import_id) WHERE s.status = 'current' AND s.year BETWEEN ? AND ?",
        [years[0], years[-1]])
    return {(u, y): (sid, sha, iid) for u, y, sid, sha, iid in rows if (u, y) in wanted}


def _plan(f: _File, current: dict) -> tuple[list[Submission], list[int], int | None]:
    """The submissions to write, the submissions they supersede, and (when none need writing)
    the import that already holds this file."""
    todo, supersede, same = [], [], None
    for sub in f.parsed.submissions:
        cur = current.get((sub.unit_code, sub.year))
        if cur and cur[1] == f.sha256:
            same = cur[2] if same is None else min(same, cur[2])
            continue
        todo.append(sub)
        if cur:
            supersede.append(cur[0])
    return todo, supersede, same


def _run(files: list[_File], db, *, dry_run: bool, strict: bool, user: str | None,
         wipe: bool = False) -> ImportReport:
    user = user or _default_user()
    report = ImportReport(dry_run=dry_run)
    _cross_file_checks(files)
    any_error = any(f.errors for f in files)
    valid = [f for f in files if not f.errors and f.parsed]
    results: dict[int, FileResult] = {}
    for f in files:
        report.problems.extend(f.problems)
        if f.errors or not f.parsed:
            n = sum(p.is_error for p in f.problems)
            results[id(f)] = FileResult(f.name, "rejected", message=f"{n} error{'s' * (n != 1)}; nothing written",
                                        sha256=f.sha256 or None)
    if strict and any_error:
        for f in valid:
            results[id(f)] = FileResult(f.name, "rejected", format=f.parsed.format, sha256=f.sha256,
                                        message="not imported: the batch is strict and another file has errors")
        valid = []

    target = store.db_path(db)
    if valid and not wipe and (dry_run or target.exists()):
        # a snapshot of the published database: what would change?
        snapshot = _snapshot_plans(target, valid)
        for f in valid:
            todo, supersede, same = snapshot[id(f)]
            if not todo:
                results[id(f)] = _unchanged(f, same)
            elif dry_run:
                results[id(f)] = FileResult(f.name, "valid", len(todo), sum(s.fact_rows for s in todo),
                                            format=f.parsed.format, sha256=f.sha256, superseded=supersede)
        valid = [f for f in valid if id(f) not in results]
    elif dry_run:
        for f in valid:
            results[id(f)] = FileResult(f.name, "valid", len(f.parsed.submissions),
                                        sum(s.fact_rows for s in f.parsed.submissions),
                                        format=f.parsed.format, sha256=f.sha256)
        valid = []
    if valid and not dry_run:
        try:
            with store.write(target) as con:
                if wipe:
                    _wipe(con, user)
                batches: dict[str, list[tuple]] = {t: [] for t in FACT_COLUMNS}
                current = _current(lambda sql, params: con.execute(sql, params).fetchall(),
                                   [s for f in valid for s in f.parsed.submissions])
                for f in valid:
                    results[id(f)] = _write_file(con, f, user, batches, current)
                    if sum(map(len, batches.values())) >= FLUSH_ROWS:
                        _flush(con, batches)
                _flush(con, batches)
        except store.StoreBusy as exc:
            for f in valid:
                report.problems.append(Problem(f.name, None, None, None, None, f"not imported: {exc}"))
                results[id(f)] = FileResult(f.name, "rejected", format=f.parsed.format, sha256=f.sha256,
                                            message="the database is busy")
    report.files = [results[id(f)] for f in files]
    return report


def _snapshot_plans(target: Path, valid: list[_File]) -> dict[int, tuple]:
    subs = [s for f in valid for s in f.parsed.submissions]
    if target.exists():
        reader = store.Store(target)
        try:
            current = _current(lambda sql, params: list(reader.query(sql, params).itertuples(index=False, name=None)),
                               subs)
        finally:
            reader.close()
    else:
        current = {}
    return {id(f): _plan(f, current) for f in valid}


def _unchanged(f: _File, import_id: int | None) -> FileResult:
    return FileResult(f.name, "unchanged", 0, 0, import_id, f"already imported as import {import_id}",
                      format=f.parsed.format, sha256=f.sha256)


def _wipe(con, user: str) -> None:
    for table in (*store.FACT_TABLES, "submissions", "imports"):
        con.execute(f"DELETE FROM {table}")
    store.audit(con, user, "init", "database rebuilt from data/seed (init --force)")


def _flush(con, batches: dict[str, list[tuple]]) -> None:
    for table, rows in batches.items():
        _insert_rows(con, table, rows)
        rows.clear()


def _insert_rows(con, table: str, rows: list[tuple]) -> None:
    """Bulk insert through a typed DataFrame (DuckDB's executemany costs ~0.4 ms a row)."""
    if not rows:
        return
    import pandas as pd

    cols = ("submission_id", "sheet", "row_no", *FACT_COLUMNS[table])
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = ?", [table]).fetchall())
    data = {}
    for name, values in zip(cols, zip(*rows)):
        kind = types.get(name, "VARCHAR")
        if kind in ("BIGINT", "INTEGER"):
            data[name] = pd.array(values, dtype="Int64")
        elif kind == "BOOLEAN":
            data[name] = pd.array(values, dtype="boolean")
        elif kind == "DATE":
            data[name] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[s]")
        else:
            data[name] = pd.Series(values, dtype=object)
    frame = pd.DataFrame(data)
    view = f"_tipdash_rows_{table}"
    con.register(view, frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {view}")
    finally:
        con.unregister(view)


def _synthetic(f: _File) -> bool:
    """Files made by `tipdash synth` say so in their name and in Prepared by."""
    return Path(f.name).name.upper().startswith("SYNTHETIC") or any(
        (s.prepared_by or "").upper().startswith("SYNTHETIC") for s in f.parsed.submissions)


def _write_file(con, f: _File, user: str, batches: dict[str, list[tuple]], current: dict) -> FileResult:
    """Write the imports/submissions rows of one file; its fact rows go to `batches`.
    `current`: the current submissions of the batch's unit-years (no two files share one)."""
    todo, supersede, same = _plan(f, current)
    if not todo:
        return _unchanged(f, same)
    now = store.now_utc()
    rows = sum(s.fact_rows for s in todo)
    import_id = store.next_id(con)
    con.execute("INSERT INTO imports (import_id, file_name, sha256, size_bytes, format, imported_at, imported_by, "
                "synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, Path(f.name).name, f.sha256, f.size, f.parsed.format, now, user, _synthetic(f)])
    for sub in todo:
        sid = store.next_id(con)
        old = current.get((sub.unit_code, sub.year))
        if old:
            con.execute("UPDATE submissions SET status = 'superseded', superseded_by = ?, changed_at = ? "
                        "WHERE submission_id = ?", [sid, now, old[0]])
        con.execute("INSERT INTO submissions (submission_id, import_id, unit_code, year, format, sheet, row_no, "
                    "submitted_on, prepared_by, reported, sheets, status, changed_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'current', ?)",
                    [sid, import_id, sub.unit_code, sub.year, f.parsed.format, sub.sheet, sub.row_no,
                     sub.submitted_on, sub.prepared_by, sub.reported,
                     ",".join(sorted(sub.facts)) if f.parsed.format == "report" else None, now])
        for table, facts in sub.facts.items():
            batches[table].extend((sid, *r) for r in facts)
            facts.clear()                         # the batch holds them now; keep memory flat
    units_years = ", ".join(f"{s.unit_code} {s.year}" for s in todo)
    store.audit(con, user, "import",
                f"import {import_id}: {Path(f.name).name} ({f.parsed.format}): {units_years}"
                + (f"; superseded {', '.join(map(str, supersede))}" if supersede else ""), f.sha256)
    message = f"{len(f.parsed.submissions) - len(todo)} unit-years unchanged" if len(todo) < len(
        f.parsed.submissions) else ""
    return FileResult(f.name, "imported", len(todo), rows, import_id, message, f.parsed.format, f.sha256, supersede)
