"""One validator: the same content through the form (tipdash.reports.content.validate), the
blank template filled in (a spreadsheet user's workbook), the form's own workbook download, and
the importer (worker processes) gives the same problems, in the same cells, with the same words."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tipdash import ingest, vocab
from tipdash.reports import content as rc


def content_with_errors() -> dict:
    c = rc.empty()
    c["commission"].update(submitted_on="15.01.2024", prepared_by="Secretary", contact_email="not an address")
    c["sections"]["sessions"] = [{"date": "31.02.2023", "topics": "Plan", "participants": 12},
                                 {"date": "10.05.2023", "topics": "Week", "participants": -3}]
    c["sections"]["activities"] = [{"date": "2023-10", "type": "dance", "target_group": "youth",
                                    "participants": 40, "description": "Talks", "count": 1}]
    c["sections"]["victims"] = [{"sex": "F", "age_group": "adult", "exploitation": "labour", "status": "victim",
                                 "count": 2, "legal": 5}]
    c["sections"]["partners"] = [{"organisation": "La Strada", "kind": "ngo", "cooperation": "Hotline"}]
    return c


def key(problems, lang):
    return sorted((p.severity, vocab.sheet_key(p.sheet) if p.sheet else None, p.row, p.cell, p.code,
                   p.text(lang)) for p in problems)


def filled_template(content: dict, unit: str, year: int) -> bytes:
    """The blank template (Import page download) filled in the way a secretary would in Excel."""
    wb = load_workbook(io.BytesIO(ingest.template_bytes(year)))
    sheets = rc.to_sheets(content, unit, year, "en")
    for name, rows in sheets.items():
        ws = wb[name]
        start = 0 if vocab.sheet_key(name) == "commission" else 1   # the template has the headers
        for i, row in enumerate(rows[start:], start=start + 1):
            for j, v in enumerate(row, start=1):
                if start == 0 and j == 1:
                    continue                                        # the template's own field labels
                ws.cell(row=i, column=j, value=v)
    for name in wb.sheetnames:                                      # sections the content leaves out
        key_ = vocab.sheet_key(name)
        if key_ not in ("commission", "instructions") and name not in sheets:
            del wb[name]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_form_workbook_template_and_importer_agree(lang):
    c = content_with_errors()
    form = rc.validate(c, "MD-CA", 2023, lang)
    assert {p.code for p in form if p.is_error} >= {"date.invalid", "commission.email", "vocab.unknown"}, \
        [p.code for p in form]
    download = rc.to_xlsx(c, "MD-CA", 2023, lang)
    imported = ingest.import_bytes([("report.xlsx", download)], "/nonexistent/never-written.duckdb", dry_run=True)
    assert key(form, lang) == key(imported.problems, lang)
    if lang == "en":                                                 # the template's headers are English
        template = ingest.import_bytes([("template.xlsx", filled_template(c, "MD-CA", 2023))],
                                       "/nonexistent/never-written.duckdb", dry_run=True)
        assert key(form, lang) == key(template.problems, lang)


def test_problems_are_located_on_the_form():
    problems = {p.code: rc.locate(p) for p in rc.validate(content_with_errors(), "MD-CA", 2023, "ro")}
    assert problems["date.invalid"] == ("sessions", 0, "date")
    assert problems["commission.email"] == ("commission", None, "contact_email")


def test_a_valid_workbook_starts_the_form_with_the_same_content():
    c = content_with_errors()
    c["commission"].update(contact_email="maria@example.md", submitted_on="2024-01-15", language="ro")
    c["sections"]["sessions"] = [{"date": "2023-03-10", "topics": "Plan", "participants": 12}]
    c["sections"]["activities"][0]["type"] = "information"
    c["sections"]["victims"][0]["legal"] = "yes"
    assert not [p for p in rc.validate(c, "MD-CA", 2023, "ro") if p.is_error]
    from tipdash.reports import upload
    got, problems = upload.read_report("r.xlsx", rc.to_xlsx(c, "MD-CA", 2023, "ro"), "MD-CA", 2023)
    assert not [p for p in problems if p.is_error]
    want = rc.normalise(c)
    assert got["sections"] == want["sections"]
    assert {k: v for k, v in got["commission"].items() if v} == {k: v for k, v in want["commission"].items() if v}
