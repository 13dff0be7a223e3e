"""Free text in other languages (data/translations/*.csv), loaded into the ``translations`` table.

Each row gives one free-text value of the data (a topic, a challenge, a training title, an
organisation's name, a conclusion …) in one more language, with its origin:

* ``unofficial_translation`` -- translated for tipdash; shown with "unofficial translation";
* ``registered_name`` -- a name checked in the source cited in ``note``; shown as it is;
* ``as_in_source`` -- a name nobody could verify, kept as the source writes it; shown with
  "(text in <language>, as in the source)".

Header: ``source_lang,source_text,lang,text,origin,note`` (UTF-8). ``source_text`` is the text as
the data holds it; rows are looked up by its SHA-256 (``source_hash``: :func:`tipdash.values.text_hash`).
``tipdash init`` loads every file of data/translations/ after the seed, replacing the table in one
atomic write; a file with an error loads nothing and says where (file, row, column, value, why).
"""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from tipdash import store
from tipdash.ingest.results import FileResult, ImportReport
from tipdash.ingest.sheet import Problem
from tipdash.values import text_hash

TRANSLATIONS_DIR = store.ROOT / "data" / "translations"
HEADER = ["source_lang", "source_text", "lang", "text", "origin", "note"]
LANGS = ("ro", "en", "ru")
ORIGINS = ("unofficial_translation", "registered_name", "as_in_source")


def read(name: str, data: bytes) -> tuple[list[tuple], list[Problem]]:
    """The rows of one translations file, ready for the table, and its problems."""
    problems: list[Problem] = []

    def error(row, column, value, code, /, **params):
        problems.append(Problem(name, None, row, column, value, f"translations.{code}", params))

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        error(None, None, None, "not_utf8", reason=exc.reason, byte=exc.start)
        return [], problems
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header != HEADER:
        error(1, None, ",".join(header or []), "header", header=",".join(HEADER))
        return [], problems
    rows, seen = [], {}
    for r, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            error(r, None, None, "cells", n=len(cells), expected=len(HEADER))
            continue
        rec = dict(zip(HEADER, (c.strip() for c in cells)))
        bad = [(col, rec[col], "not_one_of", {"column": col, "allowed": ", ".join(allowed)})
               for col, allowed in (("source_lang", LANGS), ("lang", LANGS), ("origin", ORIGINS))
               if rec[col] not in allowed]
        bad += [(col, "", "blank", {"column": col}) for col in ("source_text", "text") if not rec[col]]
        if rec["lang"] == rec["source_lang"]:
            bad.append(("lang", rec["lang"], "same_lang", {}))
        for col, value, code, params in bad:
            error(r, col, value, code, **params)
        if bad:
            continue
        key = (rec["source_lang"], text_hash(rec["source_text"]), rec["lang"])
        if key in seen:
            error(r, "source_text", rec["source_text"][:60], "second", language=rec["lang"], first=seen[key])
            continue
        seen[key] = r
        rows.append((rec["source_lang"], key[1], unicodedata.normalize("NFC", rec["source_text"]), rec["lang"],
                     unicodedata.normalize("NFC", rec["text"]), rec["origin"], rec["note"] or None,
                     Path(name).name))
    return rows, problems


def load(db, paths=None, report: ImportReport | None = None) -> ImportReport:
    """Replace the translations table with the rows of ``paths`` (default: data/translations/*.csv)
    in one atomic write; nothing is written when a file has an error."""
    report = report or ImportReport()
    paths = sorted(TRANSLATIONS_DIR.glob("*.csv")) if paths is None else [Path(p) for p in paths]
    rows, results = [], []
    for p in paths:
        got, problems = read(str(p), p.read_bytes())
        report.problems.extend(problems)
        rows += got
        results.append(FileResult(str(p), "rejected" if problems else "imported", rows=len(got),
                                  format="translations", note="errors" if problems else None,
                                  note_params={"n": len(problems)}))
    if not any(r.status == "rejected" for r in results):
        with store.write(db) as con:
            con.execute("DELETE FROM translations")
            con.executemany("INSERT INTO translations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            store.audit(con, "init", "translations", f"{len(rows)} rows from "
                        + ", ".join(Path(p).name for p in paths))
    report.files.extend(results)
    return report
