"""Hostile files (issue 15, file side): numbers that are no counts (D6, D10), text too long or
with control characters (D7, D12), validation whose cost must stay bounded (D4), a damaged
workbook (D13). Every file is built here. The dry run and the import must agree, every refusal
names the cell, and a refused file writes nothing."""
from __future__ import annotations

import io
import random
import re
import zipfile

import pytest
import xlsxwriter

from tests.conftest import ACTIVITIES_HEADER, make_report_workbook, make_summary_csv, report_sheets
from tipdash import ingest, store


@pytest.fixture
def db(tmp_db, tmp_path):
    base = make_summary_csv(tmp_path / "base", [["Orhei", 2022, "yes", 2, None, None, None, None, None, None]])
    assert ingest.import_paths([base], tmp_db).ok
    return tmp_db


def refused(db, path, sheet, row, column, *words):
    """Refused by the dry run AND by the import, at that cell, naming it; nothing written."""
    before = db.read_bytes()
    for dry in (True, False):
        report = ingest.import_paths([path], db, dry_run=dry)
        hits = [p for p in report.errors if (p.sheet, p.row, p.column) == (sheet, row, column)]
        assert hits, "\n".join(map(str, report.problems))
        for w in words:
            assert w.lower() in hits[0].message.lower(), hits[0].message
        assert report.files[0].status == "rejected"
        assert db.read_bytes() == before
    return hits[0]


def xlsx_with_numbers(tmp_path, name, values: dict[str, str]) -> "Path":
    """A report whose Sessions participants are numeric cells; `values` maps a placeholder number
    to the raw text put in its <v> element (NaN, INF, 1E+19 …: what a hostile generator writes)."""
    rows = [["Date", "Topics", "Participants"]] + [[f"1{i}.03.2022", "x", int(k)] for i, k in enumerate(values)]
    path = make_report_workbook(tmp_path, name=name, **{**report_sheets(), "Sessions": rows})
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            for k, raw in values.items():
                body = body.replace(f"<v>{k}</v>".encode(), f"<v>{raw}</v>".encode())
            z.writestr(info.filename, body)
    path.write_bytes(out.getvalue())
    return path


# ------------------------------------------------------------------------------ D6, D10: numbers

@pytest.mark.parametrize("raw, words", [
    ("9000000000000000", ["above 1,000,000"]),
    ("1E+19", ["above 1,000,000"]),
    ("9223372036854775808", ["above 1,000,000"]),
    ("1e308", ["above 1,000,000"]),
    ("12345678901234567890123", ["above 1,000,000"]),
    ("NaN", ["not a finite number"]),
    ("INF", ["not a finite number"]),
    ("-INF", ["not a finite number"]),
    ("2.5", ["fractional"]),
])
def test_numeric_cells_that_are_no_counts(db, tmp_path, raw, words):
    path = xlsx_with_numbers(tmp_path, "n.xlsx", {"777001": raw})
    refused(db, path, "Sessions", 2, "Participants", *words)


@pytest.mark.parametrize("text, words", [
    ("9000000000000000", ["above 1,000,000"]),
    ("1E+19", ["is text"]),
    (str(2 ** 63), ["above 1,000,000"]),
    ("1e308", ["is text"]),
    ("12345678901234567890123", ["above 1,000,000"]),
    ("NaN", ["is text"]),
    ("inf", ["is text"]),
    ("-Infinity", ["is text"]),
    ("١٢", ["digits of another script", "0-9"]),
    ("１２", ["digits of another script"]),
    ("~9000000000000000", ["above 1,000,000"]),
])
def test_text_that_is_no_count_in_a_summary(db, tmp_path, text, words):
    column = "information_activities" if text.startswith("~") else "sessions"
    row = ["Cahul", 2022, "yes", 1, None, None, None, None, None, None]
    row[3 if column == "sessions" else 4] = text
    path = make_summary_csv(tmp_path, [row])
    refused(db, path, "summary", 2, column, *words)


def test_foreign_digits_in_a_report_cell(db, report_file):
    path = report_file(Sessions=[["Date", "Topics", "Participants"], ["10.03.2022", "Plan", "١٢"]])
    refused(db, path, "Sessions", 2, "Participants", "digits of another script")


def test_largest_count_is_accepted(tmp_db, tmp_path):
    path = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 1_000_000, None, None, None, None, None, None]])
    assert ingest.import_paths([path], tmp_db).ok
    assert store.Store(tmp_db).scalar("SELECT sessions FROM summary") == 1_000_000


