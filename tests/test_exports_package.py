"""Downloads that describe themselves: the CSV is plain (header on line 1), the provenance and the
definitions travel in the data package (zip), the Excel file keeps its about sheet."""
from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

from tipdash import exports, i18n

META = {"view": "indicators", "year": 2022, "lang": "ro", "filters": {"year": 2022, "units": ["MD-CA"]},
        "exported_on": "2026-11-30 03:00 UTC"}
DF = pd.DataFrame({"code": ["MD-CA", "MD-BA"], "sessions": [3, None], "challenges": ["=1+1", "lipsă"]})


def test_csv_is_plain_pandas_reads_it_without_options():
    data, name, mime = exports.download(DF, META, "csv")
    assert name == "tipdash_indicators_2022_ro.csv" and mime == "text/csv"
    df = pd.read_csv(io.BytesIO(data))
    sessions, challenges = i18n.column_label("sessions", "ro"), i18n.column_label("challenges", "ro")
    assert list(df.columns)[0] == i18n.column_label("code", "ro") and {sessions, challenges} <= set(df.columns)
    assert len(df) == 2 and df[sessions][0] == 3 and pd.isna(df[sessions][1])  # blank = not reported
    assert df[challenges][0] == "'=1+1"                                              # still formula-safe
    assert "Sursa" not in data.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_data_package_holds_the_csv_readme_and_definitions(lang):
    meta = {**META, "lang": lang}
    data, name, mime = exports.download(DF, meta, "zip")
    assert name == f"tipdash_indicators_2022_{lang}.zip" and mime == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(data))
    csv_name = f"tipdash_indicators_2022_{lang}.csv"
    assert sorted(z.namelist()) == sorted([csv_name, "README.txt", "definitions.csv"])
    assert z.read(csv_name) == exports.download(DF, meta, "csv")[0]              # the same plain CSV
    readme = z.read("README.txt").decode("utf-8-sig")
    assert i18n.t("export.default_source", lang) in readme
    assert "year=2022, units=MD-CA" in readme and "2026-11-30 03:00 UTC" in readme
    assert i18n.indicator_definition("sessions", lang) in readme
    defs = pd.read_csv(io.BytesIO(z.read("definitions.csv")), encoding="utf-8-sig")
    shown = pd.read_csv(io.BytesIO(z.read(csv_name)))
    assert list(defs.iloc[:, 0]) == list(shown.columns)                            # every CSV column
    row = defs[defs.iloc[:, 0] == i18n.column_label("sessions", lang)]
    assert row.iloc[0, 1] == i18n.indicator_definition("sessions", lang) != ""
    # the same table gives the same bytes (no clock inside the zip's entries)
    assert exports.download(DF, meta, "zip")[0] == data


def test_excel_keeps_its_about_sheet():
    data, name, _ = exports.download(DF, META, "xlsx")
    about = pd.read_excel(io.BytesIO(data), sheet_name="about", header=None, engine="calamine")
    assert "year=2022, units=MD-CA" in about.to_string()
