"""Writing a validated batch: ONE ``store.write()`` (one atomic publish) for all its files, each
submission superseding the current one of its unit-year (format C: of its year and source, see
``key``), fact rows inserted in bulk."""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, Iterable

from tipdash import store
from tipdash.ingest.check import fact_columns
from tipdash.ingest.limits import _short
from tipdash.ingest.plain import loads
from tipdash.ingest.results import BatchFile, FileResult, ImportReport, unchanged
from tipdash.ingest.series_link import source_columns
from tipdash.ingest.sheet import FACT_COLUMNS, Problem, Submission

FLUSH_ROWS = 200_000                       # fact rows buffered before a bulk insert
Query = Callable[[str, list], list[tuple]]


class _Abort(Exception):
    """A strict batch in which a file had errors: nothing is written."""


class _Nothing(Exception):
    """Every valid file was already imported: the database stays as it is, byte for byte."""


def write_stream(target: Path, files: Iterable[BatchFile], user: str, report: ImportReport,
                 results: dict[int, FileResult], *, wipe: bool = False, abort: Callable[[], bool]) -> None:
    """Write the valid ``files`` into ``target`` in one transaction, each as it arrives (the write
    starts with the first valid file; ``wipe``: first empty the database, for init --force;
    ``abort()`` true: a strict batch had an error, so the transaction is dropped). Each file's
    outcome goes to ``results``."""
    taken: list[BatchFile] = []
    try:
        with contextlib.ExitStack() as stack:
            con = current = None
            batches = _Pending()
            for f in files:
                taken.append(f)
                if abort():
                    continue                      # keep reading: every file's problems are reported
                if con is None:
                    con = stack.enter_context(store.write(target))
                    if wipe:
                        _wipe(con, user)
                    current = current_submissions(lambda sql, params: con.execute(sql, params).fetchall(), None)
                results[id(f)] = _write_file(con, f, user, batches, current)
                if batches.rows >= FLUSH_ROWS:
                    batches.flush(con)
            if con is None:
                return
            if abort():
                raise _Abort
            if not wipe and all(results[id(f)].status == "unchanged" for f in taken):
                raise _Nothing
            batches.flush(con)
    except _Nothing:
        pass
    except _Abort:
        for f in taken:
            results[id(f)] = FileResult(f.name, "rejected", format=f.parsed.format, sha256=f.sha256, note="strict")
    except store.StoreBusy:
        _not_written(taken + list(files), report, results, ("write.busy", {}), "busy")
    except Exception as exc:  # noqa: BLE001 - a full disk, a DuckDB error: one line, the database as before
        _not_written(taken + list(files), report, results, ("write.failed", {"detail": _short(exc)}),
                     "nothing_written")


def _not_written(valid: list[BatchFile], report: ImportReport, results: dict[int, FileResult],
                 problem: tuple[str, dict], note: str) -> None:
    for f in valid:
        report.problems.append(Problem(f.name, None, None, None, None, problem[0], problem[1]))
        results[id(f)] = FileResult(f.name, "rejected", format=f.parsed.format, sha256=f.sha256, note=note)


def key(sub: Submission) -> tuple[str, int, str | None]:
    """What a submission supersedes: the current one of its unit, year and source (the source of
    a national series, format C; None for formats A and B, which replace each other)."""
    return sub.unit_code, sub.year, getattr(sub, "source", None)


