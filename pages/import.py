"""Import: upload commission reports or summaries, read the validation report, confirm; template; history."""
import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from tipdash import exports, importer, store, template, ui

ui.page_guard()

st.title(ui.t("page.import.title"))
st.caption(ui.t("page.import.intro"))

PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "message", "severity")


def problems_frame(report) -> pd.DataFrame:
    rows = [{
        "file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,
        "value": None if p.value is None else str(p.value), "message": p.message,
        "severity": ui.t(f"page.import.severity.{p.severity}"),
    } for p in report.problems]
    df = pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS))
    df["row"] = df["row"].astype("Int64")
    return df.rename(columns={c: ui.t(f"page.import.col.{c}") for c in PROBLEM_COLUMNS})


def files_frame(report) -> pd.DataFrame:
    rows = [{"file": r.file, "status": ui.t(f"page.import.status.{r.status}"), "submissions": r.submissions,
             "rows": r.rows, "message": r.message} for r in report.files]
    cols = ("file", "status", "submissions", "rows", "message")
    return pd.DataFrame(rows, columns=list(cols)).rename(columns={c: ui.t(f"page.import.col.{c}") for c in cols})


# --- upload and validate -------------------------------------------------------------------------
uploads = st.file_uploader(ui.t("page.import.upload"), type=[s.lstrip(".") for s in importer.SUPPORTED],
                           accept_multiple_files=True, key="upload",
                           help=ui.t("page.import.upload_help", mb=importer.MAX_BYTES // 2**20))
user = st.text_input(ui.t("page.import.user"), key="import_user", max_chars=80)
strict = st.checkbox(ui.t("page.import.strict"), key="import_strict")

if uploads:
    payload = [(u.name, u.getvalue()) for u in uploads]
    signature = tuple((name, hashlib.sha256(b).hexdigest()) for name, b in payload) + (strict,)
    if st.session_state.get("_dry_sig") != signature:
        st.session_state["_dry_report"] = importer.import_bytes(payload, ui.db_path(), dry_run=True, strict=strict)
        st.session_state["_dry_sig"] = signature
        st.session_state.pop("_import_result", None)
    report = st.session_state["_dry_report"]

    st.subheader(ui.t("page.import.validation"))
    n_err, n_warn = len(report.errors), len(report.warnings)
    if n_err:
        st.error(ui.t("page.import.n_errors", errors=n_err, warnings=n_warn))
    elif n_warn:
        st.warning(ui.t("page.import.n_warnings", warnings=n_warn))
    else:
        st.success(ui.t("page.import.valid"))
    ui.table(files_frame(report), "import_files", key="imp_files")
    if report.problems:
        ui.table(problems_frame(report), "import_problems", key="imp_problems")

    importable = any(r.status == "valid" for r in report.files)
    if st.button(ui.t("page.import.confirm"), type="primary", disabled=not importable, key="import_go"):
        try:
            result = importer.import_bytes(payload, ui.db_path(), strict=strict, user=user.strip() or None)
        except store.StoreBusy:
            st.error(ui.t("page.import.busy"))
        else:
            st.session_state["_import_result"] = result
    result = st.session_state.get("_import_result")
    if result is not None:
        done = [r for r in result.files if r.status == "imported"]
        (st.success if done and result.ok else st.warning)(ui.t("page.import.done", n=len(done)))
        ui.table(files_frame(result), "import_result", key="imp_result")

# --- blank template ---------------------------------------------------------------------------------
st.subheader(ui.t("page.import.template_title"))
years = ui.available_years()
tyear = st.number_input(ui.t("page.import.template_year"), min_value=2000, max_value=2100, step=1,
                        value=(years[-1] + 1) if years else 2023, key="template_year")


def _template_bytes(year: int) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "template.xlsx"
        template.write_template(int(year), out)
        return out.read_bytes()


st.download_button(ui.t("page.import.template_download"), data=lambda: _template_bytes(tyear),
                   file_name=exports.file_name("template", int(tyear), ui.lang(), "xlsx"),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="dl_template", on_click="ignore", icon=":material/download:")
st.caption(ui.t("page.import.template_caption"))

# --- history --------------------------------------------------------------------------------------------
st.subheader(ui.t("page.import.history"))
hist = ui.data("history", module="store")
if len(hist):
    keep = ["submission_id", "unit_code", "year", "format", "status", "file_name", "imported_at", "imported_by",
            "import_id", "sha256"]
    ui.table(hist[[c for c in keep if c in hist.columns]], "import_history", key="imp_history")
else:
    st.info(ui.t("page.import.no_history"))
