"""Downloads only a session that still holds a permission gets: the unsuppressed victims CSV.

Streamlit makes a deferred download's file when the browser asks for it, in another thread and
outside the session, and (separately) reruns the session with the button's ``on_click`` first.
So :func:`protected_download` splits the work:

1. ``on_click`` (in the session): ``web.auth.recheck`` (expiry, removed account, changed role,
   the permission), then the audit event -- written BEFORE anything is delivered -- then a grant
   for this click in the session's state. Refused: a visible message and no grant.
2. the data callable (outside the session): waits for this click's grant (a few seconds at
   most), takes it (one file per grant), checks the session again on its state object
   (``web.auth.still_allowed``), and only then makes the file, which ``hardening.OneTime``
   lets the browser fetch once (``/media/<id>`` is gone afterwards).
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

import streamlit as st

from tipdash.web import auth as web_auth
from tipdash.web.hardening import OneTime

_LOG = logging.getLogger("tipdash.downloads")
GRANT_WAIT = 20.0   # seconds the file waits for its click's on_click (normally well under 1 s)


class Refused(PermissionError):
    """The file of a protected download is not made (Streamlit shows "Failed to generate file")."""


def state_object():
    """This session's state object itself, which (unlike the ``st.session_state`` proxy) can be
    read from the thread that makes a deferred download."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_state if ctx is not None else st.session_state


def protected_download(label: str, make: Callable[[], bytes], *, permission: str, action: str, file_name: str,
                       mime: str, key: str, icon: str | None = None) -> None:
    """``st.download_button`` whose file is made only for a click that passed ``recheck`` and was
    audited as ``action`` (detail: ``file_name``); see the module docstring."""
    state = state_object()
    grant, message = f"_grant_{key}", f"_message_{key}"

    def clicked() -> None:
        ok = web_auth.recheck(permission, action) and web_auth.audited(action, file_name, message_key=message)
        st.session_state[grant] = (time.time(), ok)

    st.download_button(label, data=OneTime(lambda: deliver(state, grant, permission, make)), file_name=file_name,
                       mime=mime, key=key, on_click=clicked, icon=icon)
    refused = st.session_state.pop(message, None)       # under the button the user just clicked
    if refused:
        st.error(refused, icon=":material/block:")


def deliver(state, grant: str, permission: str, make: Callable[[], bytes], wait: float = GRANT_WAIT,
            poll: float = 0.05) -> bytes:
    """The file of one audited click, or :class:`Refused` (no click granted within ``wait``
    seconds, a refused click, or a session that no longer holds ``permission``)."""
    asked = time.time()
    while True:
        given: Any = state[grant] if grant in state else None
        if isinstance(given, tuple) and given[0] >= asked - wait:
            break
        if time.time() - asked > wait:
            raise Refused("no audited click for this download")
        time.sleep(poll)
    del state[grant]
    if not given[1]:
        raise Refused("the click was refused")
    ok, why = web_auth.still_allowed(state, permission)
    if not ok:
        _LOG.warning("protected download refused: %s", why)
        raise Refused(why)
    return make()
