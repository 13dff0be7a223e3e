"""Format C, the national statistical series: validation (every rule of docs/FORMATS.md section C,
each problem located by file, row, column and value), supersession per (year, source) beside the
national-level commission report, unchanged re-imports, revert, and the shipped data/national."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from tipdash import ingest, store
from tipdash.ingest.load import NATIONAL_FILES

SERIES_HEADER = ["year", "indicator", "breakdown", "value", "unit", "source", "note"]
SOURCES_HEADER = ["source", "publisher", "title", "url", "licence", "accessed", "note"]
SOURCES = [
    ["nbs", "National Bureau of Statistics", "SDG 16.2.2", "https://example.org/nbs", "MIT", "", ""],
    ["tip", "US Department of State", "TIP report", "https://example.org/tip", "public domain", "2025-01-31", ""],
]
SERIES = [
    ["2021", "victims_identified", "total", "312", "persons", "tip", "rate_count_mismatch"],
    ["2021", "victims_identified_rate", "total", "13.9", "per_100k", "nbs", "rate_count_mismatch"],
    ["2022", "victims_identified", "total", "150", "persons", "tip", ""],
    ["2022", "victims_identified", "sex:female&age:child", "43", "persons", "tip", ""],
    ["2022", "victims_identified_rate", "total", "6.1", "per_100k", "nbs", ""],
    ["2022", "victims_identified_share", "exploitation:labour", "64.5", "percent", "tip", ""],
]


def write_csv(path: Path, header, rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        if header:
            w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    def build(series=SERIES, sources=SOURCES, series_header=SERIES_HEADER, sources_header=SOURCES_HEADER,
              name="national_series.csv"):
        out = [write_csv(tmp_path / "in" / name, series_header, series)]
        if sources is not None:
            out.append(write_csv(tmp_path / "in" / "sources.csv", sources_header, sources))
        return out
    return build


def q(db, sql, params=None):
    s = store.Store(db)
    try:
        return s.query(sql, params)
    finally:
        s.close()


def current_series(db):
    return q(db, "SELECT s.year, s.source, x.indicator, x.breakdown, x.value, x.value_text, x.note "
                 "FROM series x JOIN submissions s USING (submission_id) WHERE s.status = 'current' "
                 "ORDER BY s.year, s.source, x.row_no")


# ------------------------------------------------------------------------------ a good import

def test_series_import_one_submission_per_year_and_source(tmp_db, files):
    report = ingest.import_paths(files(), tmp_db, user="ana")
    assert report.ok, report
    res = {Path(r.file).name: r for r in report.files}
    assert (res["national_series.csv"].status, res["national_series.csv"].submissions) == ("imported", 4)
    assert res["national_series.csv"].format == "series"
    assert res["sources.csv"].status == "imported" and "2 sources" in res["sources.csv"].message
    subs = q(tmp_db, "SELECT unit_code, year, format, source, status, digest FROM submissions ORDER BY year, source")
    assert subs[["unit_code", "year", "format", "source", "status"]].values.tolist() == [
        ["MD", 2021, "series", "nbs", "current"], ["MD", 2021, "series", "tip", "current"],
        ["MD", 2022, "series", "nbs", "current"], ["MD", 2022, "series", "tip", "current"]]
    assert subs["digest"].str.len().eq(64).all()
    got = current_series(tmp_db)
    assert got["value_text"].tolist() == ["13.9", "312", "6.1", "150", "43", "64.5"]    # as published
    assert got["value"].tolist() == [13.9, 312, 6.1, 150, 43, 64.5]
    assert "sex:female&age:child" in got["breakdown"].tolist()
    src = q(tmp_db, "SELECT s.source, x.title, x.url, x.accessed, x.sheet, x.row_no FROM series_sources x "
                    "JOIN submissions s USING (submission_id) WHERE s.year = 2022 ORDER BY s.source")
    assert src.values.tolist()[0][:3] == ["nbs", "SDG 16.2.2", "https://example.org/nbs"]
    assert str(src["accessed"].iloc[1])[:10] == "2025-01-31" and src["row_no"].tolist() == [2, 3]
    audit = q(tmp_db, "SELECT who, detail FROM audit WHERE action = 'import'")
    assert audit["who"].tolist() == ["ana"] and "MD 2022 tip" in audit["detail"].iloc[0]


def test_series_never_collides_with_the_national_level_report(tmp_db, files, report_file):
    assert ingest.import_paths([report_file(unit="Republica Moldova", year=2022)], tmp_db).ok
    assert ingest.import_paths(files(), tmp_db).ok
    cur = q(tmp_db, "SELECT format, coalesce(source, '-') AS source FROM submissions WHERE unit_code = 'MD' "
                    "AND year = 2022 AND status = 'current' ORDER BY format, source")
    assert cur.values.tolist() == [["report", "-"], ["series", "nbs"], ["series", "tip"]]
    assert q(tmp_db, "SELECT count(*) AS n FROM submissions WHERE status <> 'current'")["n"][0] == 0
    # a new national-level report supersedes the report only, never the series
    assert ingest.import_paths([report_file(name="r2.xlsx", unit="Republica Moldova", year=2022, variant=1)],
                               tmp_db).ok
    gone = q(tmp_db, "SELECT format FROM submissions WHERE status = 'superseded'")
    assert gone["format"].tolist() == ["report"]


def test_reimport_is_unchanged_and_a_correction_supersedes_only_its_year_and_source(tmp_db, files, tmp_path):
    assert ingest.import_paths(files(), tmp_db).ok
    again = ingest.import_paths(files(), tmp_db)
    assert [r.status for r in again.files] == ["unchanged", "unchanged"]
    rows = [r[:] for r in SERIES]
    rows.insert(0, ["2021", "victims_identified", "age:child", "32", "persons", "tip", ""])  # rows move down
    rows[-2][3] = "6.2"                                        # 2022 nbs rate corrected
    fixed = ingest.import_paths(files(series=rows), tmp_db)
    assert fixed.ok, fixed
    series_res = fixed.files[0]
    assert series_res.status == "imported" and series_res.submissions == 2   # 2021 tip, 2022 nbs
    assert len(series_res.superseded) == 2
    sup = q(tmp_db, "SELECT year, source FROM submissions WHERE status = 'superseded' ORDER BY year")
    assert sup.values.tolist() == [[2021, "tip"], [2022, "nbs"]]
    # revert the correction of 2022 nbs: the first import's figure is current again
    sid = int(q(tmp_db, "SELECT submission_id FROM submissions WHERE status = 'current' AND year = 2022 "
                        "AND source = 'nbs'")["submission_id"][0])
    msg = store.revert(tmp_db, sid, user="ana")
    assert "is current again" in msg
    got = current_series(tmp_db)
    rate22 = got[(got["year"] == 2022) & (got["indicator"] == "victims_identified_rate")]
    assert rate22["value_text"].tolist() == ["6.1"]


def test_revert_a_whole_series_import(tmp_db, files):
    report = ingest.import_paths(files(), tmp_db)
    store.revert(tmp_db, report.files[0].import_id)
    assert current_series(tmp_db).empty
    assert set(q(tmp_db, "SELECT status FROM submissions")["status"]) == {"reverted"}


def test_a_later_series_file_may_cite_sources_already_imported(tmp_db, files, tmp_path):
    assert ingest.import_paths(files(), tmp_db).ok
    alone = write_csv(tmp_path / "later" / "national_series.csv", SERIES_HEADER,
                      [["2023", "victims_identified", "total", "167", "persons", "tip", ""]])
    report = ingest.import_paths([alone], tmp_db)
    assert report.ok, report
    src = q(tmp_db, "SELECT x.title FROM series_sources x JOIN submissions s USING (submission_id) "
                    "WHERE s.year = 2023")
    assert src["title"].tolist() == ["TIP report"]


def test_shipped_national_series_is_imported_by_init(tmp_db):
    report = ingest.init_db(tmp_db)
    assert report.ok, report
    got = current_series(tmp_db)
    assert len(got) == sum(1 for _ in open(NATIONAL_FILES[0], encoding="utf-8")) - 1
    assert set(got["year"]) == set(range(2011, 2026))
    tot = got[(got["indicator"] == "victims_identified") & (got["breakdown"] == "total")]
    assert dict(zip(tot["year"], tot["value_text"]))[2022] == "150"
    rate = got[(got["indicator"] == "victims_identified_rate") & (got["breakdown"] == "total")]
    assert dict(zip(rate["year"], rate["value_text"]))[2022] == "6.1"
    assert dict(zip(rate["year"], rate["note"]))[2025] == "provisional;inconsistent_breakdown"
    # the national-level 2022 report of the note is still there and current
    assert q(tmp_db, "SELECT count(*) AS n FROM submissions WHERE unit_code = 'MD' AND year = 2022 "
                     "AND format = 'report' AND status = 'current'")["n"][0] == 1


def test_init_adds_the_series_to_an_existing_database_once(tmp_db, files, report_file):
    assert ingest.import_paths([report_file()], tmp_db).ok          # a database from before format C
    report = ingest.init_db(tmp_db)
    assert report.ok and "exists" in str(report.files[0])
    assert any(r.format == "series" and r.status == "imported" for r in report.files)
    sid = int(q(tmp_db, "SELECT import_id FROM imports WHERE format = 'series'")["import_id"][0])
    store.revert(tmp_db, sid)
    before = tmp_db.read_bytes()
    assert ingest.init_db(tmp_db).ok
    assert tmp_db.read_bytes() == before                            # a reverted series stays reverted


# ------------------------------------------------------------------------------ rejections

def _only_error(report):
    errors = report.errors
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def _bad(rows_edit):
    rows = [r[:] for r in SERIES]
    rows_edit(rows)
    return rows


@pytest.mark.parametrize("edit,row,column,value,words", [
    (lambda r: r[0].__setitem__(0, "21"), 2, "year", "21", "not a whole year"),
    (lambda r: r[0].__setitem__(0, "1999"), 2, "year", "1999", "not a whole year"),
    (lambda r: r[1].__setitem__(1, "victims_rate"), 3, "indicator", "victims_rate", "unknown indicator"),
    (lambda r: r[1].__setitem__(4, "percent"), 3, "unit", "percent", "is in 'per_100k'"),
    (lambda r: r[3].__setitem__(2, "age:child&sex:female"), 5, "breakdown", "age:child&sex:female", "out of order"),
    (lambda r: r[3].__setitem__(2, "sex:female&sex:male"), 5, "breakdown", "sex:female&sex:male", "appears twice"),
    (lambda r: r[3].__setitem__(2, "gender:female"), 5, "breakdown", "gender:female", "unknown dimension"),
    (lambda r: r[3].__setitem__(2, "sex:girls"), 5, "breakdown", "sex:girls", "unknown sex category"),
    (lambda r: r[3].__setitem__(2, "destination:Germany"), 5, "breakdown", "destination:Germany", "ISO 3166-1"),
    (lambda r: r[3].__setitem__(2, "female"), 5, "breakdown", "female", "not dimension:category"),
    (lambda r: r[2].__setitem__(3, ""), 4, "value", None, "blank"),
    (lambda r: r[4].__setitem__(3, "6,1"), 6, "value", "6,1", "not a plain number"),
    (lambda r: r[2].__setitem__(3, "-150"), 4, "value", "-150", "negative"),
    (lambda r: r[2].__setitem__(3, "150.0"), 4, "value", "150.0", "whole number"),
    (lambda r: r[5].__setitem__(3, "100.5"), 7, "value", "100.5", "above 100"),
    (lambda r: r[2].__setitem__(6, "estimate"), 4, "note", "estimate", "unknown note code"),
    (lambda r: r[2].__setitem__(5, "TIP 2023"), 4, "source", "TIP 2023", "not a source id"),
    (lambda r: r.append(r[2][:]), 8, "breakdown", "total", "already on row 4"),
    (lambda r: r[2].__setitem__(5, "greta"), 4, "source", "greta", "is not defined"),
])
def test_series_rejections_are_located_and_write_nothing(tmp_db, files, edit, row, column, value, words):
    paths = files(series=_bad(edit))
    report = ingest.import_paths(paths, tmp_db)
    err = _only_error(report)
    assert (Path(err.file).name, err.row, err.column, err.value) == ("national_series.csv", row, column, value)
    assert words in err.message, err.message
    assert err.sheet == "national_series"
    assert {r.status for r in report.files} == {"rejected"}
    assert not tmp_db.exists()


@pytest.mark.parametrize("header,column", [
    (["year", "indicator", "breakdown", "value", "unit", "source"], "column 7"),
    (["year", "indicator", "breakdown", "unit", "value", "source", "note"], "unit"),
    ([*SERIES_HEADER, "comment"], "comment"),
])
def test_series_header_must_be_exact(tmp_db, files, header, column):
    rows = [r[:len(header)] for r in SERIES]
    err = _only_error(ingest.import_paths(files(series=rows, series_header=header), tmp_db))
    assert (err.row, err.column) == (1, column) and "the header must be exactly" in err.message


@pytest.mark.parametrize("edit,row,column,words", [
    (lambda s: s.append(s[0][:]), 4, "source", "already defined on row 2"),
    (lambda s: s[0].__setitem__(0, ""), 2, "source", "empty"),
    (lambda s: s[1].__setitem__(3, "ftp://example.org"), 3, "url", "http(s)"),
    (lambda s: s[1].__setitem__(5, "31.01.2025"), 3, "accessed", "YYYY-MM-DD"),
    (lambda s: s[1].__setitem__(1, ""), 3, "publisher", "blank"),
])
def test_sources_rejections(tmp_db, files, edit, row, column, words):
    src = [r[:] for r in SOURCES]
    edit(src)
    report = ingest.import_paths(files(sources=src), tmp_db)
    errors = [e for e in report.errors if Path(e.file).name == "sources.csv"]
    assert len(errors) == 1 and (errors[0].row, errors[0].column) == (row, column), [str(e) for e in report.errors]
    assert words in errors[0].message
    assert any("sources file" in e.message and "has errors" in e.message for e in report.errors
               if Path(e.file).name == "national_series.csv")
    assert not tmp_db.exists()


def test_a_sources_file_alone_is_rejected(tmp_db, tmp_path):
    path = write_csv(tmp_path / "sources.csv", SOURCES_HEADER, SOURCES)
    err = _only_error(ingest.import_paths([path], tmp_db))
    assert "together with the national series file" in err.message
    assert not tmp_db.exists()


def test_dry_run_of_a_series_batch(tmp_db, files):
    report = ingest.import_paths(files(), tmp_db, dry_run=True)
    assert report.ok and [r.status for r in report.files] == ["valid", "valid"]
    assert not tmp_db.exists()


def test_shipped_files_pass_the_importer_unchanged(tmp_path):
    """The transcription in data/national/ is a valid format C batch (and stays one)."""
    copies = [shutil.copy(p, tmp_path / p.name) for p in NATIONAL_FILES]
    report = ingest.import_paths(copies, tmp_path / "db.duckdb", dry_run=True)
    assert report.ok and not report.warnings, report
