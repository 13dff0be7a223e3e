"""About / definitions: what each indicator means, where the figures come from, privacy, the map."""
import pandas as pd
import streamlit as st

from tipdash import i18n, privacy, ui

ui.require("view_public")  # the sign-in prompt instead of the page when public access is off

lang = ui.lang()
st.title(ui.t("page.about.title"))
st.markdown(ui.t("page.about.intro"))

st.subheader(ui.t("page.about.definitions"))
defs = pd.DataFrame({
    "indicator": [*ui.NUMERIC, "completeness", "reporting_status"],
})
defs["definition"] = [i18n.indicator_definition(k, lang) for k in defs["indicator"]]
defs = defs.rename(columns={"definition": ui.t("page.about.col.definition")})
ui.table(defs, "definitions", key="about_defs")
st.markdown(ui.t("page.about.blank_rule"))
st.markdown("\n".join(f"- **{i18n.vocab_label('reporting_status', c, lang)}**: {ui.t(f'page.about.status.{c}')}"
                      for c in ("not_reported", "reported_no_sessions", "met")))

st.subheader(ui.t("page.about.sources"))
st.markdown(ui.t("page.about.source_note"))
st.markdown(ui.t("page.about.source_imports"))
try:
    last = ui.data("last_import")
except Exception:  # noqa: BLE001
    last = None
st.markdown(ui.t("page.about.last_import",
                 when=last.strftime("%Y-%m-%d %H:%M UTC") if last is not None and not ui.is_na(last)
                 else ui.t("common.no_data")))

st.subheader(ui.t("page.about.privacy"))
st.markdown(ui.t("page.about.privacy_rule", threshold=privacy.threshold(), label=privacy.label()))

st.subheader(ui.t("page.about.licence"))
st.markdown(ui.t("page.about.licence_data"))
st.markdown(ui.t("page.about.licence_map"))
st.caption(ui.t("page.about.map_disclaimer"))