# ------------------------------------------------------------------------------ D7, D12: text

def test_text_longer_than_4000_characters_is_refused(db, report_file):
    path = report_file(Challenges=[["Challenge or need", "Category"], ["x" * 4001, "r"]])
    refused(db, path, "Challenges", 2, "Challenge or need", "4,001 characters", "at most 4,000")


def test_six_million_characters_in_one_cell(db, tmp_path):
    text = "".join(random.Random(1).choices("abcdefghij klmnopqrstuvwxyz", k=6_000_000))  # no zip-bomb ratio
    path = tiny_xlsx(tmp_path / "big.xlsx", {   # openpyxl would cut the text at Excel's 32 767
        **report_sheets(), "Challenges": [["Challenge or need", "Category"], [text, "r"]]})
    p = refused(db, path, "Challenges", 2, "Challenge or need", "6,000,000 characters")
    assert len(str(p)) < 300                          # the message does not carry the text


def test_4000_characters_are_accepted(tmp_db, report_file):
    path = report_file(Challenges=[["Challenge or need", "Category"], ["z" * 4000, "r"]])
    assert ingest.import_paths([path], tmp_db).ok
    assert store.Store(tmp_db).scalar("SELECT length(text) FROM challenges") == 4000


def test_control_and_bidi_characters_are_stripped_with_one_warning(tmp_db, tmp_path):
    sheets = report_sheets()
    sheets["Challenges"] = [["Challenge or need", "Category"],
                            ["_x001B_]0;PWNED_x0007__x001B_[2J_x001B_[31mred", "a\u202egnp.exe"],
                            ["bell_x0007_ again", "ok"]]
    sheets["Partners"] = [["Organisation", "Kind", "Cooperation"], ["La\u2066 Strada\u2069", "ONG", "line1\nline2"]]
    path = tiny_xlsx(tmp_path / "ctl.xlsx", sheets)      # openpyxl refuses to write control characters
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    warns = [p for p in report.warnings if "control or text-direction characters removed" in p.message]
    # one warning per file, at the first cell (sheets are checked Partners before Challenges)
    assert [(w.sheet, w.row, w.column) for w in warns] == [("Partners", 2, "Organisation")]
    s = store.Store(tmp_db)
    texts = list(s.query("SELECT text FROM challenges ORDER BY row_no")["text"])
    assert texts == ["]0;PWNED[2J[31mred", "bell again"]
    assert list(s.query("SELECT category FROM challenges ORDER BY row_no")["category"]) == ["agnp.exe", "ok"]
    assert s.scalar("SELECT organisation FROM partners") == "La Strada"
    assert s.scalar("SELECT cooperation FROM partners") == "line1\nline2"     # newlines are kept
    for p in report.problems:
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", str(p))


# ------------------------------------------------------------------------------ D13: damaged workbook

@pytest.mark.parametrize("target", ["worksheets/../worksheets/sheet99.xml", "worksheets/sheet9.bin"])
def test_missing_relationship_target_names_the_sheet(db, report_file, target):
    path = report_file()
    src = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                body = re.sub(rb'Target="/?(?:xl/)?worksheets/sheet9\.xml"', f'Target="{target}"'.encode(), body)
            z.writestr(info.filename, body)
    path.write_bytes(out.getvalue())
    before = db.read_bytes()
    report = ingest.import_paths([path], db)
    [p] = report.errors
    assert "sheet 'Challenges'" in p.message and "damaged" in p.message
    assert db.read_bytes() == before


# ------------------------------------------------------------------------------ D4: bounded validation

def test_problems_are_capped_per_file_and_counted(db, tmp_path):
    rows = [ACTIVITIES_HEADER] + [["17.10.2022", None, f"kind {i}", None, 5, None, None, 1, None] for i in range(1000)]
    path = make_report_workbook(tmp_path, name="many.xlsx", **{**report_sheets(), "Activities": rows})
    report = ingest.import_paths([path], db, dry_run=True)
    assert len(report.problems) == 201
    more = report.problems[-1]
    assert more.code == "more" and "and 800 more problems not listed (800 errors, 0 warnings)" in more.message
    assert report.error_count == 1000
    assert report.files[0].message == "1,000 errors; nothing written"


def test_unknown_unit_names_get_suggestions_for_the_first_few_only(db, tmp_path):
    rows = [[f"Atlantida {i}", 2022, "yes", 1, None, None, None, None, None, None] for i in range(300)]
    report = ingest.import_paths([make_summary_csv(tmp_path, rows)], db, dry_run=True)
    units = [p for p in report.errors if p.column == "unit"]
    assert "closest" in units[0].message
    assert "closest" not in units[-1].message and "unknown unit" in units[-1].message


