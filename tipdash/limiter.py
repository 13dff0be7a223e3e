"""The sign-in rate limiter, shared by every server process on the machine.

Its state is a small JSON file (mode 0600, beside the database) read and written under an
``flock``, so two replicas behind one proxy count the same failures, and nothing a browser can
send (Streamlit's ``clear_cache`` message empties every ``st.cache_*``) can reset it.

Three counters, each a list of failure times within the lockout window:

* a user name (case-insensitive): ``max_failures`` failures lock that name;
* a password, across user names (spraying one password over many names): only an HMAC of the
  password is kept, keyed with a random key that lives in the same file, never the password;
* a client address, where there is one (see ``auth.client_address``).

A locked counter refuses every attempt it covers, the right password included, until its
oldest counted failure leaves the window.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

#: keys kept at most; beyond, unlocked keys with the oldest failures go first (a flood of new
#: names must not push a locked name out of the file)
MAX_KEYS = 5000


@dataclass(frozen=True)
class Limits:
    max_failures: int = 5            # per user name
    max_password_failures: int = 10  # per password, across user names
    max_client_failures: int = 30    # per client address
    lockout_seconds: float = 300


class RateLimiter:
    """Failed sign-ins counted in ``path`` (created 0600 on first use)."""

    def __init__(self, path: str | os.PathLike, limits: Limits | None = None, clock=time.time):
        self.path, self.limits, self.clock = Path(path), limits or Limits(), clock

    # ------------------------------------------------------------------ public
    def wait(self, name: str, password: str | None = None, client: str | None = None) -> float:
        """Seconds until an attempt for this name / password / client may be checked (0: now)."""
        with self._state() as state:
            now = self.clock()
            return max((self._locked_for(state, key, cap, now)
                        for key, cap in self._keys(state, name, password, client)), default=0.0)

    def fail(self, name: str, password: str | None = None, client: str | None = None) -> None:
        """Count one failed attempt against each of its keys."""
        with self._state(write=True) as state:
            now = self.clock()
            for key, cap in self._keys(state, name, password, client):
                times = [t for t in state["failures"].get(key, []) if now - t < self.limits.lockout_seconds]
                state["failures"][key] = (times + [now])[-cap:]

    def clear(self, name: str) -> None:
        """A successful sign-in clears its name (not the password's or the client's counter)."""
        with self._state(write=True) as state:
            state["failures"].pop(self._name_key(name), None)

    # ------------------------------------------------------------------ keys
    @staticmethod
    def _name_key(name: str) -> str:
        return "n:" + name.strip().lower()

    def _keys(self, state: dict, name: str, password: str | None, client: str | None) -> list[tuple[str, int]]:
        keys = [(self._name_key(name), self.limits.max_failures)]
        if password:
            digest = hmac.new(bytes.fromhex(state["key"]), password.encode("utf-8"), hashlib.sha256).hexdigest()
            keys.append(("p:" + digest[:32], self.limits.max_password_failures))
        if client:
            keys.append(("c:" + client, self.limits.max_client_failures))
        return [(k, max(1, int(cap))) for k, cap in keys]

    def _locked_for(self, state: dict, key: str, cap: int, now: float) -> float:
        recent = [t for t in state["failures"].get(key, []) if now - t < self.limits.lockout_seconds]
        if len(recent) < cap:
            return 0.0
        return self.limits.lockout_seconds - (now - recent[-cap])

    # ------------------------------------------------------------------ the file
    def _state(self, write: bool = False):
        return _LockedState(self, write)

    def _prune(self, state: dict) -> None:
        now = self.clock()
        window = self.limits.lockout_seconds
        failures = {k: [t for t in v if now - t < window] for k, v in state["failures"].items()}
        failures = {k: v for k, v in failures.items() if v}
        if len(failures) > MAX_KEYS:
            def keep_first(item):  # locked keys (long lists) last to go, then the newest
                return (len(item[1]) >= self.limits.max_failures, item[1][-1])
            failures = dict(sorted(failures.items(), key=keep_first, reverse=True)[:MAX_KEYS])
        state["failures"] = failures


class _LockedState:
    """``with``: the state dict, under an exclusive flock; written back on exit when ``write``."""

    def __init__(self, limiter: RateLimiter, write: bool):
        self.limiter, self.write = limiter, write

    def __enter__(self) -> dict:
        path = self.limiter.path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(self.fd, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            with open(self.fd, "rb", closefd=False) as fh:
                raw = fh.read()
            try:
                state = json.loads(raw.decode("utf-8")) if raw else {}
            except (ValueError, UnicodeDecodeError):
                state = {}                            # a damaged file starts afresh (with a new key)
            if not isinstance(state.get("key"), str) or not isinstance(state.get("failures"), dict):
                state = {"key": secrets.token_hex(32), "failures": {}}
                self.write = True
            self.state = state
            return state
        except BaseException:
            os.close(self.fd)
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if self.write and exc_type is None:
                self.limiter._prune(self.state)
                data = json.dumps(self.state, separators=(",", ":")).encode("utf-8")
                os.ftruncate(self.fd, 0)
                os.lseek(self.fd, 0, os.SEEK_SET)
                with open(self.fd, "wb", closefd=False) as fh:
                    fh.write(data)
        finally:
            os.close(self.fd)                         # closing releases the flock
