"""The map across years as a figure (tipdash.web.map_years) on the SYNTHETIC multi-year database of
tests/fixtures_db.py: the spec passes plotly's full validation (the app wraps it unvalidated), one
frame per year with classes fixed over all years, the ranking, the change against a base year, and
protected victim figures in every frame."""
from __future__ import annotations

import re
from unittest import mock

import plotly.graph_objects as go
import pytest

from tests import fixtures_db as fx
from tipdash import i18n, indicators, privacy
from tipdash import store as store_mod
from tipdash.web import map_years

YEARS = [2021, 2022, 2023]


@pytest.fixture(scope="module")
def uy(tmp_path_factory):
    st = store_mod.Store(fx.build_multi(tmp_path_factory.mktemp("db") / "multi.duckdb"))
    return indicators.unit_years(st, 2021, 2023)


@pytest.fixture(autouse=True)
def english():
    def t(key, **fmt):
        return i18n.t(key, "en", **fmt)
    with mock.patch("tipdash.web.map_years.lang", lambda: "en"), mock.patch("tipdash.web.map_years.t", t), \
            mock.patch("tipdash.web.map.lang", lambda: "en"), mock.patch("tipdash.web.map.t", t), \
            mock.patch("tipdash.web.map.fmt_number", lambda v, a=False: i18n.formats.fmt_number(v, "en", a)):
        yield


def spec(uy, indicator, year, base=None):
    fig = map_years.build(uy, indicator, year, YEARS, base_year=base)
    d = fig.to_dict()
    go.Figure(d)                                           # plotly's validation of every property
    return d


def legend_of(d, frame=None):
    names = [tr["name"] for tr in d["data"][2:]]
    choro = (frame or d)["data"][0]
    return dict(zip(d["data"][0]["locations"], (names[int(z)] for z in choro["z"])))


def test_one_frame_per_year_with_fixed_classes(uy):
    d = spec(uy, "sessions", 2022)
    assert [f["name"] for f in d["frames"]] == ["2021", "2022", "2023"]
    assert d["layout"]["sliders"][0]["active"] == 1
    by_year = {f["name"]: legend_of(d, f) for f in d["frames"]}
    assert by_year["2021"]["MD-CA"] == "2" and by_year["2022"]["MD-UN"] == "3"   # the same classes every year
    assert by_year["2022"]["MD-CA"] == "0 (reported zero)"
    assert by_year["2023"]["MD-CA"] == "Did not provide relevant information"
    assert by_year["2021"]["MD-UN"] == "Did not provide relevant information"
    ranking = d["frames"][1]["data"][1]
    assert ranking["y"][:2] == ["Ungheni", "Cahul"] and ranking["x"][:2] == [3, 0]


def test_change_against_a_base_year_in_every_frame(uy):
    d = spec(uy, "sessions", 2023, base=2021)
    by_year = {f["name"]: legend_of(d, f) for f in d["frames"]}
    assert by_year["2022"]["MD-CA"] == "−2"                                   # 0 in 2022 against 2 in 2021
    assert by_year["2021"]["MD-CA"] == "No change"                            # the base year itself
    assert by_year["2023"]["MD-UN"] == "Not comparable (figure missing)"      # nothing in 2021
    assert "change from 2021 to 2023" in d["layout"]["title"]["text"]
    assert d["layout"]["xaxis"]["range"][0] < 0 < d["layout"]["xaxis"]["range"][1]


def test_victims_are_protected_in_every_frame(uy):
    d = spec(privacy.protect_unit_years(uy), "victims", 2022)
    for frame in d["frames"]:
        shown = [c[0] for c in frame["data"][0]["customdata"]] + list(frame["data"][1]["text"])
        assert not [v for v in shown if re.fullmatch(r"[1-4]", str(v))], frame["name"]
        assert not [x for x in frame["data"][1]["x"] if 0 < x < 5], frame["name"]
    assert legend_of(d, d["frames"][2])["MD-UN"] == "Suppressed (to protect victims)"   # 4 in 2023


def test_one_year_has_no_slider(uy):
    d = map_years.build(uy, "sessions", 2022, [2022]).to_dict()
    assert "frames" not in d or not d["frames"]
    assert not d["layout"].get("sliders")
