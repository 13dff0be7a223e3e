"""What the Import page shows of an import: a report's files and problems as tables and the
banner above them, in the session's language (`tipdash.ingest.messages`), the submissions and
imports that can be reverted, and the Revert button's action."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from tipdash import store
from tipdash.ingest.messages import plural_text, show
from tipdash.web import auth as web_auth
from tipdash.web.cache import data, db_key, db_path, shared
from tipdash.web.state import lang, t, unit_name

PROBLEM_COLUMNS = ("severity", "file", "sheet", "row", "column", "cell", "value", "message")
HISTORY_COLUMNS = ("submission_id", "unit_code", "year", "format", "status", "file_name", "imported_at",
                   "imported_by", "import_id", "sha256")


def history_table() -> pd.DataFrame:
    """The import history as the page shows it (newest first), once per published database, shared."""
    def build():
        hist = data("history", module="store")
        return hist[[c for c in HISTORY_COLUMNS if c in hist.columns]]
    return shared("table", "import_history", build, *db_key())


def problems_frame(report) -> pd.DataFrame:
    """Every problem of an ImportReport in the session's language: severity first (so it is never
    cut off), file, sheet, row, column, the cell as people write it ("Sessions!C3"), the value
    (shown as in the message: dates dd.mm.yyyy in ro/ru) and the message."""
    lg = lang()
    rows = [{
        "severity": t(f"page.import.severity.{p.severity}"), "file": p.file, "sheet": p.sheet, "row": p.row,
        "column": p.column, "cell": p.where, "value": show(p.value, lg, quote=False) if p.value is not None else None,
        "message": p.text(lg),
    } for p in report.problems]
    df = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    return df.rename(columns={c: t(f"page.import.col.{c}") for c in PROBLEM_COLUMNS})


def banner(report) -> tuple[str, str]:
    """(kind, text) of the line above the validation report: "1 eroare / 2 erori / 20 de erori"."""
    lg = lang()
    errors, warnings = report.error_count, report.warning_count
    if errors:
        return "error", t("import.banner.errors", errors=plural_text("errors", errors, lg),
                          warnings=plural_text("warnings", warnings, lg))
    if warnings:
        return "warning", t("import.banner.warnings", warnings=plural_text("warnings", warnings, lg))
    return "success", t("page.import.valid")


def files_frame(report) -> pd.DataFrame:
    """One row per file of an ImportReport: its status, submissions, rows, note (translated)."""
    lg = lang()
    rows = [{"file": r.file, "status": t(f"page.import.status.{r.status}"), "submissions": r.submissions,
             "rows": r.rows, "message": r.note_text(lg)} for r in report.files]
    cols = ("file", "status", "submissions", "rows", "message")
    return pd.DataFrame(rows, columns=list(cols)).rename(columns={c: t(f"page.import.col.{c}") for c in cols})


def revert_choices(hist: pd.DataFrame) -> dict[int, str]:
    """id -> label: every current submission, and every import that still has one (newest first)."""
    cur = hist[hist["status"] == "current"] if len(hist) else hist
    out: dict[int, str] = {}
    for imp_id, part in cur.groupby("import_id", sort=False):
        if len(part) > 1:
            out[int(imp_id)] = t("page.import.revert_import", id=int(imp_id), file=part["file_name"].iloc[0],
                                    n=len(part))
    for r in cur.to_dict("records"):
        unit = unit_name(r["unit_code"]) if r["unit_code"] != "MD" else t("common.national_level")
        if isinstance(r.get("source"), str) and r["source"]:      # a national series: one per year and source
            unit = t("page.import.series_source", source=r["source"])
        out[int(r["submission_id"])] = t("page.import.revert_submission", id=int(r["submission_id"]), unit=unit,
                                            year=int(r["year"]), file=r["file_name"])
    return dict(sorted(out.items(), reverse=True))


def revert_menu() -> dict[int, str]:
    """``revert_choices`` of the import history, once per published database and language: a
    label per submission, thousands of them after years of imports."""
    return shared("table", "revert_choices", lambda: revert_choices(data("history", module="store")), *db_key(),
                  lang())


@web_auth.privileged("revert")
def do_revert(target: int) -> None:
    """Callback of the Revert button: store.revert (audited in the database) as the signed-in admin,
    only while the session still holds "revert" (checked again here: callbacks run before app.py)."""
    ss = st.session_state
    ss["revert_confirm"] = False
    ss["revert_id"] = None
    try:
        message = store.revert(db_path(), int(target), user=web_auth.user())
    except KeyError:
        ss["_revert_result"] = ("error", t("page.import.revert_unknown", id=target))
    except store.StoreBusy:
        ss["_revert_result"] = ("error", t("page.import.busy"))
    else:
        done = sum(line.startswith("reverted") for line in message.splitlines())
        ss["_revert_result"] = ("success" if done else "warning",
                                t("page.import.revert_done", id=target, n=done))
