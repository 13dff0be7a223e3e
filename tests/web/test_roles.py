"""Who sees what (AppTest): anonymous/public, analyst, admin; public_access off; the sign-in form,
rate limit, expiry, OpenID Connect; the revert control; every audited action.

Sessions are simulated by setting what the sidebar form stores in st.session_state
(`signed_in`), and the form itself is used with the real users.toml of the module's
TIPDASH_CONFIG_DIR (see tests/web/test_pages.py `db`)."""
from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import make_report_workbook, report_sheets
from tests.web.test_pages import (ADMIN, ANALYST, APP, TIMEOUT, commission_frames, db, frames, run,  # noqa: F401
                                  signed_in, texts)
from tipdash import auth, i18n, store
from tipdash.web import auth as web_auth

PUBLIC_PAGES = ["map", "trends", "timeline", "victims", "reporting", "about"]


# ---------------------------------------------------------------------------- helpers

@contextlib.contextmanager
def access_settings(**values):
    """Write [access] settings into the module's config/tipdash.toml for the block."""
    path = auth.config_dir() / "tipdash.toml"
    body = "\n".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items())
    path.write_text(f"[access]\n{body}\n", encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    try:
        yield
    finally:
        path.unlink()


def events(db_path: Path) -> list[dict]:
    p = store.events_path(db_path)
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()] if p.exists() else []


def new_events(db_path: Path, before: int) -> list[tuple[str, str]]:
    return [(e["who"], e["action"]) for e in events(db_path)[before:]]


def is_prompt(at: AppTest, lang: str = "en") -> bool:
    return bool(at.title) and at.title[0].value == i18n.t("auth.prompt_title", lang)


def assert_shows_no_data(at: AppTest) -> None:
    assert not at.dataframe and not at.metric and not at.get("plotly_chart"), texts(at)
    assert not at.get("file_uploader") and not at.get("download_button")


def sign_in_with_form(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key=web_auth.FORM_USER).input(name)
    at.text_input(key=web_auth.FORM_PASSWORD).input(password)
    at.button(key=web_auth.FORM_SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def app(lang: str = "en", role: str | None = None, **params) -> AppTest:
    """An AppTest not yet run (for secrets / user to be set first)."""
    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), role)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    return at


# ---------------------------------------------------------------------------- pages by role

@pytest.mark.parametrize("page", ["import", "audit"])
@pytest.mark.parametrize("role", [None, "analyst"])
def test_admin_pages_show_the_sign_in_prompt_and_no_data(db, page, role):
    at = run(page, "en", role=role)
    assert is_prompt(at), texts(at)
    key = "auth.prompt_role" if role else "auth.prompt_anonymous"
    assert i18n.t(key, "en", role=i18n.t("auth.role.analyst", "en")) in texts(at)
    assert_shows_no_data(at)
    # the page stays in the navigation (a URL never silently lands on the map)
    assert at.title[0].value != i18n.t("page.map.title", "en")


@pytest.mark.parametrize("page", ["import", "audit"])
def test_admin_sees_the_admin_pages(db, page):
    at = run(page, "en", role="admin")
    assert at.title[0].value == i18n.t(f"page.{page}.title", "en")
    if page == "import":
        assert at.get("file_uploader")
        assert {"revert_id", "revert_confirm", "revert_go"} <= {w.key for w in at.selectbox} | \
            {w.key for w in at.checkbox} | {w.key for w in at.button}
        assert not [w for w in at.text_input if w.key == "import_user"]   # the signed-in name is recorded
        assert f"`{ADMIN[0]}`" in texts(at) or ADMIN[0] in texts(at)
    else:
        users = frames(at)[-1]
        assert dict(zip(users["Name"], users["Role"])) == {ADMIN[0]: "administrator", ANALYST[0]: "analyst"}
        assert not any("argon2" in str(v) for v in users.to_numpy().ravel())


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_access_off_shows_only_the_prompt(db, page):
    with access_settings(public_access=False):
        at = run(page, "en")
        assert is_prompt(at) and i18n.t("auth.prompt_closed", "en") in texts(at)
        assert_shows_no_data(at)
        assert not at.sidebar.selectbox and not at.sidebar.multiselect       # no filters either
        assert at.text_input(key=web_auth.FORM_USER)                          # ... but the sign-in form
        at = run(page, "en", role="analyst")
        assert at.title[0].value == i18n.t(f"page.{page}.title", "en")


