"""Sign-in in the dashboard (streamlit side of tipdash.auth).

* the sidebar form (user, password; in a "Sign in" panel, drawn when opened) -> ``auth.authenticate`` with the
  rate limiter of the database (``auth.rate_limiter``: a state file shared by every server process, never a
  Streamlit cache, which any client's ``clear_cache`` message empties), counting failures per user name, per
  password and per client address (``client``); or, where ``st.secrets`` has an ``[auth]`` section (an OpenID
  Connect provider), ``st.login()`` and ``auth.oidc_role(st.user.email)``;
* the signed-in user, role and time live in ``st.session_state`` (a browser reload, which starts a new Streamlit
  session, signs a password user out);
* ``check_session`` runs first on every run (app.py): it ends expired sessions (``auth.session_expired``) and
  follows role changes in users.toml. Widget callbacks run before app.py, so every privileged callback is
  wrapped in ``privileged(permission)``, which runs the same check again and refuses (message + ``refused``
  audit event) when it fails;
* ``allowed(permission)`` is the one check the pages use (through ``require``, below), whatever the way of
  signing in: ``auth.allowed(role, permission, settings)``;
* sign-ins, failed sign-ins and sign-outs are recorded with ``store.log_event`` beside the database (the Audit
  page shows them with the imports and reverts), BEFORE the action: when the event cannot be written (full disk)
  the sign-in does not happen (``audited``).
"""
from __future__ import annotations

import functools
import importlib.util
import logging
import time

import streamlit as st

from tipdash import auth, store
from tipdash.web.cache import db_path
from tipdash.web.state import page_guard, run_memo, t

USER, ROLE, AT, VIA = "auth_user", "auth_role", "auth_signed_in_at", "auth_via"
FORM_USER, FORM_PASSWORD, FORM_SUBMIT, FORM_OPEN = "signin_user", "signin_password", "signin_submit", "signin_open"
_FORM_MSG = "_auth_form_message"      # (kind, text) under the sign-in form
_NOTICE = "_auth_notice"              # (kind, text) at the top of the page: expiry, sign-out
_OIDC_REFUSED = "_auth_oidc_refused"  # e-mail already recorded as refused in this session
_ERROR = "_auth_error"                # a refused action (audit log not writable, session ended)
_OIDC = "_auth_oidc"                  # whether st.login is configured (read once per session)
_LOG = logging.getLogger("tipdash.auth")


# ------------------------------------------------------------------------------ settings & state

def settings() -> auth.Settings:
    """``auth.current_settings()``, looked at once per page run (every permission check asks)."""
    return run_memo("settings", auth.current_settings)


def limiter() -> auth.RateLimiter:
    """The sign-in rate limiter of this database, shared by every server process (a state file
    beside the database, see ``tipdash.limiter``), with the thresholds of the settings."""
    return auth.rate_limiter(db_path(), settings())


