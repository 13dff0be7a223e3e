"""The views across years in AppTest, on a SYNTHETIC multi-year database (the real 2022 seed and
national series, plus synthetic reports of the 35 commissions for 2018-2021): the Across years
page (district x year table), the map's frames and ranking, the unit history, the Timeline's
summary and the Victims page's national statistics."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import build_history_db
from tests.web.test_pages import arr, commission_frames, frames, map_figure, plain, run, texts
from tipdash import indicators, privacy, store

YEARS = [2018, 2019, 2020, 2021, 2022]


@pytest.fixture(scope="module")
def hdb(tmp_path_factory):
    d = tmp_path_factory.mktemp("history_db")
    path = build_history_db(d / "tipdash.duckdb", d)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIPDASH_DB", str(path))
        from streamlit.runtime import pages_manager

        class _NoPagesFolder(type(Path())):
            def exists(self, *args, **kwargs):
                return False if self.name == "pages" else super().exists(*args, **kwargs)

        mp.setattr(pages_manager, "Path", _NoPagesFolder)
        yield path


def test_heat_table_is_units_by_years_with_the_protected_figures(hdb):
    at = run("trends", "en", indicator="victims")
    table = frames(at)[0]
    assert len(table) == 35 and list(table.columns) == [str(y) for y in YEARS]
    st = store.Store(hdb)
    uy = privacy.protect_unit_years(indicators.unit_years(st, 2018, 2022))
    names = dict(zip(table.index, range(len(table))))
    from tipdash import i18n

    for r in uy.to_dict("records"):
        cell = str(table.at[i18n.unit_name(r["code"], "en"), str(r["year"])]).strip("\u2007")
        expected = "—" if pd.isna(r["victims"]) else str(r["victims"])
        assert cell == expected, (r["code"], r["year"], cell, expected)
    cells = [str(v).strip("\u2007") for v in table.to_numpy().ravel()]
    assert not [c for c in cells if re.fullmatch(r"[1-4]", c)]            # small counts never shown
    assert "<5" in cells and names


def test_heat_table_sorts_by_a_year_and_downloads(hdb):
    at = run("trends", "en")
    at.selectbox(key="trends_heat_sort").set_value("2020").run()
    table = frames(at)[0]
    figures = [int(v) for v in (str(x).strip("\u2007") for x in table["2020"]) if v.isdigit()]
    assert figures == sorted(figures, reverse=True) and figures
    assert "dl_trends_heat_csv" in [b.key for b in at.get("download_button")]
    at.session_state["more_trends_heat"] = True                  # the "Excel, data package" menu opened
    at.run()
    keys = {b.key for b in at.get("download_button")}
    assert {"dl_trends_heat_csv", "dl_trends_heat_xlsx", "dl_trends_heat_zip"} <= keys


def test_unit_history_chart_and_strip(hdb):
    at = run("trends", "en")
    at.selectbox(key="trends_unit@en").set_value("MD-CA").run()
    assert not at.exception
    import json

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    trend, strip = charts[0], charts[1]
    years = sorted(y for tr in trend["data"] for y in arr(tr["x"]))
    assert years == YEARS                                       # one mark per year, whatever its status
    assert {tr["name"] for tr in strip["data"]} <= {"Reported, met", "Reported, no sessions",
                                                    "Did not provide relevant information"}
    assert sorted(y for tr in strip["data"] for y in arr(tr["x"])) == YEARS
    assert "Cahul: Sessions in every year" in texts(at)


def test_map_has_a_frame_per_year_and_a_ranking(hdb):
    at = run("map", "en")
    fig = map_figure(at)
    assert [f["name"] for f in fig["frames"]] == [str(y) for y in YEARS]
    assert fig["layout"]["sliders"][0]["active"] == len(YEARS) - 1
    play = fig["layout"]["updatemenus"][0]["buttons"][0]
    assert play["method"] == "animate" and play["args"][0] == [str(y) for y in YEARS]
    for frame in fig["frames"]:
        x = arr(frame["data"][1]["x"])
        numbers = [v for v in x if v > 0]
        assert numbers == sorted(numbers, reverse=True)         # the ranking, largest first
    at.selectbox(key="profile_unit@en").set_value("MD-UN").run()
    assert "Ungheni: Sessions in every year" in texts(at)


def test_map_change_against_an_earlier_base_year(hdb):
    at = run("map", "en")
    at.segmented_control(key="map_mode@en").set_value("change").run()
    at.selectbox(key="map_base@en").set_value(2018).run()
    assert not at.exception
    fig = map_figure(at)
    assert plain(fig["layout"]["title"]["text"]) == "Sessions: change from 2018 to 2022"
    assert plain(fig["frames"][0]["layout"]["title"]["text"]) == "Sessions: change from 2018 to 2018"
    table = frames(at)[0]
    assert "Sessions: change 2018–2022" in table.columns


def test_timeline_summary_covers_every_year(hdb):
    at = run("timeline", "en")
    import json

    first = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert arr(first["data"][0]["x"]) == YEARS
    st = store.Store(hdb)
    totals = indicators.yearly_totals(st, 2018, 2022)
    assert arr(first["data"][0]["y"]) == [float(v) for v in totals["sessions"]]


def test_victims_page_national_series_beside_the_commissions(hdb):
    at = run("victims", "en")
    shown = texts(at)
    assert "National statistics: victims of trafficking identified, 2011–2025" in shown
    assert "Two different measures, never added together" in shown
    assert "150 victims identified (US Trafficking in Persons Report 2023)" in shown
    assert "6.1 per 100,000 population (National Bureau of Statistics, SDG 16.2.2)" in shown
    assert "2021, 2024: the NBS rate and the published number" in shown
    import json

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"]["title"]["text"] for c in charts[:2]]
    assert titles == ["Victims identified (number of persons)",
                      "Victims identified per 100,000 population (NBS, SDG 16.2.2)"]   # never one axis
    counts = dict(zip(arr(charts[0]["data"][0]["x"]), arr(charts[0]["data"][0]["y"])))
    assert counts[2022] == 150 and counts[2011] == 154
    metric = {m.label: m.value for m in at.metric}
    assert metric["Victims or presumed victims"] == "27"
    at.select_slider(key="nat_year").set_value(2015).run()
    assert "No commission data for 2015." in texts(at)
    assert "310 victims identified (GRETA, second report (2016))" in texts(at)
    at.segmented_control(key="nat_view").set_value("sex").run()
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    names = {tr["name"] for c in charts for tr in c["data"]}
    assert {"Girls", "Women", "Men and boys", "Women and girls"} <= names
    cells = [str(v) for df in commission_frames(at) for v in df.to_numpy().ravel()]
    assert not [c for c in cells if re.fullmatch(r"[1-4]", c)]


def test_revert_choices_name_the_source_of_a_national_series(hdb):
    from tipdash.web.importing import revert_choices

    hist = store.history(store.Store(hdb))
    labels = revert_choices(hist)
    series = hist[(hist["format"] == "series") & (hist["year"] == 2022) & (hist["source"] == "tip_2023")]
    label = labels[int(series["submission_id"].iloc[0])]
    assert "tip_2023" in label and "2022" in label and "national_series.csv" in label


def test_a_small_count_axis_has_one_tick_per_whole_number():
    """A unit with 0 sessions in its only year: ticks 0, 1 (plotly's own 0.2 steps printed as whole
    numbers read "0 0 0 1 1 1")."""
    from tipdash.web import history

    hist = pd.DataFrame({"code": ["MD-CA"], "year": [2022], "reporting_status": ["reported_no_sessions"],
                         "sessions": [0], "information_activities_approx": [False], "category": ["zero"]})
    fig = history.unit_trend_figure(hist, "MD-CA", "sessions")
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickformat == "~d"
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] >= 1
