"""Roles, the sign-in prompt and the upload endpoint in a real (headless) Chromium.

* each role signs in through the sidebar form and sees exactly its pages and sections;
* a page reached by its URL without the role (/import, /audit anonymous; every page with
  public_access = false) shows the sign-in prompt and no data;
* a PNG named report.xlsx pushed past the browser's file picker (set_input_files on the
  uploader's hidden input) is rejected by content and nothing is imported; the upload route
  itself refuses requests without the XSRF token, for unknown sessions, and over 10 MB.
Screenshots of the prompt and the admin Audit page in RO and EN go to tests/e2e/artifacts/."""
from __future__ import annotations

import base64
import contextlib
import json
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import ADMIN, ANALYST, ARTIFACTS, nav_to, sign_in, wait_idle
from tests.e2e.test_browser import MAP_READY, assert_no_exception, open_page, screenshot
from tipdash import auth, i18n, store
from tipdash.web import auth as web_auth

pytestmark = pytest.mark.e2e

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
PUBLIC_PAGES = ["map", "timeline", "victims", "reporting", "about"]
DATA = "[data-testid='stDataFrame'], [data-testid='stMetric'], [data-testid='stPlotlyChart'], " \
       "[data-testid='stFileUploader'], [data-testid='stDownloadButton']"


def main_text(pg) -> str:
    return pg.inner_text("[data-testid='stMain']")


def assert_prompt(pg, lang: str, key: str = "auth.prompt_anonymous") -> None:
    # the first visitor of a fresh server on /<page> gets a rerun through app.py (web.page_guard):
    # wait for the page's title before reading
    pg.wait_for_selector("[data-testid='stMain'] h1", timeout=30_000)
    wait_idle(pg)
    text = main_text(pg)
    assert i18n.t("auth.prompt_title", lang) in text, text
    assert i18n.t(key, lang, role=i18n.t("auth.role.analyst", lang)) in text, text
    assert pg.locator(f"[data-testid='stMain'] :is({DATA})").count() == 0, text
    assert_no_exception(pg)


@contextlib.contextmanager
def access_settings(config_dir: Path, **values):
    """Change the running server's config/tipdash.toml (re-read on every run), then restore it."""
    path = config_dir / "tipdash.toml"
    path.write_text("[access]\n" + "".join(f"{k} = {str(v).lower()}\n" for k, v in values.items()), encoding="utf-8")
    try:
        yield
    finally:
        path.unlink()


def events(db: Path) -> list[dict]:
    p = store.events_path(db)
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()] if p.exists() else []


# ---------------------------------------------------------------------------- the prompt

@pytest.mark.parametrize("lang", ["ro", "en"])
@pytest.mark.parametrize("name", ["import", "audit"])
def test_admin_pages_by_url_show_the_sign_in_prompt(page, name, lang):
    page.goto(f"{page.base_url}/{name}?lang={lang}")
    wait_idle(page)
    assert_prompt(page, lang)
    assert f"/{name}" in page.url                                       # not silently sent to the map
    page.wait_for_selector("[data-testid='stSidebar'] input[type='password']", timeout=10_000)
    if name == "import":
        screenshot(page, f"signin_prompt_{lang}.png")


@pytest.mark.parametrize("name", PUBLIC_PAGES + ["import", "audit"])
def test_public_access_off_every_page_shows_only_the_prompt(page, e2e_config, name):
    with access_settings(e2e_config, public_access=False):
        page.goto(f"{page.base_url}/{'' if name == 'map' else name}?lang=en")
        wait_idle(page)
        assert_prompt(page, "en", "auth.prompt_closed")
        sidebar = page.inner_text("[data-testid='stSidebar']")
        assert "Year" not in sidebar and "Indicator" not in sidebar          # no filters either
        if name == "map":
            sign_in(page, *ANALYST)                                          # and a signed-in analyst reads it
            page.wait_for_function(MAP_READY, timeout=30_000)
            assert "28 of 35" in main_text(page)


