"""Sign-in, roles and permissions, without streamlit (the pages ask `allowed`).

Users live in a local TOML file outside git (`config/users.toml`, or `$TIPDASH_CONFIG_DIR/users.toml`)
with argon2id hashes. Settings (`tipdash.toml` in the same folder) say whether anonymous visitors
may read the public aggregates and whether analysts may download unsuppressed victim figures.
Where an OpenID Connect provider signs people in instead, the ``[oidc]`` table of users.toml maps
their e-mail address to a role (`oidc_role`). Both ways end in the same check, `allowed`.
Wrong passwords are counted by `tipdash.limiter` (`rate_limiter`: a state file beside the
database) per user name, password and client address (`client_address`).
"""
from __future__ import annotations

import copy
import functools
import ipaddress
import os
import re
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tipdash import store
from tipdash.limiter import Limits, RateLimiter

ROLES = ("public", "commission", "analyst", "admin")
_RANK = {r: i for i, r in enumerate(ROLES)}
#: a commission's secretary: the public pages plus "Our report" of the ONE unit its account is
#: bound to (``unit`` in users.toml, `user_unit`); never analyst detail or unsuppressed figures
COMMISSION = "commission"

# The least role that holds each permission.
PERMISSIONS = {
    "view_public": "public",          # map, timeline, reporting, victims (suppressed), note
    "view_profile_detail": "analyst",  # partners, challenges, submissions list in a district profile
    "download_unsuppressed": "admin",  # analysts too when settings.analysts_unsuppressed
    "import": "admin",
    "history": "admin",
    "revert": "admin",
    "users": "admin",
    "audit": "admin",
    "file_report": "commission",       # "Our report": commission users (own unit) and admins (any unit)
    "campaign": "admin",               # "Reporting campaign": status, deadline, lock/unlock
}
#: permissions held by exactly these roles (not by every higher-ranked one): an analyst has no unit
#: and files nothing
ONLY_ROLES = {"file_report": ("commission", "admin")}

# Pages (by file stem) and the permission they need.
PAGE_PERMISSION = {
    "map": "view_public", "trends": "view_public", "timeline": "view_public", "victims": "view_public",
    "reporting": "view_public", "about": "view_public", "import": "import", "audit": "audit",
    "our_report": "file_report", "campaign": "campaign",
}

_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,64}$")
_hasher = PasswordHasher()  # argon2id, library defaults (memory-hard, ~50 ms here)


class AuthError(ValueError):
    """Bad user name, role or password policy."""


class RateLimited(RuntimeError):
    """Too many failed sign-ins for this user name, password or client; `wait` seconds remain."""

    def __init__(self, wait: float):
        super().__init__(f"Too many failed attempts; try again in {int(wait) + 1} s")
        self.wait = wait


@dataclass(frozen=True)
class Settings:
    public_access: bool = True
    analysts_unsuppressed: bool = False
    session_minutes: int = 60
    max_failures: int = 5             # per user name
    max_password_failures: int = 10   # per password, across user names
    max_client_failures: int = 30     # per client address
    lockout_seconds: int = 300
    trusted_proxies: tuple[str, ...] = ()   # addresses/networks whose X-Forwarded-For is believed


def config_dir() -> Path:
    env = os.environ.get("TIPDASH_CONFIG_DIR")
    return Path(env) if env else store.ROOT / "config"


def users_path() -> Path:
    return config_dir() / "users.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_dir() / "tipdash.toml"
    if not path.exists():
        return Settings()
    data = tomllib.loads(path.read_text(encoding="utf-8")).get("access", {})
    known = {k: data[k] for k in Settings.__dataclass_fields__ if k in data}
    if "trusted_proxies" in known:
        proxies = known["trusted_proxies"]
        known["trusted_proxies"] = tuple(str(p) for p in (proxies if isinstance(proxies, list) else [proxies]))
    return Settings(**known)


def current_settings() -> Settings:
    """config/tipdash.toml as it is now: parsed again only when the file changed (its version,
    ``store.file_version``: once per page run inside ``store.one_look``)."""
    path = config_dir() / "tipdash.toml"
    try:
        version = store.file_version(path)
    except OSError:
        return Settings()
    return Settings() if version is None else _settings_at(str(path), version[1])