def test_summary_rows_are_capped(db, tmp_path):
    rows = [["Cahul", 2000 + i % 20, "yes", 1, None, None, None, None, None, None] for i in range(5001)]
    path = make_summary_csv(tmp_path, rows)
    refused(db, path, "summary", None, None, "5,001 data rows", "at most 5,000")


def wide_csv(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_header_of_a_million_columns(db, tmp_path):
    """F1: 10^6 distinct column names (8 MB): refused before any header is mapped."""
    path = wide_csv(tmp_path, "f1.csv", [",".join(f"c{i}" for i in range(1_000_000)), "Cahul,2022"])
    assert path.stat().st_size > 7_000_000
    report = ingest.import_paths([path], db, dry_run=True)
    assert [p.message for p in report.errors] == [
        "cannot read the file: sheet 'f1' has a value in cell GS1, beyond column GR: a sheet may use at most "
        "200 columns (delete the cells on the right and save again)"]


def test_two_lines_of_a_million_semicolon_columns(db, tmp_path):
    """F4: 2 lines × 10^6 ';' columns (10 MB)."""
    line = ";".join(["abcd"] * 1_000_000)
    path = wide_csv(tmp_path, "f4.csv", [line, line])
    assert "a sheet may use at most 200 columns" in ingest.import_paths([path], db, dry_run=True).errors[0].message


def test_230000_rows_of_unknown_units(db, tmp_path):
    """E3: 230 000 summary rows with unknown unit names (9 MB)."""
    rows = [[f"Nowhere {i}", 2022, "yes", 1, None, None, None, None, None, None] for i in range(230_000)]
    path = make_summary_csv(tmp_path, rows)
    [p] = ingest.import_paths([path], db, dry_run=True).errors
    assert "a sheet may have at most 100,000 rows" in p.message


def test_99000_rows_of_unknown_units_under_the_row_limit(db, tmp_path):
    rows = [[f"Nowhere {i}", 2022, "yes", 1, None, None, None, None, None, None] for i in range(99_000)]
    path = make_summary_csv(tmp_path, rows)
    [p] = ingest.import_paths([path], db, dry_run=True).errors
    assert "99,000 data rows" in p.message


def tiny_xlsx(path, sheets: dict[str, list[list]]):
    """A minimal xlsx written directly (inline strings, numbers): fast for 10^5 rows."""
    def cell(r, c, v):
        ref = f"{chr(65 + c)}{r + 1}"
        if isinstance(v, (int, float)):
            return f'<c r="{ref}"><v>{v}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'
    names = list(sheets)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                   'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' + "".join(
                       f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.'
                       f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
                   + "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   + "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/relationships">' + "".join(
                       f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
                   + "</Relationships>")
        for i, n in enumerate(names):
            body = "".join(f'<row r="{r + 1}">' + "".join(cell(r, c, v) for c, v in enumerate(row) if v is not None)
                           + "</row>" for r, row in enumerate(sheets[n]))
            z.writestr(f"xl/worksheets/sheet{i + 1}.xml",
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                       + body + "</sheetData></worksheet>")
    path.write_bytes(buf.getvalue())
    return path


def test_330000_duplicate_rows(db, tmp_path):
    """E2: 330 000 duplicate activity rows: refused by the row limit."""
    sheets = report_sheets()
    sheets["Activities"] = [ACTIVITIES_HEADER] + [["17.10.2022", None, "informare", None, 5, None, "x", 1, None]] * 330_000
    path = tiny_xlsx(tmp_path / "e2.xlsx", sheets)
    [p] = ingest.import_paths([path], db, dry_run=True).errors
    assert "sheet 'Activities' has a value on row 100,001: a sheet may have at most 100,000 rows" in p.message


def test_99000_duplicate_rows_under_the_limit_are_warned_once_each_up_to_the_cap(db, tmp_path):
    sheets = report_sheets()
    sheets["Activities"] = [ACTIVITIES_HEADER] + [["17.10.2022", None, "informare", None, 5, None, "x", 1, None]] * 99_000
    path = tiny_xlsx(tmp_path / "dup.xlsx", sheets)
    report = ingest.import_paths([path], db, dry_run=True)
    assert report.ok and report.files[0].status == "valid"
    assert report.warning_count >= 98_999 and len(report.problems) <= 201
