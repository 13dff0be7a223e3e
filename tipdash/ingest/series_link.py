"""Format C across the files of a batch: every series submission gets the source row it cites
(from a sources file of the same batch, else the one already current in the database), its
``digest`` (what decides whether it changes anything), and every sources file a result that
follows the series file(s) it was read with."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tipdash import store
from tipdash.ingest.results import BatchFile, FileResult
from tipdash.ingest.series import SeriesSubmission, SourceRow
from tipdash.ingest.sheet import Problem


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
                f.problems.append(Problem(f.name, row.sheet, row.row_no, "source", sid,
                                          f"source {sid!r} is also defined in {Path(other.name).name} "
                                          f"(row {orow.row_no}) in this batch; define it once"))
            else:
                batch[sid] = (f, row)
    broken = [Path(f.name).name for f in sources_files if f.errors]
    stored = stored_sources(target) if series_files else {}
    for f in series_files:
        if broken:
            f.problems.append(Problem(f.name, None, None, None, None,
                                      f"not imported: the sources file {', '.join(broken)} of this batch has "
                                      f"errors"))
            continue
        for sub in f.parsed.submissions:
            found = batch.get(sub.source)
            src = found[1] if found else stored.get(sub.source)
            if src is None:
                for r in sub.rows:
                    f.problems.append(Problem(f.name, sub.sheet, r, "source", sub.source,
                                              f"source {sub.source!r} is not defined: add its row to the "
                                              f"sources file (sources.csv) and import both files together"))
                continue
            sub.facts["series_sources"] = [src.fact()]
            sub.digest = digest(sub)
    for f in sources_files:
        if not f.errors and not all_series:
            f.problems.append(Problem(f.name, None, None, None, None,
                                      "a sources file is imported together with the national series file "
                                      "that cites it (national_series.csv); nothing to import on its own"))


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


def digest(sub: SeriesSubmission) -> str:
    """sha256 of the submission's figures and its source row, without sheet and row numbers: the
    same figures from the same source are 'unchanged' wherever they sit in the file."""
    figures = sorted(tuple(map(_plain, r[2:])) for r in sub.facts.get("series", []))
    source = [tuple(map(_plain, r[2:])) for r in sub.facts.get("series_sources", [])]
    blob = json.dumps([sub.year, sub.source, figures, source], ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _plain(v):
    return None if v is None else (v if isinstance(v, (int, float, str)) else str(v))


def sources_results(files: list[BatchFile], results: dict[int, FileResult]) -> None:
    """The result of each sources file that was not rejected: that of the series file(s) it was
    read with (imported / valid / unchanged), or rejected with them."""
    series = [f for f in _of(files, "series") if id(f) in results]
    for f in _of(files, "sources"):
        if id(f) in results:
            continue
        n = len(getattr(f.parsed, "sources", {}))
        names = ", ".join(Path(s.name).name for s in series)
        statuses = [results[id(s)].status for s in series]
        status = next((s for s in ("imported", "valid", "unchanged") if s in statuses), "rejected")
        message = (f"{n} sources, read with {names}" if status != "rejected"
                   else f"not imported: {names} was not imported")
        results[id(f)] = FileResult(f.name, status, message=message, format="sources", sha256=f.sha256)