def test_public_access_on_anonymous_sees_the_public_pages(db):
    for page in PUBLIC_PAGES:
        at = run(page, "en")
        assert at.title[0].value == i18n.t(f"page.{page}.title", "en")


@pytest.mark.parametrize("role", [None, "analyst", "admin"])
def test_profile_detail_only_for_analysts_and_admins(db, role):
    at = run("map", "en", role=role, year="2021")
    at.selectbox(key="profile_unit@en").set_value("MD-CA").run()
    assert not at.exception
    shown = texts(at)
    assert "Cahul: profile for 2021" in shown
    tables = "".join(d.to_csv() for d in frames(at))
    submissions = any("Imported by" in d.columns for d in frames(at))        # the list of submitted files
    detail = ("**Partners**" in shown, "**Challenges and needs**" in shown, submissions)
    if role is None:
        assert detail == (False, False, False)
        assert "are shown to signed-in analysts" in shown
        assert "Hotline" not in tables and "Lack of informative materials" not in tables
    else:
        assert detail == (True, True, True)
        assert "Hotline" in tables and "Lack of informative materials" in tables


@pytest.mark.parametrize("role,unsuppressed_for_analysts,expected", [
    (None, False, False), ("analyst", False, False), ("admin", False, True),
    (None, True, False), ("analyst", True, True)])
def test_unsuppressed_download_by_role_and_setting(db, role, unsuppressed_for_analysts, expected):
    with access_settings(analysts_unsuppressed=unsuppressed_for_analysts):
        at = run("victims", "en", role=role, year="2021")
        keys = [b.key for b in at.get("download_button")]
        assert ("dl_victims_unsuppressed" in keys) is expected
        # what the page shows stays suppressed for every role (Cahul 2021: 3 + 1 victims)
        cells = [m.value for m in at.metric] + [str(v) for df in commission_frames(at) for v in df.to_numpy().ravel()]
        assert not [c for c in cells if re.fullmatch(r"[1-4](\.0)?", c)], cells


# ---------------------------------------------------------------------------- sign-in form, rate limit, expiry

def test_sign_in_through_the_form_then_sign_out(db):
    before = len(events(db))
    at = run("map", "en")
    sign_in_with_form(at, *ADMIN)
    assert at.session_state[web_auth.ROLE] == "admin" and at.session_state[web_auth.USER] == ADMIN[0]
    assert at.session_state[web_auth.FORM_PASSWORD] == ""                    # the password is not kept
    assert f"Signed in as `{ADMIN[0]}` (administrator)" in texts(at)
    at.switch_page("pages/import.py").run()
    assert at.title[0].value == i18n.t("page.import.title", "en")
    at.button(key="signout").click().run()
    assert web_auth.ROLE not in at.session_state
    assert "You are signed out." in texts(at) and is_prompt(at)
    assert new_events(db, before) == [(ADMIN[0], "sign_in"), (ADMIN[0], "sign_out")]


def test_analyst_signs_in_and_still_gets_the_prompt_on_import(db):
    at = sign_in_with_form(run("import", "en"), *ANALYST)
    assert at.session_state[web_auth.ROLE] == "analyst"
    assert is_prompt(at) and "Your role (analyst)" in texts(at)


