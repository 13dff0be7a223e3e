"""Import (admins): upload reports or summaries, read the validation report, confirm; template; history, revert."""
import hashlib

import streamlit as st

from tipdash import exports, ingest, store, web
from tipdash.web import auth as web_auth
from tipdash.web.importing import banner, do_revert, files_frame, history_table, problems_frame, revert_menu

web.require("import")  # admins only; anyone else gets the sign-in prompt

st.title(web.t("page.import.title"))
st.caption(web.t("page.import.intro"))

# --- upload and validate -------------------------------------------------------------------------
uploads = st.file_uploader(web.t("page.import.upload"), type=[s.lstrip(".") for s in ingest.SUPPORTED],
                           accept_multiple_files=True, key="upload",
                           help=web.t("page.import.upload_help", mb=ingest.MAX_BYTES // 2**20))
user = web_auth.user()
st.caption(web.t("page.import.recorded_as", user=web_auth.code_span(user or "")))
strict = st.checkbox(web.t("page.import.strict"), key="import_strict")

if uploads:
    payload = [(u.name, u.getvalue()) for u in uploads]
    signature = tuple((name, hashlib.sha256(b).hexdigest()) for name, b in payload) + (strict,)
    if st.session_state.get("_dry_sig") != signature:
        st.session_state["_dry_report"] = ingest.import_bytes(payload, web.db_path(), dry_run=True, strict=strict)
        st.session_state["_dry_sig"] = signature
        st.session_state.pop("_import_result", None)
    report = st.session_state["_dry_report"]

    st.subheader(web.t("page.import.validation"))
    kind, text = banner(report)
    getattr(st, kind)(text)
    web.table(files_frame(report), "import_files", key="imp_files")
    if report.problems:
        web.table(problems_frame(report), "import_problems", key="imp_problems")

    importable = any(r.status == "valid" for r in report.files)
    if st.button(web.t("page.import.confirm"), type="primary", disabled=not importable, key="import_go") \
            and web_auth.recheck("import", "import"):
        try:
            result = ingest.import_bytes(payload, web.db_path(), strict=strict, user=web_auth.user())
        except store.StoreBusy:
            st.error(web.t("page.import.busy"))
        else:
            st.session_state["_import_result"] = result
    result = st.session_state.get("_import_result")
    if result is not None:
        done = [r for r in result.files if r.status == "imported"]
        (st.success if done and result.ok else st.warning)(web.t("page.import.done", n=len(done)))
        web.table(files_frame(result), "import_result", key="imp_result")
        if result.errors:                  # e.g. a full disk: one line per file, never a traceback
            web.table(problems_frame(result), "import_result_problems", key="imp_result_problems")

# --- blank template ---------------------------------------------------------------------------------
st.subheader(web.t("page.import.template_title"))
years = web.available_years()
tyear = st.number_input(web.t("page.import.template_year"), min_value=2000, max_value=2100, step=1,
                        value=(years[-1] + 1) if years else 2023, key="template_year")


st.download_button(web.t("page.import.template_download"), data=lambda: ingest.template_bytes(tyear),
                   file_name=exports.file_name("template", int(tyear), web.lang(), "xlsx"),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   key="dl_template", on_click="ignore", icon=":material/download:")
st.caption(web.t("page.import.template_caption"))

# --- history --------------------------------------------------------------------------------------------
if not web_auth.allowed("history"):
    st.stop()
st.subheader(web.t("page.import.history"))
hist = history_table()
if len(hist):
    web.table(hist, "import_history", key="imp_history")
else:
    st.info(web.t("page.import.no_history"))

# --- revert ----------------------------------------------------------------------------------------------
if not web_auth.allowed("revert"):
    st.stop()
st.subheader(web.t("page.import.revert_title"))
st.caption(web.t("page.import.revert_caption"))

choices = revert_menu()
if choices:
    target = st.selectbox(web.t("page.import.revert_pick"), list(choices), index=None, key="revert_id",
                          format_func=lambda i: choices.get(i, str(i)),
                          placeholder=web.t("page.import.revert_placeholder"))
    confirm = st.checkbox(web.t("page.import.revert_confirm"), key="revert_confirm", disabled=target is None)
    st.button(web.t("page.import.revert_button"), key="revert_go", type="primary", icon=":material/undo:",
              disabled=target is None or not confirm, on_click=do_revert, args=(target,))
else:
    st.info(web.t("page.import.revert_none"))
result = st.session_state.pop("_revert_result", None)
if result:
    getattr(st, result[0])(result[1])
