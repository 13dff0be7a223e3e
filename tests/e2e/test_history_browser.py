"""The views across years in headless Chromium, on a SYNTHETIC multi-year database (test-only: the
real 2022 seed and national series plus synthetic reports for 2018-2021): the map's year slider
and play button, the ranking beside it, the unit's chart over the years and its reporting strip,
the district x year table, the change mode and the national statistics. Screenshots in RO and EN
go to tests/e2e/artifacts/ (history_*.png)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from tests.e2e.conftest import ARTIFACTS, wait_idle
from tests.e2e.test_browser import MAP_READY, assert_no_exception, screenshot

pytestmark = pytest.mark.e2e

YEARS = ["2018", "2019", "2020", "2021", "2022"]
STATE = """() => { const gd = document.querySelector('.js-plotly-plot');
  return {title: gd._fullLayout.title.text, active: gd._fullLayout.sliders[0].active,
          ranking: Array.from(gd.data[1].y), values: Array.from(gd.data[1].x)}; }"""


def open_history(pg, path: str, lang: str, query: str = "") -> None:
    pg.goto(f"{pg.base_url}/{path}?lang={lang}{query}")
    wait_idle(pg)
    if path == "":
        pg.wait_for_function(MAP_READY, timeout=30_000)
        pg.wait_for_timeout(300)
    assert_no_exception(pg)


def slider_to(pg, year: str) -> None:
    """Click the map's year slider on ``year`` (the rail, at the year's label)."""
    label = pg.locator(".slider-container text.slider-label").filter(has_text=year).first
    label.scroll_into_view_if_needed()
    pg.wait_for_timeout(300)
    box = label.bounding_box()
    rail = pg.locator(".slider-container rect.slider-rail-rect").first.bounding_box()
    pg.mouse.click(box["x"] + box["width"] / 2, rail["y"] + rail["height"] / 2)
    pg.wait_for_timeout(800)


@pytest.mark.parametrize("lang,title", [("en", "Sessions"), ("ro", "Ședințe")])
def test_map_slider_and_play_move_the_map_and_the_ranking(history_page, lang, title):
    pg = history_page
    open_history(pg, "", lang)
    start = pg.evaluate(STATE)
    assert start["active"] == len(YEARS) - 1 and title in start["title"] and "2022" in start["title"]
    assert len(start["ranking"]) == 35
    slider_to(pg, "2019")
    at_2019 = pg.evaluate(STATE)
    assert at_2019["active"] == 1 and "2019" in at_2019["title"]
    assert at_2019["ranking"] != start["ranking"]                      # the ranking follows the year
    numbers = [v for v in at_2019["values"] if v > 0]
    assert numbers == sorted(numbers, reverse=True)
    pg.locator(".updatemenu-button").first.click()                      # ▶ play: every year in turn
    pg.wait_for_timeout(1300)
    playing = pg.evaluate(STATE)["active"]
    pg.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.sliders[0].active === 4",
                         timeout=15_000)
    assert playing < 4
    slider_to(pg, "2020")
    pg.wait_for_function(MAP_READY, timeout=30_000)
    screenshot(pg, f"history_map_{lang}.png", is_map=True)


def test_a_click_on_the_ranking_opens_the_units_history(history_page):
    pg = history_page
    open_history(pg, "", "en")
    bar = pg.locator(".js-plotly-plot .barlayer .point").first               # the first unit of the ranking
    bar.scroll_into_view_if_needed()
    first_unit = pg.evaluate(STATE)["ranking"][0]
    box = bar.bounding_box()                       # plotly's drag layer takes the click, as for a user
    pg.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(pg)
    pg.wait_for_selector(f"text={first_unit}: Sessions in every year", timeout=20_000)
    charts = pg.locator("[data-testid='stPlotlyChart']")
    assert charts.count() >= 3                                            # map, unit chart, reporting strip
    pg.get_by_text(f"{first_unit}: Sessions in every year").scroll_into_view_if_needed()
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(ARTIFACTS / "history_profile_en.png"))


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_unit_chart_and_reporting_strip(history_page, lang):
    pg = history_page
    open_history(pg, "trends", lang, "&indicator=victims")
    combo = pg.get_by_role("combobox", name={"ro": "Profilul unității", "en": "Unit profile"}[lang])
    combo.click()
    pg.keyboard.type("Cahul")
    pg.keyboard.press("Enter")
    wait_idle(pg)
    strip = pg.locator("[data-testid='stPlotlyChart']").nth(1)
    strip.scroll_into_view_if_needed()
    years = pg.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
        .map(gd => gd._fullData.flatMap(t => Array.from(t.x || [])).map(String).sort())""")
    assert years[0] == YEARS and years[1] == YEARS                        # a mark for every year in both
    texts = pg.evaluate("""() => document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')[0]
        ._fullData.flatMap(t => Array.from(t.text || []))""")
    assert not [x for x in texts if re.fullmatch(r"[1-4]", str(x))]       # small counts never shown
    screenshot(pg, f"history_trends_unit_{lang}.png")


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_heat_table_renders_sorts_and_downloads(history_page, lang):
    pg = history_page
    open_history(pg, "trends", lang)
    grid = pg.locator("[data-testid='stDataFrame']").first
    assert grid.locator("canvas").count() >= 1
    with pg.expect_download(timeout=90_000) as dl:
        pg.get_by_role("button", name={"ro": "Descarcă CSV", "en": "Download CSV"}[lang]).first.click()
    rows = list(csv.reader(io.StringIO(open(dl.value.path(), encoding="utf-8-sig").read())))
    assert rows[1][1:] == YEARS and len(rows) == 2 + 35                   # provenance, header, 35 units
    screenshot(pg, f"history_trends_{lang}.png")


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_change_mode_and_national_statistics_render(history_page, lang):
    pg = history_page
    open_history(pg, "", lang)
    pg.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button").filter(
        has_text={"ro": "Schimbarea față de un an de referință", "en": "Change against a base year"}[lang]).click()
    wait_idle(pg)
    pg.wait_for_function(MAP_READY, timeout=30_000)
    state = pg.evaluate(STATE)
    assert "2021" in state["title"] and "2022" in state["title"]
    assert any(v < 0 for v in state["values"]) or any(v > 0 for v in state["values"])
    screenshot(pg, f"history_change_{lang}.png", is_map=True)
    open_history(pg, "victims", lang)
    titles = pg.evaluate("""() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot'))
        .map(gd => gd._fullLayout.title.text)""")
    assert len(titles) >= 2
    screenshot(pg, f"history_victims_{lang}.png")
