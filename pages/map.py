"""Map: the chosen indicator by unit for the chosen year, national figures, table and unit profile."""
import streamlit as st

from tipdash import i18n, web
from tipdash.values import is_missing
from tipdash.web import map as web_map

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.map.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

lang = f.lang
ind = f.indicator

# --- national figures -------------------------------------------------------------------
uy = web.data("unit_year", f.year)
counts = uy["reporting_status"].value_counts()
reported = int(len(uy) - counts.get("not_reported", 0))
# the headline figures: the challenges-and-needs list is not a statistic, so it is not one of them
keys = ["sessions", "information_activities", "trainings", "members_trained", "victims", "ngo_partners"]
cols = [*st.columns(4), *st.columns(3)]  # the second row's long labels get a third of the width each
cols[0].metric(web.t("page.map.metric.reported"), web.t("page.common.n_of_m", n=reported, m=len(uy)))
for col, key in zip(cols[1:], keys):
    row = web.national_row(f.year, key)
    partial = bool(row.get("partial")) and not is_missing(row.get("total"))
    col.metric(i18n.indicator_label(key, lang), web.fmt_number(row.get("total"), bool(row.get("approximate"))),
               delta=web.t("note.trainings.partial") if partial else None, delta_color="off", delta_arrow="off",
               help=i18n.indicator_definition(key, lang) or None)
st.caption(web.t("page.map.national_caption"))

# --- the map ------------------------------------------------------------------------------
years = web.available_years()
has_prev = (f.year - 1) in years
change = st.toggle(web.t("page.map.change_toggle", prev=f.year - 1), key="map_change", disabled=not has_prev,
                   help=None if has_prev else web.t("page.map.no_prev", prev=f.year - 1))
change = bool(change and has_prev)
if change and ind == "victims":
    st.info(web.t("page.map.change_victims"))
    change = False

national_victims = web.data("national", f.year).set_index("indicator").at["victims", "total"]
if change:
    frame = web.data("change", f.year)
else:
    frame = web.protected_units(uy, national_victims)
cats = web_map.map_categories(frame, ind, change=change)
title = web.t("page.map.legend_change", indicator=i18n.indicator_label(ind, lang)) if change \
    else i18n.indicator_label(ind, lang)
st.subheader(web.t("page.map.subtitle", indicator=title, year=f.year))
fig = web_map.map_figure(cats, ind, highlight=f.units, legend_title=title)


def _on_select():
    points = (st.session_state.get("map") or {}).get("selection", {}).get("points", [])
    code = points[0].get("location") if points else None
    if code in web.commission_codes():
        st.session_state["profile_unit"] = code
        st.session_state.pop("_map_left_bank", None)
    elif code:
        st.session_state["_map_left_bank"] = code


st.plotly_chart(fig, on_select=_on_select, selection_mode="points", key="map",
                config={"displaylogo": False, "scrollZoom": True})
st.caption(web.t("page.map.click_hint"))
if not change and not (cats["category"].str.startswith("class_") | cats["category"].isin(["zero", "suppressed"])).any():
    nat_row = web.national_row(f.year, ind)
    if not is_missing(nat_row.get("total")):
        st.info(web.t("page.map.national_only", year=f.year, indicator=i18n.indicator_label(ind, lang),
                     value=web.fmt_number(nat_row.get("total"), bool(nat_row.get("approximate")))))
if st.session_state.get("_map_left_bank"):
    st.info(web.t("page.map.left_bank_info"))

# --- unit profile -------------------------------------------------------------------------
codes = web.sort_units(web.commission_codes())
st.selectbox(web.t("page.profile"), codes, index=None, key="profile_unit",
             format_func=lambda c: i18n.unit_name(c, lang),
             placeholder=web.t("page.map.profile_placeholder"))
code = st.session_state.get("profile_unit")
if code:
    with st.container(border=True):
        web.unit_profile(code, f.year)


# --- table of the same data ---------------------------------------------------------------
st.subheader(web.t("page.map.table_title", year=f.year))
cols_shown = ["code", "reporting_status", "status_inferred", *web.NUMERIC, "completeness", "completeness_na",
              "file_name"]
if change:
    extra = [f"{ind}_prev", f"{ind}_change"]
    tbl = web.protected_units(frame, national_victims)
    cols_shown = cols_shown[:2] + [ind, *extra] + [c for c in cols_shown[2:] if c != ind]
else:
    tbl = frame
tbl = web.sort_by_unit(tbl[[c for c in cols_shown if c in tbl.columns]])
if not tbl["status_inferred"].fillna(False).astype(bool).any():
    tbl = tbl.drop(columns=["status_inferred"])
if f.units:
    tbl = tbl[tbl["code"].isin(f.units)]
st.caption(web.t("page.common.na_note", mark=web.NA_MARK))
web.table(tbl.reset_index(drop=True), "indicators", year=f.year, filters=f.export_filters("year", "units"),
         key="map_table", height="content")

