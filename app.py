"""tipdash: `streamlit run app.py`. Navigation, the shared sidebar filters, then the chosen page."""
import streamlit as st

from tipdash import i18n, ui

st.set_page_config(layout="wide", page_title="tipdash", page_icon="🗺️")  # an emoji favicon is a data: URL; a :material: one is fetched from Google

lang = ui.lang()
pages = {
    page_id: st.Page(script, title=i18n.t(title_key, lang), icon=icon, url_path=page_id,
                     default=(page_id == "map"))
    for page_id, (script, title_key, icon) in ui.PAGES.items()
}
current = st.navigation(list(pages.values()))
page_id = next((pid for pid, p in pages.items() if p.url_path == current.url_path), "map")

try:
    ui.get_store()  # builds the 2022 database from data/seed once, if the file is missing
except Exception as exc:  # noqa: BLE001 -- say what is wrong instead of a traceback
    st.error(ui.t("page.app.db_error", error=str(exc)))
    st.stop()

ui.sidebar_filters(page_id)
st.sidebar.caption(ui.t("app.subtitle"))
ui.show_notices()
current.run()
