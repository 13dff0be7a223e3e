"""Audit (admins): imports and reverts (in the database), sign-ins, failed sign-ins, sign-outs and
unsuppressed downloads (the events log beside it), newest first; the users, read-only."""
import pandas as pd
import streamlit as st

from tipdash import auth, i18n, web
from tipdash.web import auth as web_auth

web.require("audit")  # admins only; anyone else gets the sign-in prompt

st.title(web.t("page.audit.title"))
st.caption(web.t("page.audit.intro"))

COLUMNS = ["at", "who", "action", "detail", "sha256"]

log = web.audit_log()   # read again whenever a database is published or the events log grows


def action_label(code) -> str:
    return i18n.t_or(f"audit.action.{code}", str(code), web.lang())


if len(log):
    actions = sorted(log["action"].dropna().unique())
    chosen = st.multiselect(web.t("page.audit.filter_action"), actions, key="audit_actions",
                            format_func=action_label, placeholder=web.t("page.audit.all_actions"))
    shown = log[log["action"].isin(chosen)] if chosen else log
    c1, c2, c3 = st.columns(3)
    c1.metric(web.t("page.audit.metric_events"), len(shown))
    c2.metric(web.t("page.audit.metric_failed"), int((shown["action"] == "sign_in_failed").sum()))
    c3.metric(web.t("page.audit.metric_unsuppressed"), int((shown["action"] == "download_unsuppressed").sum()))
    shown = shown[COLUMNS].reset_index(drop=True)
    shown["action"] = shown["action"].map({a: action_label(a) for a in actions})
    web.table(shown, "audit", filters={"action": list(chosen)} if chosen else None, key="audit_log")
else:
    st.info(web.t("page.audit.empty"))

if web_auth.allowed("users"):
    st.subheader(web.t("page.audit.users"))
    st.caption(web.t("page.audit.users_caption"))
    users = pd.DataFrame([{"name": name, "role": u.get("role")} for name, u in sorted(auth.load_users().items())],
                         columns=["name", "role"])
    oidc = pd.DataFrame([{"name": email, "role": role} for email, role in sorted(auth.load_oidc().items())],
                        columns=["name", "role"])
    if len(users) or len(oidc):
        frame = pd.concat([users.assign(via="password"), oidc.assign(via="oidc")], ignore_index=True)
        frame["role"] = [web.t(f"auth.role.{r}") if r in auth.ROLES else str(r) for r in frame["role"]]
        frame["via"] = [web.t(f"page.audit.via.{v}") for v in frame["via"]]
        web.table(frame, "users", key="audit_users")
    else:
        st.info(web.t("page.audit.no_users"))
