"""Format C across the files of a batch (in the parent process, after the workers checked each
file): every series submission gets the source row it cites (from a sources file of the same
batch, else the one already current in the database) and its ``digest`` (what decides whether
it changes anything); every sources file gets a result that follows the series file(s) it was
read with. Problems and results are message codes like the rest of the import."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tipdash import store
from tipdash.ingest.limits import MAX_PROBLEMS
from tipdash.ingest.results import BatchFile, FileResult
from tipdash.ingest.series import SeriesSubmission, SourceRow
from tipdash.ingest.sheet import Problem, more_problems


def _of(files: list[BatchFile], fmt: str) -> list[BatchFile]:
    return [f for f in files if f.parsed is not None and f.parsed.format == fmt]


def link_batch(files: list[BatchFile], target: Path) -> None:
    """Attach sources to the series submissions of ``files`` (problems go to the files)."""
    all_series = _of(files, "series")
    series_files = [f for f in all_series if not f.errors]
    sources_files = _of(files, "sources")
    batch: dict[str, tuple[BatchFile, SourceRow]] = {}
    for f in sources_files:
        for sid, row in getattr(f.parsed, "sources", {}).items():
            if sid in batch:
                other, orow = batch[sid]
                f.problems.append(Problem(f.name, row.sheet, row.row_no, "source", sid, "sources.batch_twice",
                                          {"value": sid, "other": Path(other.name).name, "other_row": orow.row_no}))
            else:
                batch[sid] = (f, row)
    broken = [Path(f.name).name for f in sources_files if f.errors]
    stored = stored_sources(target) if series_files else {}
    for f in series_files:
        if broken:
            f.problems.append(Problem(f.name, None, None, None, None, "series.sources_broken", {"names": broken}))
            continue
        missing = []
        for sub in f.parsed.submissions:
            found = batch.get(sub.source)
            src = found[1] if found else stored.get(sub.source)
            if src is None:
                missing.extend((r, sub) for r in sub.row_nos)
                continue
            sub.source_row = src
            sub.digest = digest(sub.figures, src)
            sub.rows += 1
            sub.tables = (*sub.tables, "series_sources")
        _undefined(f, sorted(missing, key=lambda x: x[0]))
    for f in sources_files:
        if not f.errors and not all_series:
            f.problems.append(Problem(f.name, None, None, None, None, "sources.alone"))


def _undefined(f: BatchFile, missing: list[tuple[int, SeriesSubmission]]) -> None:
    """One error per row citing an undefined source (the first MAX_PROBLEMS, then a count)."""
    for r, sub in missing[:MAX_PROBLEMS]:
        f.problems.append(Problem(f.name, sub.sheet, r, "source", sub.source, "series.source_undefined",
                                  {"value": sub.source}))
    if len(missing) > MAX_PROBLEMS:
        f.problems.append(more_problems(f.name, len(missing) - MAX_PROBLEMS, 0))


def stored_sources(target: Path) -> dict[str, SourceRow]:
    """The source rows of the current series submissions (the newest per source id)."""
    if not Path(target).exists():
        return {}
    reader = store.Store(target)
    try:
        if not reader.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'series_sources'"):
            return {}
        df = reader.query(
            """SELECT x.sheet, x.row_no, x.source, x.publisher, x.title, x.url, x.licence, x.accessed, x.note
               FROM series_sources x JOIN submissions s ON s.submission_id = x.submission_id
               WHERE s.status = 'current' ORDER BY s.submission_id DESC""")
    finally:
        reader.close()
    out: dict[str, SourceRow] = {}
    for rec in df.to_dict("records"):
        if rec["source"] not in out:
            rec = {k: (None if v is None or v != v else v) for k, v in rec.items()}   # NaN/NaT -> None
            accessed = rec["accessed"]
            rec["accessed"] = accessed.date() if hasattr(accessed, "date") else accessed
            out[rec["source"]] = SourceRow(**rec)
    return out


def digest(figures: str, source: SourceRow) -> str:
    """sha256 of a submission's figures (their digest, ``series``) and its source row without
    sheet and row number: the same figures from the same source are 'unchanged' wherever they
    sit in the files."""
    row = [None if v is None else str(v) for v in source.fact()[2:]]
    blob = json.dumps([figures, row], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def source_columns(sub: SeriesSubmission) -> list[list]:
    """The ``series_sources`` fact columns of a linked submission (one row: its source)."""
    return [[v] for v in sub.source_row.fact()]


def sources_results(files: list[BatchFile], results: dict[int, FileResult]) -> None:
    """The result of each sources file that was not rejected: that of the series file(s) it was
    read with (imported / valid / unchanged), or rejected with them."""
    series = [f for f in _of(files, "series") if id(f) in results]
    for f in _of(files, "sources"):
        if id(f) in results:
            continue
        n = len(getattr(f.parsed, "sources", {}))
        names = [Path(s.name).name for s in series]
        statuses = [results[id(s)].status for s in series]
        status = next((s for s in ("imported", "valid", "unchanged") if s in statuses), "rejected")
        note, params = (("sources_read", {"n": n, "files": names}) if status != "rejected"
                        else ("sources_not_imported", {"files": names}))
        results[id(f)] = FileResult(f.name, status, note=note, format="sources", sha256=f.sha256, note_params=params)
