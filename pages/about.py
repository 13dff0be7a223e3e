"""About / definitions: what each indicator means, where the figures come from, privacy, the map."""
import streamlit as st

from tipdash import i18n, privacy, web
from tipdash.web import tables as web_tables
from tipdash.values import is_missing

web.require("view_public")  # the sign-in prompt instead of the page when public access is off

lang = web.lang()
try:
    last = web.data("last_import")
except Exception:  # noqa: BLE001
    last = None
last_text = (last.strftime("%Y-%m-%d %H:%M UTC") if last is not None and not is_missing(last)
             else web.t("common.no_data"))

# one markdown block per stretch of text (each element costs every visitor's run its own message)
st.title(web.t("page.about.title"))
st.markdown(web.t("page.about.intro") + "\n\n### " + web.t("page.about.definitions"))
defs, shown = web_tables.definitions()
st.table(shown, hide_index=False)   # long definitions wrap; the index: the indicators
web_tables.download_buttons(defs, "definitions", key="about_defs", shared_frame=True)
statuses = "\n".join(f"- **{i18n.vocab_label('reporting_status', c, lang)}**: {web.t(f'page.about.status.{c}')}"
                     for c in ("not_reported", "reported_no_sessions", "met"))
st.markdown("\n\n".join([
    web.t("page.about.blank_rule"), statuses,
    "### " + web.t("page.about.sources"), web.t("page.about.source_note"), web.t("page.about.source_imports"),
    web.t("page.about.source_national"), web.t("page.about.last_import", when=last_text),
    "### " + web.t("page.about.privacy"),
    web.t("page.about.privacy_rule", threshold=privacy.threshold(), label=privacy.label()),
    web.t("page.about.privacy_scope"),
    "### " + web.t("page.about.licence"), web.t("page.about.licence_data"), web.t("page.about.licence_national"),
    web.t("page.about.licence_map")]))
st.caption(web.t("page.about.map_disclaimer"))
