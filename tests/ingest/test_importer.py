"""Importer: formats, the 2022 seed, idempotence, supersession/revert, batches, dry run,
the template round trip, vocabularies and the `import` command."""
from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import ROOT, ACTIVITIES_HEADER, make_report_workbook, make_summary_csv, report_sheets
from tipdash import ingest, store, units, vocab
from tipdash.ingest.sheet import FACT_COLUMNS

SEED_CSV = ROOT / "data" / "seed" / "2022_summary.csv"


def q(db, sql, params=None):
    s = store.Store(db)
    try:
        return s.query(sql, params)
    finally:
        s.close()


def scalar(db, sql, params=None):
    s = store.Store(db)
    try:
        return s.scalar(sql, params)
    finally:
        s.close()


def counts(db) -> dict[str, int]:
    return {t: scalar(db, f"SELECT count(*) FROM {t}")
            for t in ("imports", "submissions", *store.FACT_TABLES, "audit")}


# ------------------------------------------------------------------------------ the 2022 seed

@pytest.fixture(scope="module")
def seed_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("seed") / "tipdash.duckdb"
    report = ingest.init_db(db)
    assert report.ok, report
    return db


def test_seed_submissions(seed_db):
    cur = q(seed_db, "SELECT unit_code, reported FROM submissions WHERE status='current' AND year=2022 "
                     "AND format <> 'series'")
    assert len(cur) == 36
    assert "MD" in set(cur["unit_code"])
    communes = cur[cur["unit_code"] != "MD"]
    assert set(communes["unit_code"]) == {u.code for u in units.commission_units()}
    assert int(communes["reported"].sum()) == 28
    not_reported = sorted(units.get(c).name_ro for c in communes[~communes["reported"].astype(bool)]["unit_code"])
    assert not_reported == sorted(["Anenii Noi", "Briceni", "Găgăuzia", "Hîncești", "Ialoveni", "Nisporeni",
                                   "Ocnița"])
    assert scalar(seed_db, "SELECT count(DISTINCT imported_by) FROM imports") == 1
    assert scalar(seed_db, "SELECT min(imported_by) FROM imports") == "init"


def test_seed_sessions_match_the_csv(seed_db):
    with open(SEED_CSV, encoding="utf-8") as fh:
        expected = {units.resolve(r["unit"]).code: (int(r["sessions"]) if r["sessions"] else None)
                    for r in csv.DictReader(fh)}
    got = q(seed_db, "SELECT s.unit_code, m.sessions FROM submissions s JOIN summary m USING (submission_id) "
                     "WHERE s.status='current' AND s.year=2022")
    assert {u: (None if pd_na(v) else int(v)) for u, v in zip(got["unit_code"], got["sessions"])} == expected
    assert sum(v for v in expected.values() if v) == 29          # 4x1 + 7x2 + 1x3 + 2x4
    assert sum(v == 0 for v in expected.values()) == 14 and sum(v is None for v in expected.values()) == 7


def test_seed_national_facts(seed_db):
    md = "SELECT count(*) FROM {t} JOIN submissions USING (submission_id) WHERE unit_code='MD' AND status='current'"
    assert scalar(seed_db, md.format(t="partners")) == 8
    assert scalar(seed_db, md.format(t="partners") + " AND kind='ngo'") == 8
    assert scalar(seed_db, md.format(t="challenges")) == 18
    assert scalar(seed_db, md.format(t="topics")) == 7
    tr = q(seed_db, "SELECT count, participants FROM trainings ORDER BY row_no")
    assert tr["count"].tolist() == [5, 4]
    assert int(tr["participants"].sum()) == 125 and tr["participants"].isna().tolist() == [False, True]
    v = q(seed_db, "SELECT * FROM victims").iloc[0]
    assert int(v["count"]) == 27
    for kind in ("legal", "medical", "psychological", "housing"):
        assert bool(v[f"{kind}_provided"]) and pd_na(v[kind])
    act = q(seed_db, "SELECT * FROM activities").iloc[0]
    assert int(act["count"]) == 500 and bool(act["approximate"]) and act["type"] == "information"
    camp = q(seed_db, "SELECT * FROM campaigns").iloc[0]
    assert str(camp["start_date"])[:10] == "2022-10-17" and str(camp["end_date"])[:10] == "2022-10-23"