def current_submissions(query: Query, subs: list[Submission] | None) -> dict[tuple, tuple[int, str, int, str | None]]:
    """(unit, year, source) -> (current submission id, its file's sha256, its import id, its digest),
    for the keys of ``subs`` (None: every current submission, at most 37 a year and a few series)."""
    if subs is not None and not subs:
        return {}
    series = query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'submissions' "
                   "AND column_name = 'digest'", [])[0][0]      # not in databases written before format C
    sql = (f"SELECT s.unit_code, s.year, {'s.source' if series else 'NULL'}, s.submission_id, i.sha256, "
           f"i.import_id, {'s.digest' if series else 'NULL'} FROM submissions s "
           "JOIN imports i USING (import_id) WHERE s.status = 'current'")
    if subs is None:
        return {(u, y, src): (sid, sha, iid, dig) for u, y, src, sid, sha, iid, dig in query(sql, [])}
    years = sorted({s.year for s in subs})
    wanted = {key(s) for s in subs}
    rows = query(sql + " AND s.year BETWEEN ? AND ?", [years[0], years[-1]])
    return {(u, y, src): (sid, sha, iid, dig) for u, y, src, sid, sha, iid, dig in rows if (u, y, src) in wanted}


def _same(sub: Submission, cur: tuple, sha256: str) -> bool:
    """Already current: from a file with the same bytes, or (format C) with the same figures and source."""
    dig = getattr(sub, "digest", None)
    return cur[1] == sha256 if dig is None else cur[3] == dig


def plan(f: BatchFile, current: dict) -> tuple[list[Submission], list[int], int | None]:
    """The submissions to write, the submissions they supersede, and (when none need writing)
    the import that already holds this file."""
    todo, supersede, same = [], [], None
    for sub in f.parsed.submissions:
        cur = current.get(key(sub))
        if cur and _same(sub, cur, f.sha256):
            same = cur[2] if same is None else min(same, cur[2])
            continue
        todo.append(sub)
        if cur:
            supersede.append(cur[0])
    return todo, supersede, same


def _wipe(con, user: str) -> None:
    for table in (*store.FACT_TABLES, "submissions", "imports"):
        con.execute(f"DELETE FROM {table}")
    store.audit(con, user, "init", "database rebuilt from data/seed (init --force)")


IMPORT_COLUMNS = ("import_id", "file_name", "sha256", "size_bytes", "format", "imported_at", "imported_by",
                  "synthetic")
SUBMISSION_COLUMNS = ("submission_id", "import_id", "unit_code", "year", "format", "sheet", "row_no",
                      "submitted_on", "prepared_by", "reported", "sheets", "status", "changed_at", "source_lang",
                      "contact_name", "contact_email", "contact_phone", "source", "digest")


class _Pending:
    """Rows waiting for a bulk insert: fact columns per table, imports, submissions, audit lines;
    and ids taken from the sequence a block at a time (one query per 512 ids, not one per row)."""

    def __init__(self):
        self.facts: dict[str, list[list]] = {t: [[] for _ in range(3 + len(FACT_COLUMNS[t]))] for t in FACT_COLUMNS}
        self.imports: list[tuple] = []
        self.submissions: list[tuple] = []
        self.audit: list[tuple] = []
        self.rows = 0
        self.ids: list[int] = []

    def next_id(self, con) -> int:
        if not self.ids:
            self.ids = store.next_ids(con, 512)[::-1]
        return self.ids.pop()

    def flush(self, con) -> None:
        _insert_rows(con, "imports", IMPORT_COLUMNS, [list(c) for c in zip(*self.imports)])
        _insert_rows(con, "submissions", SUBMISSION_COLUMNS, [list(c) for c in zip(*self.submissions)])
        store.audit_many(con, self.audit)
        for table, columns in self.facts.items():
            _insert_rows(con, table, ("submission_id", "sheet", "row_no", *FACT_COLUMNS[table]), columns)
            for col in columns:
                col.clear()
        self.imports, self.submissions, self.audit, self.rows = [], [], [], 0


