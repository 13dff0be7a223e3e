"""Hardening that a source change could undo silently: the Streamlit server settings and the
absence of raw HTML. (The upload endpoint, URL access and load are in tests/e2e/test_security.py
and tests/e2e/test_load.py; roles in tests/web/test_roles.py.)"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".streamlit" / "config.toml"
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "tipdash").rglob("*.py"))]


def test_streamlit_config_keeps_the_hardened_settings():
    cfg = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    server, browser, client = cfg.get("server", {}), cfg.get("browser", {}), cfg.get("client", {})
    assert server.get("enableXsrfProtection") is True, "XSRF protection must stay on"
    assert server.get("maxUploadSize") == 10, "uploads are limited to 10 MB"
    assert browser.get("gatherUsageStats") is False, "no usage statistics leave the machine"
    assert server.get("headless") is True
    assert client.get("showErrorDetails") == "none", "no tracebacks to visitors"
    assert server.get("enableCORS", True) is True
    # a deployed server neither reloads code changed on disk nor re-resolves every module's path
    # after each run (a third of its CPU under load, bench/README.md "load")
    assert server.get("fileWatcherType") == "none" and server.get("runOnSave") is False


def test_the_upload_limit_matches_the_importer():
    from tipdash import ingest
    from tipdash.ingest import limits

    mb = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert ingest.MAX_BYTES == mb * 2**20
    assert limits.MAX_BYTES == ingest.MAX_BYTES


def test_the_run_commands_do_not_override_the_hardened_settings():
    """`make run` (and the test servers) must not switch these off on the command line."""
    texts = [(ROOT / "Makefile").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "e2e").glob("*.py")]
    for text in texts:
        assert not re.search(r"enableXsrfProtection[\"' ,=]+(false|False)", text)
        assert "--server.maxUploadSize" not in text and "--server.enableXsrfProtection" not in text
        assert not re.search(r"gatherUsageStats[\"' ,=]+(true|True)", text)


#: The one component allowed, and why: ``<html lang>`` must follow the chosen language and
#: Streamlit has no setting for it. Its JavaScript is a constant of that module, its only input is
#: the language code (checked against i18n.LANGS in Python and in the script), it renders nothing,
#: and it never receives data. Any other component, or this one given something else, fails below.
HTML_LANG_MODULE = ROOT / "tipdash" / "web" / "head.py"


def raw_html_uses(sources) -> list[str]:
    """Lines that put HTML or script into the page: unsafe_allow_html, st.html, v1/HTML components,
    and any v2 component outside HTML_LANG_MODULE."""
    pattern = re.compile(r"unsafe_allow_html|\bst\.html\(|components\.v1|components\.html\(|\.html\(|"
                         r"components\.v2|bidi_component")
    found = []
    for p in sources:
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if not pattern.search(line) or line.lstrip().startswith("#"):
                continue
            if p == HTML_LANG_MODULE and "components.v2.component(" in line and "js=_JS" in line:
                continue
            found.append(f"{p}:{i}: {line.strip()}")
    return found


def test_no_raw_html_in_the_app():
    """No unsafe_allow_html, st.html or HTML component that could carry data anywhere in app.py,
    pages/ or tipdash/ (the one exception: HTML_LANG_MODULE, checked below)."""
    assert len(SOURCES) > 20
    found = raw_html_uses(SOURCES)
    assert not found, found


def test_the_html_lang_component_carries_only_a_language_code():
    text = HTML_LANG_MODULE.read_text(encoding="utf-8")
    calls = re.findall(r"_html_lang\((.*)\)", text)
    assert calls == ['data=lang if lang in i18n.LANGS else i18n.DEFAULT_LANG, key=_KEY'], calls
    js = re.search(r'_JS = """(.*?)"""', text, re.S).group(1)
    assert "documentElement.lang" in js and '["ro", "en", "ru"].includes' in js
    assert not re.search(r"innerHTML|fetch\(|XMLHttpRequest|eval\(|import\(|src=", js)


def test_the_raw_html_check_can_fail(tmp_path):
    bad = tmp_path / "page.py"
    bad.write_text('st.components.v2.component("x", html=user_text)\nst.markdown(t, unsafe_allow_html=True)\n',
                   encoding="utf-8")
    assert len(raw_html_uses([bad])) == 2
