"""Issue 14 in a real (headless) Chromium, on its own server and database (a 2025 report must not
change what the other browser tests see): a commission's secretary fills "Our report" with one
error, sees it by the cell in Romanian, fixes it and submits; the admin's Reporting campaign shows
it submitted; the year's indicators now hold it; another commission's secretary opens "Our report"
on his own unit only and never sees Cahul's draft. Screenshots of both pages in RO and EN."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tests.e2e.conftest import ADMIN, ARTIFACTS, _is_local, nav_to, serve, sign_in, wait_idle
from tipdash import auth, i18n, indicators, store
from tipdash.reports import drafts

pytestmark = pytest.mark.e2e

SEC = ("cahul.sec", "commission password 1")
OTHER = ("ungheni.sec", "commission password 2")
YEAR = dt.date.today().year - 1                # the form's default reporting year
ERROR = "Ședințe!A2"


@pytest.fixture(scope="module")
def campaign_url(e2e_db, tmp_path_factory):
    d = tmp_path_factory.mktemp("campaign")
    db = d / "tipdash.duckdb"
    shutil.copyfile(e2e_db, db)
    cfg = d / "cfg"
    cfg.mkdir()
    auth.add_user(ADMIN[0], "admin", ADMIN[1], path=cfg / "users.toml")
    auth.add_user(SEC[0], "commission", SEC[1], path=cfg / "users.toml", unit="MD-CA")
    auth.add_user(OTHER[0], "commission", OTHER[1], path=cfg / "users.toml", unit="MD-UN")
    (cfg / "tipdash.toml").write_text(f"[campaign.deadlines]\n{YEAR} = {YEAR + 1}-12-31\n", encoding="utf-8")
    with serve(db, cfg, d / "streamlit.log") as url:
        yield url, db


@pytest.fixture
def new_page(browser, campaign_url):
    contexts, outside = [], []

    def make(lang: str = "ro"):
        ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ro-RO")
        ctx.route("**/*", lambda r: r.continue_() if _is_local(r.request.url) else (outside.append(r.request.url),
                                                                                  r.abort()))
        contexts.append(ctx)
        pg = ctx.new_page()
        pg.base_url = campaign_url[0]
        pg.goto(f"{campaign_url[0]}/?lang={lang}")
        wait_idle(pg)
        return pg
    yield make
    for ctx in contexts:
        ctx.close()
    assert not outside, outside


def type_cell(pg, editor: int, row: int, col: int, ncols: int, text: str) -> None:
    """Type into a cell of the editor (glide grid): select it (a click on the trailing row adds a
    row and reruns), open the cell editor with a double click, replace the text, Enter."""
    ed = pg.locator("[data-testid='stDataFrame']").nth(editor)
    ed.scroll_into_view_if_needed()
    b = ed.bounding_box()
    x = b["x"] + 33 + (b["width"] - 33) * (col + 0.5) / ncols
    y = b["y"] + 35 + 35 * row + 17
    pg.mouse.click(x, y)
    wait_idle(pg)
    pg.mouse.dblclick(x, y)
    pg.wait_for_timeout(400)
    pg.keyboard.press("Control+A")
    pg.keyboard.type(text, delay=30)
    pg.keyboard.press("Enter")
    wait_idle(pg)


def errors_at(pg, cell: str):
    return pg.locator("[data-testid='stAlertContentError']").filter(has_text=cell)


def test_commission_files_online_and_the_campaign_follows(new_page, campaign_url):
    db = campaign_url[1]
    assert YEAR not in indicators.years(store.Store(db))
    pg = new_page("ro")
    sign_in(pg, *SEC)
    nav_to(pg, "our_report")
    assert "Cahul" in pg.inner_text("h1")
    type_cell(pg, 0, 0, 0, 3, f"31.02.{YEAR}")                 # one error: no 31 February
    err = errors_at(pg, ERROR)
    assert err.count() == 1
    assert "Rândul 1, Data: '31.02." in err.first.inner_text()    # by its row and column, in Romanian
    assert i18n.t("import.problem.date.invalid", "ro", value=f"'31.02.{YEAR}'") in err.first.inner_text()
    err.first.scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "our_report_error_ro.png"))
    assert pg.get_by_role("button", name=i18n.t("report.submit", "ro")).is_disabled()
    type_cell(pg, 0, 0, 0, 3, f"10.03.{YEAR}")                 # fixed
    assert errors_at(pg, ERROR).count() == 0
    pg.get_by_role("button", name=i18n.t("report.save", "ro")).click()
    wait_idle(pg)
    pg.get_by_role("button", name=i18n.t("report.submit", "ro")).click()
    wait_idle(pg)
    assert "Raportul a fost prezentat" in pg.inner_text("[data-testid='stMain']")
    pg.locator("h1").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "our_report_ro.png"))

    reader = store.Store(db)                                  # the year's indicators hold it now
    assert YEAR in indicators.years(reader)
    assert indicators.figures(reader, YEAR).set_index("unit_code").loc["MD-CA", "sessions"] == 1
    d = drafts.load(reader, "MD-CA", YEAR)
    assert d.submitted_version == d.version and d.submitted_by == SEC[0]

    other = new_page("ro")                                    # another commission: its own unit only
    sign_in(other, *OTHER)
    nav_to(other, "our_report")
    text = other.inner_text("[data-testid='stMain']")
    assert "Ungheni" in other.inner_text("h1") and "Cahul" not in text
    assert i18n.t("report.no_draft", "ro") in text
    other.goto(f"{campaign_url[0]}/campaign?lang=ro")         # the admin page by its URL: the prompt
    wait_idle(other)
    assert not other.locator("[data-testid='stDataFrame']").count()

    admin = new_page("ro")
    sign_in(admin, *ADMIN)
    nav_to(admin, "campaign")
    main = admin.inner_text("[data-testid='stMain']")
    assert "Prezentate: 1 ·" in main and "din 35 comisii" in main
    admin.screenshot(path=str(ARTIFACTS / "campaign_ro.png"))
    admin.get_by_text("en", exact=True).first.click()
    wait_idle(admin)
    assert "Submitted: 1 ·" in admin.inner_text("[data-testid='stMain']")
    admin.screenshot(path=str(ARTIFACTS / "campaign_en.png"))
    nav_to(admin, "our_report")
    admin.screenshot(path=str(ARTIFACTS / "our_report_en.png"))
    nav_to(admin, "map")
    admin.screenshot(path=str(ARTIFACTS / "campaign_map_after_en.png"))
