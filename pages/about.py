"""About / definitions: what each indicator means, where the figures come from, privacy, the map."""
import streamlit as st

from tipdash import i18n, privacy, web
from tipdash.web import tables as web_tables
from tipdash.values import is_missing

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

lang = web.lang()
st.title(web.t("page.about.title"))
st.markdown(web.t("page.about.intro"))

st.subheader(web.t("page.about.definitions"))
defs, shown = web_tables.definitions()
st.table(shown, hide_index=False)   # long definitions wrap; the index: the indicators
web_tables.download_buttons(defs, "definitions", key="about_defs", shared_frame=True)
st.markdown(web.t("page.about.blank_rule"))
st.markdown("\n".join(f"- **{i18n.vocab_label('reporting_status', c, lang)}**: {web.t(f'page.about.status.{c}')}"
                      for c in ("not_reported", "reported_no_sessions", "met")))

st.subheader(web.t("page.about.sources"))
st.markdown(web.t("page.about.source_note"))
st.markdown(web.t("page.about.source_imports"))
st.markdown(web.t("page.about.source_national"))
try:
    last = web.data("last_import")
except Exception:  # noqa: BLE001
    last = None
st.markdown(web.t("page.about.last_import",
                 when=last.strftime("%Y-%m-%d %H:%M UTC") if last is not None and not is_missing(last)
                 else web.t("common.no_data")))

st.subheader(web.t("page.about.privacy"))
st.markdown(web.t("page.about.privacy_rule", threshold=privacy.threshold(), label=privacy.label()))
st.markdown(web.t("page.about.privacy_scope"))

st.subheader(web.t("page.about.licence"))
st.markdown(web.t("page.about.licence_data"))
st.markdown(web.t("page.about.licence_national"))
st.markdown(web.t("page.about.licence_map"))
st.caption(web.t("page.about.map_disclaimer"))
