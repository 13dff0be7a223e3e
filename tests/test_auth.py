"""Sign-in, roles, rate limiting and the audit log (library level; pages are tested in tests/web/test_pages.py)."""
import os
import subprocess
import sys

import pytest

from tipdash import auth, store
from tipdash.limiter import Limits


@pytest.fixture()
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("TIPDASH_CONFIG_DIR", str(tmp_path))
    return tmp_path


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_password_is_hashed_and_verified(cfg):
    auth.add_user("ana", "admin", "correct horse battery")
    text = (cfg / "users.toml").read_text()
    assert "correct horse" not in text and "$argon2id$" in text
    assert oct(os.stat(cfg / "users.toml").st_mode & 0o777) == "0o600"
    limiter = auth.RateLimiter(cfg / "limits.json")
    assert auth.authenticate("ana", "correct horse battery", limiter) == "admin"
    assert auth.authenticate("ana", "wrong password!", limiter) is None
    assert auth.authenticate("nobody", "correct horse battery", limiter) is None


@pytest.mark.parametrize("name,role,password", [
    ("a", "admin", "long enough pw"), ("ana", "root", "long enough pw"), ("ana", "analyst", "short"),
    ("ana; rm", "analyst", "long enough pw"), ("ana", "public", "long enough pw")])
def test_bad_users_are_refused(cfg, name, role, password):
    with pytest.raises(auth.AuthError):
        auth.add_user(name, role, password)


def test_wrong_passwords_are_rate_limited(cfg):
    auth.add_user("ion", "analyst", "right password 1")
    clock = FakeClock()
    limiter = auth.RateLimiter(cfg / "limits.json", Limits(max_failures=3, lockout_seconds=60), clock=clock)
    for _ in range(3):
        assert auth.authenticate("ion", "nope nope nope", limiter) is None
    with pytest.raises(auth.RateLimited):
        auth.authenticate("ion", "right password 1", limiter)  # locked even with the right one
    clock.t += 61
    assert auth.authenticate("ion", "right password 1", limiter) == "analyst"


@pytest.mark.parametrize("role,perm,expected", [
    (None, "view_public", True), (None, "import", False), ("public", "view_profile_detail", False),
    ("analyst", "view_profile_detail", True), ("analyst", "import", False),
    ("analyst", "download_unsuppressed", False), ("admin", "import", True), ("admin", "audit", True)])
def test_permissions(cfg, role, perm, expected):
    assert auth.allowed(role, perm) is expected


def test_settings_close_anonymous_access_and_open_unsuppressed_for_analysts(cfg):
    (cfg / "tipdash.toml").write_text("[access]\npublic_access = false\nanalysts_unsuppressed = true\n")
    s = auth.load_settings()
    assert auth.allowed(None, "view_public", s) is False
    assert auth.allowed("analyst", "download_unsuppressed", s) is True


def test_session_expiry():
    s = auth.Settings(session_minutes=30)
    assert not auth.session_expired(0, s, now=29 * 60)
    assert auth.session_expired(0, s, now=31 * 60)


def test_cli_users_add_and_audit(cfg, tmp_path):
    env = {**os.environ, "TIPDASH_CONFIG_DIR": str(cfg)}
    run = subprocess.run([sys.executable, "-m", "tipdash", "users", "add", "maria", "--role", "analyst",
                          "--password-stdin"], input="a good long password\n", text=True,
                         capture_output=True, env=env)
    assert run.returncode == 0, run.stderr
    assert auth.load_users()["maria"]["role"] == "analyst"
    db = tmp_path / "a.duckdb"
    with store.write(db) as con:
        store.audit(con, "maria", "import", "x.xlsx", "ab" * 32)
    store.log_event(db, "maria", "sign_in")
    store.log_event(db, "maria", "download_unsuppressed", "victims_2022.csv")
    out = subprocess.run([sys.executable, "-m", "tipdash", "audit", "--db", str(db)],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0
    actions = [line.split("\t")[2] for line in out.stdout.splitlines()[1:]]
    assert sorted(actions) == ["download_unsuppressed", "import", "sign_in"]


def test_oidc_role_maps_email_addresses_case_insensitively(cfg):
    (cfg / "users.toml").write_text('[oidc]\n"Maria@Gov.md" = "admin"\n"ion@gov.md" = "analyst"\n'
                                    '"odd@gov.md" = "root"\n')
    assert auth.oidc_role("maria@gov.md") == "admin"
    assert auth.oidc_role(" ION@GOV.MD ") == "analyst"
    assert auth.oidc_role("odd@gov.md") is None            # not a role
    assert auth.oidc_role("nobody@gov.md") is None
    assert auth.oidc_role("") is None and auth.oidc_role(None) is None
    assert auth.allowed(auth.oidc_role("maria@gov.md"), "audit") is True   # the same check as passwords
    assert auth.allowed(auth.oidc_role("ion@gov.md"), "import") is False


def test_users_add_and_remove_keep_the_oidc_table(cfg):
    (cfg / "users.toml").write_text('[oidc]\n"maria@gov.md" = "admin"\n"a\\"b@gov.md" = "analyst"\n')
    auth.add_user("ana", "analyst", "a long password")
    auth.remove_user("ana")
    assert auth.load_oidc() == {"maria@gov.md": "admin", 'a"b@gov.md': "analyst"}
    assert auth.load_users() == {}


def test_the_example_settings_file_holds_the_defaults():
    example = store.ROOT / "config" / "tipdash.example.toml"
    assert auth.load_settings(example) == auth.Settings()
