"""tipdash: `streamlit run app.py`. Sign-in state, navigation, the shared sidebar filters, then the page.

Every page stays in the navigation whatever the role (a page the visitor may not open shows a
lock, and its own ``web.require`` guard shows the sign-in prompt instead of its data)."""
import streamlit as st

from tipdash import auth, i18n, web
from tipdash.web import auth as web_auth
from tipdash.web import head as web_head
from tipdash.web import view

st.set_page_config(layout="wide", page_title="tipdash", page_icon="🗺️")  # an emoji favicon is a data: URL; a :material: one is fetched from Google


def _may_open(page_id: str) -> bool:
    return web_auth.allowed(auth.PAGE_PERMISSION.get(page_id, "view_public"))


def _pages(opens: tuple[bool, ...]) -> dict[str, st.Page]:
    """The navigation's pages in the session's language, a lock on those the visitor may not open."""
    return {page_id: st.Page(script, title=i18n.t(title_key, lang), icon=icon if may else ":material/lock:",
                             url_path=page_id, default=(page_id == "map"))
            for (page_id, (script, title_key, icon)), may in zip(web.PAGES.items(), opens)}


with web.page_run():   # one stat of each file per run (the database's version, the settings); one language
    lang = web.lang()
    web_auth.check_session()  # expiry, OpenID identity, role changes: before anything is shown

    opens = tuple(_may_open(p) for p in web.PAGES)
    pages = web.session_once("pages", (lang, opens), lambda: _pages(opens))
    # position "top": the sidebar (filters) stays shut on a phone after a page change
    current = st.navigation(list(pages.values()), position="top")
    page_id = next((pid for pid, p in pages.items() if p.url_path == current.url_path), "map")
    web_head.set_head(current.title, lang)  # "Hartă — Comisii teritoriale TIP" and <html lang="ro">

    try:
        web.get_store()  # builds the 2022 database from data/seed once, if the file is missing
    except Exception as exc:  # noqa: BLE001 -- say what is wrong instead of a traceback
        st.error(web.t("page.app.db_error", error=str(exc)))
        st.stop()

    web.sidebar_filters(page_id if _may_open(page_id) else None)
    share = st.sidebar.container()      # the link to this view: filled once the page has drawn its parts
    web_auth.sidebar(locked=not _may_open(page_id))
    st.sidebar.caption(web.t("app.subtitle"))
    web.show_notices()
    web_auth.show_notices()
    try:
        current.run()
    finally:   # also after st.stop(): the URL and the link say what the page shows
        view.write_url(lang)
        view.share_box(share, lang)
