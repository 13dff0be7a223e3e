"""Reporting campaign (admins): per commission, who has filed the year's report, who is late, how
complete each report is, the last change and who made it; the late units' contacts; lock/unlock."""
import datetime as dt

import streamlit as st

from tipdash import web
from tipdash.i18n import formats
from tipdash.reports import campaign
from tipdash.web import campaign as web_campaign
from tipdash.web.report import year_lock

web.require("campaign")  # admins only

head = st.container()
this_year = dt.date.today().year
year = int(st.selectbox(web.t("campaign.year"), list(range(this_year, 2014, -1)), index=1, key="campaign_year"))
head.title(web.t("campaign.title", year=year))
head.caption(web.t("campaign.intro"))
web_campaign.message()

due = campaign.deadline(year)
locked, info = year_lock(year)
if due is None:
    st.info(web.t("campaign.no_deadline", year=year), icon=":material/event_busy:")
else:
    st.markdown(web.t("campaign.deadline", date=formats.day(due, web.lang())))
if locked:
    st.warning(web.t("campaign.locked", year=year, at=f"{info['changed_at']:%Y-%m-%d %H:%M}",
                     user=info["changed_by"] or "?"), icon=":material/lock:")
else:
    st.info(web.t("campaign.open", year=year), icon=":material/lock_open:")

status, late, counts = web_campaign.view(year, due, locked)
st.markdown(web.t("campaign.counts", **counts))

st.subheader(web.t("campaign.table"))
st.caption(web.t("campaign.completeness_help"))
web.table(status, "campaign", year=year, key="campaign_status")

st.subheader(web.t("campaign.late_title"))
if late is not None:
    st.caption(web.t("campaign.contacts_note"))
    web.table(late, "campaign_late", year=year, key="campaign_late")
else:
    st.success(web.t("campaign.no_late"))

if locked:
    st.text_input(web.t("campaign.unlock_reason"), key="campaign_unlock_reason", max_chars=500)
    st.button(web.t("campaign.unlock"), key="campaign_unlock", on_click=web_campaign.unlock, args=(year,),
              icon=":material/lock_open:")
else:
    st.checkbox(web.t("campaign.lock_confirm", year=year), key="campaign_lock_confirm")
    st.button(web.t("campaign.lock"), key="campaign_lock", type="primary", on_click=web_campaign.lock,
              args=(year,), icon=":material/lock:")
