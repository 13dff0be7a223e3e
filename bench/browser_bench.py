"""The dashboard in headless Chromium: time from navigation to the map drawn (against a bare
Streamlit page drawing the same precomputed figure), bytes received on the websocket per page,
and the peak RSS of the `streamlit run` process after every page was visited.

    browser_bench.py RUNS MAP_FIGURE_JSON        (TIPDASH_DB set)
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import PY, ROOT, child_env, free_port, summary, vm_hwm_mb

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
TIMEOUT_MS = 180_000
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# counts script runs that end (running -> notRunning) in window.__bench.done
RUN_COUNTER = """() => {
  if (window.__bench) return;
  window.__bench = {done: 0};
  const app = document.querySelector("[data-testid='stApp']");
  let last = app.getAttribute('data-test-script-state');
  new MutationObserver(() => {
    const v = app.getAttribute('data-test-script-state');
    if (v === 'notRunning' && last !== 'notRunning') window.__bench.done++;
    last = v;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""

# true once the first plotly chart has drawn: for map subplots, maplibre reports its style and
# sources loaded, its tiles (the GeoJSON source) ready and no camera movement
MAP_DRAWN = """() => {
  const gd = document.querySelector('[data-testid="stPlotlyChart"] .js-plotly-plot');
  if (!gd || !gd._fullLayout) return false;
  const maps = Object.keys(gd._fullLayout).filter(k => /^map\\d*$/.test(k))
      .map(k => gd._fullLayout[k] && gd._fullLayout[k]._subplot).filter(Boolean);
  if (!maps.length) return false;
  return maps.every(s => s.map && s.map.loaded() && s.map.areTilesLoaded() && !s.map.isMoving()
      && (s.map.getStyle().layers || []).length > 0
      && gd.querySelector('canvas') && gd.querySelector('canvas').width > 0);
}"""


class Server:
    """`streamlit run SCRIPT` on a free port (only this process is ever stopped)."""

    def __init__(self, script: Path, **env: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [PY, "-m", "streamlit", "run", str(script), "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--server.runOnSave", "false"]
        logdir = Path(os.environ.get("BENCH_LOGDIR") or os.devnull)
        if logdir != Path(os.devnull):
            logdir.mkdir(parents=True, exist_ok=True)
        self.log = open(logdir / f"streamlit_{script.stem}_{self.port}.log" if logdir != Path(os.devnull)
                        else os.devnull, "w")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(**env), stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit run {script} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit run {script} did not answer within 120 s")

    @property
    def hwm_mb(self) -> float | None:
        return vm_hwm_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def visit(browser, url: str) -> dict:
    """Open `url` in a fresh context (nothing cached): ms until the map is drawn, and the bytes
    received on the websocket until the script run has ended."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    got = {"ws": 0}
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda payload: got.__setitem__("ws", got["ws"] + len(payload))))
    try:
        t0 = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(MAP_DRAWN, timeout=TIMEOUT_MS, polling=25)
        ms = (time.perf_counter() - t0) * 1000
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS, state="attached")
        page.wait_for_timeout(300)                     # late messages (e.g. the script-finished one)
        return {"ms": ms, "ws_bytes": got["ws"]}
    finally:
        ctx.close()


def sign_in(page) -> bool:
    """Sign in with the sidebar form as BENCH_USER (admin); False when there is no bench user."""
    user, password = os.environ.get("BENCH_USER"), os.environ.get("BENCH_PASSWORD")
    if not user or not password:
        return False
    if not page.locator(".st-key-signin_user input").count():     # the "Sign in" panel draws the form when open
        page.locator(".st-key-signin_open summary").click()
    page.locator(".st-key-signin_user input").fill(user)
    page.locator(".st-key-signin_password input").fill(password)
    page.locator(".st-key-signin_submit button").click()
    page.locator(".st-key-signout").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS, state="attached")
    return True


def _nav_link(page, url: str, page_id: str):
    """The page's link in the navigation at the top (the last pages sit under its "N more" menu)."""
    target = f"a[href='{url}/{'' if page_id == 'map' else page_id}']"

    def reachable():
        return [a for a in page.locator(target).all()
                if a.evaluate("e => !e.closest('[inert]') && !!e.getClientRects().length")]
    if not reachable():
        page.locator("[data-testid='stTopNavSection']").last.click()
        page.wait_for_timeout(300)
    return reachable()[0]


def tour(browser, url: str, page_ids: list[str]) -> dict:
    """One signed-in session (a reload would sign it out) visiting every page through the
    navigation: per page, ms until the script run it starts has ended and the bytes received on
    the websocket."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    got = {"ws": 0}
    page.on("websocket", lambda ws: ws.on("framereceived",
                                          lambda payload: got.__setitem__("ws", got["ws"] + len(payload))))
    out: dict = {}
    try:
        page.goto(url + "/", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"a[href='{url}/about']", timeout=TIMEOUT_MS, state="attached")  # the top navigation
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS, state="attached")
        page.wait_for_timeout(500)
        out["signed_in"] = sign_in(page)
        page.evaluate(RUN_COUNTER)
        order = [p for p in page_ids if p != "map"] + ["map"]   # start on the map, come back to it last
        for page_id in order:
            link = _nav_link(page, url, page_id)
            page.wait_for_timeout(300)
            got["ws"] = 0
            before = page.evaluate("window.__bench.done")
            t0 = time.perf_counter()
            link.click(timeout=TIMEOUT_MS)
            try:
                page.wait_for_function(f"window.__bench.done > {before}", timeout=TIMEOUT_MS, polling=25)
                ms = (time.perf_counter() - t0) * 1000
            except PlaywrightTimeout:
                ms = None
            page.wait_for_timeout(400)                 # trailing messages
            page.wait_for_selector(IDLE, timeout=TIMEOUT_MS, state="attached")
            out[page_id] = {"ms_to_idle": None if ms is None else round(ms, 1), "ws_bytes": got["ws"]}
    finally:
        ctx.close()
    return out


def main(runs: int, map_json: str) -> dict:
    from playwright.sync_api import sync_playwright

    from tipdash import web

    out: dict = {}
    app = Server(ROOT / "app.py", STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="full")
    bare = Server(ROOT / "bench" / "bare_page.py", BENCH_BARE=map_json)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                visit(browser, app.url + "/")       # warm-up: server caches, first script run
                visit(browser, bare.url + "/")
                app_ms, bare_ms, app_ws, bare_ws = [], [], [], []
                for _ in range(runs):                     # interleaved, so load on the machine hits both
                    a = visit(browser, app.url + "/")
                    b = visit(browser, bare.url + "/")
                    app_ms.append(a["ms"])
                    bare_ms.append(b["ms"])
                    app_ws.append(a["ws_bytes"])
                    bare_ws.append(b["ws_bytes"])
                out["map_ms"], out["bare_map_ms"] = summary(app_ms), summary(bare_ms)
                out["map_ws_bytes"], out["bare_map_ws_bytes"] = max(app_ws), max(bare_ws)
                out["vs_bare"] = round(out["map_ms"]["median"] / out["bare_map_ms"]["median"], 2)
                pages = tour(browser, app.url, list(web.PAGES))
                out["signed_in"] = pages.pop("signed_in")
                out["pages"] = pages
            finally:
                browser.close()
        out["peak_rss_mb"] = round(app.hwm_mb or 0, 1)
        out["bare_peak_rss_mb"] = round(bare.hwm_mb or 0, 1)
    finally:
        app.stop()
        bare.stop()
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
