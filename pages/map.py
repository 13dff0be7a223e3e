"""Map: the chosen indicator by unit for the chosen year (and every year: slider, play, ranking; or its
change against a base year), national figures, table and unit profile (with its history)."""
import streamlit as st

from tipdash import i18n, web
from tipdash.values import is_missing
from tipdash.web import history as web_history
from tipdash.web import map_section

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

# --- the map: every year (slider, play), the ranking beside it, level or change -----------------
base, frame = map_section.map_section(f.year, ind, f.units)
change = base is not None

# --- unit profile -------------------------------------------------------------------------
codes = web.sort_units(web.commission_codes())
st.selectbox(web.t("page.profile"), codes, index=None, key="profile_unit",
             format_func=lambda c: i18n.unit_name(c, lang),
             placeholder=web.t("page.map.profile_placeholder"))
code = st.session_state.get("profile_unit")
if code:
    with st.container(border=True):
        web_history.unit_history(code, ind)
        web.unit_profile(code, f.year)


# --- table of the same data ---------------------------------------------------------------
st.subheader(web.t("page.map.table_title_change", year=f.year, base=base) if change
             else web.t("page.map.table_title", year=f.year))
cols_shown = ["code", "reporting_status", "status_inferred", *web.NUMERIC, "completeness", "completeness_na",
              "file_name"]
if change:
    cols_shown = cols_shown[:2] + [ind, f"{ind}_prev", f"{ind}_change"] + [c for c in cols_shown[2:] if c != ind]
tbl = web.sort_by_unit(frame[[c for c in cols_shown if c in frame.columns]])    # victims protected already
if not tbl["status_inferred"].fillna(False).astype(bool).any():
    tbl = tbl.drop(columns=["status_inferred"])
if change:   # the base year is a choice: say which year each column is, not "previous year"
    label = i18n.indicator_label(ind, lang)
    tbl = tbl.rename(columns={f"{ind}_prev": web.t("page.map.col_base", indicator=label, year=base),
                              f"{ind}_change": web.t("page.map.col_change", indicator=label, base=base,
                                                     year=f.year)})
if f.units:
    tbl = tbl[tbl["code"].isin(f.units)]
st.caption(web.t("page.common.na_note", mark=web.NA_MARK))
web.table(tbl.reset_index(drop=True), "indicators", year=f.year, filters=f.export_filters("year", "units"),
         key="map_table", height="content")

