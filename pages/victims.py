"""Victims: identified victims and presumed victims, nationally and by unit, with every figure protected."""
import streamlit as st

from tipdash import exports, i18n, privacy, web
from tipdash.web import auth as web_auth
from tipdash.web import national as web_national
from tipdash.web import views as web_views
from tipdash.web.downloads import protected_download

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.victims.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

lang = f.lang
st.warning(web.t("page.victims.caveat"), icon=":material/info:")
flt = f.export_filters("year", "units")

# --- national total -------------------------------------------------------------------------
v = web_views.victims(f.year, f.units)
row = web.national_row(f.year, "victims")                      # protected
raw_total = v["raw_total"]
c1, c2, c3 = st.columns(3)
c1.metric(web.t("page.victims.total", year=f.year), web.fmt_number(row.get("total")))
c2.metric(web.t("page.victims.districts_sum"), web.fmt_number(row.get("districts_sum")))
c3.metric(web.t("page.victims.national_level"), web.fmt_number(row.get("national_level")))
st.caption(web.t("page.victims.privacy_rule", threshold=privacy.threshold(), label=privacy.label()))

# --- national statistics 2011-2025, beside the commissions' figure of the year ----------------------
with st.container(border=True):
    web_national.national_section(f.year)

# --- by unit ----------------------------------------------------------------------------------
st.subheader(web.t("page.victims.by_unit"))
if not v["by_unit_given"]:
    st.info(web.t("page.victims.unit_not_reported", year=f.year))
else:
    web.table(v["by_unit"], "victims_by_unit", year=f.year, filters=flt, key="v_units")

# --- breakdowns -------------------------------------------------------------------------------
st.subheader(web.t("page.victims.breakdowns"))
dims = list(v["breakdowns"])
tabs = web.tabs("v_tab", list(dims), [i18n.column_label(d, lang) for d in dims])
for dim, tab in zip(dims, tabs):
    if tab.open is False:       # only the open tab is drawn (choosing another reruns the page)
        continue
    with tab:
        part = v["breakdowns"][dim]
        if part is None:
            st.info(web.t("page.victims.breakdown_not_reported", dim=i18n.column_label(dim, lang).lower(),
                         year=f.year))
            continue
        if len(part["numeric"]):
            web.chart(web.bar(part["numeric"], "label", "count",
                              labels={"label": "", "count": i18n.column_label("count", lang)}, height=300),
                      f"v_{dim}", f"{web.t('page.victims.breakdowns')}: {i18n.column_label(dim, lang)}",
                      year=f.year, name=f"victims_by_{dim}")
        web.table(part["shown"], f"victims_by_{dim}", year=f.year, filters=flt, key=f"v_{dim}")

# --- assistance -----------------------------------------------------------------------------------
st.subheader(web.t("page.victims.assistance"))
asst = v["assistance"]
if len(asst):
    if not v["assistance_given"]:
        st.caption(web.t("page.victims.assistance_counts_not_given"))
    web.table(asst, "victims_assistance", year=f.year, filters=flt, key="v_assist")
else:
    st.info(web.t("page.victims.assistance_not_reported", year=f.year))

# --- unsuppressed download (roles with download_unsuppressed) --------------------------------------
if web_auth.allowed("download_unsuppressed"):
    raw_meta = {"view": "victims_unsuppressed", "year": f.year, "lang": lang,
                "filters": {**flt, "suppression": "none"}, "source": web.t("page.victims.unsuppressed_source")}
    raw_name = exports.file_name("victims_unsuppressed", f.year, lang, "csv")
    raw = web_views.victims_raw(f.year, f.units)  # here: the deferred data callable runs outside this session

    with st.container(border=True):
        st.subheader(web.t("page.victims.unsuppressed_title"))
        st.caption(web.t("page.victims.unsuppressed_caption"))
        # the file is made only for an audited click of a session still allowed to (web.downloads)
        protected_download(web.t("page.victims.unsuppressed_download"), lambda: exports.to_csv(raw, raw_meta),
                           permission="download_unsuppressed", action="download_unsuppressed", file_name=raw_name,
                           mime="text/csv", key="dl_victims_unsuppressed", icon=":material/lock_open:")