def test_wrong_passwords_are_recorded_and_rate_limited(db):
    before = len(events(db))
    with access_settings(max_failures=3, lockout_seconds=120):
        at = run("map", "en")
        for i in range(3):
            sign_in_with_form(at, ANALYST[0], f"wrong password {i}")
            assert web_auth.ROLE not in at.session_state
            assert "Wrong user name or password." in [e.value for e in at.error][0]
        assert "try again in" in at.error[0].value                           # the third failure says how long
        sign_in_with_form(at, *ANALYST)                                      # locked even with the right one
        assert web_auth.ROLE not in at.session_state
        assert "Too many failed attempts" in at.error[0].value
        assert web_auth.limiter().wait(ANALYST[0]) > 100
    got = new_events(db, before)
    assert got == [(ANALYST[0], "sign_in_failed")] * 4
    assert "rate limited" in events(db)[-1]["detail"]


def test_the_rate_limiter_is_a_file_beside_the_database_not_a_streamlit_cache(db):
    """Every server process (and every replica) counts the same failures, and a client's
    clear_cache message (which empties st.cache_*) cannot reset them."""
    lim = web_auth.limiter()
    assert lim.path == auth.limits_path(db.resolve())
    run("map", "en")
    other = auth.rate_limiter(db.resolve())
    other.fail("shared.name")
    assert web_auth.limiter().wait("shared.name") == 0                  # 1 failure of 5
    for _ in range(4):
        other.fail("shared.name")
    assert web_auth.limiter().wait("shared.name") > 200
    assert oct(lim.path.stat().st_mode & 0o777) == "0o600"


def test_an_expired_session_is_signed_out_with_a_notice(db):
    before = len(events(db))
    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), "admin")
    at.session_state[web_auth.AT] = time.time() - 61 * 60                    # session_minutes = 60
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/import.py").run()
    assert web_auth.ROLE not in at.session_state
    assert is_prompt(at)
    assert [(w, a) for w, a in new_events(db, before)] == [(ADMIN[0], "sign_out")]
    assert events(db)[-1]["detail"] == "session expired"


def test_expiry_notice_is_shown(db):
    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), "analyst")
    at.session_state[web_auth.AT] = time.time() - 3 * 3600
    at.query_params["lang"] = "en"
    at.run()
    assert "Your session expired after 60 minutes" in texts(at)


def test_a_removed_account_is_signed_out(db):
    at = signed_in(app(), "admin", name="ghost.user")
    at.run()
    assert web_auth.ROLE not in at.session_state and "no longer exists" in texts(at)


# ---------------------------------------------------------------------------- OpenID Connect

OIDC_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                "client_id": "tipdash", "client_secret": "secret",
                "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}


@pytest.fixture()
def oidc_table(db, monkeypatch):
    monkeypatch.setattr(web_auth, "_authlib_installed", lambda: True)   # st.login needs Authlib (optional)
    path = auth.users_path()
    saved = path.read_text(encoding="utf-8")
    path.write_text(saved + '\n[oidc]\n"Maria@Gov.md" = "admin"\n"ion@gov.md" = "analyst"\n', encoding="utf-8")
    yield
    path.write_text(saved, encoding="utf-8")


def test_the_sign_in_form_is_drawn_only_when_its_panel_is_open(db):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)        # a visitor: the panel as it starts
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [e.label for e in at.sidebar.expander] == ["Sign in"]
    assert not [w for w in at.text_input if w.key == web_auth.FORM_USER]
    opened = run("map", "en")                                  # the tests' visitor opens it
    assert opened.text_input(key=web_auth.FORM_USER) and opened.button(key=web_auth.FORM_SUBMIT)


def test_oidc_shows_the_login_button_instead_of_the_form(db, oidc_table):
    at = app()
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert not [w for w in at.text_input if w.key == web_auth.FORM_USER]
    assert [b for b in at.button if b.key == "signin_oidc"]


def test_without_authlib_the_password_form_stays(db, monkeypatch):
    monkeypatch.setattr(web_auth, "_authlib_installed", lambda: False)
    at = app()
    at.secrets["auth"] = OIDC_SECRETS
    at.run()
    assert at.text_input(key=web_auth.FORM_USER) and not [b for b in at.button if b.key == "signin_oidc"]


