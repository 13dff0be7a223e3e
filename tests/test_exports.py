"""Downloads: CSV (BOM, RFC 4180, provenance), xlsx, formula escaping, names, localise, CLI export."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import types

import openpyxl
import pandas as pd
import pytest

import tipdash
from tipdash import exports, i18n

BOM = b"\xef\xbb\xbf"
WHEN = dt.datetime(2026, 11, 28, 14, 0, tzinfo=dt.timezone.utc)
META = {"view": "sessions", "year": 2022, "lang": "en", "source": "State Chancellery reports",
        "filters": {"year": 2022, "indicator": "sessions"}, "exported_on": WHEN}
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def read_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def xl_text(value):
    """XML cannot keep a bare CR, so xlsxwriter stores it as ``_x000D_`` (Excel decodes it,
    openpyxl does not)."""
    return value.replace("_x000D_", "\r") if isinstance(value, str) else value


def all_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def sample() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["MD-BA", "MD-CU", "MD-SD"],
        "sessions": pd.array([2, None, 0], dtype="Int64"),
        "text": ["Ședință la Ștefan Vodă, țară", 'say "hi", ok', "line1\nline2"],
        "delta": [-3, 4, -1],
        "share": [0.5, float("nan"), -0.25],
    })


# ------------------------------------------------------------------ CSV

def test_csv_has_bom_and_crlf():
    data = exports.to_csv(sample(), META)
    assert data.startswith(BOM)
    body = data[len(BOM):]
    # every record ends with CRLF; the only bare LF is the one inside the quoted "line1\nline2"
    assert body.endswith(b"\r\n")
    assert body.count(b"\n") - body.count(b"\r\n") == 1
    assert b'"line1\nline2"' in body


def test_csv_quoting_rfc4180():
    data = exports.to_csv(sample(), META)
    text = data.decode("utf-8-sig")
    assert '"Ședință la Ștefan Vodă, țară"' in text           # comma -> quoted
    assert '"say ""hi"", ok"' in text                          # quotes doubled
    assert '\r\n"MD-BA",2,' in text                             # every text quoted, numbers bare
    rows = parse_csv(data)
    assert rows[1] == ["code", "sessions", "text", "delta", "share"]
    assert rows[2] == ["MD-BA", "2", "Ședință la Ștefan Vodă, țară", "-3", "0.5"]
    assert rows[3] == ["MD-CU", "", 'say "hi", ok', "4", ""]
    assert rows[4] == ["MD-SD", "0", "line1\nline2", "-1", "-0.25"]


def test_csv_provenance_line():
    rows = parse_csv(exports.to_csv(sample(), META))
    assert len(rows[0]) == 1
    assert rows[0][0] == ("Source: State Chancellery reports; Filters: year=2022, indicator=sessions; "
                          "Exported on: 2026-11-28 14:00 UTC")


@pytest.mark.parametrize("lang,words", [
    ("ro", ("Sursa:", "Filtre:", "Exportat la:")),
    ("en", ("Source:", "Filters:", "Exported on:")),
    ("ru", ("Источник:", "Фильтры:", "Дата экспорта:")),
])
def test_provenance_is_localised(lang, words):
    line = exports.provenance_line({**META, "lang": lang, "source": None,
                                    "filters": {"year": 2022, "units": ["MD-BA", "MD-CU"]}})
    pos = [line.index(w) for w in words]
    assert pos == sorted(pos) and pos[0] == 0
    assert "year=2022, units=MD-BA|MD-CU" in line
    assert "2026-11-28 14:00 UTC" in line
    assert i18n.t("export.default_source", lang) in line


def test_provenance_defaults_and_one_line():
    line = exports.provenance_line({"lang": "en", "source": "a\r\nb"})
    assert "\n" not in line and "\r" not in line
    assert "Source: a b; Filters: none; Exported on: " in line
    assert line.endswith(" UTC")
    now = dt.datetime.now(dt.timezone.utc)
    stamp = line.rsplit("Exported on: ", 1)[1]
    parsed = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M UTC").replace(tzinfo=dt.timezone.utc)
    assert abs((now - parsed).total_seconds()) < 120
    # unknown language -> Romanian
    assert exports.provenance_line({"lang": "xx"}).startswith("Sursa:")


def test_diacritics_round_trip_with_pandas():
    df = pd.DataFrame({"name": ["Ștefan Vodă", "Căușeni", "Бельцы"], "sessions": [2, 0, 4]})
    back = pd.read_csv(io.BytesIO(exports.to_csv(df, META)), encoding="utf-8-sig", skiprows=1)
    assert list(back.columns) == ["name", "sessions"]
    assert back["name"].tolist() == ["Ștefan Vodă", "Căușeni", "Бельцы"]
    assert back["sessions"].tolist() == [2, 0, 4]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_csv_escapes_formula_triggers(trigger):
    payload = f"{trigger}HYPERLINK(\"http://x\")"
    df = pd.DataFrame({f"{trigger}head": [payload, "ok"]})
    rows = parse_csv(exports.to_csv(df, META))
    assert rows[1] == ["'" + f"{trigger}head"]
    assert rows[2] == ["'" + payload]
    assert rows[3] == ["ok"]


def test_escape_text_rules():
    assert exports.escape_text("=1+1") == "'=1+1"
    assert exports.escape_text("-5") == "'-5"
    assert exports.escape_text("  =cmd") == "'  =cmd"
    assert exports.escape_text("\n@x") == "'\n@x"
    assert exports.escape_text("\uff1d1+1") == "'\uff1d1+1"     # full-width equals
    assert exports.escape_text("a=b") == "a=b"
    assert exports.escape_text("") == ""
    assert exports.escape_text("<5") == "<5"
    assert exports.escape_text("Cahul") == "Cahul"


def test_csv_numbers_untouched_text_numbers_escaped():
    df = pd.DataFrame({
        "int": [-3, 0, 12], "float": [-1.5, 2.0, 0.125],
        "nullable": pd.array([-7, None, 3], dtype="Int64"),
        "mixed": pd.Series([-4, "<5", None], dtype=object),
        "text_number": ["-3", "+373 22 250 104", "12"],
        "flag": [True, False, True],
        "when": [pd.Timestamp("2022-10-17"), pd.NaT, pd.Timestamp("2022-10-23 09:30")],
    })
    rows = parse_csv(exports.to_csv(df, META))
    assert rows[2] == ["-3", "-1.5", "-7", "-4", "'-3", "true", "2022-10-17"]
    assert rows[3] == ["0", "2", "", "<5", "'+373 22 250 104", "false", ""]
    assert rows[4] == ["12", "0.125", "3", "", "12", "true", "2022-10-23 09:30:00"]


def test_csv_without_provenance_and_bom():
    data = exports.to_csv(pd.DataFrame({"a": [1]}), META, provenance=False, bom=False)
    assert data == b'"a"\r\n1\r\n'


def test_csv_empty_frame():
    rows = parse_csv(exports.to_csv(pd.DataFrame({"a": [], "b": []}), META))
    assert rows[1:] == [["a", "b"]]


# ------------------------------------------------------------------ xlsx

def test_xlsx_sheets_header_and_values():
    wb = read_xlsx(exports.to_xlsx(sample(), META))
    assert wb.sheetnames == ["data", "about"]
    ws = wb["data"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == ["code", "sessions", "text", "delta", "share"]
    assert rows[1] == ["MD-BA", 2, "Ședință la Ștefan Vodă, țară", -3, 0.5]
    assert rows[2] == ["MD-CU", None, 'say "hi", ok', 4, None]
    assert rows[3] == ["MD-SD", 0, "line1\nline2", -1, -0.25]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width


def test_xlsx_about_sheet_has_provenance():
    wb = read_xlsx(exports.to_xlsx(sample(), {**META, "lang": "ro"}))
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True) if r[0]}
    assert about["Sursa"] == "State Chancellery reports"
    assert about["Filtre"] == "year=2022, indicator=sessions"
    assert about["Exportat la"] == "2026-11-28 14:00 UTC"
    assert about["Vizualizare"] == "sessions"
    assert about["Anul"] == "2022"
    assert about["Limba"] == "Română"
    assert any("neraportat" in k for k in about)


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_xlsx_escapes_formula_triggers_and_has_no_formulas(trigger):
    payload = f"{trigger}SUM(1,2)"
    df = pd.DataFrame({f"{trigger}head": [payload], "n": [-2]})
    wb = read_xlsx(exports.to_xlsx(df, {**META, "source": f"{trigger}evil()"}))
    ws = wb["data"]
    assert xl_text(ws["A1"].value) == "'" + f"{trigger}head"
    assert xl_text(ws["A2"].value) == "'" + payload
    assert ws["B2"].value == -2 and ws["B2"].data_type == "n"
    about = [c.value for c in all_cells(wb) if c.parent.title == "about" and c.value]
    assert all(not xl_text(str(v)).startswith(tuple(TRIGGERS)) for v in about)
    assert "evil()" in " ".join(map(str, about))
    for cell in all_cells(wb):
        assert cell.data_type != "f", (cell.parent.title, cell.coordinate, cell.value)
        assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate


def test_xlsx_types_numbers_bools_dates():
    df = pd.DataFrame({
        "n": pd.array([-7, None], dtype="Int64"),
        "mixed": pd.Series([3, "<5"], dtype=object),
        "flag": [True, False],
        "day": [dt.date(2022, 10, 17), None],
        "text_number": ["-1", "1"],
    })
    ws = read_xlsx(exports.to_xlsx(df, META))["data"]
    assert [c.value for c in ws[2]] == [-7, 3, True, dt.datetime(2022, 10, 17), "'-1"]
    assert [c.value for c in ws[3]] == [None, "<5", False, None, "1"]
    assert ws["E3"].data_type == "s"                           # "1" text stays text
    assert ws["D2"].number_format == "yyyy-mm-dd"


# ------------------------------------------------------------------ file names

@pytest.mark.parametrize("args,expected", [
    (("sessions", 2022, "ro", "csv"), "tipdash_sessions_2022_ro.csv"),
    (("sessions", "2020-2022", "en", "xlsx"), "tipdash_sessions_2020-2022_en.xlsx"),
    (("Victims by sex", (2020, 2022), "ru", ".XLSX"), "tipdash_victims_by_sex_2020-2022_ru.xlsx"),
    (("Ședințe / Ștefan Vodă", (2021, 2021), "ro", "csv"), "tipdash_sedinte_stefan_voda_2021_ro.csv"),
    (("map", None, "fr", "csv"), "tipdash_map_all_ro.csv"),
    (("../../etc/passwd", "2020–2022", "en", "csv"), "tipdash_etc_passwd_2020-2022_en.csv"),
    (("", 2022, "en", "json"), "tipdash_data_2022_en.json"),
])
def test_file_name(args, expected):
    assert exports.file_name(*args) == expected


# ------------------------------------------------------------------ localise

def unit_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["MD", "MD-XX"],
        "year": [2022, 2022],
        "reported": pd.array([True, None], dtype="boolean"),
        "reporting_status": ["met", "not_reported"],
        "sessions": pd.array([2, None], dtype="Int64"),
        "victims": pd.Series([12, "<5"], dtype=object),
    })


@pytest.mark.parametrize("lang,expected", [
    ("ro", {"headers": ["Cod", "Denumire", "Anul", "Raport transmis", "Situația raportării",
                        "Ședințe", "Victime sau presupuse victime"],
            "name": "Republica Moldova", "status": ["A raportat, s-a întrunit", "Nu a prezentat informații relevante"],
            "yes": "Da"}),
    ("en", {"headers": ["Code", "Name", "Year", "Reported", "Reporting status", "Sessions",
                        "Victims or presumed victims"],
            "name": "Republic of Moldova", "status": ["Reported, met", "Did not provide relevant information"], "yes": "Yes"}),
    ("ru", {"headers": ["Код", "Название", "Год", "Отчёт представлен", "Статус отчётности",
                        "Заседания", "Жертвы или предполагаемые жертвы"],
            "name": "Республика Молдова", "status": ["Представила отчёт, заседания проводились",
                                                     "Не представила соответствующую информацию"], "yes": "Да"}),
])
def test_localise_three_languages(lang, expected):
    src = unit_frame()
    out = exports.localise(src, lang)
    assert list(out.columns) == expected["headers"]
    assert out.iloc[0, 1] == expected["name"]
    assert out.iloc[1, 1] == "MD-XX"                          # unknown code -> the code
    assert out.iloc[:, 4].tolist() == expected["status"]
    assert out.iloc[0, 3] == expected["yes"] and pd.isna(out.iloc[1, 3])
    assert out.iloc[0, 5] == 2 and pd.isna(out.iloc[1, 5])   # numbers untouched
    assert out.iloc[:, 6].tolist() == [12, "<5"]
    assert list(src.columns) == ["code", "year", "reported", "reporting_status", "sessions", "victims"]


def test_localise_unit_code_vocab_and_indicator_columns():
    df = pd.DataFrame({
        "unit_code": ["MD", "MD"], "name": ["old", "old"],
        "type": ["awareness_campaign", "legal"], "target_group": ["pupils_students", None],
        "sex": ["F", "unknown"], "kind": ["ngo", "campaign"], "indicator": ["sessions", "victims"],
        "count": [3, 4],
    })
    out = exports.localise(df, "ro")
    assert list(out.columns)[:2] == ["Cod unitate", "Unitatea"]
    assert out["Unitatea"].tolist() == ["Republica Moldova"] * 2
    assert out["Denumire"].tolist() == ["old", "old"]          # no `code` column: name left alone
    assert out["Tipul"].tolist() == ["Campanie de sensibilizare", "Asistență juridică"]
    assert out["Grupul țintă"].iloc[0] == "Elevi și studenți" and pd.isna(out["Grupul țintă"].iloc[1])
    assert out["Sexul"].tolist() == ["Feminin", "Nespecificat"]
    assert out["Categoria"].tolist() == ["Organizație neguvernamentală", "Campanie"]
    assert out["Indicator"].tolist() == ["Ședințe", "Victime sau presupuse victime"]
    only = exports.localise(df, "en", vocab_columns=["sex"])
    assert only["Type"].tolist() == ["awareness_campaign", "legal"]
    assert only["Sex"].tolist() == ["Female", "Not specified"]


def test_localise_replaces_existing_name_after_code():
    df = pd.DataFrame({"name": ["x"], "sessions": [1], "code": ["MD"]})
    out = exports.localise(df, "en")
    assert list(out.columns) == ["Sessions", "Code", "Name"]
    assert out["Name"].tolist() == ["Republic of Moldova"]


def test_localised_csv_round_trip_in_russian():
    meta = {**META, "lang": "ru"}
    data = exports.to_csv(exports.localise(unit_frame(), "ru"), meta)
    assert parse_csv(data)[0][0].startswith("Источник:")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skiprows=1)
    assert back.columns[1] == "Название"
    assert back.iloc[0, 1] == "Республика Молдова"


def test_download_helper():
    data, name, mime = exports.download(unit_frame(), {**META, "lang": "ru"}, "xlsx")
    assert name == "tipdash_sessions_2022_ru.xlsx" and "spreadsheetml" in mime
    assert read_xlsx(data)["data"]["B1"].value == "Название"
    data, name, mime = exports.download(unit_frame(), META, "csv")
    assert name == "tipdash_sessions_2022_en.csv" and mime == "text/csv" and data.startswith(BOM)
    with pytest.raises(ValueError):
        exports.download(unit_frame(), META, "pdf")


# ------------------------------------------------------------------ export_indicators (CLI)

def fake_unit_year(store, year):
    return pd.DataFrame({
        "code": ["MD-BA", "MD-CA", "MD-CU"],
        "year": [year] * 3,
        "reported": pd.array([True, False, True], dtype="boolean"),
        "reporting_status": ["met", "not_reported", "reported_no_sessions"],
        "sessions": pd.array([2, None, 0], dtype="Int64"),
        "information_activities": pd.array([40, None, 5], dtype="Int64"),
        "information_activities_approx": [True, False, False],
        "participants": pd.array([900, None, 0], dtype="Int64"),
        "trainings": pd.array([1, None, 0], dtype="Int64"),
        "members_trained": pd.array([12, None, 0], dtype="Int64"),
        "victims": pd.array([2, None, 7], dtype="Int64"),
        "ngo_partners": pd.array([3, None, 0], dtype="Int64"),
        "challenges": pd.array([1, None, 0], dtype="Int64"),
        "completeness": [1.0, 0.0, 0.5],
        "submission_id": pd.array([10, None, 11], dtype="Int64"),
        "file_name": ["=cmd.xlsx", None, "b.csv"],
    })


@pytest.fixture
def fake_backend(monkeypatch):
    calls = {}

    def protect_units(df, col="victims", national_total=None):
        calls["protect"] = (col, national_total)
        out = df.copy()
        # primary suppression of 2, complementary suppression of 7
        out[col] = pd.Series(["<5", None, "<5"], index=df.index, dtype=object)
        return out

    ind = types.ModuleType("tipdash.indicators")
    ind.unit_year = fake_unit_year
    priv = types.ModuleType("tipdash.privacy")
    priv.protect_units = protect_units
    priv.label = lambda threshold=None: "<5"
    for name, mod in (("indicators", ind), ("privacy", priv)):
        monkeypatch.setitem(sys.modules, f"tipdash.{name}", mod)
        monkeypatch.setattr(tipdash, name, mod, raising=False)
    return calls


def test_export_indicators_csv(fake_backend, monkeypatch):
    monkeypatch.setattr(i18n, "unit_name", lambda code, lang="ro": f"{code}/{lang}")
    data = exports.export_indicators(object(), 2022, fmt="csv", lang="ro")
    assert not data.startswith(BOM)
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == ",".join(f'"{c}"' for c in exports.INDICATOR_EXPORT_COLUMNS)
    assert lines[0].replace('"', "") == ("code,name,year,reporting_status,sessions,information_activities,"
                                         "participants,trainings,members_trained,victims,ngo_partners")
    assert lines[1] == '"MD-BA","MD-BA/ro",2022,"met",2,40,900,1,12,"<5",3'
    assert lines[2] == '"MD-CA","MD-CA/ro",2022,"not_reported",,,,,,,'
    assert lines[3] == '"MD-CU","MD-CU/ro",2022,"reported_no_sessions",0,5,0,0,0,"<5",0'
    assert lines[4] == "" and len(lines) == 5
    assert fake_backend["protect"] == ("victims", 9)
    assert text.endswith("\r\n")


def test_export_indicators_json(fake_backend):
    records = json.loads(exports.export_indicators(object(), 2022, fmt="json", lang="en"))
    assert [list(r) for r in records] == [list(exports.INDICATOR_EXPORT_COLUMNS)] * 3
    first, second = records[0], records[1]
    assert first["code"] == "MD-BA" and first["year"] == 2022 and first["sessions"] == 2
    assert isinstance(first["sessions"], int) and first["victims"] == "<5"
    assert second["reporting_status"] == "not_reported"
    assert all(second[c] is None for c in exports.INDICATOR_EXPORT_COLUMNS[4:])
    assert records[2]["sessions"] == 0


def test_export_indicators_xlsx_and_names_in_language(fake_backend, monkeypatch):
    monkeypatch.setattr(i18n, "unit_name", lambda code, lang="ro": f"{code}/{lang}")
    wb = read_xlsx(exports.export_indicators(object(), 2022, fmt="xlsx", lang="ru"))
    ws = wb["data"]
    assert [c.value for c in ws[1]] == list(exports.INDICATOR_EXPORT_COLUMNS)
    assert [c.value for c in ws[2]][:5] == ["MD-BA", "MD-BA/ru", 2022, "met", 2]
    assert ws["E3"].value is None
    assert "about" in wb.sheetnames
    records = json.loads(exports.export_indicators(object(), 2022, fmt="json", lang="en"))
    assert records[0]["name"] == "MD-BA/en"
    with pytest.raises(ValueError):
        exports.export_indicators(object(), 2022, fmt="pdf")
