"""The "Our report" and "Reporting campaign" pages (AppTest): who may open them, a commission
account bound to its own unit whatever its session says, saving a draft, the campaign table and
the year's lock."""
from __future__ import annotations

import pytest

from tests.web.test_pages import ADMIN, db, frames, run, signed_in, texts  # noqa: F401
from tipdash import auth, i18n, store
from tipdash.reports import drafts

SEC = ("cahul.sec", "commission password 1")
OTHER = ("ungheni.sec", "commission password 2")


@pytest.fixture(scope="module")
def users(db):
    auth.add_user(SEC[0], "commission", SEC[1], unit="MD-CA")
    auth.add_user(OTHER[0], "commission", OTHER[1], unit="MD-UN")
    return db


def commission(page: str, name: str = SEC[0], lang: str = "en", **state):
    from streamlit.testing.v1 import AppTest

    from tests.web.test_pages import APP, TIMEOUT

    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), "commission", name)
    at.query_params["lang"] = lang
    for k, v in state.items():
        at.session_state[k] = v
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_our_report_opens_on_the_accounts_own_unit(users):
    at = commission("our_report")
    assert at.title[0].value.startswith(i18n.t("report.title", "en", unit="Cahul", year="")[:20])
    assert "Cahul" in at.title[0].value
    assert len(at.dataframe) == 6 and not [s for s in at.selectbox if s.key == "report_unit"]


def test_a_tampered_session_still_files_for_its_own_unit(users):
    at = commission("our_report", name=OTHER[0], report_unit="MD-CA", **{"auth_role": "commission"})
    assert "Ungheni" in at.title[0].value and "Cahul" not in at.title[0].value


@pytest.mark.parametrize("role", [None, "analyst"])
def test_others_get_the_prompt(users, role):
    at = run("our_report", "en", role=role)
    assert at.title[0].value == i18n.t("auth.prompt_title", "en")
    assert not at.dataframe


def test_commission_cannot_open_the_campaign(users):
    at = commission("campaign")
    assert at.title[0].value == i18n.t("auth.prompt_title", "en") and not at.dataframe


def test_save_draft_from_the_page_is_versioned_and_audited(users):
    at = commission("our_report")
    at.text_input(key=[w.key for w in at.text_input if w.key.startswith("rep_head_prepared_by")][0]) \
        .input("Maria").run()
    at.button(key="rep_save").click().run()
    assert not at.exception
    d = drafts.load(store.Store(users), "MD-CA", 2025 if at.selectbox(key="report_year").value == 2025
                    else at.selectbox(key="report_year").value)
    assert d is not None and d.content["commission"]["prepared_by"] == "Maria" and d.saved_by == SEC[0]
    assert "draft_save" in set(store.audit_log(store.Store(users))["action"])
    assert any(i18n.t("report.saved", "en", version=d.version) in s.value for s in at.success)


def test_campaign_page_lists_35_commissions_and_locks_with_audit(users):
    at = run("campaign", "en", role="admin")
    table = frames(at)[0]
    assert len(table) == 35
    year = at.selectbox(key="campaign_year").value
    at.checkbox(key="campaign_lock_confirm").check().run()
    at.button(key="campaign_lock").click().run()
    assert drafts.locked(store.Store(users), year)[0]
    at.button(key="campaign_unlock").click().run()           # no reason: refused
    assert drafts.locked(store.Store(users), year)[0]
    at.text_input(key="campaign_unlock_reason").input("correction").run()
    at.button(key="campaign_unlock").click().run()
    assert not drafts.locked(store.Store(users), year)[0]
    actions = list(store.audit_log(store.Store(users))["action"])
    assert "year_lock" in actions and "year_unlock" in actions


def test_campaign_page_follows_drafts_and_locks_made_elsewhere(users):
    """The page's status is computed once per published database: a draft saved from another
    session, and a lock, publish a new one and show at the next run of an open page."""
    from tipdash.reports import content as rc

    at = run("campaign", "en", role="admin")
    year = at.selectbox(key="campaign_year").value

    def status_of(code: str) -> str:
        table = frames(at)[0]
        return table.loc[table[table.columns[0]] == code, table.columns[2]].iloc[0]

    before = status_of("MD-SO")
    assert before == i18n.t("campaign.status.not_started", "en")
    content = rc.empty()
    content["commission"]["prepared_by"] = "Ion"
    current = drafts.load(store.Store(users), "MD-SO", year)
    drafts.save(users, "MD-SO", year, content, ADMIN[0], current.version if current else 0)
    at.run()
    assert status_of("MD-SO") == i18n.t("campaign.status.draft", "en")
    drafts.set_lock(users, year, True, ADMIN[0])
    at.run()
    assert any(i18n.t("campaign.locked", "en", year=year, at="", user="")[:12] in w.value for w in at.warning)
    drafts.set_lock(users, year, False, ADMIN[0], reason="test over")


def test_audit_page_shows_an_event_logged_after_it_opened(users):
    """The events log grows without a new database: the page reads it again when it has grown."""
    at = run("audit", "en", role="admin")
    assert "someone.new" not in frames(at)[0].to_string()
    store.log_event(users, "someone.new", "sign_in_failed", "test")
    at.run()
    assert "someone.new" in frames(at)[0].to_string()
