"""Bad input: every class gives a clear message located by file:sheet:row:column (with the
value) and writes nothing — the database file stays byte-for-byte the same."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter

from tests.conftest import ACTIVITIES_HEADER, VICTIMS_HEADER, make_report_workbook, make_summary_csv, report_sheets
from tipdash import ingest, store

THIS_YEAR = dt.date.today().year


@pytest.fixture
def db(tmp_db, tmp_path):
    """A database holding one earlier import, so that 'unchanged' means something."""
    base = make_summary_csv(tmp_path / "base", [["Orhei", 2022, "yes", 2, None, None, None, None, None, None]])
    assert ingest.import_paths([base], tmp_db).ok
    return tmp_db


def rejected(db, path, *, sheet, row, column, value=None, words=(), files=None):
    """Import `path` (or `files`), assert it is rejected with a problem at sheet/row/column whose
    text names the value, and that the database did not change. Returns the problem."""
    before = db.read_bytes()
    report = ingest.import_paths(files or [path], db)
    assert not report.ok
    hits = [p for p in report.errors if str(p.file) == str(path) and p.sheet == sheet and p.row == row
            and p.column == column]
    assert hits, "no error at the expected place; got:\n" + "\n".join(map(str, report.problems))
    text = str(hits[0])
    assert text.startswith(f"{path}:{sheet or ''}:{'' if row is None else row}:{column or ''}: "), text
    if value is not None:
        assert str(value) in text, text
    for w in words:
        assert w.lower() in text.lower(), text
    assert db.read_bytes() == before, "a rejected import changed the database"
    result = next(r for r in report.files if r.file == str(path))
    assert result.status == "rejected"
    return hits[0]


def count(db, table):
    return store.Store(db).scalar(f"SELECT count(*) FROM {table}")


# ------------------------------------------------------------------------------ sheets & columns

def test_missing_commission_sheet(db, report_file):
    path = report_file(drop=["Commission"])
    rejected(db, path, sheet="Commission", row=None, column=None, words=["missing required sheet", "Comisia"])


def test_renamed_sheet(db, report_file):
    sheets = report_sheets()
    sheets["Activitati 2022"] = sheets.pop("Activities")
    path = make_report_workbook(db.parent, name="renamed.xlsx", **sheets)
    p = rejected(db, path, sheet="Activitati 2022", row=None, column=None, value="Activitati 2022",
                 words=["unknown sheet"])
    assert "Activities" in p.message


def test_not_a_tipdash_file(db, tmp_path):
    path = make_report_workbook(tmp_path, name="other.xlsx", Budget=[["Item", "Amount"], ["Paper", 10]])
    rejected(db, path, sheet=None, row=None, column=None, words=["not a tipdash file", "'Budget'"])


def test_missing_column(db, report_file):
    sessions = [["Date", "Topics"], ["10.03.2022", "Plan"]]
    path = report_file(Sessions=sessions)
    rejected(db, path, sheet="Sessions", row=1, column="Participants", words=["missing column", "Participanți"])


def test_renamed_column(db, report_file):
    sessions = [["Date", "Topics", "Particip."], ["10.03.2022", "Plan", 4]]
    path = report_file(Sessions=sessions)
    p = rejected(db, path, sheet="Sessions", row=1, column="Participants", words=["missing column"])
    assert "'Particip.'" in p.message          # the hint names the renamed column


def test_extra_column_only_warns(tmp_db, report_file):
    sessions = [["Date", "Topics", "Participants", "Notes"], ["10.03.2022", "Plan", 4, "in person"]]
    report = ingest.import_paths([report_file(Sessions=sessions)], tmp_db)
    assert report.ok, report
    warns = [p for p in report.warnings if p.column == "Notes"]
    assert warns and warns[0].sheet == "Sessions" and warns[0].row == 1 and "extra column" in warns[0].message
    assert count(tmp_db, "sessions") == 1


def test_merged_header_cells(db, report_file):
    path = report_file(merge={"Activities": ["A1:B1"]})
    rejected(db, path, sheet="Activities", row=1, column="A1", value="A1:B1", words=["merged", "unmerge"])


def test_summary_missing_column(db, tmp_path):
    header = ["unit", "year", "reported", "sessions"]
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 1]], header=header)
    rejected(db, path, sheet="summary", row=1, column="information_activities", words=["missing column"])


# ------------------------------------------------------------------------------ units & years

def test_unknown_unit(db, report_file):
    path = report_file(unit="Atlantida")
    p = rejected(db, path, sheet="Commission", row=1, column="Unit", value="Atlantida", words=["unknown unit"])
    assert "closest" in p.message              # the resolver's candidates


def test_ambiguous_unit(db, report_file):
    path = report_file(unit="Flesti")
    p = rejected(db, path, sheet="Commission", row=1, column="Unit", value="Flesti", words=["ambiguous"])
    assert "Fălești" in p.message and "Florești" in p.message


def test_fuzzy_unit_is_a_warning_naming_the_unit(tmp_db, report_file):
    report = ingest.import_paths([report_file(unit="Cantemr")], tmp_db)
    assert report.ok, report
    w = [p for p in report.warnings if p.column == "Unit"]
    assert w and "Cantemir (MD-CT)" in w[0].message and "'Cantemr'" in str(w[0])
    assert store.Store(tmp_db).scalar("SELECT unit_code FROM submissions") == "MD-CT"


def test_unit_without_commission(db, report_file):
    path = report_file(unit="Bender")
    rejected(db, path, sheet="Commission", row=1, column="Unit", value="Bender", words=["no territorial commission"])


def test_missing_year(db, report_file):
    sheets = report_sheets()
    sheets["Commission"] = [r for r in sheets["Commission"] if r[0] != "Year"]
    path = make_report_workbook(db.parent, name="noyear.xlsx", **sheets)
    rejected(db, path, sheet="Commission", row=None, column="Year", words=["year is missing"])


@pytest.mark.parametrize("year", [1999, THIS_YEAR + 1, "2022/23", 2022.5])
def test_year_out_of_range_or_not_a_year(db, report_file, year):
    sheets = report_sheets()
    sheets["Commission"][1][1] = year
    path = make_report_workbook(db.parent, name="badyear.xlsx", **sheets)
    p = rejected(db, path, sheet="Commission", row=2, column="Year", value=str(year).replace(".0", ""))
    assert "year" in p.message.lower()


def test_summary_year_out_of_range(db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 1999, "yes", 1, None, None, None, None, None, None]])
    rejected(db, path, sheet="summary", row=2, column="year", value="1999", words=["outside 2000"])


# ------------------------------------------------------------------------------ counts

def _activities(*rows):
    return [ACTIVITIES_HEADER, *rows]


def test_negative_count(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["10.03.2022", "Plan", -3]])
    rejected(db, path, sheet="Sessions", row=2, column="Participants", value="-3", words=["negative"])


def test_fractional_count(db, report_file):
    path = report_file(Activities=_activities(["17.10.2022", None, "informare", "tineri", 12.5, None, "x", 1, "nu"]))
    rejected(db, path, sheet="Activities", row=2, column="Participants", value="12.5", words=["fractional"])


def test_text_count(db, report_file):
    path = report_file(Trainings=[["Title", "Start date", "End date", "Organisers", "Participants", "Count"],
                                  ["Course", "2022-05-10", None, "IOM", "many", 1]])
    rejected(db, path, sheet="Trainings", row=2, column="Participants", value="'many'", words=["is text"])


def test_text_count_in_summary(db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", "two", None, None, None, None, None, None]])
    rejected(db, path, sheet="summary", row=2, column="sessions", value="'two'", words=["is text"])


def test_approximate_count_where_not_allowed(db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", "~3", None, None, None, None, None, None]])
    rejected(db, path, sheet="summary", row=2, column="sessions", value="~3", words=["approximate"])


def test_assistance_above_victim_count(db, report_file):
    path = report_file(Victims=[VICTIMS_HEADER, ["F", "adult", "sexuală", "victimă", 3, None, 4, None, None, None]])
    rejected(db, path, sheet="Victims", row=2, column="Legal", value="4", words=["above the victim count 3"])


def test_victim_count_blank(db, report_file):
    path = report_file(Victims=[VICTIMS_HEADER, ["F", "adult", "sexuală", "victimă", None, "MDT", None, None, None,
                                                 None]])
    rejected(db, path, sheet="Victims", row=2, column="Count", words=["blank"])


# ------------------------------------------------------------------------------ dates

def test_date_outside_report_year(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["10.03.2021", "Plan", 3]])
    rejected(db, path, sheet="Sessions", row=2, column="Date", value="10/03/2021", words=["outside the report year"])


def test_date_cell_outside_report_year(db, report_file):
    path = report_file(Campaigns=[["Campaign", "Start date", "End date", "Description"],
                                  ["Week", dt.date(2022, 12, 28), dt.datetime(2023, 1, 3), None]])
    rejected(db, path, sheet="Campaigns", row=2, column="End date", value="03/01/2023",
             words=["outside the report year 2022"])


def test_end_date_before_start(db, report_file):
    path = report_file(Activities=_activities(["2022-10-17", "2022-10-10", "informare", None, 5, None, None, 1, None]))
    rejected(db, path, sheet="Activities", row=2, column="End date", value="10/10/2022", words=["before"])


def test_not_a_date(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["March 10", "Plan", 3]])
    rejected(db, path, sheet="Sessions", row=2, column="Date", value="'March 10'", words=["dd.mm.yyyy"])


def test_impossible_calendar_date(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["31.02.2022", "Plan", 3]])
    rejected(db, path, sheet="Sessions", row=2, column="Date", value="31.02.2022", words=["not a valid calendar date"])


def test_activity_without_date_needs_count(db, report_file):
    path = report_file(Activities=_activities([None, None, "informare", "tineri", 30, None, "talk", 1, None]))
    rejected(db, path, sheet="Activities", row=2, column="Date", words=["Count > 1"])


def test_accepted_date_forms(tmp_db, report_file):
    rows = [["Date", "Topics", "Participants"], ["10.03.2022", "dmy", 1], ["2022-04-11", "ymd", 1],
            [44680, "serial", 1], [dt.datetime(2022, 6, 13), "cell", 1], ["5.7.2022", "short dmy", 1]]
    report = ingest.import_paths([report_file(Sessions=rows)], tmp_db)
    assert report.ok, report
    got = store.Store(tmp_db).query("SELECT date, topics FROM sessions ORDER BY row_no")
    assert [d[:10] for d in got["date"].astype(str)] == [
        "2022-03-10", "2022-04-11", "2022-04-29", "2022-06-13", "2022-07-05"]


# ------------------------------------------------------------------------------ reported / empty

def test_reported_no_with_figures(db, report_file):
    sheets = report_sheets(reported="nu")
    path = make_report_workbook(db.parent, name="no_but.xlsx", **sheets)
    p = rejected(db, path, sheet="Commission", row=5, column="Reported", value="'nu'", words=["has figures"])
    assert "Sessions (2 rows)" in p.message


def test_reported_no_with_figures_in_summary(db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "no", 3, None, None, None, None, None, None]])
    rejected(db, path, sheet="summary", row=2, column="reported", value="'no'", words=["has figures", "sessions"])


def test_reported_blank_without_figures(db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, None, None, None, None, None, None, None, None]])
    rejected(db, path, sheet="summary", row=2, column="reported", words=["blank", "yes or no"])


def test_reported_not_yes_or_no(db, report_file):
    sheets = report_sheets(reported="maybe")
    path = make_report_workbook(db.parent, name="maybe.xlsx", **sheets)
    rejected(db, path, sheet="Commission", row=5, column="Reported", value="'maybe'", words=["not yes or no"])


def test_empty_file(db, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    p = rejected(db, path, sheet=None, row=None, column=None)
    assert "empty" in p.message.lower()


def test_corrupt_file(db, tmp_path):
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip file" * 20)
    p = rejected(db, path, sheet=None, row=None, column=None)
    assert "cannot read" in p.message


def test_blank_workbook(db, tmp_path):
    path = make_report_workbook(tmp_path, name="blank.xlsx", Commission=[], Sessions=[])
    rejected(db, path, sheet=None, row=None, column=None, words=["empty"])


def test_empty_commission_sheet(db, report_file):
    path = report_file(Commission=[])
    rejected(db, path, sheet="Commission", row=None, column=None, words=["required sheet", "is empty"])


def test_summary_without_rows(db, tmp_path):
    path = make_summary_csv(tmp_path, [])
    rejected(db, path, sheet="summary", row=1, column=None, words=["no data rows"])


def test_unchanged_template_is_an_empty_report(db, tmp_path):
    from tipdash import ingest

    path = ingest.write_template(2022, tmp_path / "blank_template.xlsx")
    p = rejected(db, path, sheet="Commission", row=1, column="Unit", words=["empty report"])
    assert len([e for e in ingest.import_paths([path], db, dry_run=True).errors]) == 1, p


# ------------------------------------------------------------------------------ rows

def test_duplicate_rows_warn(tmp_db, report_file):
    rows = [["Date", "Topics", "Participants"], ["10.03.2022", "Plan", 4], ["10.03.2022", "Plan", 4]]
    report = ingest.import_paths([report_file(Sessions=rows)], tmp_db)
    assert report.ok, report
    w = [p for p in report.warnings if p.sheet == "Sessions" and p.row == 3]
    assert w and "repeats row 2" in w[0].message
    assert count(tmp_db, "sessions") == 2


def test_summary_duplicate_unit_year(db, tmp_path):
    rows = [["Cahul", 2022, "yes", 1, None, None, None, None, None, None],
            ["cahul", 2022, "yes", 2, None, None, None, None, None, None]]
    path = make_summary_csv(tmp_path, rows)
    rejected(db, path, sheet="summary", row=3, column="unit", value="cahul", words=["already on row 2"])


def test_unit_year_twice_in_batch(db, report_file, tmp_path):
    first = report_file(name="cahul_a.xlsx")
    second = report_file(name="cahul_b.xlsx", variant=1)
    before = db.read_bytes()
    report = ingest.import_paths([first, second], db)
    p = [e for e in report.errors if e.file == str(second)]
    assert p and p[0].sheet == "Commission" and p[0].row == 1 and p[0].column == "Unit"
    assert str(first) in p[0].message and "Cahul" in str(p[0])
    assert [r.status for r in report.files] == ["imported", "rejected"]
    assert db.read_bytes() != before           # non-strict: the first file was written
    assert store.Store(db).scalar("SELECT count(*) FROM submissions WHERE unit_code='MD-CA'") == 1


def test_unknown_vocabulary_value(db, report_file):
    path = report_file(Activities=_activities(["17.10.2022", None, "party", "tineri", 5, None, None, 1, None]))
    p = rejected(db, path, sheet="Activities", row=2, column="Type", value="'party'", words=["not a known activity type"])
    assert "informare" in p.message              # lists what is accepted


def test_required_text_blank(db, report_file):
    path = report_file(Partners=[["Organisation", "Kind", "Cooperation"], [None, "ONG", "Hotline"]])
    rejected(db, path, sheet="Partners", row=2, column="Organisation", words=["required"])


def test_formulas_use_cached_values_and_equals_text_stays_text(tmp_db, tmp_path):
    """xlsxwriter stores a cached result with each formula, as Excel does."""
    path = tmp_path / "formulas.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    sheets = report_sheets()
    for title, rows in sheets.items():
        ws = wb.add_worksheet(title)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, dt.date):
                    v = v.isoformat()
                if v is not None:
                    ws.write(i, j, v)
    ws = wb.get_worksheet_by_name("Sessions")
    ws.write_formula(2, 2, "=C2+3", None, 15)           # cached value 15
    ws.write_string(2, 1, "=not a formula, just text")
    wb.close()
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    got = store.Store(tmp_db).query("SELECT topics, participants FROM sessions ORDER BY row_no")
    assert got["participants"].tolist() == [12, 15]
    assert got["topics"].tolist()[1] == "=not a formula, just text"


@pytest.mark.parametrize("header", ["Name", "Nume", "IDNP", "Birth date", "Data nașterii", "Address", "Adresa",
                                    "Phone", "Telefon"])
def test_personal_data_column_rejects_the_file(db, report_file, header):
    victims = [VICTIMS_HEADER + [header], ["F", "adult", "sexuală", "victimă", 1, None, None, None, None, None, "x"]]
    path = report_file(Victims=victims)
    rejected(db, path, sheet="Victims", row=1, column=header, value=header, words=["personal data"])


def test_idnp_like_value_in_victims_rejects_the_file(db, report_file):
    victims = [VICTIMS_HEADER, ["F", "adult", "sexuală", "victimă", 1, "2001234567890", None, None, None, None]]
    path = report_file(Victims=victims)
    rejected(db, path, sheet="Victims", row=2, column="Referred to", words=["IDNP"])


def test_both_formats_in_one_file(db, tmp_path):
    sheets = report_sheets()
    sheets["Summary"] = [["unit", "year"], ["Cahul", 2022]]
    path = make_report_workbook(tmp_path, name="both.xlsx", **sheets)
    rejected(db, path, sheet=None, row=None, column=None, words=["separate files"])


def test_oversize_file(db, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.truncate(ingest.MAX_BYTES + 1)
    rejected(db, path, sheet=None, row=None, column=None, words=["limit is 10 MB"])


def test_error_problem_has_every_field(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["10.03.2022", "Plan", -1]])
    p = rejected(db, path, sheet="Sessions", row=2, column="Participants")
    assert (p.file, p.sheet, p.row, p.column, p.value, p.severity) == (str(path), "Sessions", 2, "Participants",
                                                                       -1, "error")
    assert p.cell == "C2" and p.where == "Sessions!C2"
    assert str(p) == f"{path}:Sessions:2:Participants: {p.message} (Sessions!C2)"


def test_no_database_is_created_for_a_rejected_file(tmp_db, report_file):
    report = ingest.import_paths([report_file(unit="Atlantida")], tmp_db)
    assert not report.ok and not tmp_db.exists()


def test_import_bytes_reports_upload_names(db):
    buf = io.BytesIO(b"unit,year,reported\nCahul,2022,maybe\n")
    before = db.read_bytes()
    report = ingest.import_bytes([("upload.csv", buf.getvalue())], db)
    assert not report.ok and db.read_bytes() == before
    assert any(str(p).startswith("upload.csv:") for p in report.errors)
