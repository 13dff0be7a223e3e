"""The sign-in rate limiter (tipdash/limiter.py, security review D2 and D13): a state file shared by
every process, counting failures per user name, per password (as an HMAC) and per client address;
and at most two argon2 verifications at once (auth.VERIFY_SLOTS)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tipdash import auth, limiter
from tipdash.limiter import Limits, RateLimiter

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self):
        return self.t


@pytest.fixture()
def users(tmp_path, monkeypatch):
    monkeypatch.setenv("TIPDASH_CONFIG_DIR", str(tmp_path))
    auth.add_user("ion", "analyst", "right password 1")
    auth.add_user("ana", "admin", "right password 2")
    return tmp_path / "users.toml"


def test_a_name_is_locked_after_max_failures_case_insensitive_then_unlocked(tmp_path, users):
    clock = Clock()
    lim = RateLimiter(tmp_path / "l.json", Limits(max_failures=3, lockout_seconds=60), clock=clock)
    for i in range(3):
        assert auth.authenticate("ION" if i else "ion", f"wrong password {i}", lim) is None
    with pytest.raises(auth.RateLimited) as exc:
        auth.authenticate("Ion", "right password 1", lim)
    assert 59 < exc.value.wait <= 60
    clock.t += 61
    assert auth.authenticate("ion", "right password 1", lim) == "analyst"


def test_every_process_shares_the_state_file(tmp_path, users):
    path = tmp_path / "l.json"
    code = ("import sys; from tipdash.limiter import RateLimiter\n"
            "lim = RateLimiter(sys.argv[1])\n"
            "for i in range(5): lim.fail('ion', f'guess {i}')\n")
    subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, check=True, timeout=60)
    with pytest.raises(auth.RateLimited):                       # another process's failures count here
        auth.authenticate("ion", "right password 1", RateLimiter(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_one_password_sprayed_over_many_names_is_locked(tmp_path, users):
    lim = RateLimiter(tmp_path / "l.json", Limits(max_failures=5, max_password_failures=10))
    for i in range(10):
        assert auth.authenticate(f"user{i}", "Summer2024!", lim) is None
    with pytest.raises(auth.RateLimited):
        auth.authenticate("someone.else", "Summer2024!", lim)
    assert auth.authenticate("someone.else", "another guess", lim) is None   # other passwords: not locked
    # the file keeps a keyed hash of the password, never the password
    text = (tmp_path / "l.json").read_text()
    assert "Summer2024" not in text and "another guess" not in text
    state = json.loads(text)
    assert len(bytes.fromhex(state["key"])) == 32
    other = RateLimiter(tmp_path / "other.json")
    other.fail("x", "Summer2024!")
    digests = lambda p: {k for k in json.loads(p.read_text())["failures"] if k.startswith("p:")}  # noqa: E731
    assert not digests(tmp_path / "l.json") & digests(tmp_path / "other.json")   # a random key per file


def test_one_client_address_is_locked_across_names_and_passwords(tmp_path, users):
    lim = RateLimiter(tmp_path / "l.json", Limits(max_client_failures=6))
    for i in range(6):
        assert auth.authenticate(f"name{i}", f"password {i}", lim, client="203.0.113.7") is None
    with pytest.raises(auth.RateLimited):
        auth.authenticate("ana", "right password 2", lim, client="203.0.113.7")
    assert auth.authenticate("ana", "right password 2", lim, client="198.51.100.1") == "admin"


def test_a_success_clears_the_name_only(tmp_path, users):
    lim = RateLimiter(tmp_path / "l.json", Limits(max_failures=3, max_client_failures=3))
    auth.authenticate("ion", "wrong wrong 1", lim, client="203.0.113.7")
    auth.authenticate("ion", "wrong wrong 2", lim, client="203.0.113.7")
    assert auth.authenticate("ion", "right password 1", lim, client="203.0.113.7") == "analyst"
    assert lim.wait("ion") == 0
    auth.authenticate("x", "wrong wrong 3", lim, client="203.0.113.7")
    assert lim.wait("ana", "p", "203.0.113.7") > 0                  # the client's 3 failures still count


def test_a_flood_of_new_names_does_not_push_out_a_locked_name(tmp_path, monkeypatch):
    monkeypatch.setattr(limiter, "MAX_KEYS", 50)
    lim = RateLimiter(tmp_path / "l.json", Limits(max_failures=3, max_password_failures=10**6))
    for _ in range(3):
        lim.fail("target")
    for i in range(200):
        lim.fail(f"flood{i}", "x")
    assert lim.wait("target") > 0
    assert len(json.loads((tmp_path / "l.json").read_text())["failures"]) <= 50


def test_a_damaged_state_file_starts_afresh(tmp_path):
    path = tmp_path / "l.json"
    path.write_text("{not json")
    lim = RateLimiter(path)
    lim.fail("ion")
    assert json.loads(path.read_text())["failures"]


@pytest.mark.parametrize("peer,forwarded,trusted,expected", [
    ("203.0.113.7", None, (), "203.0.113.7"),                       # direct connection
    ("203.0.113.7", "1.2.3.4", (), "203.0.113.7"),                  # a header from an untrusted peer is ignored
    (None, "1.2.3.4", (), None),                                    # loopback, no proxy declared: no counter
    (None, "1.2.3.4", ("127.0.0.1",), "1.2.3.4"),                   # nginx on the same machine
    (None, "6.6.6.6, 1.2.3.4", ("127.0.0.1",), "1.2.3.4"),          # the client's own header part is not believed
    ("10.0.0.5", "1.2.3.4, 10.0.0.9", ("10.0.0.0/8",), "1.2.3.4"),  # two trusted hops
    (None, "not-an-address", ("127.0.0.1",), None),
    (None, None, ("127.0.0.1",), None),
])
def test_client_address(peer, forwarded, trusted, expected):
    assert auth.client_address(peer, forwarded, trusted) == expected


def test_trusted_proxies_setting(tmp_path):
    (tmp_path / "tipdash.toml").write_text('[access]\ntrusted_proxies = ["127.0.0.1", "10.0.0.0/8"]\n')
    assert auth.load_settings(tmp_path / "tipdash.toml").trusted_proxies == ("127.0.0.1", "10.0.0.0/8")


def test_at_most_two_argon2_verifications_at_once(tmp_path, users, monkeypatch):
    """A flood of parallel sign-ins (each argon2 verify takes 64 MiB) waits for a slot."""
    running, peak, lock = [0], [0], threading.Lock()

    class Counting(type(auth._hasher)):
        def verify(self, hash_, password):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                time.sleep(0.05)                                     # widen the window; the real verify follows
                return super().verify(hash_, password)
            finally:
                with lock:
                    running[0] -= 1

    monkeypatch.setattr(auth, "_hasher", Counting())
    lim = RateLimiter(tmp_path / "l.json", Limits(max_failures=100, max_password_failures=100))
    threads = [threading.Thread(target=auth.authenticate, args=(f"n{i}", f"pw {i}", lim)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert peak[0] == 2, peak
    assert os.path.exists(tmp_path / "l.json")