def test_init_db_keeps_an_existing_database(seed_db):
    before = seed_db.read_bytes()
    report = ingest.init_db(seed_db)
    assert report.ok and "exists" in str(report.files[0])
    assert seed_db.read_bytes() == before


def test_init_db_force_rebuilds(tmp_db, report_file):
    assert ingest.import_paths([report_file()], tmp_db).ok
    report = ingest.init_db(tmp_db, force=True)
    assert report.ok, report
    assert scalar(tmp_db, "SELECT count(*) FROM submissions WHERE format <> 'series'") == 36
    assert scalar(tmp_db, "SELECT count(*) FROM submissions WHERE format = 'series'") == 31  # (year, source)
    assert scalar(tmp_db, "SELECT count(*) FROM sessions") == 0        # the Cahul report is gone
    assert scalar(tmp_db, "SELECT count(*) FROM audit WHERE action='init'") == 1


# ------------------------------------------------------------------------------ format A in detail

def test_report_rows(tmp_db, report_file):
    path = report_file()
    report = ingest.import_paths([path], tmp_db)
    assert report.ok and not report.warnings, report
    res = report.files[0]
    assert (res.status, res.submissions, res.rows, res.format) == ("imported", 1, 12, "report")
    sub = q(tmp_db, "SELECT * FROM submissions").iloc[0]
    assert (sub["unit_code"], sub["year"], sub["format"], sub["status"], bool(sub["reported"])) == \
        ("MD-CA", 2022, "report", "current", True)
    assert str(sub["submitted_on"])[:10] == "2023-01-15" and sub["prepared_by"] == "Secretary of the commission"
    imp = q(tmp_db, "SELECT * FROM imports").iloc[0]
    assert imp["file_name"] == "report.xlsx" and len(imp["sha256"]) == 64 and imp["format"] == "report"
    assert imp["size_bytes"] == path.stat().st_size
    acts = q(tmp_db, "SELECT * FROM activities ORDER BY row_no")
    assert acts["type"].tolist() == ["information", "awareness_campaign"]
    assert acts["target_group"].tolist() == ["pupils_students", "general_public"]
    assert acts["count"].tolist() == [1, 20] and acts["approximate"].tolist() == [False, True]
    assert acts["sheet"].tolist() == ["Activities"] * 2 and acts["row_no"].tolist() == [2, 3]
    vic = q(tmp_db, "SELECT * FROM victims ORDER BY row_no")
    assert vic["sex"].tolist() == ["F", "M"] and vic["age_group"].tolist() == ["adult", "child"]
    assert vic["exploitation"].tolist() == ["sexual", "labour"]
    assert vic["status"].tolist() == ["victim", "presumed_victim"]
    first, second = vic.iloc[0], vic.iloc[1]
    assert (first["legal"], bool(first["legal_provided"])) == (2, True)            # a number
    assert pd_na(first["medical"]) and bool(first["medical_provided"])             # "da"
    assert pd_na(first["psychological"]) and pd_na(first["psychological_provided"])  # blank
    assert (first["housing"], bool(first["housing_provided"])) == (0, False)       # 0
    assert pd_na(second["psychological"]) and bool(second["psychological_provided"])  # "yes"
    assert q(tmp_db, "SELECT kind FROM partners ORDER BY row_no")["kind"].tolist() == \
        ["ngo", "international_organisation"]
    assert scalar(tmp_db, "SELECT count(*) FROM audit WHERE action='import'") == 1


def pd_na(v) -> bool:
    return v is None or str(v) in ("<NA>", "nan", "NaT")