def client() -> str | None:
    """The visitor's address for the per-client failure counter (``auth.client_address``: the
    connection's, or X-Forwarded-For's when the connection comes from a trusted proxy)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # noqa: BLE001 -- outside a session: no client counter
        return None
    peer = peer if isinstance(peer, str) else None               # (AppTest gives stand-ins)
    forwarded = forwarded if isinstance(forwarded, str) else None
    return auth.client_address(peer, forwarded, settings().trusted_proxies)


def user() -> str | None:
    """The signed-in user name (or e-mail address with OpenID Connect); None when anonymous."""
    return st.session_state.get(USER)


def role() -> str | None:
    """The role of this session; None = anonymous (who is 'public' only while public_access is on)."""
    return st.session_state.get(ROLE)


def allowed(permission: str) -> bool:
    return auth.allowed(role(), permission, settings())


def log(action: str, detail: str = "", who: str | None = None) -> None:
    """Append an audit event (sign-in, download ...) to ``<db>.events.jsonl``; raises OSError when
    it cannot be written (see ``audited``)."""
    store.log_event(db_path(), who if who is not None else user(), action, detail)


def audited(action: str, detail: str = "", who: str | None = None, message_key: str = _ERROR) -> bool:
    """Write the audit event of an action BEFORE the action: False (and the one message the user
    sees, ``auth.audit_failed``, under ``message_key`` of the session state: by default at the
    top of the page) when it cannot be written, and the action must not happen."""
    try:
        log(action, detail, who)
    except OSError:
        _LOG.exception("audit event %r could not be written", action)
        st.session_state[message_key] = t("auth.audit_failed")
        return False
    return True


def _printable(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:64]


def _clear() -> None:
    for key in (USER, ROLE, AT, VIA):
        st.session_state.pop(key, None)


def _signed_in(name: str, role_: str, via: str) -> bool:
    """Record the sign-in, then sign in (not at all when it cannot be recorded)."""
    if not audited("sign_in", f"role={role_}; via={via}", who=name):
        return False
    st.session_state.update({USER: name, ROLE: role_, AT: time.time(), VIA: via})
    return True


# ------------------------------------------------------------------------------ OpenID Connect

def _authlib_installed() -> bool:
    return importlib.util.find_spec("authlib") is not None


def oidc_configured() -> bool:
    """True when .streamlit/secrets.toml has an ``[auth]`` section (st.login is then used) and
    Authlib, which st.login needs, is installed; otherwise the password form is used. Once per
    session: without a secrets file Streamlit looks for one at every access."""
    if _OIDC not in st.session_state:
        st.session_state[_OIDC] = _oidc_configured()
    return st.session_state[_OIDC]


def _oidc_configured() -> bool:
    try:
        configured = "auth" in st.secrets and bool(st.secrets["auth"])
    except Exception:  # noqa: BLE001 -- no secrets file, or an unreadable one: password sign-in
        return False
    if configured and not _authlib_installed():
        _LOG.warning("[auth] is configured in secrets.toml but Authlib is not installed: "
                     "using the password form (pip install 'Authlib>=1.3.2')")
        return False
    return configured


def _oidc_provider() -> str | None:
    """None for a single unnamed provider (``[auth]`` holds client_id), else the first named one."""
    section = st.secrets["auth"]
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if hasattr(v, "keys")]
    return named[0] if named else None


def _sync_oidc() -> None:
    """Follow st.user: a newly signed-in address gets its role from users.toml [oidc]."""
    ss = st.session_state
    info = st.user
    if not info.get("is_logged_in"):
        if ss.get(VIA) == "oidc":
            _clear()
        return
    email = str(info.get("email") or "")
    mapped = auth.oidc_role(email)
    if ss.get(VIA) == "oidc" and ss.get(USER) == email:
        if mapped is None:
            _log_quietly("sign_out", "no role any more", who=email)
            _clear()
        elif mapped != ss.get(ROLE):
            ss[ROLE] = mapped
        return
    if mapped is None:
        if ss.get(_OIDC_REFUSED) != email:
            _log_quietly("sign_in_failed", "no role for this e-mail address (OpenID Connect)", who=_printable(email))
            ss[_OIDC_REFUSED] = email
        _clear()
        ss[_NOTICE] = ("warning", t("auth.oidc_no_role", email=_printable(email)))
        return
    _signed_in(email, mapped, "oidc")


# ------------------------------------------------------------------------------ every run

def _log_quietly(action: str, detail: str, who: str | None = None) -> None:
    """An audit event for something that happens anyway (a session ending): a full disk must not
    keep an expired session alive, so a failure is only reported in the server log."""
    try:
        log(action, detail, who)
    except OSError:
        _LOG.exception("audit event %r could not be written", action)


def check_session() -> None:
    """Run first on every run: OpenID identity, expiry, and role changes in users.toml."""
    ss = st.session_state
    if oidc_configured():
        _sync_oidc()
    elif ss.get(VIA) == "oidc":
        _clear()
    if ROLE not in ss and USER not in ss:
        return
    s = settings()
    via = ss.get(VIA, "password")
    at = ss.get(AT)
    if not isinstance(at, (int, float)) or auth.session_expired(float(at), s):
        _log_quietly("sign_out", "session expired")
        _clear()
        ss[_NOTICE] = ("warning", t("auth.expired", minutes=s.session_minutes))
        if via == "oidc":
            st.logout()
        return
    if via == "password":
        account = auth.load_users().get(ss.get(USER) or "")
        if account is None or account.get("role") not in auth.ROLES:
            _log_quietly("sign_out", "account removed")
            _clear()
            ss[_NOTICE] = ("warning", t("auth.account_removed"))
        elif account["role"] != ss.get(ROLE):
            ss[ROLE] = account["role"]


def show_notices() -> None:
    """Expiry / sign-out notices and refused actions, once, above the page."""
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        kind, text = notice
        (st.warning if kind == "warning" else st.info)(text, icon=":material/lock:")
    error = st.session_state.pop(_ERROR, None)
    if error:
        st.error(error, icon=":material/block:")


# ------------------------------------------------------------------------------ privileged actions

def recheck(permission: str, action: str) -> bool:
    """Inside a privileged callback: the session check of every run (expiry, removed account,
    changed role) and the permission, again; on refusal a visible message and a ``refused``
    audit event. Callbacks run before app.py's ``check_session``, so the role in the session
    may be stale."""
    who = user()
    check_session()
    if allowed(permission):
        return True
    _log_quietly("refused", f"{action}: needs {permission}; role now {role() or 'none'}", who=who)
    st.session_state[_ERROR] = t("auth.refused")
    return False


def _role_now(state) -> tuple[str | None, str]:
    """(role, why) of a session's state object read OUTSIDE its script run -- a deferred download,
    which Streamlit runs in another thread where ``st.session_state`` is empty: None when the
    session is anonymous, expired, or its account was removed (users.toml, or the [oidc] table);
    else the account's role now."""
    def get(key):
        return state[key] if key in state else None
    role_, name, at = get(ROLE), get(USER), get(AT)
    if role_ is None:
        return None, "anonymous"
    if not isinstance(at, (int, float)) or auth.session_expired(float(at), settings()):
        return None, "session expired"
    if (get(VIA) or "password") == "password":
        account = auth.load_users().get(name or "")
        role_ = account.get("role") if account else None
    else:
        role_ = auth.oidc_role(name)
    return (role_, f"role {role_}") if role_ in auth.ROLES else (None, "account removed")


