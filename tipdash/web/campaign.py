"""The Reporting campaign page's pieces (admins): the status table localised, the late units with
their contacts, and the lock / unlock actions (each re-checked and audited)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from tipdash import store
from tipdash.reports import campaign, drafts
from tipdash.web import auth as web_auth
from tipdash.web.cache import db_key, db_path, get_store, shared
from tipdash.web.state import lang, t
from tipdash.web.tables import sort_by_unit

_MSG = "_campaign_msg"


def year_status(year: int, due: dt.date | None, is_locked: bool) -> pd.DataFrame:
    """``campaign.status`` of the year, once per published database and day: every draft saved,
    submitted or locked publishes a new database, and "late" changes with the date. Read-only."""
    today = dt.date.today()
    return shared("table", "campaign_status", lambda: campaign.status(get_store(), year, today=today, due=due,
                                                                      is_locked=is_locked),
                  *db_key(), year, today, due, is_locked)


def view(year: int, due: dt.date | None, is_locked: bool) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, int]]:
    """What the page shows of the year: the status table and the late units' contacts (localised,
    in the order of the units' names; None when nobody is late) and the counts by status; made
    once per published database, day and language, then shared (read-only)."""
    def build():
        status = year_status(year, due, is_locked)
        late = campaign.late(status)
        late_shown = None
        if len(late):
            late_shown = sort_by_unit(shown(late.assign(status="late", channel=None, completeness=None,
                                                        submitted_at=None))[list(late.columns)], "unit_code")
        return sort_by_unit(shown(status), "unit_code"), late_shown, counts(status)
    return shared("table", "campaign_view", build, *db_key(), year, dt.date.today(), due, is_locked, lang())


def shown(df: pd.DataFrame) -> pd.DataFrame:
    """The status table as people read it: statuses and channels as words, times to the minute
    (completeness stays a share: ``exports.localise`` writes it as a percentage)."""
    out = df.copy()
    out["status"] = [t(f"campaign.status.{s}") for s in out["status"]]
    out["channel"] = [t(f"campaign.channel.{v}") if isinstance(v, str) else None for v in out["channel"]]
    for col in ("submitted_at", "last_change_at"):
        out[col] = [None if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}" for v in out[col]]
    return out


def counts(df: pd.DataFrame) -> dict[str, int]:
    return {s: int((df["status"] == s).sum()) for s in campaign.STATUSES} | {"total": len(df)}


def message() -> None:
    msg = st.session_state.pop(_MSG, None)
    if msg:
        getattr(st, msg[0])(msg[1])


@web_auth.privileged("campaign", "year_lock")
def lock(year: int) -> None:
    """Callback of "Lock the year" (the confirmation box ticked)."""
    if not st.session_state.get("campaign_lock_confirm"):
        return
    st.session_state["campaign_lock_confirm"] = False
    try:
        drafts.set_lock(db_path(), year, True, web_auth.user())
    except store.StoreBusy:
        st.session_state[_MSG] = ("error", t("page.import.busy"))
        return
    st.session_state[_MSG] = ("success", t("campaign.lock_done", year=year))


@web_auth.privileged("campaign", "year_unlock")
def unlock(year: int) -> None:
    """Callback of "Unlock the year": needs a reason (recorded in the audit trail)."""
    reason = str(st.session_state.get("campaign_unlock_reason") or "").strip()
    if not reason:
        st.session_state[_MSG] = ("error", t("campaign.reason_needed"))
        return
    try:
        drafts.set_lock(db_path(), year, False, web_auth.user(), reason=reason[:500])
    except store.StoreBusy:
        st.session_state[_MSG] = ("error", t("page.import.busy"))
        return
    st.session_state["campaign_unlock_reason"] = ""
    st.session_state[_MSG] = ("success", t("campaign.unlock_done", year=year))
