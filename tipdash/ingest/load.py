"""Import commission reports (format A) and summaries (format B) into the database.

One call = one batch: every file is read (`ingest.read`) and validated (`ingest.validate`)
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

This module reads and checks the batch; ``writes`` writes it; ``results`` holds what is reported.
"""
from __future__ import annotations

import getpass
import hashlib
import os
from pathlib import Path
from typing import Iterable, Sequence

from tipdash import store
from tipdash.ingest import read, translations
from tipdash.ingest.limits import MAX_BYTES
from tipdash.ingest.results import BatchFile, FileResult, ImportReport, unchanged
from tipdash.ingest.sheet import Problem, Submission
from tipdash.ingest.validate import parse
from tipdash.ingest.writes import current_submissions, plan, write_batch

SEED_DIR = store.ROOT / "data" / "seed"
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER") or "unknown"


# ------------------------------------------------------------------------------ reading

def _read(name: str, data: bytes) -> BatchFile:
    f = BatchFile(name, len(data), hashlib.sha256(data).hexdigest())
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
    files: list[BatchFile] = []
    for path in _expand(paths):
        name = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                files.append(BatchFile(name, None, problems=[Problem(
                    name, None, None, None, size, f"the file is {size / 2**20:.1f} MB; the limit is "
                                                  f"{MAX_BYTES // 2**20} MB")]))
                continue
            files.append(_read(name, path.read_bytes()))
        except OSError as exc:
            files.append(BatchFile(name, None, problems=[Problem(name, None, None, None, None,
                                                             f"cannot open the file: {exc.strerror or exc}")]))
    return _run(files, db, dry_run=dry_run, strict=strict, user=user)


def import_bytes(files: Sequence[tuple[str, bytes]], db=None, *, dry_run: bool = False, strict: bool = False,
                 user: str | None = None) -> ImportReport:
    """Import uploaded files given as (file name, content)."""
    return _run([_read(name, data) for name, data in files], db, dry_run=dry_run, strict=strict, user=user)


def init_db(db=None, *, force: bool = False) -> ImportReport:
    """Build the database from data/seed/ (every supported file, sorted), as user "init", then
    load the free text's translations (data/translations/, :mod:`tipdash.ingest.translations`).

    An existing database is left alone unless `force`; with `force` its contents are replaced
    by the seed in one atomic write (so a failure keeps the old database).
    """
    target = store.db_path(db)
    if target.exists() and not force:
        return ImportReport(files=[FileResult(str(target), "unchanged",
                                              message="the database exists; use --force to rebuild it")])
    seed = sorted(p for p in SEED_DIR.iterdir() if p.suffix.lower() in SUPPORTED)
    files = [_read(p.name, p.read_bytes()) for p in seed]
    report = _run(files, target, dry_run=False, strict=True, user="init", wipe=target.exists())
    return translations.load(target, report=report) if report.ok else report


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

def _cross_file_checks(files: list[BatchFile]) -> None:
    """A unit-year may appear in one file of a batch only: later files holding it are rejected."""
    first: dict[tuple[str, int], tuple[BatchFile, Submission]] = {}
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


def _run(files: list[BatchFile], db, *, dry_run: bool, strict: bool, user: str | None,
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
                results[id(f)] = unchanged(f, same)
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
        write_batch(target, valid, user, report, results, wipe=wipe)
    report.files = [results[id(f)] for f in files]
    return report


def _snapshot_plans(target: Path, valid: list[BatchFile]) -> dict[int, tuple]:
    subs = [s for f in valid for s in f.parsed.submissions]
    if target.exists():
        reader = store.Store(target)
        try:
            current = current_submissions(
                lambda sql, params: list(reader.query(sql, params).itertuples(index=False, name=None)), subs)
        finally:
            reader.close()
    else:
        current = {}
    return {id(f): plan(f, current) for f in valid}