def test_romanian_sheets_and_headers(tmp_db, tmp_path):
    sheets = {
        "Comisia": [["Unitatea", "r. Cahul"], ["Anul", 2022], ["Data prezentării", "2023-01-20"],
                    ["Întocmit de", "Secretarul"], ["A raportat", "DA"]],
        "Ședințe": [["Data", "Subiecte", "Participanți"], ["10.03.2022", "Plan", 9]],
        "Activități": [["Data", "Data finală", "Tip", "Grup țintă", "Participanți", "Campanie", "Descriere",
                        "Număr", "Aproximativ"],
                       ["17.10.2022", None, "Campanie de sensibilizare", "PĂRINȚI", 40, None, None, 2, "nu"]],
        "Victime": [["Sex", "Grupa de vârstă", "Forma de exploatare", "Statut", "Număr", "Referit către",
                     "Juridică", "Medicală", "Psihologică", "Cazare"],
                    ["femeiesc", "copil", "cerșit", "victimă prezumată", 2, None, "da", 1, None, "nu"]],
        "Parteneri": [["Organizația", "Tip", "Cooperare"], ["Primăria", "instituție publică", None]],
        "Provocări": [["Provocare sau necesitate", "Categorie"], ["Lipsa resurselor", None]],
        "Instrucțiuni": [["Completați …"]],
    }
    path = make_report_workbook(tmp_path, name="raport_cahul.xlsx", **sheets)
    report = ingest.import_paths([path], tmp_db)
    assert report.ok and not report.warnings, report
    assert scalar(tmp_db, "SELECT unit_code FROM submissions") == "MD-CA"
    assert q(tmp_db, "SELECT type, target_group FROM activities").values.tolist() == \
        [["awareness_campaign", "parents"]]
    assert q(tmp_db, "SELECT sex, age_group, exploitation, status FROM victims").values.tolist() == \
        [["F", "child", "begging", "presumed_victim"]]
    assert scalar(tmp_db, "SELECT kind FROM partners") == "public_institution"


def test_national_report_is_allowed(tmp_db, report_file):
    report = ingest.import_paths([report_file(unit="Republica Moldova")], tmp_db)
    assert report.ok, report
    assert scalar(tmp_db, "SELECT unit_code FROM submissions") == units.NATIONAL


def test_optional_sheets_may_be_absent(tmp_db, report_file):
    path = report_file(drop=["Topics", "Campaigns", "Trainings", "Victims", "Partners", "Challenges"])
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    assert counts(tmp_db)["sessions"] == 2 and counts(tmp_db)["victims"] == 0


def test_not_reported_report(tmp_db, tmp_path):
    path = make_report_workbook(tmp_path, name="nisporeni.xlsx",
                                Commission=[["Unit", "Nisporeni"], ["Year", 2022], ["Reported", "nu"]],
                                Sessions=[["Date", "Topics", "Participants"]])
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    assert scalar(tmp_db, "SELECT reported FROM submissions") is False


# ------------------------------------------------------------------------------ format B

def test_summary_csv_and_approximate_counts(tmp_db, tmp_path):
    rows = [["Cahul", 2022, "yes", 3, "~500", 40, 1, 2, 0, 1],
            ["Orhei", 2022, "da", 0, "around 500", None, None, None, None, None],
            ["Soroca", 2022, "yes", 0, "circa 500", None, None, None, None, None],
            ["Briceni", 2022, "no", None, None, None, None, None, None, None]]
    report = ingest.import_paths([make_summary_csv(tmp_path, rows)], tmp_db)
    assert report.ok, report
    got = q(tmp_db, "SELECT s.unit_code, s.reported, m.* FROM submissions s JOIN summary m USING (submission_id) "
                    "ORDER BY s.row_no")
    assert got["unit_code"].tolist() == ["MD-CA", "MD-OR", "MD-SO", "MD-BR"]
    assert got["information_activities"].tolist()[:3] == [500, 500, 500]
    assert got["information_activities_approx"].tolist() == [True, True, True, False]
    assert got["reported"].tolist() == [True, True, True, False]
    assert got["row_no"].tolist() == [2, 3, 4, 5]
    assert pd_na(got["sessions"].iloc[3]) and got["victims"].iloc[0] == 0


def test_summary_xlsx_sinteza_with_romanian_headers(tmp_db, tmp_path):
    header = ["unitatea", "anul", "a_raportat", "sedinte", "activitati_informare", "participanti", "instruiri",
              "membri_instruiti", "victime", "parteneri_ong"]
    path = make_report_workbook(tmp_path, name="sinteza.xlsx", Sinteza=[
        header, ["Cahul", 2023, "da", 2, None, None, None, None, None, None],
        ["Total", None, None, 2, None, None, None, None, None, None]])
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    assert any("national total" in p.message for p in report.warnings)      # the total row is skipped
    assert scalar(tmp_db, "SELECT count(*) FROM submissions") == 1
    assert scalar(tmp_db, "SELECT sheet FROM summary") == "Sinteza"


# ------------------------------------------------------------------------------ idempotence & history

