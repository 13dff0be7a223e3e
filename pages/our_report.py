"""Our report: a commission's secretary files the annual report (format A's content) in the browser;
drafts are saved in the database, Submit records it as an import of the same content would."""
import streamlit as st

from tipdash import web
from tipdash.ingest.messages import plural_text
from tipdash.reports import content as rc
from tipdash.reports import drafts, upload
from tipdash.web import auth as web_auth
from tipdash.web import report as rep

web.require("file_report")  # commission accounts (own unit) and admins; anyone else: the sign-in prompt

head = st.container()
unit, year = rep.unit_and_year()
if unit is None:
    st.error(web.t("report.no_unit"))
    st.stop()
try:
    drafts.authorise(web_auth.user(), web_auth.role(), unit)
except drafts.Forbidden:
    st.error(web.t("report.forbidden"))
    st.stop()

head.title(web.t("report.title", unit=web.unit_name(unit), year=year))
head.caption(web.t("report.intro"))
base, version, draft = rep.load_state(unit, year)
locked, lock_info = rep.year_lock(year)
rep.status_lines(draft, {**lock_info, "year": year} if locked else None)
gen = rep.generation(unit, year)
lg = web.lang()


checked: dict = {}


def places_of(content):
    """The form's content validated (once per run: the problems below come from here too)."""
    checked["problems"] = rc.validate(content, unit, year, lg)
    return rep.problems_by_place(checked["problems"])


content = rep.form(base, places_of, locked, gen)
problems = checked["problems"]
errors = sum(p.errors for p in problems)
if errors:
    st.error(plural_text("errors", errors, lg) + ".", icon=":material/error:")
else:
    st.success(web.t("report.valid"), icon=":material/check_circle:")
if draft is None or rc.normalise(content) != draft.content or draft.submitted_version != draft.version:
    st.caption(web.t("report.unsubmitted"))

row = st.container(horizontal=True)
if row.button(web.t("report.save"), key="rep_save", disabled=locked, icon=":material/save:"):
    rep.save(unit, year, content, version)
    st.rerun()
if row.button(web.t("report.submit"), key="rep_submit", type="primary", disabled=locked or errors > 0,
              icon=":material/send:"):
    rep.save(unit, year, content, version, submit=True)
    st.rerun()
shown = rep.message(unit, year)
if shown:
    getattr(st, shown[0])(shown[1])
if draft is not None and draft.version != version:          # someone else saved since this form was loaded
    st.button(web.t("report.reload"), key="rep_reload", on_click=rep.reload, args=(unit, year),
              icon=":material/refresh:")

st.subheader(web.t("report.workbook"))
st.download_button(web.t("report.download"), data=lambda: rc.to_xlsx(content, unit, year, lg), key="rep_download",
                   file_name=f"raport_{unit}_{year}.xlsx", on_click="ignore", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
up = st.file_uploader(web.t("report.upload"), type=["xlsx", "xls", "ods"], key=f"rep_upload_{gen}",
                      disabled=locked)
if up is not None and st.button(web.t("report.upload_go"), key="rep_upload_go", disabled=locked) \
        and rep.allowed_here(unit):
    loaded, found = upload.read_report(up.name, up.getvalue(), unit, year)
    if loaded is None:
        st.error(web.t("report.upload_refused"))
        for p in found:
            st.write("- " + p.line(lg))
    else:
        rep.replace_base(unit, year, loaded)
        rep.message(unit, year, "success", web.t("report.upload_done"))
        st.rerun()
