"""A session ends when it ends (review D3) and audit never fails silently (D9), in AppTest:

* the Revert button after the session expired, and by an account removed from users.toml: refused
  inside the callback (callbacks run before app.py's check_session), with a message and a
  `refused` event; the submission stays current;
* "Download unsuppressed" clicked after expiry: refused, no `download_unsuppressed` event; the
  file's deferred callable (web.downloads.deliver) makes nothing without an audited click;
* the events log cannot be written (TIPDASH_EVENTS_LOG=/dev/full, a real ENOSPC): a correct
  sign-in does not happen, an unsuppressed download is not granted, and the user sees one message.
(The download in a real browser: tests/e2e/test_security.py.)"""
from __future__ import annotations

import time

import pytest

from tests.conftest import make_report_workbook, report_sheets
from tests.web.test_pages import ADMIN, db, run, signed_in, texts  # noqa: F401
from tests.web.test_roles import events, new_events, sign_in_with_form
from tipdash import auth, i18n, store
from tipdash.web import auth as web_auth
from tipdash.web import downloads

FULL = "/dev/full"


@pytest.fixture(scope="module")
def ungheni(db, tmp_path_factory):
    """A current Ungheni 2021 submission to (try to) revert."""
    from tipdash import ingest

    d = tmp_path_factory.mktemp("ungheni")
    wb = make_report_workbook(d, name="ungheni_2021.xlsx", **report_sheets("Ungheni", 2021))
    assert ingest.import_paths([wb], db, user="test").ok
    hist = store.history(store.Store(db))
    return int(hist.loc[(hist["unit_code"] == "MD-UN") & (hist["year"] == 2021), "submission_id"].iloc[0])


def _status(db, sid: int) -> str:
    hist = store.history(store.Store(db))
    return hist.loc[hist["submission_id"] == sid, "status"].iloc[0]


def _prepare_revert(at, sid: int):
    at.switch_page("pages/import.py").run()
    at.selectbox(key="revert_id").set_value(sid).run()
    at.checkbox(key="revert_confirm").check().run()
    assert not at.button(key="revert_go").disabled
    return at


