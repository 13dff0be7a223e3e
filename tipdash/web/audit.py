"""The Audit page's tables (admins): the log filtered by action and the accounts, localised, made
once per state of the log (or of the accounts) and language, then shared (read-only)."""
from __future__ import annotations

import pandas as pd

from tipdash import auth, i18n
from tipdash.web.cache import audit_log, shared
from tipdash.web.state import lang, t

COLUMNS = ["at", "who", "action", "detail", "sha256"]


def action_label(code, lg: str) -> str:
    return i18n.t_or(f"audit.action.{code}", str(code), lg)


def actions() -> tuple[pd.DataFrame, list[str]]:
    """The log (newest first) and the actions it holds."""
    log = audit_log()
    return log, shared("table", "audit_actions", lambda: sorted(log["action"].dropna().unique()), log)


def log_view(log: pd.DataFrame, chosen: list[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The events of the chosen actions (all when none is chosen) as the table shows them, and
    the counts above it: events, failed sign-ins, unsuppressed downloads."""
    lg = lang()

    def build():
        shown = log[log["action"].isin(chosen)] if chosen else log
        counts = {"events": len(shown), "failed": int((shown["action"] == "sign_in_failed").sum()),
                  "unsuppressed": int((shown["action"] == "download_unsuppressed").sum())}
        shown = shown[COLUMNS].reset_index(drop=True)
        shown["action"] = shown["action"].map({a: action_label(a, lg) for a in shown["action"].dropna().unique()})
        return shown, counts
    return shared("table", "audit_view", build, log, tuple(chosen), lg)


def accounts() -> pd.DataFrame | None:
    """Who may sign in (users.toml, then OpenID Connect e-mail addresses), with the role and the
    way in; None when there is nobody. Read again at every run (changes count at once)."""
    users = {name: u.get("role") for name, u in auth.load_users().items()}
    oidc = dict(auth.load_oidc())
    if not users and not oidc:
        return None
    lg = lang()

    def build():
        rows = [{"name": n, "role": r, "via": "password"} for n, r in sorted(users.items())]
        rows += [{"name": n, "role": r, "via": "oidc"} for n, r in sorted(oidc.items())]
        frame = pd.DataFrame(rows, columns=["name", "role", "via"])
        frame["role"] = [t(f"auth.role.{r}") if r in auth.ROLES else str(r) for r in frame["role"]]
        frame["via"] = [t(f"page.audit.via.{v}") for v in frame["via"]]
        return frame
    return shared("table", "audit_accounts", build, users, oidc, lg)
