"""Across years: the district x year table of the chosen indicator, and one unit's history."""
import streamlit as st

from tipdash import i18n, web
from tipdash.i18n import formats
from tipdash.web import history as web_history

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.trends.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

lang = f.lang
label = i18n.indicator_label(f.indicator, lang)
years = web.available_years()
st.caption(web.t("page.trends.intro", period=formats.year_span(years[0], years[-1], lang)))
if len(years) == 1:
    national = web.data("series_years")
    st.info(web.t("page.trends.one_year", year=years[0]) + (" " + web.t(
        "page.trends.national_years", period=formats.year_span(national[0], national[-1], lang)) if national else ""))

# --- district x year ------------------------------------------------------------------------------
st.subheader(web.t("page.trends.table_title", indicator=label))
web_history.heat_table(f.indicator, list(f.units) or None, key="trends_heat")

# --- one unit -------------------------------------------------------------------------------------
st.subheader(web.t("page.trends.unit"))
codes = web.sort_units(f.units or web.commission_codes())
code = st.selectbox(web.t("page.profile"), codes, index=None, key="trends_unit",
                    format_func=lambda c: i18n.unit_name(c, lang), placeholder=web.t("page.map.profile_placeholder"))
if code:
    with st.container(border=True):
        web_history.unit_history(code, f.indicator)
