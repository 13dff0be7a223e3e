"""The UX review's tasks (a)-(h) again: clicks/keys and seconds in headless Chromium (software
WebGL), against a running server: `python bench/ux_tasks.py http://127.0.0.1:8501 [out_dir]`.
(f), the import of a workbook with a bad cell, is measured by the ingest tests, not here."""
import json
import os
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from playwright.sync_api import sync_playwright
from tests.e2e.conftest import wait_idle
from tests.e2e.test_browser import MAP_READY
BASE = sys.argv[1]
OUT = sys.argv[2] if len(sys.argv) > 2 else "bench/ux_tasks_out"
os.makedirs(OUT, exist_ok=True)
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
            "Mobile Safari/537.36")
res = {}


def ready(pg, map_=False):
    wait_idle(pg, 60000)
    if map_:
        pg.wait_for_function(MAP_READY, timeout=60000)


def click_unit(pg, lon, lat):
    xy = pg.evaluate("""([lon, lat]) => { const gd = document.querySelector('.js-plotly-plot');
      const m = gd._fullLayout.map._subplot.map; const p = m.project([lon, lat]);
      const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""", [lon, lat])
    pg.mouse.click(*xy)


with sync_playwright() as pw:
    b = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
    from tipdash import geo
    cahul = geo.centroids()["MD-CA"]

    # (a) who did not report in 2022, CSV
    pg = b.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True).new_page()
    pg.goto(f"{BASE}/?lang=en&year=2022"); ready(pg, True)
    t0 = time.time()
    pg.locator("[data-testid='stTopNav'] a[href$='/reporting']").click(); pg.wait_for_url("**/reporting*"); ready(pg)
    with pg.expect_download() as dl:
        pg.get_by_role("button", name="Download CSV").first.click()
    first = open(dl.value.path(), encoding="utf-8-sig").readline().strip()
    res["a"] = {"clicks": 2, "seconds": round(time.time() - t0, 1), "file": dl.value.suggested_filename,
                "line1": first[:80]}
    pg.screenshot(path=f"{OUT}/a_reporting_en.png")
    pg.context.close()

    # (b) Cahul's profile by clicking it on the map
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    pg.goto(f"{BASE}/?lang=en&year=2022"); ready(pg, True)
    t0 = time.time()
    pg.locator("[data-testid='stPlotlyChart']").first.scroll_into_view_if_needed()
    click_unit(pg, *cahul); ready(pg)
    dlg = pg.get_by_role("dialog")
    dlg.wait_for(timeout=30000)
    box = dlg.bounding_box()
    res["b"] = {"clicks": 1, "seconds": round(time.time() - t0, 1), "dialog_top_y": round(box["y"]),
                "in_viewport": box["y"] < 900, "text": dlg.inner_text()[:40]}
    pg.screenshot(path=f"{OUT}/b_profile_after_click.png")
    pg.context.close()

    # (c) set year 2021, Trainings, Cahul, profile, change mode; switch to RU; copy the link; fresh browser
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    pg.goto(f"{BASE}/?lang=ro"); ready(pg, True)
    t0 = time.time(); clicks = 0
    sb = "[data-testid='stSidebar']"
    pg.locator(f"{sb} [data-testid='stSelectbox']").nth(0).click(); clicks += 1
    pg.get_by_role("option", name="2021", exact=True).click(); clicks += 1; ready(pg, True)
    pg.locator(f"{sb} [data-testid='stSelectbox']").nth(1).click(); clicks += 1
    pg.get_by_role("option", name="Instruiri", exact=True).click(); clicks += 1; ready(pg, True)
    pg.locator(f"{sb} [data-testid='stMultiSelect']").click(); clicks += 1
    pg.get_by_role("option", name="Cahul", exact=True).click(); clicks += 1; pg.keyboard.press("Escape"); ready(pg, True)
    pg.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button").filter(has_text="Schimbarea").click()
    clicks += 1; ready(pg, True)
    pg.locator(f"{sb} [data-testid='stButtonGroup'] button").filter(has_text="ru").click(); clicks += 1
    ready(pg, True)
    box = pg.get_by_role("combobox", name="Профиль единицы")
    box.click(); clicks += 1
    pg.get_by_role("option", name="Кагул", exact=True).click(); clicks += 1; ready(pg)
    link = pg.get_by_role("dialog").locator("[data-testid='stCode']").inner_text().strip()
    view_link = pg.locator(f"{sb} [data-testid='stCode']").inner_text().strip()
    secs = round(time.time() - t0, 1)
    pg.screenshot(path=f"{OUT}/c2_state_ru.png")
    pg.context.close()
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    pg.goto(view_link); ready(pg, True)
    ss = pg.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.title.text")
    restored = {"title": ss, "dialog": pg.get_by_role("dialog").inner_text()[:40] if pg.get_by_role("dialog").count() else None,
                "url": pg.url}
    pg.screenshot(path=f"{OUT}/c3_shared_link_opened.png")
    pg.context.close()
    res["c"] = {"clicks": clicks, "seconds": secs, "link": view_link, "profile_link": link, "restored": restored}

    # (d) sessions across years for one district: profile of Cahul -> its chart over every year
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    pg.goto(f"{BASE}/?lang=en"); ready(pg, True)
    t0 = time.time()
    pg.locator("[data-testid='stPlotlyChart']").first.scroll_into_view_if_needed()
    click_unit(pg, *cahul); ready(pg)
    pg.get_by_role("dialog").get_by_text("Cahul: Sessions in every year").wait_for()
    res["d"] = {"clicks": 1, "seconds": round(time.time() - t0, 1)}
    pg.screenshot(path=f"{OUT}/d_cahul_sessions_years.png")
    pg.context.close()

    # (e) victims page, public
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    t0 = time.time(); pg.goto(f"{BASE}/victims?lang=en&year=2021"); ready(pg)
    res["e"] = {"clicks": 0, "seconds_to_idle": round(time.time() - t0, 1)}
    pg.screenshot(path=f"{OUT}/e_victims_public_2021.png", full_page=True)
    pg.context.close()

    # (g) phone
    ctx = b.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                        has_touch=True, user_agent=PHONE_UA)
    pg = ctx.new_page(); t0 = time.time(); pg.goto(f"{BASE}/?lang=ro"); ready(pg, True)
    chart = pg.locator("[data-testid='stPlotlyChart']").first.bounding_box()
    pg.screenshot(path=f"{OUT}/g1_phone_map_top.png")
    taps = 0
    t1 = time.time()
    pg.locator("[data-testid='stExpandSidebarButton']").tap(); taps += 1; pg.wait_for_timeout(400)
    pg.locator("[data-testid='stSidebar'] a[href$='/victims']").first.tap(); taps += 1
    pg.wait_for_url("**/victims*"); ready(pg); pg.wait_for_timeout(600)
    side = pg.locator("[data-testid='stSidebar']").bounding_box()
    res["g"] = {"map_y": round(chart["y"]), "map_w": round(chart["width"]), "seconds_first_map": round(t1 - t0, 1),
                "taps_per_page_change": taps, "sidebar_shut_after_nav": side is None or side["x"] + side["width"] <= 1}
    pg.screenshot(path=f"{OUT}/g4_phone_after_nav.png")
    ctx.close()

    # (h) keyboard only: open Cahul's profile
    pg = b.new_context(viewport={"width": 1400, "height": 900}).new_page()
    pg.goto(f"{BASE}/?lang=en"); ready(pg, True)
    t0 = time.time(); keys = 0
    target = pg.get_by_role("combobox", name="Unit profile")
    pg.keyboard.press("Tab"); pg.keyboard.press("Enter"); keys += 2          # the skip link
    for _ in range(60):
        pg.keyboard.press("Tab"); keys += 1
        if pg.evaluate("() => document.activeElement && document.activeElement.getAttribute('aria-label')") and \
                target.evaluate("e => e === document.activeElement"):
            break
    for ch in "Cahul":
        pg.keyboard.press(ch); keys += 1
    pg.keyboard.press("Enter"); keys += 1
    pg.get_by_role("dialog").wait_for(timeout=30000)
    res["h"] = {"keys": keys, "seconds": round(time.time() - t0, 1)}
    pg.screenshot(path=f"{OUT}/h_keyboard_profile.png")
    pg.context.close()
    b.close()
print(json.dumps(res, ensure_ascii=False, indent=1))
