"""The reporting campaign of a year: per commission, whether its report is filed, late or in draft,
how complete it is, the last change and who made it, and whom to remind.

The deadline of each year is a setting (``config/tipdash.toml``)::

    [campaign.deadlines]
    2023 = 2024-02-15        # or "2024-02-15"

A year without a deadline has no "late" units (the page says the deadline is not set).
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pandas as pd

from tipdash import auth, indicators, store, units
from tipdash.reports import content as rc

STATUSES = ("not_started", "draft", "submitted", "late")
CONTACTS = ("contact_name", "contact_email", "contact_phone")
COLUMNS = ("unit_code", "status", "submitted_at", "channel", "completeness", "unsubmitted_changes", "draft_version",
           "last_change_at", "last_change_by", "locked", *CONTACTS)


def deadline(year: int, path: Path | None = None) -> dt.date | None:
    """The year's deadline from ``[campaign.deadlines]`` of tipdash.toml; None when not set or not a date."""
    path = path or auth.config_dir() / "tipdash.toml"
    if not path.exists():
        return None
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("campaign", {}).get("deadlines", {})
    value = table.get(str(int(year))) if isinstance(table, dict) else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _submissions(reader: store.Store, year: int) -> pd.DataFrame:
    return reader.query(
        "SELECT s.unit_code, s.submission_id, i.imported_at, i.imported_by, i.file_name, "
        "s.contact_name, s.contact_email, s.contact_phone FROM submissions s JOIN imports i USING (import_id) "
        "WHERE s.status = 'current' AND s.year = ?", [int(year)])


def _latest_contacts(reader: store.Store) -> dict[str, dict]:
    """unit -> the contact details of its most recent submission that gives any (any year)."""
    df = reader.query(
        "SELECT s.unit_code, s.contact_name, s.contact_email, s.contact_phone FROM submissions s "
        "JOIN imports i USING (import_id) WHERE s.status = 'current' AND (s.contact_name IS NOT NULL "
        "OR s.contact_email IS NOT NULL OR s.contact_phone IS NOT NULL) ORDER BY s.year, i.imported_at")
    return {r["unit_code"]: {k: r[k] for k in CONTACTS} for r in df.to_dict("records")}


def _drafts(reader: store.Store, year: int) -> dict[str, dict]:
    df = reader.query("SELECT unit_code, version, content, saved_at, saved_by, submitted_version FROM drafts "
                      "WHERE year = ?", [int(year)])
    return {r["unit_code"]: r for r in df.to_dict("records")}


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and v is not pd.NaT and not pd.isna(v)


def status(reader: store.Store, year: int, today: dt.date | None = None, due: dt.date | None = None,
           is_locked: bool = False) -> pd.DataFrame:
    """One row per commission (COLUMNS): status (STATUSES), when and how it was submitted ("online"
    for a report filed in the dashboard, else "import"), completeness (share of the indicators
    given, as ``indicators.completeness``; NA when not applicable or not submitted), whether the
    draft has changes not submitted, the last change and who made it, the year's lock, contacts
    (the draft's, else the current submission's, else the unit's latest submission's)."""
    today = today or dt.date.today()
    subs = {r["unit_code"]: r for r in _submissions(reader, year).to_dict("records")}
    drafts = _drafts(reader, year)
    share = {}
    if subs:
        comp = indicators.completeness(reader, int(year))
        share = dict(zip(comp["submission_id"], comp["share"]))
    latest = _latest_contacts(reader)
    rows = []
    for u in units.commission_units():
        sub, draft = subs.get(u.code), drafts.get(u.code)
        row = dict.fromkeys(COLUMNS)
        row.update(unit_code=u.code, locked=bool(is_locked), unsubmitted_changes=False)
        changes = []
        if sub is not None:
            row.update(status="submitted", submitted_at=sub["imported_at"],
                       channel="online" if str(sub["file_name"]).startswith("filed online by ") else "import",
                       completeness=share.get(sub["submission_id"]))
            changes.append((sub["imported_at"], sub["imported_by"]))
        elif due is not None and today > due:
            row["status"] = "late"
        else:
            row["status"] = "draft" if draft is not None else "not_started"
        contacts = latest.get(u.code, {})
        if sub is not None and any(_present(sub[k]) for k in CONTACTS):
            contacts = {k: sub[k] for k in CONTACTS}
        if draft is not None:
            row["draft_version"] = int(draft["version"])
            sv = draft["submitted_version"]
            row["unsubmitted_changes"] = not _present(sv) or int(sv) < int(draft["version"])
            changes.append((draft["saved_at"], draft["saved_by"]))
            head = rc.loads(draft["content"])["commission"]
            if any(head.get(k) for k in CONTACTS):
                contacts = {k: head.get(k) for k in CONTACTS}
        row.update({k: contacts.get(k) if _present(contacts.get(k)) else None for k in CONTACTS})
        if changes:
            row["last_change_at"], row["last_change_by"] = max(changes, key=lambda c: c[0])
        rows.append(row)
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["completeness"] = pd.to_numeric(df["completeness"], errors="coerce").astype("Float64")
    df["draft_version"] = df["draft_version"].astype("Int64")
    return df


def late(df: pd.DataFrame) -> pd.DataFrame:
    """The late units with their contact details (the reminders' list)."""
    return df[df["status"] == "late"][["unit_code", *CONTACTS, "last_change_at"]].reset_index(drop=True)
