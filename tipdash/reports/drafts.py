"""Drafts of reports filed in the dashboard, their submission, and the lock of a reporting year.

Every change goes through ``store.write`` (a private copy published atomically), so a draft
survives a restart and a kill -9 mid-save leaves the old or the new draft. Each save names the
version it started from (``base``); when someone else saved since, it is refused
(``DraftConflict``: the second secretary is told who saved and when, nothing is overwritten).
Every save, submit, lock and unlock is written to the ``audit`` table in the same transaction.

Who may touch a unit's draft is decided here (``authorise``), from users.toml, not from anything
a browser session holds: a commission account files for its own unit only; an admin for any.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tipdash import auth, store
from tipdash.reports import content as rc


class Forbidden(PermissionError):
    """This account may not read or write this unit's report."""


class DraftConflict(RuntimeError):
    """The draft changed since it was opened (another secretary saved): ``current`` is the draft now."""

    def __init__(self, current: "Draft"):
        super().__init__(f"draft saved meanwhile (version {current.version}) by {current.saved_by}")
        self.current = current


class YearLocked(RuntimeError):
    """The State Chancellery locked this year: no more saves or submissions."""


@dataclass(frozen=True)
class Draft:
    unit_code: str
    year: int
    version: int
    content: dict
    saved_at: dt.datetime
    saved_by: str | None
    submitted_version: int | None = None
    submitted_at: dt.datetime | None = None
    submitted_by: str | None = None
    submission_id: int | None = None


def authorise(user: str | None, role: str | None, unit: str, users_file=None) -> None:
    """Raise Forbidden unless ``user`` (signed in with ``role``) may file for ``unit``. The role and
    unit are read from users.toml again: a removed account, a changed role or another unit fail."""
    account = auth.load_users(users_file).get(user or "") if user else None
    role_now = account.get("role") if account else auth.oidc_role(user, users_file)
    if role_now is None or role_now != role:
        raise Forbidden("not signed in with this role")
    if role == "admin":
        return
    if role == auth.COMMISSION and auth.user_unit(user, users_file) == unit:
        return
    raise Forbidden(f"{user} may not file for {unit}")


_COLS = ("unit_code, year, version, content, saved_at, saved_by, submitted_version, submitted_at, submitted_by, "
         "submission_id")


def _plain(v):
    """A value from a DataFrame or a DuckDB row as plain Python (NA/NaT -> None)."""
    import pandas as pd

    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    return v.item() if hasattr(v, "item") else v


def _draft(row) -> Draft:
    row = [_plain(v) for v in row]
    return Draft(row[0], int(row[1]), int(row[2]), rc.loads(row[3]), row[4], row[5], *row[6:])


def load(reader: store.Store, unit: str, year: int) -> Draft | None:
    """The draft of a unit-year (None: not started). Call ``authorise`` first."""
    if not reader.path.exists():
        return None
    df = reader.query(f"SELECT {_COLS} FROM drafts WHERE unit_code = ? AND year = ?", [unit, int(year)])
    if not len(df):
        return None
    return _draft(list(df.iloc[0]))


def _current(con, unit: str, year: int) -> Draft | None:
    row = con.execute(f"SELECT {_COLS} FROM drafts WHERE unit_code = ? AND year = ?", [unit, int(year)]).fetchone()
    return _draft(row) if row else None


def _locked(con, year: int) -> bool:
    row = con.execute("SELECT locked FROM report_locks WHERE year = ?", [int(year)]).fetchone()
    return bool(row and row[0])


def save(db, unit: str, year: int, content: dict, user: str, base: int) -> Draft:
    """Save ``content`` as the next version of the draft, if it is still at version ``base``
    (0: no draft yet). DraftConflict when it moved on; YearLocked when the year is locked."""
    text = rc.dumps(content)
    with store.write(db) as con:
        if _locked(con, year):
            raise YearLocked(str(year))
        cur = _current(con, unit, year)
        if (cur.version if cur else 0) != int(base):
            raise DraftConflict(cur)
        version = int(base) + 1
        now = store.now_utc()
        if cur is None:
            con.execute("INSERT INTO drafts (unit_code, year, version, content, saved_at, saved_by) "
                        "VALUES (?, ?, ?, ?, ?, ?)", [unit, int(year), version, text, now, user])
        else:
            con.execute("UPDATE drafts SET version = ?, content = ?, saved_at = ?, saved_by = ? "
                        "WHERE unit_code = ? AND year = ?", [version, text, now, user, unit, int(year)])
        store.audit(con, user, "draft_save", f"{unit} {int(year)}: draft version {version}")
        return _current(con, unit, year)


def file_name(user: str, unit: str, year: int, version: int) -> str:
    """The import's file name: what the history and the provenance lines show."""
    return f"filed online by {user} - {unit} {int(year)} draft {int(version)}.xlsx"


def submit(db, unit: str, year: int, content: dict, user: str, base: int, lang: str = "ro"):
    """Save the content (as ``save``), then import it exactly as the same workbook would be
    imported (``ingest.import_bytes``: the importer's validation, provenance "filed online by
    <user>", history, supersession, revert); on success record the submission on the draft.
    Returns (draft, ImportReport)."""
    from tipdash import ingest

    draft = save(db, unit, year, content, user, base)
    data = rc.to_xlsx(draft.content, unit, year, lang)
    report = ingest.import_bytes([(file_name(user, unit, year, draft.version), data)], db, user=user)
    if not report.ok:
        return draft, report
    with store.write(db) as con:
        sid = con.execute("SELECT submission_id FROM submissions WHERE unit_code = ? AND year = ? "
                          "AND status = 'current'", [unit, int(year)]).fetchone()
        con.execute("UPDATE drafts SET submitted_version = ?, submitted_at = ?, submitted_by = ?, "
                    "submission_id = ? WHERE unit_code = ? AND year = ?",
                    [draft.version, store.now_utc(), user, sid[0] if sid else None, unit, int(year)])
        store.audit(con, user, "report_submit", f"{unit} {int(year)}: draft version {draft.version}, "
                    f"submission {sid[0] if sid else '-'}")
        return _current(con, unit, year), report


def locked(reader: store.Store, year: int) -> tuple[bool, dict | None]:
    """(locked?, the last lock or unlock: changed_at, changed_by, reason)."""
    if not reader.path.exists():
        return False, None
    df = reader.query("SELECT locked, changed_at, changed_by, reason FROM report_locks WHERE year = ?", [int(year)])
    if not len(df):
        return False, None
    row = df.iloc[0].to_dict()
    return bool(row["locked"]), row


def set_lock(db, year: int, lock: bool, user: str, reason: str | None = None) -> None:
    """Lock (the note is published) or unlock a year; an unlock needs a reason. Audited."""
    reason = (reason or "").strip() or None
    if not lock and not reason:
        raise ValueError("an unlock needs a reason")
    with store.write(db) as con:
        con.execute("DELETE FROM report_locks WHERE year = ?", [int(year)])
        con.execute("INSERT INTO report_locks VALUES (?, ?, ?, ?, ?)",
                    [int(year), bool(lock), store.now_utc(), user, reason])
        store.audit(con, user, "year_lock" if lock else "year_unlock",
                    f"{int(year)}" + (f": {reason}" if reason else ""))
