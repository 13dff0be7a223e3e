"""Reports filed in the dashboard: the commission role, drafts (versioned, audited, locked years),
submit as an import, and the campaign's status per unit (tipdash.reports)."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from tipdash import auth, indicators, ingest, store
from tipdash.reports import campaign, content as rc, drafts

PW = "a long password 1"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    d = tmp_path_factory.mktemp("seed") / "tipdash.duckdb"
    assert ingest.init_db(d).ok
    return d


@pytest.fixture
def db(seeded, tmp_path):
    target = tmp_path / "db" / "tipdash.duckdb"
    target.parent.mkdir()
    shutil.copyfile(seeded, target)
    return target


@pytest.fixture
def users(tmp_path, monkeypatch):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    monkeypatch.setenv("TIPDASH_CONFIG_DIR", str(cfg))
    auth.add_user("cahul", "commission", PW, unit="MD-CA")
    auth.add_user("ungheni", "commission", PW, unit="Ungheni")
    auth.add_user("ana", "admin", PW)
    auth.add_user("ion", "analyst", PW)
    return cfg


def good_content() -> dict:
    c = rc.empty()
    c["commission"].update(submitted_on="15.01.2024", prepared_by="Secretary", contact_name="Maria Secretar",
                           contact_email="maria@example.md", contact_phone="+373 299 00000")
    c["sections"]["sessions"] = [{"date": "10.03.2023", "topics": "Annual plan", "participants": 12}]
    c["sections"]["activities"] = [{"date": "2023-10", "type": "information", "target_group": "youth",
                                    "participants": 40, "description": "Talks", "count": 2}]
    c["sections"]["victims"] = [{"sex": "F", "age_group": "adult", "exploitation": "labour", "status": "victim",
                                 "count": 3, "legal": "yes"}]
    c["none"] = ["partners"]
    return c


# ------------------------------------------------------------------------------ role

def test_commission_user_is_bound_to_one_unit(users):
    assert auth.user_unit("cahul") == "MD-CA" and auth.user_unit("ungheni") == "MD-UN"
    assert auth.user_unit("ana") is None and auth.user_unit("nobody") is None
    assert 'unit = "MD-CA"' in (users / "users.toml").read_text()


@pytest.mark.parametrize("role,unit", [("commission", None), ("commission", "Atlantis"),
                                       ("commission", "MD"), ("analyst", "MD-CA")])
def test_commission_unit_is_required_and_real(users, role, unit):
    with pytest.raises(auth.AuthError):
        auth.add_user("x1", role, PW, unit=unit)


@pytest.mark.parametrize("role,perm,expected", [
    ("commission", "view_public", True), ("commission", "file_report", True),
    ("commission", "view_profile_detail", False), ("commission", "download_unsuppressed", False),
    ("commission", "campaign", False), ("commission", "import", False), ("analyst", "file_report", False),
    ("admin", "file_report", True), ("admin", "campaign", True), (None, "file_report", False)])
def test_commission_permissions(role, perm, expected):
    assert auth.allowed(role, perm, auth.Settings()) is expected


def test_authorise_reads_the_account_not_the_session(users):
    drafts.authorise("cahul", "commission", "MD-CA")
    drafts.authorise("ana", "admin", "MD-UN")
    for user, role, unit in [("cahul", "commission", "MD-UN"), ("cahul", "admin", "MD-CA"),
                             ("ion", "analyst", "MD-CA"), ("ghost", "commission", "MD-CA"), (None, None, "MD-CA")]:
        with pytest.raises(drafts.Forbidden):
            drafts.authorise(user, role, unit)
    auth.remove_user("cahul")
    with pytest.raises(drafts.Forbidden):
        drafts.authorise("cahul", "commission", "MD-CA")


# ------------------------------------------------------------------------------ drafts

def test_save_versions_audit_and_conflict(db, users):
    d1 = drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    assert d1.version == 1 and d1.saved_by == "cahul"
    d2 = drafts.save(db, "MD-CA", 2023, {**good_content(), "none": []}, "cahul", base=1)
    assert d2.version == 2
    with pytest.raises(drafts.DraftConflict) as exc:           # a second secretary, still at version 1
        drafts.save(db, "MD-CA", 2023, rc.empty(), "cahul2", base=1)
    assert exc.value.current.version == 2 and exc.value.current.saved_by == "cahul"
    reader = store.Store(db)
    assert drafts.load(reader, "MD-CA", 2023).content["sections"]["sessions"][0]["participants"] == 12
    assert drafts.load(reader, "MD-UN", 2023) is None
    log = store.audit_log(reader)
    assert (log["action"] == "draft_save").sum() == 2


def test_drafts_never_enter_indicators(db, users):
    reader = store.Store(db)
    before = indicators.figures(reader, 2023) if 2023 in indicators.years(reader) else None
    drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    assert 2023 not in indicators.years(store.Store(db)) and before is None


def test_submit_imports_like_a_workbook_and_resubmit_supersedes(db, users):
    draft, report = drafts.submit(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    assert report.ok, report.text("en")
    reader = store.Store(db)
    hist = store.history(reader)
    mine = hist[(hist["unit_code"] == "MD-CA") & (hist["year"] == 2023)]
    assert list(mine["status"]) == ["current"]
    assert mine["file_name"].iloc[0].startswith("filed online by cahul") and mine["imported_by"].iloc[0] == "cahul"
    fig = indicators.figures(reader, 2023).set_index("unit_code")
    assert fig.loc["MD-CA", "sessions"] == 1
    assert draft.submitted_version == 1 and draft.submission_id == mine["submission_id"].iloc[0]
    changed = good_content()
    changed["sections"]["sessions"].append({"date": "11.04.2023", "topics": "Second", "participants": 9})
    draft2, report2 = drafts.submit(db, "MD-CA", 2023, changed, "cahul", base=1)
    assert report2.ok
    reader = store.Store(db)
    hist = store.history(reader)
    mine = hist[(hist["unit_code"] == "MD-CA") & (hist["year"] == 2023)]
    assert sorted(mine["status"]) == ["current", "superseded"]
    assert indicators.figures(reader, 2023).set_index("unit_code").loc["MD-CA", "sessions"] == 2
    assert set(store.audit_log(reader)["action"]) >= {"draft_save", "report_submit", "import"}
    store.revert(db, int(draft2.submission_id), user="ana")      # revert works as for an import
    assert indicators.figures(store.Store(db), 2023).set_index("unit_code").loc["MD-CA", "sessions"] == 1


def test_submit_with_an_error_records_nothing_but_the_draft(db, users):
    bad = good_content()
    bad["sections"]["sessions"][0]["date"] = "31.02.2023"
    draft, report = drafts.submit(db, "MD-CA", 2023, bad, "cahul", base=0)
    assert not report.ok and draft.version == 1 and draft.submitted_version is None
    assert [p.code for p in report.problems if p.is_error] == ["date.invalid"]
    assert 2023 not in indicators.years(store.Store(db))


def test_locked_year_refuses_saves_until_unlocked_with_a_reason(db, users):
    drafts.set_lock(db, 2023, True, "ana")
    assert drafts.locked(store.Store(db), 2023)[0]
    with pytest.raises(drafts.YearLocked):
        drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    with pytest.raises(ValueError):
        drafts.set_lock(db, 2023, False, "ana", reason="  ")
    drafts.set_lock(db, 2023, False, "ana", reason="late correction from Cahul")
    locked, info = drafts.locked(store.Store(db), 2023)
    assert not locked and info["reason"] == "late correction from Cahul"
    assert drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=0).version == 1
    actions = list(store.audit_log(store.Store(db))["action"])
    assert "year_lock" in actions and "year_unlock" in actions


# ------------------------------------------------------------------------------ campaign

def test_campaign_status_per_unit(db, users, tmp_path):
    (users / "tipdash.toml").write_text('[campaign.deadlines]\n2023 = 2024-02-15\n', encoding="utf-8")
    due = campaign.deadline(2023)
    assert due == dt.date(2024, 2, 15) and campaign.deadline(2030) is None
    drafts.submit(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    drafts.save(db, "MD-UN", 2023, good_content(), "ungheni", base=0)
    reader = store.Store(db)
    before = campaign.status(reader, 2023, today=dt.date(2024, 2, 1), due=due).set_index("unit_code")
    assert len(before) == 35
    assert before.loc["MD-CA", "status"] == "submitted" and before.loc["MD-CA", "channel"] == "online"
    assert 0 < before.loc["MD-CA", "completeness"] <= 1
    assert before.loc["MD-CA", "contact_email"] == "maria@example.md"
    assert before.loc["MD-UN", "status"] == "draft" and before.loc["MD-UN", "last_change_by"] == "ungheni"
    assert before.loc["MD-BA", "status"] == "not_started"
    after = campaign.status(reader, 2023, today=dt.date(2024, 2, 16), due=due).set_index("unit_code")
    assert after.loc["MD-CA", "status"] == "submitted"
    assert after.loc["MD-UN", "status"] == "late" and after.loc["MD-BA", "status"] == "late"
    late = campaign.late(after.reset_index())
    assert "MD-CA" not in set(late["unit_code"]) and len(late) == 34
    assert late.set_index("unit_code").loc["MD-UN", "contact_name"] == "Maria Secretar"


KILLED_SAVER = r"""
import sys, time
from tipdash import store
from tipdash.reports import drafts
from tipdash.reports import content as rc
real = store.now_utc
def slow():                        # called inside the write, after the copy: hold it there
    print("inside", flush=True)
    time.sleep(60)
    return real()
store.now_utc = slow
c = rc.empty(); c["commission"]["prepared_by"] = "never saved"
drafts.save(sys.argv[1], "MD-CA", 2023, c, "cahul", base=1)
"""


def test_a_save_killed_mid_write_leaves_the_saved_draft(db, users):
    import os
    import signal
    import subprocess
    import sys

    drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=0)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_SAVER, str(db)], stdout=subprocess.PIPE,
                            cwd=str(store.ROOT), env={**os.environ, "PYTHONPATH": str(store.ROOT)})
    assert proc.stdout.readline().strip() == b"inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    d = drafts.load(store.Store(db), "MD-CA", 2023)
    assert d.version == 1 and d.content["commission"]["prepared_by"] == "Secretary"
    assert drafts.save(db, "MD-CA", 2023, good_content(), "cahul", base=1).version == 2   # lock released
