"""What the importer records about where content comes from (issue 10): month-precision dates,
the language of a report's free text, the Conclusions and Context sheets, and a summary row's
source and inferred status. Real files, real DuckDB."""
from __future__ import annotations

import pytest

from tests.conftest import SUMMARY_HEADER, make_report_workbook, make_summary_csv, report_sheets
from tipdash import ingest, store
from tipdash.ingest.cells import CellError, to_date_or_month


@pytest.mark.parametrize("text", ["2022-07", "07.2022", "7/2022", "iulie 2022", "Iulie 2022", "July 2022",
                                  "Jul. 2022", "июль 2022", "июля 2022 г."])
def test_a_month_without_a_day_is_read_with_month_precision(text):
    assert to_date_or_month(text) == (__import__("datetime").date(2022, 7, 1), "month")
    assert to_date_or_month(text, end=True) == (__import__("datetime").date(2022, 7, 31), "month")


def test_full_dates_keep_day_precision_and_bad_months_are_refused():
    import datetime as dt

    assert to_date_or_month("17.10.2022") == (dt.date(2022, 10, 17), "day")
    assert to_date_or_month(None) == (None, None)
    for bad in ("2022-13", "Juliet 2022"):
        with pytest.raises(CellError):
            to_date_or_month(bad)


def _report(tmp_path, **overrides):
    sheets = report_sheets("Cahul", 2022)
    sheets.update(overrides)
    return make_report_workbook(tmp_path, **sheets)


def test_month_periods_language_conclusions_and_context_are_stored(tmp_path, tmp_db):
    sheets = report_sheets("Cahul", 2022)
    path = _report(tmp_path,
                   Commission=sheets["Commission"] + [["Limba", "engleză"]],
                   Trainings=[sheets["Trainings"][0],
                              ["Mixed migration", "iulie 2022", "2022-10", "La Strada", 125, 5]],
                   Concluzii=[["Concluzie"], ["First conclusion"], ["Second conclusion"]],
                   Context=[["Context"], ["Based on the Action Plan 2021-2022."]])
    report = ingest.import_paths([path], tmp_db, user="t")
    assert report.ok, [str(p) for p in report.problems]
    s = store.Store(tmp_db)
    row = s.query("SELECT start_date, end_date, start_date_precision, end_date_precision FROM trainings")
    assert str(row["start_date"][0])[:10] == "2022-07-01" and str(row["end_date"][0])[:10] == "2022-10-31"
    assert list(row.iloc[0, 2:]) == ["month", "month"]
    camp = s.query("SELECT start_date_precision, end_date_precision FROM campaigns")
    assert list(camp.iloc[0]) == ["day", "day"]
    assert s.scalar("SELECT source_lang FROM submissions") == "en"
    assert s.query("SELECT text FROM conclusions ORDER BY row_no")["text"].tolist() == [
        "First conclusion", "Second conclusion"]
    assert s.query("SELECT text FROM context")["text"].tolist() == ["Based on the Action Plan 2021-2022."]


def test_a_report_without_language_is_romanian(tmp_path, tmp_db):
    assert ingest.import_paths([_report(tmp_path)], tmp_db, user="t").ok
    assert store.Store(tmp_db).scalar("SELECT source_lang FROM submissions") == "ro"


def test_an_unknown_language_is_an_error_at_its_cell(tmp_path, tmp_db):
    sheets = report_sheets("Cahul", 2022)
    path = _report(tmp_path, Commission=sheets["Commission"] + [["Language", "klingon"]])
    report = ingest.import_paths([path], tmp_db, user="t")
    assert not report.ok and not tmp_db.exists()
    hit = [p for p in report.errors if p.sheet == "Commission" and p.row == 6]
    assert hit and "klingon" in str(hit[0]) and "ro, en or ru" in str(hit[0])


def test_a_month_outside_the_report_year_is_an_error(tmp_path, tmp_db):
    sheets = report_sheets("Cahul", 2022)
    path = _report(tmp_path, Trainings=[sheets["Trainings"][0], ["T", "iulie 2021", None, "X", None, 1]])
    report = ingest.import_paths([path], tmp_db, user="t")
    assert not report.ok
    assert any(p.sheet == "Trainings" and p.row == 2 and "07.2021" in str(p) for p in report.errors)


def test_summary_source_and_inferred_status(tmp_path, tmp_db):
    header = SUMMARY_HEADER + ["source", "status_inferred"]
    rows = [["Cahul", 2022, "yes", 0, None, None, None, None, None, None, "national note", "no"],
            ["Briceni", 2022, "no", None, None, None, None, None, None, None, "national note", "yes"],
            ["Orhei", 2022, "yes", 2, None, None, None, None, None, None, None, None]]
    path = make_summary_csv(tmp_path, rows, header=header)
    report = ingest.import_paths([path], tmp_db, user="t")
    assert report.ok, [str(p) for p in report.problems]
    got = store.Store(tmp_db).query(
        "SELECT s.unit_code, m.source, m.status_inferred FROM summary m JOIN submissions s USING (submission_id) "
        "ORDER BY s.unit_code")
    assert got.values.tolist() == [["MD-BR", "national_note", True], ["MD-CA", "national_note", False],
                                   ["MD-OR", "commission_report", False]]


def test_a_summary_without_the_new_columns_still_imports(tmp_path, tmp_db):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 1, None, None, None, None, None, None]])
    assert ingest.import_paths([path], tmp_db, user="t").ok
    assert store.Store(tmp_db).scalar("SELECT source FROM summary") == "commission_report"


def test_an_unknown_summary_source_is_an_error(tmp_path, tmp_db):
    header = SUMMARY_HEADER + ["source"]
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 1, None, None, None, None, None, None, "rumour"]],
                            header=header)
    report = ingest.import_paths([path], tmp_db, user="t")
    assert not report.ok and any(p.column == "source" and "rumour" in str(p) for p in report.errors)
