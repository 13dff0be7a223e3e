"""What the browser knows about the page: its title ("Hartă — Comisii teritoriale TIP") and the
language of the document (``<html lang="ro">``), so that screen readers, spell-checkers, search
and translation tools read each language as that language.

Streamlit sets the title (``st.set_page_config``) but has no setting for ``<html lang>``: one
custom component of Streamlit's second component API (mounted in the page, not in an iframe) runs
three lines of our own JavaScript. Its only input is the language code, checked against :data:`tipdash.i18n.LANGS` on
both sides; it carries no data and renders nothing.
"""
from __future__ import annotations

import streamlit as st

from tipdash import i18n

#: fixed code: set <html lang> to the code it is given, if it is one of ours
_JS = """
export default function (component) {
    const lang = String(component.data || "");
    if (["ro", "en", "ru"].includes(lang)) { document.documentElement.lang = lang; }
}
"""
_html_lang = st.components.v2.component("tipdash_html_lang", js=_JS)
_KEY = "tipdash_html_lang"


def page_title(page_title: str, lang: str) -> str:
    """"<page> — <app>" in ``lang``."""
    return i18n.t("app.page_title", lang, page=page_title)


def set_head(page_title_text: str, lang: str) -> None:
    """Title of the browser tab and ``<html lang>`` for the page being shown."""
    lang = i18n.normalise_lang(lang)
    st.set_page_config(page_title=page_title(page_title_text, lang))
    with st.sidebar:
        _html_lang(data=lang if lang in i18n.LANGS else i18n.DEFAULT_LANG, key=_KEY)