def test_revert_after_expiry_is_refused(db, ungheni):
    at = signed_in(run("map", "en"), "admin")
    _prepare_revert(at, ungheni)
    before = len(events(db))
    at.session_state[web_auth.AT] = time.time() - 61 * 60                # session_minutes = 60
    at.button(key="revert_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _status(db, ungheni) == "current"
    assert (ADMIN[0], "refused") in new_events(db, before)
    assert "Your session expired" in texts(at) and i18n.t("auth.refused", "en") in texts(at)
    log = store.audit_log(store.Store(db))
    assert not ((log["action"] == "revert") & log["detail"].str.contains(f"reverted {ungheni} ")).any()


def test_revert_by_a_removed_account_is_refused(db, ungheni):
    users = auth.users_path()
    auth.add_user("tmp.admin", "admin", "tmp admin password", path=users)
    at = signed_in(run("map", "en"), "admin", name="tmp.admin")
    _prepare_revert(at, ungheni)
    before = len(events(db))
    auth.remove_user("tmp.admin", path=users)
    at.button(key="revert_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _status(db, ungheni) == "current"
    assert ("tmp.admin", "refused") in new_events(db, before)
    assert "no longer exists" in texts(at)


def test_unsuppressed_download_click_after_expiry_is_refused(db):
    at = run("victims", "en", role="admin", year="2021")
    before = len(events(db))
    at.session_state[web_auth.AT] = time.time() - 61 * 60
    at.download_button(key="dl_victims_unsuppressed").click().run()
    assert not at.exception
    got = new_events(db, before)
    assert (ADMIN[0], "refused") in got and not [a for _, a in got if a == "download_unsuppressed"]
    assert not at.get("download_button") or "dl_victims_unsuppressed" not in [b.key for b in at.get("download_button")]
    assert at.session_state["_grant_dl_victims_unsuppressed"][1] is False      # the file callable gets no grant


# ---------------------------------------------------------------------------- the deferred file itself

def _state(role="admin", name=ADMIN[0], at=None, grant=None):
    state = {web_auth.ROLE: role, web_auth.USER: name, web_auth.AT: time.time() if at is None else at,
             web_auth.VIA: "password"}
    if grant is not None:
        state["_grant_k"] = grant
    return state


def test_deliver_needs_an_audited_click_and_a_live_session(db):
    make = lambda: b"raw"  # noqa: E731
    assert downloads.deliver(_state(grant=(time.time(), True)), "_grant_k", "download_unsuppressed", make) == b"raw"
    with pytest.raises(downloads.Refused):                                   # no click at all
        downloads.deliver(_state(), "_grant_k", "download_unsuppressed", make, wait=0.3)
    with pytest.raises(downloads.Refused):                                   # the click was refused
        downloads.deliver(_state(grant=(time.time(), False)), "_grant_k", "download_unsuppressed", make)
    with pytest.raises(downloads.Refused):                                   # expired meanwhile
        downloads.deliver(_state(at=time.time() - 2 * 3600, grant=(time.time(), True)), "_grant_k",
                          "download_unsuppressed", make)
    with pytest.raises(downloads.Refused):                                   # account removed meanwhile
        downloads.deliver(_state(name="ghost.admin", grant=(time.time(), True)), "_grant_k",
                          "download_unsuppressed", make)
    state = _state(grant=(time.time(), True))
    downloads.deliver(state, "_grant_k", "download_unsuppressed", make)
    with pytest.raises(downloads.Refused):                                   # one file per click
        downloads.deliver(state, "_grant_k", "download_unsuppressed", make, wait=0.3)


# ---------------------------------------------------------------------------- D9: the events log cannot be written

def test_sign_in_is_refused_when_the_audit_event_cannot_be_written(db, monkeypatch):
    at = run("map", "en")
    monkeypatch.setenv("TIPDASH_EVENTS_LOG", FULL)
    sign_in_with_form(at, *ADMIN)                                            # asserts: no exception
    assert web_auth.ROLE not in at.session_state and web_auth.USER not in at.session_state
    assert [e.value for e in at.error] == [i18n.t("auth.audit_failed", "en")]
    assert at.text_input(key=web_auth.FORM_USER)                             # the form is still there
    sign_in_with_form(at, ADMIN[0], "not the password")                      # a failed one: the same message
    assert [e.value for e in at.error] == [i18n.t("auth.audit_failed", "en")]


def test_unsuppressed_download_is_not_granted_when_the_audit_event_cannot_be_written(db, monkeypatch):
    at = run("victims", "en", role="admin", year="2021")
    monkeypatch.setenv("TIPDASH_EVENTS_LOG", FULL)
    at.download_button(key="dl_victims_unsuppressed").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("auth.audit_failed", "en")]
    grant = at.session_state["_grant_dl_victims_unsuppressed"]
    assert grant[1] is False
    with pytest.raises(downloads.Refused):
        downloads.deliver({**_state(), "_grant_k": grant}, "_grant_k", "download_unsuppressed", lambda: b"raw")


def test_table_downloads_follow_the_session_that_drew_them(db):
    """Every other deferred download (web.tables.session_bound): a table drawn for a signed-in role
    is not made after expiry, removal or a lower role; one drawn for anyone always is."""
    users = auth.users_path()
    auth.add_user("tmp.analyst", "analyst", "tmp analyst password", path=users)
    try:
        assert web_auth.still_signed_in({}, None)
        assert web_auth.still_signed_in(_state(), "admin")
        assert web_auth.still_signed_in(_state(), "analyst")                       # drawn lower, allowed
        assert not web_auth.still_signed_in(_state(at=time.time() - 2 * 3600), "admin")
        assert not web_auth.still_signed_in(_state(name="ghost.admin"), "admin")
        assert not web_auth.still_signed_in(_state(name="tmp.analyst"), "admin")  # role lowered in users.toml
        assert web_auth.still_signed_in(_state(role="analyst", name="tmp.analyst"), "analyst")
    finally:
        auth.remove_user("tmp.analyst", path=users)
