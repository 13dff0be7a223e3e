"""Import messages in the chosen language (issue 10, ux_review gap 9): a problem carries a code
and parameters, rendered in Romanian, English or Russian; the cell address as people write it
(Ședințe!C3); dates shown the same way in the value column and the message; plural forms of
CLDR (1 eroare / 2 erori / 20 de erori; Russian one/few/many)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_report_workbook, report_sheets
from tests.web.test_pages import db, run  # noqa: F401 - the Import page's database, users and AppTest runner
from tipdash import i18n, ingest
from tipdash.ingest import messages

ROOT = Path(__file__).resolve().parents[2]


def romanian_report(tmp_path, participants="14 persoane", date="10.03.2022"):
    sheets = report_sheets()
    sheets = {"Comisia": [["Unitatea", "Cahul"], ["Anul", 2022], ["A raportat", "da"]],
              "Ședințe": [["Data", "Subiecte", "Participanți"], ["12.02.2022", "Plan", 3],
                          [date, "Săptămâna", participants]],
              "Activități": sheets["Activities"]}
    return make_report_workbook(tmp_path, name="raport_cahul.xlsx", **sheets)


def test_a_romanian_message_names_the_cell(tmp_path, tmp_db):
    path = romanian_report(tmp_path)
    report = ingest.import_paths([path], tmp_db, dry_run=True)
    [p] = report.errors
    assert (p.sheet, p.row, p.column, p.cell, p.where) == ("Ședințe", 3, "Participanți", "C3", "Ședințe!C3")
    assert p.text("ro") == "'14 persoane' nu este un număr: este text; scrieți un număr întreg"
    assert p.text("en") == "'14 persoane' is text, not a count; write a whole number"
    assert p.text("ru") == "'14 persoane' — это текст, а не число; напишите целое число"
    assert p.line("ro") == (f"{path}:Ședințe:3:Participanți: '14 persoane' nu este un număr: este text; "
                            f"scrieți un număr întreg (Ședințe!C3)")


def test_dates_read_the_same_in_the_value_column_and_the_message(tmp_path, tmp_db):
    path = romanian_report(tmp_path, participants=4, date=dt.date(2021, 7, 30))
    [p] = ingest.import_paths([path], tmp_db, dry_run=True).errors
    assert p.value == dt.date(2021, 7, 30) and p.where == "Ședințe!A3"
    for lang, shown in (("ro", "30.07.2021"), ("ru", "30.07.2021"), ("en", "30/07/2021")):
        assert messages.show(p.value, lang, quote=False) == shown
        assert p.text(lang).startswith(shown)
    assert p.text("ro") == "30.07.2021 este în afara anului raportului 2022"
    assert p.text("ru") == "30.07.2021 вне года отчёта 2022"


@pytest.mark.parametrize("n, ro, ru, en", [
    (1, "1 eroare", "1 ошибка", "1 error"),
    (2, "2 erori", "2 ошибки", "2 errors"),
    (20, "20 de erori", "20 ошибок", "20 errors"),
    (21, "21 de erori", "21 ошибка", "21 errors"),
    (101, "101 erori", "101 ошибка", "101 errors"),
    (5, "5 erori", "5 ошибок", "5 errors"),
    (1000, "1.000 de erori", "1\u00a0000 ошибок", "1,000 errors"),
])
def test_plural_forms_of_counts(n, ro, ru, en):
    assert messages.plural_text("errors", n, "ro") == ro
    assert messages.plural_text("errors", n, "ru") == ru
    assert messages.plural_text("errors", n, "en") == en


def test_every_code_has_a_text_in_three_languages():
    """Every code the ingest package raises is in the catalogues, with the same placeholders."""
    import re

    used = set()
    for f in (ROOT / "tipdash" / "ingest").glob("*.py"):
        s = f.read_text(encoding="utf-8")
        used |= {"corrupt." + c for c in re.findall(r'_corrupt\([^,]+,\s*"([a-z0-9_]+)"', s)}
        used |= {"bomb." + c for c in re.findall(r'_bomb\([^,]+,\s*"([a-z0-9_]+)"', s)}
        used |= set(re.findall(r'"((?:read|count|date|year|flag|vocab|value|field|period|activity|victims|text|header|'
                               r'sheet|file|commission|unit|summary|column|row|batch|write|unsafe|series|sources)\.[a-z0-9_]+)"', s))
    used = {c for c in used if not c.endswith(".csv")}          # file names (data/national/sources.csv)
    assert len(used) > 150
    for lang in i18n.LANGS:
        cat = i18n.catalogue(lang)
        missing = [c for c in used if f"import.problem.{c}" not in cat]
        assert not missing, (lang, missing)
        for c in used:
            assert i18n.placeholders(cat[f"import.problem.{c}"]) == \
                i18n.placeholders(i18n.catalogue("en")[f"import.problem.{c}"]), (lang, c)


def test_cli_speaks_the_chosen_language(tmp_path):
    path = romanian_report(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {}
    for lang in ("ro", "ru", "en"):
        p = subprocess.run([sys.executable, "-m", "tipdash", "import", str(path), "--dry-run", "--lang", lang,
                            "--db", str(tmp_path / "x.duckdb")], capture_output=True, text=True, cwd=ROOT,
                           env=env, timeout=120)
        assert p.returncode == 1
        out[lang] = (p.stderr.strip(), p.stdout.strip())
    assert out["ro"][0].endswith("nu este un număr: este text; scrieți un număr întreg (Ședințe!C3)")
    assert out["ro"][1] == f"{path}: respins (1 eroare; nu s-a scris nimic)"
    assert out["ru"][1] == f"{path}: отклонён (1 ошибка; ничего не записано)"
    assert out["en"][1] == f"{path}: rejected (1 error; nothing written)"
    default = subprocess.run([sys.executable, "-m", "tipdash", "import", str(path), "--dry-run", "--db",
                              str(tmp_path / "x.duckdb")], capture_output=True, text=True, cwd=ROOT, env=env,
                             timeout=120)
    assert default.stderr.strip() == out["ro"][0]                 # Romanian by default, like the dashboard


def upload(at, files):
    at.get("file_uploader")[0].set_value([(p.name, p.read_bytes(), "application/octet-stream") for p in files])
    at.run()
    assert not at.exception


@pytest.mark.parametrize("lang, bad_rows, banner", [
    ("ro", 1, "1 eroare, 0 avertismente. Fișierele cu erori nu vor fi importate."),
    ("ro", 2, "2 erori, 0 avertismente."),
    ("ro", 20, "20 de erori, 0 avertismente."),
    ("ru", 1, "1 ошибка, 0 предупреждений."),
    ("ru", 2, "2 ошибки, 0 предупреждений."),
    ("ru", 20, "20 ошибок, 0 предупреждений."),
])
def test_import_page_banner_and_table_in_the_language(db, tmp_path, lang, bad_rows, banner):
    rows = [["Date", "Topics", "Participants"]] + [[f"1{i % 9}.03.2023", f"x{i}", "mulți"] for i in range(bad_rows)]
    path = make_report_workbook(tmp_path, name="r.xlsx", **{**report_sheets("Orhei", 2023), "Sessions": rows})
    at = run("import", lang, role="admin")
    upload(at, [path])
    assert any(e.value.startswith(banner) for e in at.error), [e.value for e in at.error]
    problems = at.dataframe[1].value
    sev, cell = i18n.t("page.import.col.severity", lang), i18n.t("page.import.col.cell", lang)
    assert list(problems.columns)[:1] == [sev] and cell in problems.columns
    assert set(problems[sev]) == {i18n.t("page.import.severity.error", lang)}
    assert list(problems[cell])[:2] == ["Sessions!C2", "Sessions!C3"][:bad_rows]
