"""Audit (admins): imports and reverts (in the database), sign-ins, failed sign-ins, sign-outs and
unsuppressed downloads (the events log beside it), newest first; the users, read-only."""
import streamlit as st

from tipdash import web
from tipdash.web import audit
from tipdash.web import auth as web_auth

web.require("audit")  # admins only; anyone else gets the sign-in prompt

st.title(web.t("page.audit.title"))
st.caption(web.t("page.audit.intro"))

log, actions = audit.actions()   # read again whenever a database is published or the events log grows

if len(log):
    lg = web.lang()
    chosen = st.multiselect(web.t("page.audit.filter_action"), actions, key="audit_actions",
                            format_func=lambda a: audit.action_label(a, lg),
                            placeholder=web.t("page.audit.all_actions"))
    shown, counts = audit.log_view(log, chosen)
    c1, c2, c3 = st.columns(3)
    c1.metric(web.t("page.audit.metric_events"), counts["events"])
    c2.metric(web.t("page.audit.metric_failed"), counts["failed"])
    c3.metric(web.t("page.audit.metric_unsuppressed"), counts["unsuppressed"])
    web.table(shown, "audit", filters={"action": list(chosen)} if chosen else None, key="audit_log")
else:
    st.info(web.t("page.audit.empty"))

if web_auth.allowed("users"):
    st.subheader(web.t("page.audit.users"))
    st.caption(web.t("page.audit.users_caption"))
    accounts = audit.accounts()
    if accounts is not None:
        web.table(accounts, "users", key="audit_users")
    else:
        st.info(web.t("page.audit.no_users"))