def test_identical_reimport_is_unchanged(tmp_db, report_file, tmp_path):
    files = [report_file(), make_summary_csv(tmp_path, [["Orhei", 2022, "yes", 2] + [None] * 6])]
    first = ingest.import_paths(files, tmp_db)
    assert first.ok
    before = tmp_db.read_bytes()
    again = ingest.import_paths(files, tmp_db)
    assert again.ok
    assert [r.status for r in again.files] == ["unchanged", "unchanged"]
    ids = [r.import_id for r in first.files]
    assert [str(r).split(": ", 1)[1] for r in again.files] == \
        [f"unchanged (already imported as import {i})" for i in ids]
    assert tmp_db.read_bytes() == before
    renamed = tmp_path / "same_content_other_name.xlsx"
    renamed.write_bytes(files[0].read_bytes())
    assert ingest.import_paths([renamed], tmp_db).files[0].status == "unchanged"


def test_supersession_history_and_revert(tmp_db, report_file, tmp_path):
    summary = make_summary_csv(tmp_path, [["Cahul", 2022, "yes", 0] + [None] * 6,
                                          ["Orhei", 2022, "yes", 2] + [None] * 6])
    cahul = report_file()
    r1 = ingest.import_paths([summary], tmp_db, user="ana")
    r2 = ingest.import_paths([cahul], tmp_db, user="ion")
    assert r1.ok and r2.ok
    old = int(scalar(tmp_db, "SELECT submission_id FROM submissions WHERE import_id=? AND unit_code='MD-CA'",
                     [r1.files[0].import_id]))
    new = int(scalar(tmp_db, "SELECT submission_id FROM submissions WHERE import_id=?", [r2.files[0].import_id]))
    assert r2.files[0].superseded == [old] and "supersedes 1" in str(r2.files[0])
    st = q(tmp_db, "SELECT submission_id, status, superseded_by FROM submissions ORDER BY submission_id")
    rows = {int(s): (status, None if pd_na(by) else int(by)) for s, status, by in st.values.tolist()}
    assert rows[old] == ("superseded", new) and rows[new] == ("current", None)
    assert scalar(tmp_db, "SELECT count(*) FROM submissions WHERE status='current'") == 2
    hist = store.history(store.Store(tmp_db))
    assert hist["submission_id"].tolist()[0] == new and set(hist["imported_by"]) == {"ana", "ion"}
    assert scalar(tmp_db, "SELECT count(*) FROM audit WHERE action='import'") == 2

    # re-importing the summary: Orhei unchanged, Cahul's summary row supersedes the report
    r3 = ingest.import_paths([summary], tmp_db)
    assert r3.files[0].status == "imported" and r3.files[0].submissions == 1
    assert "1 unit-year unchanged" in str(r3.files[0])
    newest = int(scalar(tmp_db, "SELECT submission_id FROM submissions WHERE import_id=?", [r3.files[0].import_id]))

    # revert it: the report is current again; revert that: the first summary row is current again
    store.revert(tmp_db, newest, user="ana")
    assert scalar(tmp_db, "SELECT submission_id FROM submissions WHERE status='current' AND unit_code='MD-CA'") \
        == new
    store.revert(tmp_db, new, user="ana")
    assert scalar(tmp_db, "SELECT submission_id FROM submissions WHERE status='current' AND unit_code='MD-CA'") \
        == old
    # after a revert, importing the reverted file again makes it current again
    r4 = ingest.import_paths([cahul], tmp_db)
    assert r4.files[0].status == "imported"
    assert scalar(tmp_db, "SELECT import_id FROM submissions WHERE status='current' AND unit_code='MD-CA'") \
        == r4.files[0].import_id


# ------------------------------------------------------------------------------ batches

def test_non_strict_batch_writes_valid_files_together(tmp_db, report_file, monkeypatch):
    good1, bad, good2 = (report_file(name="a.xlsx", unit="Cahul"), report_file(name="b.xlsx", unit="Atlantida"),
                         report_file(name="c.xlsx", unit="Orhei"))
    calls = []
    real = store.write
    monkeypatch.setattr(store, "write", lambda *a, **k: (calls.append(a), real(*a, **k))[1])
    report = ingest.import_paths([good1, bad, good2], tmp_db)
    assert not report.ok
    assert [r.status for r in report.files] == ["imported", "rejected", "imported"]
    assert len(calls) == 1                                             # one atomic publish
    assert scalar(tmp_db, "SELECT count(*) FROM imports") == 2


