"""Browser tests: one Streamlit server (module scope) on a free port against a temporary database,
driven by Playwright with Debian's Chromium. Every request is recorded; any host other than
127.0.0.1/localhost is aborted (no internet) and reported as a failure.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import make_report_workbook, synthetic_report_sheets

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's; tools/system-deps.sh installs it
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: the accounts of the e2e server's users.toml
ADMIN = ("ana.admin", "admin password 1")
ANALYST = ("ion.analyst", "analyst password 1")



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory) -> Path:
    """The 2022 seed plus a synthetic 2021 report for Cahul (a second year to switch to)."""
    from tipdash import ingest

    d = tmp_path_factory.mktemp("e2e_db")
    path = d / "tipdash.duckdb"
    assert ingest.init_db(path).ok
    wb = make_report_workbook(d, name="SYNTHETIC_cahul_2021.xlsx", **synthetic_report_sheets("Cahul", 2021))
    assert ingest.import_paths([wb], path, user="e2e").ok
    return path


@pytest.fixture(scope="session")
def e2e_config(tmp_path_factory) -> Path:
    """TIPDASH_CONFIG_DIR of the e2e server: users.toml with an admin and an analyst, default settings
    (tests that change config/tipdash.toml restore it; the server re-reads it on every run)."""
    from tipdash import auth

    cfg = tmp_path_factory.mktemp("e2e_config")
    auth.add_user(ADMIN[0], "admin", ADMIN[1], path=cfg / "users.toml")
    auth.add_user(ANALYST[0], "analyst", ANALYST[1], path=cfg / "users.toml")
    return cfg


@pytest.fixture(scope="session")
def app_url(e2e_db, e2e_config, tmp_path_factory):
    if not Path(CHROMIUM).exists():  # a failure, never a silent skip: `make test` installs it
        pytest.fail("Chromium is missing: run tools/system-deps.sh test chromium:chromium (or make test)")
    with serve(e2e_db, e2e_config, tmp_path_factory.mktemp("e2e_log") / "streamlit.log") as url:
        yield url


@contextlib.contextmanager
def serve(db: Path, config_dir: Path, log_path: Path, env: dict[str, str] | None = None):
    """`streamlit run app.py` on a free port of 127.0.0.1 against ``db`` (``env``: more variables);
    yields its URL."""
    port = _free_port()
    env = {**os.environ, "TIPDASH_DB": str(db), "TIPDASH_CONFIG_DIR": str(config_dir), **(env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _is_local(url: str) -> bool:
    p = urlparse(url)
    if p.scheme in ("data", "blob", "about"):
        return True
    return (p.hostname or "") in LOCAL_HOSTS


@pytest.fixture
def page(browser, app_url):
    """A fresh page; non-local requests are aborted, recorded and fail the test at teardown."""
    with local_page(browser, app_url) as pg:
        yield pg


@pytest.fixture(scope="session")
def history_url(e2e_config, tmp_path_factory):
    """A second server on a SYNTHETIC multi-year database (the 2022 seed and the national series,
    plus synthetic reports of the 35 commissions for 2018-2021): the views across years."""
    from tests.conftest import build_history_db

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run tools/system-deps.sh test chromium:chromium (or make test)")
    d = tmp_path_factory.mktemp("e2e_history_db")
    db = build_history_db(d / "tipdash.duckdb", d)
    with serve(db, e2e_config, tmp_path_factory.mktemp("e2e_history_log") / "streamlit.log") as url:
        yield url


@pytest.fixture
def history_page(browser, history_url):
    """A fresh page on the multi-year server (no request may leave 127.0.0.1 either)."""
    with local_page(browser, history_url) as pg:
        yield pg


@contextlib.contextmanager
def local_page(browser, base_url: str):
    """A fresh browser context and page at ``base_url``; non-local requests are aborted, recorded
    and fail the test when the context closes."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True,
                              locale="ro-RO", timezone_id="Europe/Chisinau")
    seen: list[str] = []
    outside: list[str] = []

    def route(r):
        if _is_local(r.request.url):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    # the grid's own "Download as CSV" uses the File System Access picker when it exists; without
    # it, it falls back to an ordinary download that Playwright can catch
    ctx.add_init_script("delete window.showSaveFilePicker;")
    ctx.route("**/*", route)
    ctx.on("request", lambda req: seen.append(req.url))
    pg = ctx.new_page()
    pg.on("websocket", lambda ws: seen.append(ws.url))
    pg.base_url = base_url
    pg.requests_seen = seen
    yield pg
    ctx.close()
    outside += [u for u in seen if not _is_local(u)]
    assert not outside, f"requests left 127.0.0.1/localhost: {sorted(set(outside))}"


RENDERED = """() => !document.querySelector("[data-testid^='stSkeleton'], [data-testid='stAppSkeleton']")
  && !document.querySelector("[data-testid='stStatusWidget']")
  && Array.from(document.querySelectorAll("[data-testid='stPlotlyChart']"))
       .every(e => !e.getClientRects().length || e.closest('details:not([open])') || e.querySelector('.main-svg'))
  && Array.from(document.querySelectorAll("[data-testid='stDataFrame']"))
       .every(e => !e.getClientRects().length || e.closest('details:not([open])') || e.querySelector('canvas'))"""


def wait_idle(pg, timeout: float = 30_000) -> None:
    """Wait until the script has run and every chart and table is drawn (a rerun gets a moment
    to start first)."""
    pg.wait_for_timeout(250)
    pg.wait_for_selector(IDLE, timeout=timeout)
    pg.wait_for_function(RENDERED, timeout=timeout)
    pg.wait_for_selector(IDLE, timeout=timeout)


def sign_in(pg, name: str, password: str) -> None:
    """Sign in with the sidebar form (the session then lives until a reload: navigate with nav_to);
    the form is drawn once its "Sign in" panel is open."""
    form = pg.locator("[data-testid='stSidebar'] [data-testid='stForm']")
    if not form.count():
        pg.locator("[data-testid='stSidebar'] [data-testid='stExpander'] summary").first.click()
        form.wait_for(timeout=30_000)
    form.locator("input[type='text']").fill(name)
    form.locator("input[type='password']").fill(password)
    form.get_by_test_id("stBaseButton-primaryFormSubmit").click()
    wait_idle(pg)
    pg.wait_for_selector("[data-testid='stSidebar'] [data-testid='stMarkdownContainer'] code", timeout=20_000)


def nav_to(pg, page_id: str) -> None:
    """Open a page through the navigation at the top (same Streamlit session, unlike goto)."""
    href = "" if page_id == "map" else page_id
    target = f"a[href='{pg.base_url}/{href}']"
    free = "e => !e.closest('[inert]') && !!e.getClientRects().length"

    def reachable():
        return [a for a in pg.locator(target).all() if a.evaluate(free)]
    if not reachable():      # a narrow window puts the last pages under "N more" at the top: open it
        pg.locator("[data-testid='stTopNavSection']").last.click()
        pg.wait_for_timeout(300)
    reachable()[0].click()
    pg.wait_for_url(f"**/{href}*")
    wait_idle(pg)
