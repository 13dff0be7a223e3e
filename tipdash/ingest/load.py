"""Import commission reports (format A), summaries (format B) and national series (format C, with
their sources file: ``series``, ``series_link``) into the database.

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
  "unchanged (already imported as import N)" and writes nothing;
* format C: a series submission is one (year, source) and supersedes only the current one of
  its year and source (``writes.key``), when its figures or source row differ (``digest``); the
  series and sources files of a batch are held until every file has arrived, then linked
  (``series_link``) and written last.

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
from tipdash.ingest.series_link import link_batch, sources_results
from tipdash.ingest.sheet import Problem, Submission
from tipdash.ingest.writes import current_submissions, key, plan, write_stream

SEED_DIR = store.ROOT / "data" / "seed"
#: the national statistical series (format C) that ``init`` loads with the seed
NATIONAL_FILES = (store.ROOT / "data" / "national" / "national_series.csv",
                  store.ROOT / "data" / "national" / "sources.csv")
FORMAT_C = ("series", "sources")
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
    """Build the database from data/seed/ (every supported file, sorted) and the national series
    of data/national/, as user "init", then load the free text's translations (data/translations/,
    :mod:`tipdash.ingest.translations`).

    An existing database is left alone unless `force` -- except that one into which no national
    series was ever imported gets the shipped one (a reverted series stays reverted); with `force`
    its contents are replaced by the seed in one atomic write (so a failure keeps the old database).
    """
    target = store.db_path(db)
    national = [p for p in NATIONAL_FILES if p.exists()]
    if target.exists() and not force:
        exists = FileResult(str(target), "unchanged", note="exists")
        if not national or _has_series(target):
            return ImportReport(files=[exists])
        report = _run(_check([(p.name, _reader(p)) for p in national]), target, dry_run=False, strict=True,
                      user="init")
        report.files.insert(0, exists)
        return report
    seed = sorted(p for p in SEED_DIR.iterdir() if p.suffix.lower() in SUPPORTED)
    report = _run(_check([(p.name, _reader(p)) for p in [*seed, *national]]), target, dry_run=False, strict=True,
                  user="init", wipe=target.exists())
    return translations.load(target, report=report) if report.ok else report


def _has_series(target: Path) -> bool:
    """Whether a national series (format C) was ever imported into the database."""
    reader = store.Store(target)
    try:
        return bool(reader.scalar("SELECT count(*) FROM imports WHERE format = 'series'"))
    finally:
        reader.close()


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
    """What the batch has seen so far: the files in their order, the unit-years (format C: the
    years and sources) of earlier files (a later file holding one is rejected) and whether a file
    had errors."""

    def __init__(self, report: ImportReport, results: dict[int, FileResult], target: Path):
        self.report, self.results, self.target = report, results, target
        self.first: dict[tuple, tuple[BatchFile, Submission]] = {}
        self.files: list[BatchFile] = []
        self.failed = False

    def valid(self, files: Iterable[BatchFile]) -> Iterator[BatchFile]:
        """The files that may be written, each as soon as it is checked; format C's files are held
        until the last file has arrived (a series file needs its sources file, which may come
        after it), then linked (``series_link``) and given last."""
        held = []
        for f in files:
            self.files.append(f)
            if f.parsed is not None and f.parsed.format in FORMAT_C:
                held.append(f)
            elif self.accept(f):
                yield f
        if held:
            link_batch(held, self.target)
            for f in held:
                if self.accept(f) and f.parsed.format == "series":
                    yield f

    def accept(self, f: BatchFile) -> bool:
        """Record ``f``'s problems; True when it is valid (it may be written)."""
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
        clash = [(sub, *self.first[key(sub)]) for sub in f.parsed.submissions if key(sub) in self.first]
        for sub, other, osub in clash:
            where = {"other": other.name, "other_sheet": osub.sheet, "other_row": osub.row_no}
            if f.parsed.format == "series":
                f.problems.append(Problem(f.name, sub.sheet, sub.row_no, "source", sub.source,
                                          "batch.same_year_source", {"value": sub.source, "year": sub.year, **where}))
                continue
            f.problems.append(Problem(
                f.name, sub.sheet, sub.row_no, "Unit" if f.parsed.format == "report" else "unit", sub.unit_label,
                "batch.same_unit_year", {"value": sub.unit_label, "year": sub.year, **where}))
        if not clash:
            for sub in f.parsed.submissions:
                self.first[key(sub)] = (f, sub)


def _run(files: Iterable[BatchFile], db, *, dry_run: bool, strict: bool, user: str | None,
         wipe: bool = False) -> ImportReport:
    """Check the batch (files arrive as the workers finish them) and, unless ``dry_run``, write
    its valid files in one transaction while the next ones are still being read."""
    report = ImportReport(dry_run=dry_run)
    results: dict[int, FileResult] = {}
    target = store.db_path(db)
    batch = _Batch(report, results, target)
    if dry_run:
        valid = list(batch.valid(files))
        _dry_run(target, valid, results, strict and batch.failed)
    else:
        write_stream(target, batch.valid(files), user or _default_user(), report, results,
                     wipe=wipe, abort=lambda: strict and batch.failed)
    sources_results(batch.files, results)              # format C: a sources file follows its series file
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
