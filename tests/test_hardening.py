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


def test_no_raw_html_in_the_app():
    """No unsafe_allow_html, st.html or HTML components anywhere in app.py, pages/ or tipdash/."""
    assert len(SOURCES) > 20
    pattern = re.compile(r"unsafe_allow_html|\bst\.html\(|components\.v1|components\.html\(|\.html\(")
    found = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
             for p in SOURCES for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line) and not line.lstrip().startswith("#")]
    assert not found, found