# ---------------------------------------------------------------------------- each role

def _profile(pg, unit: str) -> str:
    box = pg.locator("[data-testid='stMain'] [data-testid='stSelectbox']").last
    box.click()
    pg.keyboard.type(unit)
    pg.keyboard.press("Enter")
    wait_idle(pg)
    pg.wait_for_selector(f"text={unit}: profile for 2021", timeout=20_000)
    text = pg.get_by_role("dialog").inner_text()                     # the profile opens over the map
    pg.keyboard.press("Escape")                                       # and closes with Esc
    wait_idle(pg)
    return text


@pytest.mark.parametrize("role", ["public", "analyst", "admin"])
def test_each_role_in_the_browser(page, role):
    open_page(page, "map", "en", "&year=2021")
    if role != "public":
        sign_in(page, *(ADMIN if role == "admin" else ANALYST))
        assert f"({i18n.t(f'auth.role.{role}', 'en')})" in page.inner_text("[data-testid='stSidebar']")
    # district profile: partners, challenges and the submitted files only for analysts and admins
    lines = {line.strip() for line in _profile(page, "Cahul").splitlines()}
    text = "\n".join(lines)
    detail = role != "public"
    for section in ("partners", "challenges", "submissions"):           # their headings, line by line
        assert (i18n.t(f"page.profile.{section}", "en") in lines) is detail, section
    assert ("are shown to signed-in analysts" in text) is not detail
    # Import and Audit trail: admins only (the others get the prompt, the page stays in the menu)
    for name in ("import", "audit"):
        nav_to(page, name)
        if role == "admin":
            assert i18n.t(f"page.{name}.title", "en") in main_text(page)
        else:
            assert_prompt(page, "en", "auth.prompt_role" if role == "analyst" else "auth.prompt_anonymous")
    # Victims: the unsuppressed download for admins only (default settings)
    nav_to(page, "victims")
    has = page.get_by_role("button", name=i18n.t("page.victims.unsuppressed_download", "en")).count()
    assert has == (1 if role == "admin" else 0)
    assert_no_exception(page)


def test_admin_unsuppressed_download_is_raw_and_audited(page, e2e_db):
    open_page(page, "victims", "en", "&year=2021")
    sign_in(page, *ADMIN)
    before = len(events(e2e_db))
    button = page.get_by_role("button", name=i18n.t("page.victims.unsuppressed_download", "en"))
    button.wait_for(state="visible", timeout=60_000)
    wait_idle(page)
    with page.expect_download(timeout=90_000) as dl:  # generous: CI machines may be loaded
        button.click()
    assert dl.value.suggested_filename == "tipdash_victims_unsuppressed_2021_en.csv"
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    first, *rows = text.splitlines()
    assert "UNSUPPRESSED" in first and "suppression=none" in first
    assert '"Cahul",4' in text and '"Female",3' in text and '"Male",1' in text   # the raw small counts
    wait_idle(page)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(events(e2e_db)) == before:
        time.sleep(0.2)
    assert [(e["who"], e["action"], e["detail"]) for e in events(e2e_db)[before:]] == \
        [(ADMIN[0], "download_unsuppressed", "tipdash_victims_unsuppressed_2021_en.csv")]


@pytest.mark.parametrize("lang", ["ro", "en"])
def test_admin_audit_page(page, lang):
    open_page(page, "map", lang)
    sign_in(page, *ADMIN)
    nav_to(page, "audit")
    text = main_text(page)
    assert i18n.t("page.audit.title", lang) in text and i18n.t("page.audit.users", lang) in text
    label = i18n.t("audit.action.sign_in", lang)                        # the grid's cells reach the DOM a moment later
    page.wait_for_function("t => document.body.innerHTML.includes(t)", arg=f">{label}<", timeout=20_000)
    html = page.content()
    assert ADMIN[0] in html and i18n.t("audit.action.sign_in", lang) in html and "argon2" not in html
    assert_no_exception(page)
    screenshot(page, f"audit_{lang}.png")