@pytest.mark.parametrize("email,role", [("maria@gov.md", "admin"), ("ion@gov.md", "analyst"), ("x@gov.md", None)])
def test_oidc_user_gets_the_role_mapped_in_users_toml(db, oidc_table, email, role):
    before = len(events(db))
    at = app()
    at.secrets["auth"] = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": email}
    at.run()
    at.switch_page("pages/import.py").run()
    assert not at.exception
    assert at.session_state[web_auth.ROLE] == role if role else web_auth.ROLE not in at.session_state
    assert (at.title[0].value == i18n.t("page.import.title", "en")) is (role == "admin")
    expected = "sign_in" if role else "sign_in_failed"
    assert [a for _, a in new_events(db, before)] == [expected]
    if role is None:
        assert "has no role in tipdash" in texts(at)


# ---------------------------------------------------------------------------- revert, audit trail

def test_every_action_is_in_the_audit_trail(db, tmp_path):
    """Sign-in, failed sign-in, import (with the user name), revert, unsuppressed download, sign-out."""
    before = len(events(db))
    at = run("map", "en")
    sign_in_with_form(at, ADMIN[0], "not the password")
    sign_in_with_form(at, *ADMIN)
    # import through the page
    good = make_report_workbook(tmp_path, name="orhei_2021.xlsx", **report_sheets("Orhei", 2021))
    at.switch_page("pages/import.py").run()
    at.get("file_uploader")[0].set_value([("orhei_2021.xlsx", good.read_bytes(), "application/octet-stream")])
    at.run()
    at.button(key="import_go").click().run()
    assert "Files imported: 1." in texts(at)
    hist = store.history(store.Store(db))
    sid = int(hist.loc[(hist["unit_code"] == "MD-OR") & (hist["year"] == 2021), "submission_id"].iloc[0])
    assert hist.loc[hist["submission_id"] == sid, "imported_by"].iloc[0] == ADMIN[0]
    # revert it with the control on the Import page: pick, confirm, revert
    assert f"{sid}: Orhei, 2021 (file orhei_2021.xlsx)" in at.selectbox(key="revert_id").options
    at.selectbox(key="revert_id").set_value(sid).run()
    assert at.button(key="revert_go").disabled                               # not before the confirmation
    at.checkbox(key="revert_confirm").check().run()
    at.button(key="revert_go").click().run()
    assert not at.exception
    assert f"Reverted: {sid} (submissions: 1)" in texts(at)
    hist = store.history(store.Store(db))
    assert hist.loc[hist["submission_id"] == sid, "status"].iloc[0] == "reverted"
    # unsuppressed download on the Victims page
    at.switch_page("pages/victims.py").run()
    at.download_button(key="dl_victims_unsuppressed").click().run()
    assert not at.exception
    at.button(key="signout").click().run()

    assert new_events(db, before) == [(ADMIN[0], "sign_in_failed"), (ADMIN[0], "sign_in"),
                                      (ADMIN[0], "download_unsuppressed"), (ADMIN[0], "sign_out")]
    assert events(db)[-2]["detail"] == "tipdash_victims_unsuppressed_2022_en.csv"
    log = store.audit_log(store.Store(db))
    in_db = log[log["who"] == ADMIN[0]]
    assert {"import", "revert"} <= set(in_db["action"])
    assert str(sid) in in_db.loc[in_db["action"] == "revert", "detail"].iloc[0]
    # and the Audit page shows all of them
    at = run("audit", "en", role="admin", state={"more_audit_log": True})
    table = frames(at)[0]
    shown = set(table.loc[table["User"] == ADMIN[0], "Action"])
    assert {"sign-in", "failed sign-in", "import", "revert", "unsuppressed download", "sign-out"} <= shown
    assert [b.key for b in at.get("download_button")][:2] == ["dl_audit_log_csv", "dl_audit_log_xlsx"]
