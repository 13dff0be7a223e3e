"""Shared fixtures: a temporary database path and builders of real input files.

* ``tmp_db`` – a path (not yet created) for a DuckDB database in the test's tmp dir;
* ``make_report_workbook(tmp_path, name="report.xlsx", merge=None, **sheets)`` – writes a real
  .xlsx with openpyxl; each keyword is a sheet name mapped to its rows (lists of cell values);
  sheet names that are not identifiers go through ``**{"Ședințe": rows}``;
* ``make_summary_csv(tmp_path, rows, name="summary.csv", header=SUMMARY_HEADER)``;
* ``report_sheets(unit, year, …)`` – the sheets of a complete, valid commission report, for
  tests to change one thing in;
* ``bench_module(name)`` – ``bench/<name>.py`` loaded as a module.
"""
from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def bench_module(name: str):
    """``bench/<name>.py`` as a module (bench/ is on sys.path while it loads: the benchmark's
    scripts import their neighbours, e.g. ``common``)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


# ------------------------------------------------------------------------------ fixtures

@pytest.fixture
def tmp_db(tmp_path) -> Path:
    d = tmp_path / "db"
    d.mkdir()
    return d / "tipdash.duckdb"


def make_report_workbook(tmp_path, name: str = "report.xlsx", merge: dict[str, list[str]] | None = None,
                         **sheets) -> Path:
    """Write an .xlsx with one sheet per keyword (rows as lists); `merge` = {sheet: ["A1:B1"]}."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    for title, ranges in (merge or {}).items():
        for ref in ranges:
            wb[title].merge_cells(ref)
    path = Path(tmp_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


SUMMARY_HEADER = ["unit", "year", "reported", "sessions", "information_activities", "participants",
                  "trainings", "members_trained", "victims", "ngo_partners"]


def make_summary_csv(tmp_path, rows, name: str = "summary.csv", header=None) -> Path:
    path = Path(tmp_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header or SUMMARY_HEADER)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return path


ACTIVITIES_HEADER = ["Date", "End date", "Type", "Target group", "Participants", "Campaign", "Description",
                     "Count", "Approximate"]
VICTIMS_HEADER = ["Sex", "Age group", "Exploitation", "Status", "Count", "Referred to", "Legal", "Medical",
                  "Psychological", "Housing"]


def report_sheets(unit: str = "Cahul", year: int = 2022, reported: str = "yes", variant: int = 0) -> dict:
    """A complete valid commission report (`variant` changes a few figures)."""
    return {
        "Commission": [["Unit", unit], ["Year", year], ["Submitted on", f"15.01.{year + 1}"],
                       ["Prepared by", "Secretary of the commission"], ["Reported", reported]],
        "Sessions": [["Date", "Topics", "Participants"],
                     [f"10.03.{year}", "Annual activity plan", 12 + variant],
                     [dt.date(year, 9, 1), "Week against trafficking", 10]],
        "Topics": [["Topic"], ["Labour migration"]],
        "Activities": [ACTIVITIES_HEADER,
                       [f"{year}-10-17", f"{year}-10-18", "informare", "elevi/studenți", 120, "Fighting TIP Week",
                        "Talks in schools", 1, "no"],
                       [None, None, "awareness campaign", "general public", 300, None, "Leaflets", 20 + variant,
                        "da"]],
        "Campaigns": [["Campaign", "Start date", "End date", "Description"],
                      ["Fighting TIP Week", f"17.10.{year}", f"23.10.{year}", "National week"]],
        "Trainings": [["Title", "Start date", "End date", "Organisers", "Participants", "Count"],
                      ["Identifying victims", f"{year}-05-10", f"{year}-05-11", "La Strada", 8, 1]],
        "Victims": [VICTIMS_HEADER,
                    ["F", "adult", "sexuală", "victimă", 3, "MDT", 2, "da", None, 0],
                    ["M", "copil", "muncă", "presumed victim", 1 + variant, None, None, None, "yes", None]],
        "Partners": [["Organisation", "Kind", "Cooperation"], ["La Strada", "ONG", "Hotline"],
                     ["IOM", "organizație internațională", "Trainings"]],
        "Challenges": [["Challenge or need", "Category"], ["Lack of informative materials", "resources"]],
    }


@pytest.fixture
def report_file(tmp_path):
    """Factory: report_file(name="r.xlsx", unit=..., year=..., **sheet_overrides) -> Path."""
    def build(name="report.xlsx", unit="Cahul", year=2022, variant=0, merge=None, drop=(), **overrides):
        sheets = report_sheets(unit, year, variant=variant)
        for s in drop:
            sheets.pop(s)
        sheets.update(overrides)
        return make_report_workbook(tmp_path, name=name, merge=merge, **sheets)
    return build


def synthetic_report_sheets(unit: str, year: int) -> dict:
    """`report_sheets` labelled SYNTHETIC wherever it can show on a page (preparer, titles, names)."""
    sheets = report_sheets(unit, year)
    sheets["Commission"] = [[k, "SYNTHETIC test data, not official" if k == "Prepared by" else v]
                            for k, v in sheets["Commission"]]
    for name, col in (("Trainings", 0), ("Campaigns", 0), ("Activities", 6), ("Sessions", 1)):
        sheets[name] = [sheets[name][0]] + [
            [f"SYNTHETIC {c}" if j == col and c else c for j, c in enumerate(row)] for row in sheets[name][1:]]
    return sheets


def build_history_db(path: Path, work: Path, years: int = 4, first_year: int = 2018) -> Path:
    """SYNTHETIC multi-year database for the views across years: the real 2022 seed and national
    series (init), plus `tipdash synth` reports of all 35 commissions for ``years`` years from
    ``first_year`` (small: 30 activities a unit-year). Test-only; every synthetic file says so."""
    from tipdash import ingest
    from tipdash.ingest import synth

    report = ingest.init_db(path)
    assert report.ok, str(report)
    synth.generate(work / "synth", years=years, activities_per_unit=30, seed=3, first_year=first_year)
    extra = ingest.import_paths([work / "synth"], path, user="test")
    assert extra.ok, str(extra)
    return path
