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
from typing import Callable, Iterable, Iterator, Sequence

from tipdash import store
from tipdash.ingest import check, pool, translations
from tipdash.ingest.limits import MAX_BYTES
from tipdash.ingest.plain import Malformed
from tipdash.ingest.results import BatchFile, FileResult, ImportReport, unchanged
from tipdash.ingest.sheet import Problem, Submission
from tipdash.ingest.writes import current_submissions, plan, write_stream

SEED_DIR = store.ROOT / "data" / "seed"
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return os.environ.get("USER") or "unknown"


# ------------------------------------------------------------------------------ reading

def _check(items: list[tuple[str, Callable[[], bytes]]]) -> Iterator[BatchFile]:
    """Read and validate each (name, load) in worker processes (`pool`); the BatchFiles in order,
    each as soon as it is ready."""
    seen: dict[int, tuple[int, str]] = {}

    def loader(i: int, load: Callable[[], bytes]) -> Callable[[], bytes]:
        def run() -> bytes:
            data = load()
            seen[i] = (len(data), hashlib.sha256(data).hexdigest())
            return data
        return run

    answers = pool.check_iter([(name, loader(i, load)) for i, (name, load) in enumerate(items)])
    for i, ((name, _), answer) in enumerate(zip(items, answers)):
        size, sha = seen.pop(i, (None, ""))
        if answer.failure is not None:
            code, params = answer.failure
            yield BatchFile(name, size, sha, problems=[Problem(name, None, None, None, None, code, params)])
            continue
        try:
            f = check.batch_file(name, size, sha, answer.meta)
        except Malformed:
            f = BatchFile(name, size, sha, problems=[Problem(name, None, None, None, None, "unsafe.malformed")])
        f.facts = answer.facts
        yield f


def _bytes(data: bytes) -> Callable[[], bytes]:
    return lambda: data


# ------------------------------------------------------------------------------ public API

def import_paths(paths: Iterable[str | os.PathLike], db=None, *, dry_run: bool = False, strict: bool = False,
                 user: str | None = None) -> ImportReport:
    """Import files (a directory stands for its .xlsx/.xls/.ods/.csv files, sorted)."""
    files: dict[int, BatchFile] = {}
    items: list[tuple[int, str, Callable[[], bytes]]] = []
    for i, path in enumerate(_expand(paths)):
        name = str(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            files[i] = BatchFile(name, None, problems=[Problem(name, None, None, None, None, "file.cannot_open",
                                                               {"reason": str(exc.strerror or exc)})])
            continue
        if size > MAX_BYTES:
            files[i] = BatchFile(name, None, problems=[Problem(
                name, None, None, None, None, "file.too_big", {"size": f"{size / 2**20:.1f} MB",
                                                               "limit": f"{MAX_BYTES // 2**20} MB"})])
            continue
        items.append((i, name, _reader(path)))
    checked = _check([(name, load) for _, name, load in items])
    ordered = (files[i] if i in files else next(checked) for i in range(len(files) + len(items)))
    return _run(ordered, db, dry_run=dry_run, strict=strict, user=user)


def _reader(path: Path) -> Callable[[], bytes]:
    def load() -> bytes:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise OSError(f"the file grew beyond {MAX_BYTES // 2**20} MB while it was read")
        return data
    return load


def import_bytes(files: Sequence[tuple[str, bytes]], db=None, *, dry_run: bool = False, strict: bool = False,
                 user: str | None = None) -> ImportReport:
    """Import uploaded files given as (file name, content)."""
    return _run(_check([(name, _bytes(data)) for name, data in files]), db, dry_run=dry_run, strict=strict,
                user=user)


def init_db(db=None, *, force: bool = False) -> ImportReport:
    """Build the database from data/seed/ (every supported file, sorted), as user "init", then
    load the free text's translations (data/translations/, :mod:`tipdash.ingest.translations`).

    An existing database is left alone unless `force`; with `force` its contents are replaced
    by the seed in one atomic write (so a failure keeps the old database).
    """
    target = store.db_path(db)
    if target.exists() and not force:
        return ImportReport(files=[FileResult(str(target), "unchanged",
                                              note="exists")])
    seed = sorted(p for p in SEED_DIR.iterdir() if p.suffix.lower() in SUPPORTED)
    report = _run(_check([(p.name, _reader(p)) for p in seed]), target, dry_run=False, strict=True, user="init",
                  wipe=target.exists())
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

class _Batch:
    """What the batch has seen so far: the unit-years of earlier files (a later file holding one
    is rejected) and whether a file had errors."""

    def __init__(self, report: ImportReport, results: dict[int, FileResult]):
        self.report, self.results = report, results
        self.first: dict[tuple[str, int], tuple[BatchFile, Submission]] = {}
        self.files: list[BatchFile] = []
        self.failed = False

    def accept(self, f: BatchFile) -> bool:
        """Record ``f``; True when it is valid (it may be written)."""
        self.files.append(f)
        if not f.errors and f.parsed:
            self.cross_check(f)
        self.report.problems.extend(f.problems)
        if f.errors or not f.parsed:
            self.failed = True
            n = sum(p.errors for p in f.problems)
            self.results[id(f)] = FileResult(f.name, "rejected", note="errors", note_params={"n": n},
                                             sha256=f.sha256 or None)
            return False
        return True

    def cross_check(self, f: BatchFile) -> None:
        clash = [(sub, *self.first[(sub.unit_code, sub.year)]) for sub in f.parsed.submissions
                 if (sub.unit_code, sub.year) in self.first]
        for sub, other, osub in clash:
            f.problems.append(Problem(
                f.name, sub.sheet, sub.row_no, "Unit" if f.parsed.format == "report" else "unit", sub.unit_label,
                "batch.same_unit_year", {"value": sub.unit_label, "year": sub.year, "other": other.name,
                                         "other_sheet": osub.sheet, "other_row": osub.row_no}))
        if not clash:
            for sub in f.parsed.submissions:
                self.first[(sub.unit_code, sub.year)] = (f, sub)


def _run(files: Iterable[BatchFile], db, *, dry_run: bool, strict: bool, user: str | None,
         wipe: bool = False) -> ImportReport:
    """Check the batch (files arrive as the workers finish them) and, unless ``dry_run``, write
    its valid files in one transaction while the next ones are still being read."""
    report = ImportReport(dry_run=dry_run)
    results: dict[int, FileResult] = {}
    batch = _Batch(report, results)
    target = store.db_path(db)
    if dry_run:
        valid = [f for f in files if batch.accept(f)]
        _dry_run(target, valid, results, strict and batch.failed)
    else:
        write_stream(target, (f for f in files if batch.accept(f)), user or _default_user(), report, results,
                     wipe=wipe, abort=lambda: strict and batch.failed)
    report.files = [results[id(f)] for f in batch.files]
    return report


def _dry_run(target: Path, valid: list[BatchFile], results: dict[int, FileResult], strict_failed: bool) -> None:
    """What an import would do: each valid file against a snapshot of the published database."""
    if strict_failed:
        for f in valid:
            results[id(f)] = FileResult(f.name, "rejected", format=f.parsed.format, sha256=f.sha256, note="strict")
        return
    snapshot = _snapshot_plans(target, valid)
    for f in valid:
        todo, supersede, same = snapshot[id(f)]
        if not todo:
            results[id(f)] = unchanged(f, same)
        else:
            results[id(f)] = FileResult(f.name, "valid", len(todo), sum(s.fact_rows for s in todo),
                                        format=f.parsed.format, sha256=f.sha256, superseded=supersede)


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
