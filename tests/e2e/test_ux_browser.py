"""The view as officials share it, in headless Chromium on the SYNTHETIC multi-year database:
a language round trip keeps the view, the link in the sidebar restores it (profile and change
mode included) in a fresh browser. Screenshots go to tests/e2e/artifacts/ (ux_*.png)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, local_page, wait_idle
from tests.e2e.test_browser import MAP_READY, assert_no_exception

pytestmark = pytest.mark.e2e

TITLE = "() => document.querySelector('.js-plotly-plot')._fullLayout.title.text"
SIDEBAR = "[data-testid='stSidebar']"


def _open(pg, query: str) -> None:
    pg.goto(f"{pg.base_url}/?{query}")
    wait_idle(pg)
    pg.wait_for_function(MAP_READY, timeout=30_000)
    assert_no_exception(pg)


def _lang(pg, lang: str) -> None:
    pg.locator(f"{SIDEBAR} [data-testid='stButtonGroup'] button").filter(
        has_text=re.compile(f"^{lang}$")).click()
    wait_idle(pg)
    pg.wait_for_function(MAP_READY, timeout=30_000)


def _indicator_shown(pg) -> str:
    box = pg.locator(f"{SIDEBAR} [data-testid='stSelectbox']").nth(1)
    return box.inner_text() + " " + box.locator("input").input_value()


def _units_shown(pg) -> str:
    return pg.locator(f"{SIDEBAR} [data-testid='stMultiSelect']").inner_text()


def test_language_round_trip_keeps_indicator_and_units(history_page):
    pg = history_page
    _open(pg, "lang=ro&year=2020&indicator=trainings&units=MD-CA,MD-BA")
    expected = {"ru": ("Обучающие мероприятия", ("Кагул", "Бэлць")),
                "en": ("Trainings", ("Cahul", "Bălți")),
                "ro": ("Instruiri", ("Cahul", "Bălți"))}
    for lang in ("ru", "en", "ro"):
        _lang(pg, lang)
        label, names = expected[lang]
        assert label in pg.evaluate(TITLE) and "2020" in pg.evaluate(TITLE)
        assert label in _indicator_shown(pg)                       # the widget says it in the new language
        assert all(n in _units_shown(pg) for n in names), _units_shown(pg)
        url = pg.url.replace("%2C", ",")
        assert f"lang={lang}" in url and "indicator=trainings" in url and "year=2020" in url
        assert re.search(r"units=(MD-CA,MD-BA|MD-BA,MD-CA)", url), url
        pg.screenshot(path=str(ARTIFACTS / f"ux_lang_roundtrip_{lang}.png"))


def test_the_copied_link_restores_profile_and_change_mode(history_page, browser):
    pg = history_page
    _open(pg, "lang=en&year=2021")
    pg.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button").filter(
        has_text="Change against a base year").click()
    wait_idle(pg)
    base = pg.locator("[data-testid='stMain'] [data-testid='stSelectbox']").filter(has_text="Base year")
    base.click()
    pg.get_by_role("option", name="2019", exact=True).click()
    wait_idle(pg)
    box = pg.get_by_role("combobox", name=re.compile("Unit profile"))
    box.click()
    pg.keyboard.type("Cahul")
    pg.keyboard.press("Enter")
    wait_idle(pg)
    dialog = pg.get_by_role("dialog")
    assert "Cahul" in dialog.inner_text()
    link = dialog.locator("[data-testid='stCode']").inner_text().strip()
    assert "profile=MD-CA" in link
    pg.keyboard.press("Escape")                                    # closing the profile forgets it
    wait_idle(pg)
    assert pg.get_by_role("dialog").count() == 0
    view_link = pg.locator(f"{SIDEBAR} [data-testid='stCode']").inner_text().strip()
    assert "mode=change" in view_link and "base=2019" in view_link and "profile" not in view_link
    # the profile's link in a fresh browser: the map with Cahul's profile open
    with local_page(browser, pg.base_url) as fresh:
        fresh.goto(link)
        wait_idle(fresh)
        assert "Cahul" in fresh.get_by_role("dialog").inner_text()
        fresh.screenshot(path=str(ARTIFACTS / "ux_profile_link_opened.png"))
    # the view's link (change mode against 2019) in a fresh browser, then with the profile
    with local_page(browser, pg.base_url) as fresh:
        fresh.goto(view_link + "&profile=MD-CA")
        wait_idle(fresh)
        fresh.wait_for_function(MAP_READY, timeout=30_000)
        title = fresh.evaluate(TITLE)
        assert "2019" in title and "2021" in title, title
        assert "Cahul" in fresh.get_by_role("dialog").inner_text()
        assert "mode=change" in fresh.url and "base=2019" in fresh.url and "profile=MD-CA" in fresh.url


@pytest.mark.parametrize("lang,title,source", [("en", "Trainings, 2021", "Source: Reports of the territorial"),
                                               ("ro", "Instruiri, 2021", "Sursa")])
def test_the_map_png_says_what_it_is(history_page, lang, title, source):
    from tipdash.exports import images

    pg = history_page
    _open(pg, f"lang={lang}&year=2021&indicator=trainings&units=MD-CA")
    button = {"en": "PNG image", "ro": "Imagine PNG"}[lang]
    pg.get_by_role("button", name={"en": "Image (PNG, SVG)", "ro": "Imagine (PNG, SVG)"}[lang]).first.click()
    pg.get_by_role("button", name=button).first.wait_for(timeout=60_000)     # the menu reruns the page
    with pg.expect_download(timeout=120_000) as dl:
        pg.get_by_role("button", name=button).first.click()
    assert dl.value.suggested_filename == f"tipdash_map_trainings_2021_{lang}.png"
    data = open(dl.value.path(), "rb").read()
    meta = images.png_text(data)
    assert meta["Title"] == title and meta["Source"].startswith(source), meta
    assert "Cahul" in meta["Description"] and "2021" in meta["Description"]
    (ARTIFACTS / f"ux_map_export_{lang}.png").write_bytes(data)


PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
            "Mobile Safari/537.36")
MAP_VIEW = """() => { const gd = document.querySelector('.js-plotly-plot');
  const b = gd._fullLayout.map._subplot.map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"""


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_phone_390_shows_the_whole_map_first_and_the_sidebar_shuts(browser, history_url, lang):
    from tipdash import geo

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, user_agent=PHONE_UA)
    pg = ctx.new_page()
    try:
        pg.goto(f"{history_url}/?lang={lang}")
        wait_idle(pg)
        pg.wait_for_function(MAP_READY, timeout=30_000)
        chart = pg.locator("[data-testid='stPlotlyChart']").first.bounding_box()
        assert chart["x"] >= 0 and chart["x"] + chart["width"] <= 390          # inside the viewport width
        assert chart["y"] < 844                                                  # starts on the first screen
        metric = pg.locator("[data-testid='stMetric']").first.bounding_box()
        assert metric["y"] > chart["y"]                                          # the map before the tiles
        west, south, east, north = pg.evaluate(MAP_VIEW)
        minx, miny, maxx, maxy = geo.bounds()
        assert west <= minx and east >= maxx and south <= miny and north >= maxy  # the whole country
        pg.screenshot(path=str(ARTIFACTS / f"ux_phone_map_{lang}.png"))
        # navigation: the sidebar is shut after a page change
        pg.locator("[data-testid='stExpandSidebarButton']").click()
        pg.wait_for_timeout(500)
        pg.locator("[data-testid='stSidebar'] a[href$='/reporting']").first.click()
        pg.wait_for_url("**/reporting*")
        wait_idle(pg)
        pg.wait_for_timeout(800)
        pg.screenshot(path=str(ARTIFACTS / f"ux_phone_after_nav_{lang}.png"))
        side = pg.locator("[data-testid='stSidebar']").bounding_box()
        assert side is None or side["x"] + side["width"] <= 1, side                # shut: off the screen
    finally:
        ctx.close()
