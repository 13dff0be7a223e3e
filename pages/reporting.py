"""Reporting: who did not report, who reported without meeting, streaks over the years, completeness."""
import streamlit as st

from tipdash import web

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.reporting.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

flt = f.export_filters("year")
uy = web.data("unit_year", f.year)
status = web.sort_by_unit(uy[["code", "reporting_status", "status_inferred", "sessions", "file_name"]])
not_rep = status[status["reporting_status"] == "not_reported"][["code", "status_inferred"]]
inferred = bool(not_rep["status_inferred"].fillna(False).astype(bool).any())
if not inferred:
    not_rep = not_rep[["code"]]
no_sess = status[status["reporting_status"] == "reported_no_sessions"][["code", "sessions", "file_name"]]
met = status[status["reporting_status"] == "met"]

c1, c2 = st.columns(2)   # two per row: room for "did not provide relevant information" in every language
c3, c4 = st.columns(2)
c1.metric(web.t("page.reporting.units"), len(uy))
c2.metric(web.t("page.reporting.metric_not_reported"), len(not_rep))
c3.metric(web.t("page.reporting.metric_no_sessions"), len(no_sess))
c4.metric(web.t("page.reporting.metric_met"), len(met))

lists = ((not_rep, "not_reported_title", "not_reported", "rep_not", "all_reported"),
         (no_sess, "no_sessions_title", "reported_no_sessions", "rep_nosess", "none_without_sessions"))
for column, (units_df, title, view, key, when_empty) in zip(st.columns(2), lists):
    with column:
        st.subheader(web.t(f"page.reporting.{title}", n=len(units_df), year=f.year))
        if len(units_df):
            st.markdown(", ".join(web.unit_name(c) for c in units_df["code"]))
            if view == "not_reported" and inferred:  # the source gives only their number
                st.caption(web.t("page.reporting.inferred", total=len(uy), named=len(uy) - len(units_df)))
            web.table(units_df.reset_index(drop=True), view, year=f.year, filters=flt, key=key)
        else:
            st.success(web.t(f"page.reporting.{when_empty}"))

# --- streaks --------------------------------------------------------------------------------------
st.subheader(web.t("page.reporting.streaks_title"))
years = web.available_years()
first = years[0] if years else f.year
streaks = web.data("reporting_streaks", first, f.year)
if first == f.year:
    st.caption(web.t("page.reporting.streaks_one_year", year=f.year))
long = streaks[(streaks["years_not_reported"] >= 2) | (streaks["years_without_meeting"] >= 2)]
if len(long):
    st.markdown(web.t("page.reporting.streaks_found", n=len(long), start=first, end=f.year))
else:
    st.caption(web.t("page.reporting.streaks_none", start=first, end=f.year))
streaks = streaks[(streaks["years_not_reported"] > 0) | (streaks["years_without_meeting"] > 0)]
streaks = web.sort_by_unit(streaks).sort_values(["years_not_reported", "years_without_meeting"],
                                                ascending=[False, False], kind="stable")
web.table(streaks.reset_index(drop=True), "reporting_streaks", year=(first, f.year),
         filters={"years": f"{first}-{f.year}"}, key="rep_streaks")

# --- completeness -----------------------------------------------------------------------------------
st.subheader(web.t("page.reporting.completeness_title", year=f.year))
comp = web.data("completeness", f.year)
applies = comp[comp["completeness_na"].isna()] if len(comp) else comp
if len(applies):
    st.caption(web.t("page.reporting.completeness_caption"))
    web.table(web.sort_by_unit(comp, "unit_code"), "completeness", year=f.year, filters=flt, key="rep_comp")
elif len(comp):  # every figure of the year transcribed from a national note: nothing to measure
    st.info(web.t("page.reporting.completeness_na", year=f.year), icon=":material/info:")
else:
    st.info(web.t("common.no_data_for_year", year=f.year))
