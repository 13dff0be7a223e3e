"""In a real browser: the document says which language it is in (<html lang>) and which page it
is (the tab title), in each language, also after switching language in the sidebar. Screenshots
of the Map, Victims, Reporting and Timeline pages in RO, EN and RU go to tests/e2e/artifacts/."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_idle
from tests.e2e.test_browser import assert_no_exception, open_page, screenshot
from tipdash import i18n

pytestmark = pytest.mark.e2e

HTML_LANG = "() => document.documentElement.lang"


def wait_lang(pg, lang: str) -> None:
    pg.wait_for_function(f"() => document.documentElement.lang === '{lang}'", timeout=20_000)


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
@pytest.mark.parametrize("name", ["map", "victims", "reporting", "timeline"])
def test_html_lang_and_title_follow_the_language(page, name, lang):
    open_page(page, name, lang)
    assert_no_exception(page)
    wait_lang(page, lang)
    assert page.evaluate(HTML_LANG) == lang
    expected = i18n.t("app.page_title", lang, page=i18n.t(f"page.{name}", lang))
    page.wait_for_function(f"() => document.title === {expected!r}", timeout=20_000)
    screenshot(page, f"truth_{name}_{lang}.png", is_map=name == "map")


def test_switching_language_in_the_sidebar_changes_html_lang(page):
    open_page(page, "reporting", "ro")
    wait_lang(page, "ro")
    assert page.title() == "Raportare — Comisii teritoriale TIP"
    page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup'] button").nth(2).click()
    wait_idle(page)
    wait_lang(page, "ru")
    page.wait_for_function("() => document.title.startsWith('Отчётность —')", timeout=20_000)
    page.locator("[data-testid='stSidebar'] [data-testid='stButtonGroup'] button").nth(1).click()
    wait_idle(page)
    wait_lang(page, "en")
    assert page.evaluate(HTML_LANG) == "en"