def test_strict_batch_rejects_everything(tmp_db, report_file):
    assert ingest.import_paths([report_file(name="base.xlsx", unit="Soroca")], tmp_db).ok
    before = tmp_db.read_bytes()
    files = [report_file(name="a.xlsx", unit="Cahul"), report_file(name="b.xlsx", unit="Atlantida")]
    report = ingest.import_paths(files, tmp_db, strict=True)
    assert not report.ok
    assert [r.status for r in report.files] == ["rejected", "rejected"]
    assert "strict" in report.files[0].message
    assert tmp_db.read_bytes() == before
    ok = ingest.import_paths(files[:1], tmp_db, strict=True)
    assert ok.ok and ok.files[0].status == "imported"


def test_strict_batch_accepts_warnings(tmp_db, report_file):
    report = ingest.import_paths([report_file(unit="Cantemr")], tmp_db, strict=True)
    assert report.ok and report.warnings and report.files[0].status == "imported"


def test_dry_run_writes_nothing(tmp_db, report_file):
    path = report_file()
    report = ingest.import_paths([path], tmp_db, dry_run=True)
    assert report.ok and report.files[0].status == "valid" and not tmp_db.exists()
    assert "dry run" in str(report.files[0])
    assert ingest.import_paths([path], tmp_db).ok
    before = tmp_db.read_bytes()
    again = ingest.import_paths([report_file(name="v2.xlsx", variant=1)], tmp_db, dry_run=True)
    assert again.files[0].status == "valid" and again.files[0].superseded
    same = ingest.import_paths([path], tmp_db, dry_run=True)
    assert same.files[0].status == "unchanged"
    assert tmp_db.read_bytes() == before


def test_reader_sees_old_then_new_data(tmp_db, report_file):
    assert ingest.import_paths([report_file(name="a.xlsx", unit="Cahul")], tmp_db).ok
    reader = store.Store(tmp_db)
    assert reader.scalar("SELECT count(*) FROM submissions") == 1        # the reader holds the file open
    report = ingest.import_paths([report_file(name="b.xlsx", unit="Orhei")], tmp_db)
    assert report.ok, report
    assert reader.scalar("SELECT count(*) FROM submissions") == 2
    reader.close()


def test_directory_argument(tmp_db, report_file, tmp_path):
    report_file(name="in/a.xlsx", unit="Cahul")
    report_file(name="in/b.xlsx", unit="Orhei")
    (tmp_path / "in" / "notes.txt").write_text("ignored")
    report = ingest.import_paths([tmp_path / "in"], tmp_db)
    assert report.ok and [Path(r.file).name for r in report.files] == ["a.xlsx", "b.xlsx"]


def test_missing_path(tmp_db, tmp_path):
    report = ingest.import_paths([tmp_path / "nope.xlsx"], tmp_db)
    assert not report.ok and "cannot open" in str(report.errors[0]) and not tmp_db.exists()


# ------------------------------------------------------------------------------ template

