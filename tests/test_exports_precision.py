"""exports.localise: dates known to the month, completeness as a percentage or "not applicable"."""
from __future__ import annotations

import pandas as pd

from tipdash import exports, i18n


def test_month_dates_are_printed_as_months_and_day_dates_stay_dates():
    df = pd.DataFrame({"name": ["a", "b"], "start_date": pd.to_datetime(["2022-07-01", "2022-10-17"]),
                       "end_date": pd.to_datetime(["2022-10-31", "2022-10-23"]),
                       "start_date_precision": ["month", "day"], "end_date_precision": ["month", "day"]})
    out = exports.localise(df, "en")
    assert list(out.columns) == ["Name", i18n.column_label("start_date", "en"), i18n.column_label("end_date", "en")]
    assert out.iloc[0, 1:].tolist() == ["2022-07", "2022-10"]
    assert out.iloc[1, 1] == pd.Timestamp("2022-10-17")
    csv = exports.to_csv(out, {"view": "periods", "lang": "en"}).decode("utf-8-sig")
    assert "\"2022-07\",\"2022-10\"" in csv and "2022-10-17,2022-10-23" in csv and "2022-07-01" not in csv


def test_completeness_is_a_percentage_or_says_why_not():
    df = pd.DataFrame({"code": ["MD-CA", "MD-CU", "MD-BA"], "completeness": [1 / 7, 0.75, float("nan")],
                       "completeness_na": [None, None, "national_summary"]})
    for lang in i18n.LANGS:
        out = exports.localise(df, lang)
        col = i18n.column_label("completeness_pct", lang)
        assert "(%" in col and i18n.column_label("completeness_na", lang) not in out.columns
        assert out[col].tolist() == [14, 75, i18n.t("vocab.completeness_na.national_summary", lang)]


def test_a_share_that_is_not_completeness_is_left_alone():
    df = pd.DataFrame({"year": [2022], "share": [6.1]})
    assert exports.localise(df, "en").iloc[0, 1] == 6.1
