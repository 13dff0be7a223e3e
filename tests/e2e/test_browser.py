"""The dashboard in a real (headless) Chromium with no internet: every page in every language, the
map and a click on it, a year change, a CSV download compared with the table on screen.
Screenshots of every page in RO and EN go to tests/e2e/artifacts/."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from tests.e2e.conftest import ADMIN, ARTIFACTS, nav_to, sign_in, wait_idle
from tipdash import geo, i18n, web

pytestmark = pytest.mark.e2e

PAGES = ["map", "trends", "timeline", "victims", "reporting", "import", "audit", "about"]
ADMIN_PAGES = {"import", "audit"}   # reached after signing in as an admin (tests/e2e/test_security.py: the rest)

MAP_READY = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const sp = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
  return !!(sp && sp.map && sp.map.loaded() && sp.map.areTilesLoaded());
}"""

FIGURE = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  return gd.data.map(t => ({type: t.type, name: t.name, locations: t.locations ? Array.from(t.locations) : []}));
}"""

# code -> the legend entry the map draws it with (trace 0: z = index of its entry among the
# legend traces, which follow the choropleth and the ranking)
CATEGORIES = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const legend = gd.data.slice(2).map(t => t.name);
  const m = gd.data[0];
  const out = {};
  Array.from(m.locations).forEach((c, i) => { out[c] = legend[m.z[i]]; });
  return out;
}"""


def by_category(pg) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, name in pg.evaluate(CATEGORIES).items():
        out.setdefault(name, []).append(code)
    return out

RENDERED_FILLS = """() => {
  const map = document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map;
  const layers = map.getStyle().layers.filter(l => l.type === 'fill').map(l => l.id);
  return map.queryRenderedFeatures({layers}).length;
}"""


def open_page(pg, page: str, lang: str, query: str = "") -> None:
    path = "" if page == "map" else page
    pg.goto(f"{pg.base_url}/{path}?lang={lang}{query}")
    wait_idle(pg)
    if page == "map":
        pg.wait_for_function(MAP_READY, timeout=30_000)
        pg.wait_for_timeout(300)


def assert_no_exception(pg) -> None:
    assert pg.locator("[data-testid='stException']").count() == 0, pg.inner_text("[data-testid='stMain']")