def still_allowed(state, permission: str) -> tuple[bool, str]:
    """(allowed, why): does the session of ``state`` (see ``_role_now``) hold ``permission`` now?"""
    role_, why = _role_now(state)
    return auth.allowed(role_, permission, settings()), why


def still_signed_in(state, role_then: str | None) -> bool:
    """Does the session of ``state`` still hold at least the role it had when a download was drawn
    (``role_then``; None: drawn for anyone, so always)?"""
    if role_then is None:
        return True
    role_, _ = _role_now(state)
    return role_ is not None and auth.ROLES.index(role_) >= auth.ROLES.index(role_then)


def privileged(permission: str, action: str | None = None):
    """Decorator for the callback of a privileged widget (revert, unsuppressed download ...):
    ``recheck(permission)`` first; the callback runs only when it passes."""
    def wrap(fn):
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            if recheck(permission, action or fn.__name__):
                return fn(*args, **kwargs)
            return None
        return guarded
    return wrap


# ------------------------------------------------------------------------------ sidebar

def _sign_in() -> None:
    """Callback of the form's submit button (runs before the script, so the page that follows
    already has the new role)."""
    ss = st.session_state
    name = str(ss.get(FORM_USER) or "").strip()
    password = str(ss.get(FORM_PASSWORD) or "")
    ss[FORM_PASSWORD] = ""
    if not name or not password:
        ss[_FORM_MSG] = ("error", t("auth.missing"))
        return
    lim, addr = limiter(), client()
    try:
        role_ = auth.authenticate(name, password, lim, client=addr)
    except auth.RateLimited as exc:
        seconds = int(exc.wait) + 1
        if audited("sign_in_failed", f"rate limited, {seconds} s left", who=_printable(name)):
            ss[_FORM_MSG] = ("error", t("auth.rate_limited", seconds=seconds))
        return
    if role_ is None:
        if not audited("sign_in_failed", "wrong user name or password", who=_printable(name)):
            return
        wait = lim.wait(name, password, addr)
        text = t("auth.failed")
        if wait > 0:
            text += " " + t("auth.rate_limited", seconds=int(wait) + 1)
        ss[_FORM_MSG] = ("error", text)
        return
    ss.pop(_FORM_MSG, None)
    _signed_in(name, role_, "password")