@functools.lru_cache(maxsize=8)
def _settings_at(path: str, mtime_ns: int) -> Settings:
    return load_settings(Path(path))


def allowed(role: str | None, permission: str, settings: Settings | None = None) -> bool:
    """Does `role` hold `permission`? Anonymous is 'public' only when public access is on."""
    settings = settings or load_settings()
    role = role or ("public" if settings.public_access else None)
    if role is None:
        return False
    if role not in _RANK:
        return False
    if permission == "download_unsuppressed" and role == "analyst" and settings.analysts_unsuppressed:
        return True
    if permission in ONLY_ROLES:
        return role in ONLY_ROLES[permission]
    return _RANK[role] >= _RANK[PERMISSIONS[permission]]


def _load_file(path: Path) -> dict:
    """users.toml as a dict of the caller's own (it may change it). Read at every call (a
    signed-in session checks its account at every page run, and a changed password must count at
    once), parsed again only when the text changed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return copy.deepcopy(_parsed(text))


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict:
    return tomllib.loads(text)


def load_users(path: Path | None = None) -> dict[str, dict]:
    return _load_file(path or users_path()).get("users", {})


def load_oidc(path: Path | None = None) -> dict[str, str]:
    """The ``[oidc]`` table of users.toml: e-mail address (as the provider gives it) -> role."""
    table = _load_file(path or users_path()).get("oidc", {})
    return {str(k): str(v) for k, v in table.items() if isinstance(v, str)}


def oidc_role(email: str | None, path: Path | None = None) -> str | None:
    """The role of someone signed in through the OpenID Connect provider, or None.

    E-mail addresses match case-insensitively; an address that is not listed, or listed with
    something that is not a role, gets no role (the visitor stays anonymous)."""
    if not email or not isinstance(email, str):
        return None
    wanted = email.strip().lower()
    for listed, role in load_oidc(path).items():
        if listed.strip().lower() == wanted:
            return role if role in ROLES else None
    return None


def _toml_str(text: str) -> str:
    import json

    return json.dumps(text)  # a JSON string (ASCII, escaped) is a valid TOML basic string


def _write_users(users: dict[str, dict], path: Path) -> None:
    oidc = load_oidc(path)  # kept as it is: `users add/remove` must not drop the e-mail -> role table
    lines = ["# tipdash users (argon2id hashes). Keep this file out of git.", ""]
    for name in sorted(users):
        lines += [f'[users."{name}"]', f'role = "{users[name]["role"]}"', f'hash = "{users[name]["hash"]}"']
        if users[name].get("unit"):
            lines.append(f"unit = {_toml_str(str(users[name]['unit']))}")
        lines.append("")
    if oidc:
        lines += ["# OpenID Connect sign-in: e-mail address = role", "[oidc]"]
        lines += [f"{_toml_str(email)} = {_toml_str(role)}" for email, role in sorted(oidc.items())] + [""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)                      # O_EXCL below: never reuse a file with another mode
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)   # 0600 before the first byte
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            os.fchmod(fh.fileno(), 0o600)            # whatever the umask
            fh.write("\n".join(lines))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def add_user(name: str, role: str, password: str, path: Path | None = None, unit: str | None = None) -> None:
    """Create or replace a user (the password is hashed, never stored). A ``commission`` user is
    bound to one unit with a commission (``unit``: ISO code or name, resolved by `tipdash.units`)."""
    if not _NAME.match(name):
        raise AuthError("User name: 2-64 letters, digits or . _ @ -")
    if role not in ROLES[1:]:
        raise AuthError(f"Role must be one of: {', '.join(ROLES[1:])}")
    if len(password) < 10:
        raise AuthError("Password: at least 10 characters")
    code = _commission_unit(role, unit)
    path = path or users_path()
    users = load_users(path)
    users[name] = {"role": role, "hash": _hasher.hash(password), **({"unit": code} if code else {})}
    _write_users(users, path)


def _commission_unit(role: str, unit: str | None) -> str | None:
    """The unit code a commission account is bound to (required for that role, refused for others)."""
    from tipdash import units

    if role != COMMISSION:
        if unit:
            raise AuthError("--unit is only for the commission role")
        return None
    if not unit:
        raise AuthError("A commission user needs --unit (e.g. MD-CA)")
    match = units.resolve(unit, fuzzy=False)
    found = units.get(match.code) if match.ok else None
    if found is None or not found.has_commission:
        raise AuthError(f"Unknown unit or unit without a commission: {unit}")
    return found.code


def user_unit(name: str | None, path: Path | None = None) -> str | None:
    """The unit a commission account is bound to, read from users.toml NOW (never from a session:
    a session's state can be edited, the file cannot); None for any other account."""
    if not name:
        return None
    account = load_users(path).get(name)
    if not account or account.get("role") != COMMISSION:
        return None
    unit = account.get("unit")
    return unit if isinstance(unit, str) and unit else None


def remove_user(name: str, path: Path | None = None) -> bool:
    path = path or users_path()
    users = load_users(path)
    if users.pop(name, None) is None:
        return False
    _write_users(users, path)
    return True


def limits_path(db: str | os.PathLike) -> Path:
    """The rate limiter's state beside the database (writable by the service, shared by every
    server process that serves this database)."""
    db = Path(db)
    return db.with_name(db.name + ".signin-limits.json")


def rate_limiter(db: str | os.PathLike, settings: Settings | None = None) -> RateLimiter:
    """The sign-in rate limiter of ``db`` with the thresholds of ``settings``."""
    s = settings or load_settings()
    return RateLimiter(limits_path(db), Limits(max_failures=int(s.max_failures),
                                               max_password_failures=int(s.max_password_failures),
                                               max_client_failures=int(s.max_client_failures),
                                               lockout_seconds=float(s.lockout_seconds)))


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...] = ()) -> str | None:
    """The address sign-in failures are counted against, or None (not counted per client).

    ``peer`` is the address the connection comes from (None for the loopback interface, as
    ``st.context.ip_address`` gives it). When the peer is a trusted proxy, the client is the
    right-most address of ``X-Forwarded-For`` that is not a trusted proxy (the left part of the
    header is whatever the client sent). A loopback peer that is not a trusted proxy gives None:
    a proxy that is not declared would otherwise put every visitor under one counter."""
    def trusted(addr: str) -> bool:
        return _in_networks(addr, trusted_proxies)
    peer_addr = peer or "127.0.0.1"
    if trusted_proxies and trusted(peer_addr):
        hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
        for hop in reversed(hops):
            if not trusted(hop):
                return hop[:64] if _is_address(hop) else None
        return None
    return peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _in_networks(addr: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(str(net), strict=False):
                return True
        except ValueError:
            continue
    return False


_DUMMY_HASH = _hasher.hash("tipdash-dummy-password")
#: argon2 verifications running at once in this process: each takes 64 MiB and ~0.2 s of a core,
#: so a flood of parallel sign-ins waits here instead of growing the server by 64 MiB per attempt
VERIFY_SLOTS = threading.BoundedSemaphore(2)


def authenticate(name: str, password: str, limiter: RateLimiter, path: Path | None = None,
                 client: str | None = None) -> str | None:
    """The user's role, or None. Raises RateLimited while the name, the password or the client
    is locked (checked again once a verification slot is free, so parallel attempts cannot all
    pass the check before the first failure is counted).

    Unknown names are checked against a dummy hash so timing does not reveal which names exist.
    """
    def check() -> None:
        wait = limiter.wait(name, password, client)
        if wait > 0:
            raise RateLimited(wait)

    check()
    with VERIFY_SLOTS:
        check()
        user = load_users(path).get(name)
        try:
            _hasher.verify(user["hash"] if user else _DUMMY_HASH, password)
            ok = user is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            limiter.fail(name, password, client)
            return None
        limiter.clear(name)
        return user["role"]


def session_expired(signed_in_at: float, settings: Settings, now: float | None = None) -> bool:
    return ((now or time.time()) - signed_in_at) > settings.session_minutes * 60