# ---------------------------------------------------------------------------- the upload endpoint

def _put(url: str, body: bytes, headers: dict[str, str]) -> int:
    boundary = uuid.uuid4().hex
    data = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=data, method="PUT",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **headers})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _put_oversize(url: str, headers: dict[str, str]) -> int:
    """Announce a body one byte over 10 MB and read the answer before sending it."""
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.putrequest("PUT", u.path)
        for k, v in {**headers, "Content-Type": "multipart/form-data; boundary=x",
                     "Content-Length": str(10 * 2**20 + 1)}.items():
            conn.putheader(k, v)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_png_named_xlsx_is_rejected_and_the_upload_route_is_guarded(page, e2e_db):
    open_page(page, "map", "en")
    sign_in(page, *ADMIN)
    nav_to(page, "import")
    puts = []
    page.on("request", lambda r: puts.append(r) if "/_stcore/upload_file/" in r.url and r.method == "PUT" else None)
    before_key = store.Store(e2e_db).version
    before_hist = len(store.history(store.Store(e2e_db)))
    # past the browser's picker and its extension check: bytes of a PNG, named .xlsx
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(files=[{
        "name": "report.xlsx", "buffer": PNG,
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    wait_idle(page)
    page.wait_for_function("() => document.body.innerHTML.includes('not a spreadsheet')", timeout=30_000)
    assert "not a spreadsheet (content looks like a PNG image)" in page.content()
    assert page.get_by_role("button", name=i18n.t("page.import.confirm", "en"), exact=True).is_disabled()
    assert_no_exception(page)
    assert store.Store(e2e_db).version == before_key                    # the database file was not replaced
    assert len(store.history(store.Store(e2e_db))) == before_hist

    # the route the browser used: /_stcore/upload_file/<session_id>/<file_id>, with the XSRF header
    assert len(puts) == 1 and puts[0].headers.get("x-xsrftoken")
    url = puts[0].url
    cookie = {c["name"]: c["value"] for c in page.context.cookies()}["_streamlit_xsrf"]
    ok_headers = {"Cookie": f"_streamlit_xsrf={cookie}", "X-Xsrftoken": cookie}
    assert _put(url, PNG, {}) == 403                                     # no XSRF token at all
    assert _put(url, PNG, {"Cookie": f"_streamlit_xsrf={cookie}"}) == 403   # cookie without the header
    assert _put(url, PNG, {"Cookie": f"_streamlit_xsrf={cookie}", "X-Xsrftoken": "2|00|00|0"}) == 403
    other = url.split("/_stcore/upload_file/")[0] + f"/_stcore/upload_file/{uuid.uuid4()}/{uuid.uuid4()}"
    assert _put(other, PNG, ok_headers) == 400                           # not a live session
    assert _put_oversize(url, ok_headers) == 413                         # over server.maxUploadSize
    assert store.Store(e2e_db).version == before_key


# ---------------------------------------------------------------------------- lockout, clear_cache, metrics

def _form_sign_in(s, name: str, password: str):
    s.open(web_auth.FORM_OPEN)                  # the "Sign in" panel draws its form when open
    s.set(web_auth.FORM_USER, name)
    s.set(web_auth.FORM_PASSWORD, password)
    return s.click(web_auth.FORM_SUBMIT)


def test_clear_cache_from_another_client_does_not_reset_the_lockout(app_url, e2e_config):
    """Review D2: 5 wrong passwords lock the name; an anonymous client sends clear_cache (which
    empties every st.cache_* of the process); the right password is still refused, in a new session."""
    from tools.stclient import Session

    users = e2e_config / "users.toml"
    auth.add_user("lock.admin", "admin", "lock-admin-pass-1", path=users)
    try:
        with Session(app_url) as a:
            assert a.rerun("", "lang=en").ok
            for i in range(5):
                run = _form_sign_in(a, "lock.admin", f"wrong-{i}-zzzzzz")
                assert "Wrong user name or password." in run.text, run.text
            run = _form_sign_in(a, "lock.admin", "lock-admin-pass-1")
            assert "Too many failed attempts" in run.text and "Signed in as" not in run.text
        with Session(app_url) as x:                                   # anonymous, never signs in
            assert x.rerun("", "lang=en").ok
            x.clear_cache()
            assert x.rerun().ok
        with Session(app_url) as c:
            assert c.rerun("", "lang=en").ok
            run = _form_sign_in(c, "lock.admin", "lock-admin-pass-1")
            assert "Too many failed attempts" in run.text, run.text
            assert "Signed in as" not in run.text
    finally:
        auth.remove_user("lock.admin", path=users)


def test_metrics_endpoint_says_nothing(app_url):
    from tools.stclient import Session

    with Session(app_url) as s:                                       # the caches hold something now
        assert s.rerun("", "lang=en").ok
    with urllib.request.urlopen(f"{app_url}/_stcore/metrics", timeout=30) as r:
        body = r.read().decode("utf-8", "replace")
    assert "cache" not in body and "tipdash" not in body and "session" not in body, body[:500]


# ---------------------------------------------------------------------------- the unsuppressed file

def _unsuppressed_button(pg):
    button = pg.get_by_role("button", name=i18n.t("page.victims.unsuppressed_download", "en"))
    button.wait_for(state="visible", timeout=60_000)
    wait_idle(pg)
    return button


def test_the_unsuppressed_file_is_fetched_once(page, e2e_db):
    """Review D13: the file was served from /media/<id>.csv to anyone with the URL while the admin
    session lived. Now the URL answers the page's own fetches, then nothing."""
    open_page(page, "victims", "en", "&year=2021")
    sign_in(page, *ADMIN)
    with page.expect_download(timeout=90_000) as dl:
        _unsuppressed_button(page).click()
    assert '"Cahul",4' in open(dl.value.path(), encoding="utf-8-sig").read()
    url = dl.value.url
    assert "/media/" in url
    wait_idle(page)
    try:
        with urllib.request.urlopen(url, timeout=30) as r:            # no cookies, no session: a second fetch
            status, body = r.status, r.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    assert status == 404 and b"Cahul" not in body, (status, body[:200])


def test_unsuppressed_download_after_expiry_is_refused(page, e2e_db, e2e_config):
    """Review D3 (3): the admin clicks "Download unsuppressed" after the session expired: no file,
    the expiry notice, a `refused` event and no `download_unsuppressed` event."""
    with access_settings(e2e_config, session_minutes=1):
        open_page(page, "victims", "en", "&year=2021")
        sign_in(page, *ADMIN)
        signed_in_at = time.monotonic()
        button = _unsuppressed_button(page)
        before = len(events(e2e_db))
        time.sleep(max(0.0, 62 - (time.monotonic() - signed_in_at)))
        downloads = []
        page.on("download", lambda d: downloads.append(d))
        button.click()
        page.wait_for_selector("[data-testid='stAlert']", timeout=30_000)
        wait_idle(page)
        page.wait_for_timeout(3000)                                   # time for a file to arrive, if one did
        assert downloads == []
        text = main_text(page)
        assert "Your session expired" in text, text
        got = [(e["who"], e["action"]) for e in events(e2e_db)[before:]]
        assert (ADMIN[0], "refused") in got and (ADMIN[0], "sign_out") in got, got
        assert not [a for _, a in got if a == "download_unsuppressed"], got
        assert page.get_by_role("button", name=i18n.t("page.victims.unsuppressed_download", "en")).count() == 0
        assert_no_exception(page)
        screenshot(page, "unsuppressed_after_expiry_en.png")