def _sign_out() -> None:
    _log_quietly("sign_out", "signed out")
    _clear()
    st.session_state[_NOTICE] = ("info", t("auth.signed_out"))


def code_span(text: str) -> str:
    """A name shown verbatim in markdown (a code span cannot format or link)."""
    return "`" + _printable(text).replace("`", "'") + "`"


def sidebar(locked: bool = False) -> None:
    """Who is signed in and Sign out; or the OpenID button; or the form (``locked``: on a page that asks to sign in)."""
    ss = st.session_state
    box = st.sidebar.container(border=True)
    if ROLE in ss:
        box.markdown(t("auth.signed_in_as", user=code_span(ss.get(USER) or ""), role=t(f"auth.role.{ss[ROLE]}")))
        if ss.get(VIA) == "oidc":
            if box.button(t("auth.sign_out"), key="signout_oidc", icon=":material/logout:"):
                _log_quietly("sign_out", "signed out")
                _clear()
                st.logout()
        else:
            box.button(t("auth.sign_out"), key="signout", on_click=_sign_out, icon=":material/logout:")
        return
    if oidc_configured():
        if box.button(t("auth.oidc_sign_in"), key="signin_oidc", type="primary", icon=":material/login:"):
            st.login(_oidc_provider())
        return
    # most visitors never sign in: the form is drawn only in its open panel, or on a locked page
    where = box if locked else box.expander(t("auth.sign_in_title"), key=FORM_OPEN, on_change="rerun")
    if locked or where.open:
        with where.form("signin", border=False, enter_to_submit=True):
            st.markdown(f"**{t('auth.sign_in_title')}**" if locked else "")      # the panel has the title
            st.text_input(t("auth.user"), key=FORM_USER, max_chars=64, autocomplete="username")
            st.text_input(t("auth.password"), key=FORM_PASSWORD, type="password", max_chars=256, autocomplete="current-password")
            st.form_submit_button(t("auth.submit"), key=FORM_SUBMIT, on_click=_sign_in, type="primary", icon=":material/login:")
    if msg := ss.pop(_FORM_MSG, None):
        box.error(msg[1])


def prompt() -> None:
    """What a page shows instead of its data to a visitor without the permission."""
    st.title(t("auth.prompt_title"))
    r = role()
    if r is not None:
        st.warning(t("auth.prompt_role", role=t(f"auth.role.{r}")), icon=":material/lock:")
    elif not settings().public_access:
        st.info(t("auth.prompt_closed"), icon=":material/lock:")
    else:
        st.info(t("auth.prompt_anonymous"), icon=":material/lock:")


def require(permission: str) -> None:
    """The guard at the top of every page: without ``permission`` (see ``tipdash.auth``) show the
    sign-in prompt and stop, so a page reached by its URL never shows its data."""
    page_guard()
    if not allowed(permission):
        prompt()
        st.stop()
