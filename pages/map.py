"""Map: the chosen indicator by unit for the chosen year (and every year: slider, play, ranking; or its
change against a base year), national figures, table and unit profile (with its history)."""
import streamlit as st

from tipdash import i18n, web
from tipdash.values import is_missing
from tipdash.web import history as web_history
from tipdash.web import map_section
from tipdash.web import profile as web_profile
from tipdash.web import views as web_views

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.map.title"))
if f.year is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

lang = f.lang
ind = f.indicator

# --- unit profile -------------------------------------------------------------------------
code = web_profile.profile_picker(web.sort_units(web.commission_codes()))


# --- the map: every year (slider, play), the ranking beside it, level or change -----------------
base, frame = map_section.map_section(f.year, ind, f.units)
change = base is not None

# --- national figures (after the map: on a phone the map comes first) ------------------------
v = web_views.map_page(frame, f.year, ind, base, f.units)
# the headline figures: the challenges-and-needs list is not a statistic, so it is not one of them
keys = ["sessions", "information_activities", "trainings", "members_trained", "victims", "ngo_partners"]
row = st.container(horizontal=True, gap="medium")   # a compact row that wraps (two a line on a phone)
cols = [row.container(width=168) for _ in range(len(keys) + 1)]
cols[0].metric(web.t("page.map.metric.reported"), web.t("page.common.n_of_m", n=v["reported"], m=v["units"]))
for col, key in zip(cols[1:], keys):
    row = web.national_row(f.year, key)
    partial = bool(row.get("partial")) and not is_missing(row.get("total"))
    col.metric(i18n.indicator_label(key, lang), web.fmt_number(row.get("total"), bool(row.get("approximate"))),
               delta=web.t("note.trainings.partial") if partial else None, delta_color="off", delta_arrow="off",
               help=i18n.indicator_definition(key, lang) or None)
st.caption(web.t("page.map.national_caption"))


def _profile(code: str) -> None:
    """The profile opens over the map, where the eye is (Esc or the close button dismiss it)."""
    web_history.unit_history(code, ind)
    web.unit_profile(code, f.year)
    web_profile.profile_link(code)


if code:
    st.dialog(web.t("page.profile.dialog", unit=web.unit_name(code)), width="large",
              on_dismiss=web_profile.close_profile)(_profile)(code)


# --- table of the same data ---------------------------------------------------------------
st.subheader(web.t("page.map.table_title_change", year=f.year, base=base) if change
             else web.t("page.map.table_title", year=f.year))
st.caption(web.t("page.common.na_note", mark=web.NA_MARK))
web.table(v["table"], "indicators", year=f.year, filters=f.export_filters("year", "units"),
         key="map_table", height="content")