def test_template_structure(tmp_path):
    path = ingest.write_template(2023, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Instructions"
    assert {vocab.sheet_key(n) for n in wb.sheetnames} == {"instructions", "commission", *FACT_COLUMNS} - {
        "summary", "series", "series_sources"}
    acts = wb["Activities"]
    assert [c.value for c in acts[1]] == ACTIVITIES_HEADER
    assert acts.freeze_panes == "A2"
    assert acts["C1"].comment is not None and "Tip" in acts["C1"].comment.text
    dv_sources = {dv.formula1 for dv in acts.data_validations.dataValidation if dv.type == "list"}
    assert len(dv_sources) == 3                                         # type, target group, approximate
    com = wb["Commission"]
    assert com["A2"].value == "Year" and com["B2"].value == 2023
    units_dv = [dv for dv in com.data_validations.dataValidation if "B1" in str(dv.sqref)][0]
    col = units_dv.formula1.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    names = [c.value for c in wb["Instructions"][col][6:] if c.value]
    assert len(names) == 36 and names[-1] == "Republica Moldova" and "Ștefan Vodă" in names
    texts = " ".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert "Cum se completează" in texts and "How to fill in" in texts


def test_filled_template_round_trips(tmp_db, tmp_path):
    path = ingest.write_template(2022, tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    com = wb["Commission"]
    com["B1"], com["B3"], com["B4"], com["B5"] = "Ștefan Vodă", dt.date(2023, 1, 15), "Secretary", "da"
    data = report_sheets("Ștefan Vodă")
    for title, rows in data.items():
        if title == "Commission":
            continue
        ws = wb[title]
        assert [c.value for c in ws[1]][:len(rows[0])] == rows[0]
        for i, row in enumerate(rows[1:], start=2):
            for j, v in enumerate(row, start=1):
                ws.cell(i, j, v)
    wb.save(path)
    report = ingest.import_paths([path], tmp_db)
    assert report.ok and not report.warnings, report
    expected = make_report_workbook(tmp_path / "direct", name="direct.xlsx", **data)
    other = tmp_path / "other.duckdb"
    assert ingest.import_paths([expected], other).ok
    for table in FACT_COLUMNS:
        cols = ", ".join(("sheet", "row_no", *FACT_COLUMNS[table]))
        a = q(tmp_db, f"SELECT {cols} FROM {table} ORDER BY sheet, row_no")
        b = q(other, f"SELECT {cols} FROM {table} ORDER BY sheet, row_no")
        assert a.astype(str).values.tolist() == b.astype(str).values.tolist(), table
    assert scalar(tmp_db, "SELECT unit_code FROM submissions") == "MD-SV"


# ------------------------------------------------------------------------------ vocab

@pytest.mark.parametrize("name,text,code", [
    ("type", "informare", "information"), ("type", "Campanie de sensibilizare", "awareness_campaign"),
    ("type", "raid_inspection", "raid_inspection"), ("target_group", "elevi/studenți", "pupils_students"),
    ("target_group", "Elevi / Studenti", "pupils_students"), ("target_group", "tineri", "youth"),
    ("target_group", "profesori", "teachers"), ("target_group", "părinți", "parents"),
    ("target_group", "publicul larg", "general_public"), ("target_group", "specialiști", "specialists"),
    ("target_group", "grupuri vulnerabile", "vulnerable_groups"),
    ("target_group", "refugiați/persoane strămutate", "refugees_displaced"), ("sex", "F", "F"),
    ("sex", "femeiesc", "F"), ("sex", "female", "F"), ("sex", "m", "M"), ("age_group", "copil", "child"),
    ("age_group", "child", "child"), ("age_group", "adult", "adult"), ("exploitation", "sexuală", "sexual"),
    ("exploitation", "muncă", "labour"), ("exploitation", "cerșit", "begging"),
    ("exploitation", "activități criminale", "criminal_activities"),
    ("exploitation", "prelevare de organe", "organ_removal"), ("status", "victimă", "victim"),
    ("status", "victimă prezumată", "presumed_victim"), ("status", "presumed victim", "presumed_victim"),
    ("kind", "ONG", "ngo"), ("kind", "NGO", "ngo"), ("kind", "organizație internațională",
                                                     "international_organisation"),
    ("kind", "instituție publică", "public_institution"), ("kind", "altele", "other"), ("kind", "other", "other"),
    ("exploitation", "necunoscut", "unknown"), ("status", "unknown", "unknown"), ("sex", "NECUNOSCUT", "unknown"),
])
def test_vocab_parse(name, text, code):
    assert vocab.parse(name, text) == code


def test_vocab_rejects_and_blank():
    assert vocab.parse("sex", "  ") is None
    with pytest.raises(ValueError, match="accepted"):
        vocab.parse("sex", "robot")
    assert vocab.VOCABS["type"] == ("information", "awareness_campaign", "training", "raid_inspection", "media",
                                    "other")


@pytest.mark.parametrize("text,value", [("yes", True), ("No", False), ("DA", True), ("nu", False), ("true", True),
                                        ("False", False), (1, True), (0, False), ("x", True), ("1", True),
                                        ("0", False), (None, None), ("", None), (True, True)])
def test_parse_bool(text, value):
    assert vocab.parse_bool(text) is value


def test_sheet_and_header_synonyms():
    assert vocab.sheet_key("ȘEDINȚE") == vocab.sheet_key("sedinte") == "sessions"
    assert vocab.sheet_key("Provocări") == "challenges" and vocab.sheet_key("Sinteza") == "summary"
    assert vocab.header_key("victims", "Grupa de vârstă") == "age_group"
    assert vocab.header_key("summary", "activitati_informare") == "information_activities"
    assert vocab.header_key("commission", "Data prezentării") == "submitted_on"
    assert vocab.personal_data_reason("Data nașterii") and not vocab.personal_data_reason("Referred to")


# ------------------------------------------------------------------------------ the command line

def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "tipdash", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_cli_import_ok_and_errors(tmp_db, report_file, tmp_path):
    good = report_file(name="good.xlsx")
    bad = report_file(name="bad.xlsx", unit="Orhei",
                      Sessions=[["Date", "Topics", "Participants"], ["10.03.2022", "Plan", -2]])
    dry = run_cli("import", good, "--db", tmp_db, "--dry-run", "--lang", "en")
    assert dry.returncode == 0 and "valid" in dry.stdout and not tmp_db.exists()
    ok = run_cli("import", good, "--db", tmp_db, "--user", "ana", "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    assert f"{good}: imported" in ok.stdout
    fail = run_cli("import", bad, "--db", tmp_db, "--lang", "en")
    assert fail.returncode == 1
    assert f"{bad}:Sessions:2:Participants: " in fail.stderr and "'-2'" not in fail.stderr and "-2" in fail.stderr
    strict = run_cli("import", good, bad, "--db", tmp_db, "--strict", "--lang", "en")
    assert strict.returncode == 1 and "rejected" in strict.stdout
    again = run_cli("import", good, "--db", tmp_db, "--lang", "en")
    assert again.returncode == 0 and "unchanged (already imported as import" in again.stdout


def test_cli_init(tmp_db):
    r = run_cli("init", "--db", tmp_db)
    assert r.returncode == 0, r.stderr
    assert "2022_summary.csv: imported" in r.stdout
    r2 = run_cli("init", "--db", tmp_db)
    assert r2.returncode == 0 and "exists" in r2.stdout


def test_busy_database_is_reported(tmp_db, report_file, monkeypatch):
    import contextlib

    @contextlib.contextmanager
    def busy(*args, **kwargs):
        raise store.StoreBusy("Another import is running; try again in a minute.")
        yield

    monkeypatch.setattr(store, "write", busy)
    report = ingest.import_paths([report_file()], tmp_db)
    assert not report.ok and report.files[0].status == "rejected"
    assert "another import is running" in str(report.errors[0])


def test_cli_template_then_import(tmp_path, tmp_db):
    out = tmp_path / "raport_2023.xlsx"
    r = run_cli("template", "--year", 2023, "--out", out)
    assert r.returncode == 0 and out.exists(), r.stderr
    imp = run_cli("import", out, "--db", tmp_db)              # messages in Romanian by default
    assert imp.returncode == 1 and f"{out}:Commission:1:Unit: raport gol: nu este completat nimic" in imp.stderr


def test_synthetic_files_are_marked(tmp_db, tmp_path):
    sheets = report_sheets("Leova")
    sheets["Commission"] = sheets["Commission"] + [["Note", "SYNTHETIC DATA — generated by tipdash synth"]]
    path = make_report_workbook(tmp_path, name="SYNTHETIC_2022_MD-LE.xlsx", **sheets)
    report = ingest.import_paths([path], tmp_db)
    assert report.ok, report
    assert [p.row for p in report.warnings if "note ignored" in p.message] == [6]
    assert scalar(tmp_db, "SELECT synthetic FROM imports") is True


def test_sheet_present_without_rows_is_zero_and_absent_sheet_is_not_reported(tmp_db, report_file):
    """Through the real importer: headers only → 0 (reported zero); no sheet → blank (not reported)."""
    import pandas as pd

    from tipdash import indicators, store

    path = report_file(drop=("Victims", "Partners"), Sessions=[["Date", "Topics", "Participants"]])
    assert ingest.import_paths([path], tmp_db).ok
    row = indicators.unit_year(store.Store(tmp_db), 2022).set_index("code").loc["MD-CA"]
    assert row["sessions"] == 0 and row["reporting_status"] == "reported_no_sessions"
    assert pd.isna(row["victims"]) and pd.isna(row["ngo_partners"])
    assert row["trainings"] == 1