def screenshot(pg, name: str, is_map: bool = False) -> None:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to its height first."""
    height = pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    pg.set_viewport_size({"width": 1440, "height": max(1000, min(int(height) + 20, 9000))})
    pg.wait_for_timeout(400)
    if is_map:
        pg.wait_for_function(MAP_READY, timeout=30_000)
    pg.screenshot(path=str(ARTIFACTS / name))
    pg.set_viewport_size({"width": 1440, "height": 1000})


def _render(pg, page, lang):
    if page in ADMIN_PAGES:
        open_page(pg, "map", lang)
        sign_in(pg, *ADMIN)
        nav_to(pg, page)
    else:
        open_page(pg, page, lang)
    assert_no_exception(pg)
    main = pg.inner_text("[data-testid='stMain']")
    assert i18n.t(f"page.{page}.title", lang) in main
    nav = pg.inner_text("[data-testid='stTopNav']")                    # the navigation is at the top
    assert i18n.t(f"page.{page}", lang) in nav
    if lang in ("ro", "en"):
        screenshot(pg, f"{page}_{lang}.png", is_map=page == "map")


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_offline(page, name, lang):
    _render(page, name, lang)


def test_map_draws_every_unit(page):
    open_page(page, "map", "en")
    traces = page.evaluate(FIGURE)
    assert [t["type"] for t in traces[:2]] == ["choroplethmap", "bar"]      # the map and its ranking
    drawn = traces[0]["locations"]
    assert sorted(drawn) == geo.drawn_codes() and len(drawn) == 36
    assert page.evaluate(RENDERED_FILLS) >= 36          # maplibre really drew the polygons
    legend = page.locator(".js-plotly-plot g.legend").text_content()
    for label in ("Did not provide relevant information", "0 (reported zero)", "No commission (Left Bank of the Dniester)"):
        assert label in legend


def click_unit(pg, code: str) -> None:
    lon, lat = geo.centroids()[code]
    xy = pg.evaluate("""([lon, lat]) => {
      const gd = document.querySelector('.js-plotly-plot');
      const map = gd._fullLayout.map._subplot.map;
      const p = map.project([lon, lat]);
      const r = map.getCanvasContainer().getBoundingClientRect();
      return [r.left + p.x, r.top + p.y];
    }""", [lon, lat])
    pg.mouse.click(*xy)


def test_click_on_a_district_opens_its_profile(page):
    open_page(page, "map", "ro")
    click_unit(page, "MD-CM")
    wait_idle(page)
    page.wait_for_selector("text=Cimișlia: profilul pentru 2022", timeout=20_000)
    assert_no_exception(page)
    page.get_by_text("Cimișlia: profilul pentru 2022").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "map_profile_ro.png"), full_page=False)


def test_changing_the_year_changes_the_map(page):
    open_page(page, "map", "en")
    before = by_category(page)
    assert len(before["Did not provide relevant information"]) == 7
    page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
    page.get_by_role("option", name="2021", exact=True).click()
    wait_idle(page)
    page.wait_for_function(MAP_READY, timeout=30_000)
    after = by_category(page)
    assert len(after["Did not provide relevant information"]) == 34 and after != before
    assert "year=2021" in page.url


def test_csv_download_is_plain_and_the_only_one(page):
    """One download control per table (the grid's own English "Download as CSV" is hidden), and
    the CSV is plain: pandas reads it without options (header on line 1, 35 units)."""
    open_page(page, "map", "en")
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.scroll_into_view_if_needed()
    grid.hover()
    page.wait_for_timeout(500)
    assert grid.get_by_role("button", name="Download as CSV").count() == 0
    with page.expect_download(timeout=90_000) as ours_dl:
        page.get_by_role("button", name="Download CSV").first.click()
    assert ours_dl.value.suggested_filename == "tipdash_indicators_2022_en.csv"
    raw = open(ours_dl.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")                                 # Excel reads UTF-8
    df = pd.read_csv(io.BytesIO(raw))
    assert list(df.columns[:2]) == ["Code", "Name"] and len(df) == 35
    assert set(df["Code"]) >= {"MD-CA", "MD-BA", "MD-CU"}
    page.get_by_role("button", name="Excel, data package").first.click()      # drawn when opened
    page.get_by_role("button", name="Download Excel").first.wait_for(timeout=60_000)
    with page.expect_download(timeout=90_000) as xlsx_dl:
        page.get_by_role("button", name="Download Excel").first.click()
    assert xlsx_dl.value.suggested_filename == "tipdash_indicators_2022_en.xlsx"
    sheet = pd.read_excel(xlsx_dl.value.path(), sheet_name=None, engine="openpyxl")
    assert any(len(df) == 35 for df in sheet.values())


def test_url_restores_the_view_and_switching_language_keeps_it(page):
    open_page(page, "map", "ro", "&indicator=trainings&units=MD-CA,MD-CU")
    assert "Instruiri, 2022" in page.inner_text("[data-testid='stMain']")
    page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup'] button").filter(has_text="en").click()
    wait_idle(page)
    page.wait_for_function(MAP_READY, timeout=30_000)
    main = page.inner_text("[data-testid='stMain']")
    assert "Trainings, 2022" in main
    url = page.url
    assert "lang=en" in url and "indicator=trainings" in url and "units=MD-CA%2CMD-CU" in url.replace(",", "%2C")
    assert page.evaluate(FIGURE) and len(page.evaluate(FIGURE)) >= 1


def test_invalid_link_values_show_a_notice(page):
    open_page(page, "map", "en", "&year=1999&indicator=nonsense")
    alerts = page.inner_text("[data-testid='stMain']")
    assert "“1999”" in alerts and "“nonsense”" in alerts
    assert_no_exception(page)
