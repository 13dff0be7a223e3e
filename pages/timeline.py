"""Timeline: the yearly summary of the whole period first, then dated activities per month/week (undated
ones in a collapsed table), sessions per quarter, trainings and campaigns as periods."""

import streamlit as st

from tipdash import i18n, web
from tipdash.i18n import formats
from tipdash.web import history as web_history
from tipdash.web import views as web_views

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

f = web.filters()
st.title(web.t("page.timeline.title"))
if f.years is None:
    st.info(web.t("page.common.no_data_import"))
    st.stop()

lang = f.lang
y0, y1 = f.years
span = y0 if y0 == y1 else (y0, y1)
flt = f.export_filters("years", "units")

# --- summary first: the whole period, per year ----------------------------------------------------
years = web.available_years()
st.subheader(web.t("page.timeline.summary", period=formats.year_span(years[0], years[-1], lang)))
totals = web_views.yearly_totals(tuple(years), f.units)
left, right = st.columns(2)
for col, ind in ((left, "sessions"), (right, "information_activities")):
    with col:
        web.chart(web_history.yearly_chart(ind, tuple(years), f.units), f"tl_sum_{ind}",
                  i18n.indicator_label(ind, lang), year=(years[0], years[-1]), name=f"timeline_{ind}_per_year")
st.caption(web.t("page.timeline.summary_caption"))
with (box := web.folded(web.t("page.common.data_table"), "tl_sum_box")):
    if box.open:
        web.table(totals, "yearly_totals", year=(years[0], years[-1]), filters=f.export_filters("units"), key="tl_sum")

# --- dated activities -------------------------------------------------------------------------
st.subheader(web.t("page.timeline.activities", period=formats.year_span(y0, y1, lang)))
c1, c2 = st.columns(2)
freq = web.choice("tl_freq", c1.segmented_control, ["M", "W"], "M", label=web.t("page.timeline.freq"),
                  required=True, format_func=lambda v: i18n.t(f"page.timeline.freq.{v}", lang))
by = web.choice("tl_by", c2.segmented_control, ["type", "target_group"], "type", label=web.t("page.timeline.by"),
                required=True, format_func=lambda v: i18n.column_label(v, lang))
v = web_views.timeline(y0, y1, f.units, freq, by)
acts, shown = v["activities"], v["activities_shown"]
if len(acts):
    fig = web.period_bars(shown, "period", "activities", "label", start=y0, end=y1, days=24 if freq == "M" else 5,
                         hover_period="when",
                         labels={"period": i18n.column_label("period", lang), "when": i18n.column_label("period", lang),
                                 "activities": i18n.column_label("activities", lang), "label": ""})
    web.chart(fig, "tl_activities", web.t("page.timeline.activities", period=formats.year_span(y0, y1, lang)),
              year=(y0, y1), name=f"timeline_activities_{freq}_{by}")
    with (box := web.folded(web.t("page.common.data_table"), "tl_acts_box")):
        if box.open:
            web.table(acts, "activities_timeline", year=span, filters={**flt, "freq": freq, "by": by}, key="tl_acts")
else:
    st.info(web.t("page.timeline.no_dated_activities"))

undated = v["undated"]
if len(undated):   # totals of a year without a date: listed, not drawn at a point in time
    with (box := web.folded(web.t("page.timeline.undated_title") + f" ({web.fmt_number(len(undated))})",
                            "tl_undated_box")):
        st.caption(web.t("page.timeline.undated_caption"))
        if box.open:
            web.table(undated, "undated_activities", year=span, filters=flt, key="tl_undated")

# --- sessions -----------------------------------------------------------------------------------
st.subheader(web.t("page.timeline.sessions"))
q, qq = v["quarters"], v["quarters_shown"]
if len(q):
    web.chart(web.period_bars(qq, "start", "sessions", None, start=y0, end=y1, days=80, hover_period="quarter",
                            labels={"quarter": i18n.column_label("quarter", lang), "start": "",
                                    "sessions": i18n.indicator_label("sessions", lang)}),
             "tl_quarters", web.t("page.timeline.sessions"), year=(y0, y1), name="timeline_sessions_per_quarter")
    st.caption(web.t("page.timeline.quarters_caption"))
    with (box := web.folded(web.t("page.common.data_table"), "tl_q_box")):
        if box.open:
            web.table(q, "sessions_per_quarter", year=span, filters=flt, key="tl_q")
else:
    st.info(web.t("page.timeline.no_dated_sessions"))

# --- periods: trainings and campaigns ------------------------------------------------------------
st.subheader(web.t("page.timeline.periods"))
per, dated = v["periods"], v["periods_dated"]
if len(dated):
    web.chart(web.periods_figure(dated), "tl_periods", web.t("page.timeline.periods"), year=(y0, y1),
              name="timeline_periods")   # one bar per period, in the reader's language
    st.caption(web.t("page.timeline.periods_caption"))
else:
    st.info(web.t("page.timeline.no_periods"))
if len(per):
    web.table(per, "periods", year=span, filters=flt, key="tl_periods_tbl")