def _insert_rows(con, table: str, cols: tuple[str, ...], columns: list[list]) -> None:
    """Bulk insert through a typed Arrow table (DuckDB scans it without a copy; executemany costs
    ~0.4 ms a row). Each column is built with its database type, so a value of another type (only
    a checker that went wrong could send one) fails here, before anything is written."""
    if not columns or not columns[0]:
        return
    import pyarrow as pa

    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = ?", [table]).fetchall())
    arrays = []
    for name, values in zip(cols, columns):
        kind = types.get(name, "VARCHAR")
        if kind in ("BIGINT", "INTEGER"):
            arrays.append(pa.array(values, pa.int64()))
        elif kind == "DOUBLE":
            arrays.append(pa.array(values, pa.float64()))
        elif kind == "BOOLEAN":
            arrays.append(pa.array(values, pa.bool_()))
        elif kind == "DATE":
            arrays.append(pa.array(values, pa.string()).cast(pa.date32()) if not values or
                          isinstance(next((v for v in values if v is not None), ""), str) else
                          pa.array(values, pa.date32()))
        elif kind.startswith("TIMESTAMP"):
            arrays.append(pa.array(values, pa.timestamp("us")))
        else:
            arrays.append(pa.array(values, pa.string()))
    frame = pa.table(arrays, names=list(cols))
    view = f"_tipdash_rows_{table}"
    con.register(view, frame)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {view}")
    finally:
        with contextlib.suppress(Exception):     # after a failed INSERT this fails too: keep the first error
            con.unregister(view)


def _synthetic(f: BatchFile) -> bool:
    """Files made by `tipdash synth` say so in their name and in Prepared by."""
    return Path(f.name).name.upper().startswith("SYNTHETIC") or any(
        (s.prepared_by or "").upper().startswith("SYNTHETIC") for s in f.parsed.submissions)


def _write_file(con, f: BatchFile, user: str, pending: _Pending, current: dict) -> FileResult:
    """The imports/submissions rows of one file, its fact rows and its audit line, into
    ``pending``. ``current``: the current submissions (no two files of a batch share a ``key``)."""
    todo, supersede, same = plan(f, current)
    if not todo:
        return unchanged(f, same)
    facts = dict(zip(map(id, f.parsed.submissions), fact_columns(loads(f.facts), f)))
    f.facts = b""
    now = store.now_utc()
    rows = sum(s.fact_rows for s in todo)
    import_id = pending.next_id(con)
    pending.imports.append((import_id, Path(f.name).name, f.sha256, f.size, f.parsed.format, now, user,
                            _synthetic(f)))
    for sub in todo:
        sid = pending.next_id(con)
        old = current.get(key(sub))
        if old:
            con.execute("UPDATE submissions SET status = 'superseded', superseded_by = ?, changed_at = ? "
                        "WHERE submission_id = ?", [sid, now, old[0]])
        pending.submissions.append((sid, import_id, sub.unit_code, sub.year, f.parsed.format, sub.sheet, sub.row_no,
                                    sub.submitted_on, sub.prepared_by, sub.reported,
                                    ",".join(sorted(sub.tables)) if f.parsed.format == "report" else None,
                                    "current", now, sub.source_lang, getattr(sub, "contact_name", None),
                                    getattr(sub, "contact_email", None), getattr(sub, "contact_phone", None),
                                    getattr(sub, "source", None), getattr(sub, "digest", None)))
        cols_of = facts[id(sub)]
        if getattr(sub, "source_row", None) is not None:     # format C: the source row it was linked to
            cols_of = {**cols_of, "series_sources": source_columns(sub)}
        for table, cols in cols_of.items():
            batch = pending.facts[table]
            batch[0].extend([sid] * len(cols[0]))
            for target, col in zip(batch[1:], cols):
                target.extend(col)
            pending.rows += len(cols[0])
    units_years = ", ".join(" ".join(str(x) for x in key(s) if x is not None) for s in todo)
    pending.audit.append((user, "import", f"import {import_id}: {Path(f.name).name} ({f.parsed.format}): {units_years}"
                          + (f"; superseded {', '.join(map(str, supersede))}" if supersede else ""), f.sha256))
    kept = len(f.parsed.submissions) - len(todo)
    note = ("partly_unchanged_series" if f.parsed.format == "series" else "partly_unchanged") if kept else None
    return FileResult(f.name, "imported", len(todo), rows, import_id, note, f.parsed.format, f.sha256, supersede,
                      {"n": kept})
