"""Reporting: who did not report, who reported without meeting, streaks over the years, completeness."""
import streamlit as st

from tipdash import web
from tipdash.web import views as web_views

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.reporting.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

flt = f.export_filters("year")
years = web.available_years()
first = years[0] if years else f.year
v = web_views.reporting(f.year, first)
not_rep, no_sess = v["not_reported"], v["no_sessions"]

c1, c2 = st.columns(2)   # two per row: room for "did not provide relevant information" in every language
c3, c4 = st.columns(2)
c1.metric(web.t("page.reporting.units"), v["units"])
c2.metric(web.t("page.reporting.metric_not_reported"), len(not_rep))
c3.metric(web.t("page.reporting.metric_no_sessions"), len(no_sess))
c4.metric(web.t("page.reporting.metric_met"), v["met"])

lists = ((not_rep, "not_reported_title", "not_reported", "rep_not", "all_reported"),
         (no_sess, "no_sessions_title", "reported_no_sessions", "rep_nosess", "none_without_sessions"))
for column, (units_df, title, view, key, when_empty) in zip(st.columns(2), lists):
    with column:
        st.subheader(web.t(f"page.reporting.{title}", n=len(units_df), year=f.year))
        if len(units_df):
            st.markdown(", ".join(web.unit_name(c) for c in units_df["code"]))
            if view == "not_reported" and v["inferred"]:  # the source gives only their number
                st.caption(web.t("page.reporting.inferred", total=v["units"], named=v["units"] - len(units_df)))
            web.table(units_df, view, year=f.year, filters=flt, key=key)
        else:
            st.success(web.t(f"page.reporting.{when_empty}"))

# --- streaks --------------------------------------------------------------------------------------
st.subheader(web.t("page.reporting.streaks_title"))
if first == f.year:
    st.caption(web.t("page.reporting.streaks_one_year", year=f.year))
if v["long_streaks"]:
    st.markdown(web.t("page.reporting.streaks_found", n=v["long_streaks"], start=first, end=f.year))
else:
    st.caption(web.t("page.reporting.streaks_none", start=first, end=f.year))
web.table(v["streaks"], "reporting_streaks", year=(first, f.year), filters={"years": f"{first}-{f.year}"},
          key="rep_streaks")

# --- completeness -----------------------------------------------------------------------------------
st.subheader(web.t("page.reporting.completeness_title", year=f.year))
if v["completeness"] is not None:
    st.caption(web.t("page.reporting.completeness_caption"))
    web.table(v["completeness"], "completeness", year=f.year, filters=flt, key="rep_comp")
elif v["completeness_rows"]:  # every figure of the year transcribed from a national note: nothing to measure
    st.info(web.t("page.reporting.completeness_na", year=f.year), icon=":material/info:")
else:
    st.info(web.t("common.no_data_for_year", year=f.year))
