"""The profile of one commission for one year, every section as a table with its downloads."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from tipdash import i18n, privacy
from tipdash.i18n import formats
from tipdash.values import is_missing
from tipdash.web import auth as web_auth
from tipdash.web.cache import data
from tipdash.web.state import NUMERIC, fmt_number, lang, t, unit_name
from tipdash.web.tables import protected_units, table

PROFILE_SECTIONS = ("summary", "sessions", "topics", "activities", "trainings", "victims", "partners",
                    "challenges", "submissions")
#: sections shown only with the ``view_profile_detail`` permission (analysts and admins)
PROFILE_DETAIL = ("partners", "challenges", "submissions")


def unit_profile(code: str, year: int) -> None:
    """The profile of one commission for one year: every section as a table with downloads
    (partners, challenges and the submitted files only for roles with ``view_profile_detail``)."""
    prof = data("unit_profile", code, year)
    st.subheader(t("page.profile.title", unit=unit_name(code), year=year))
    detail = web_auth.allowed("view_profile_detail")
    empty = []
    for section in PROFILE_SECTIONS:
        if section in PROFILE_DETAIL and not detail:
            continue
        df = prof.get(section)
        if df is None or len(df) == 0:
            empty.append(t(f"page.profile.{section}"))
            continue
        df = df.copy()
        if section == "summary":
            df = _summary_rows(protected_units(df))
        elif section == "victims" and "count" in df.columns:
            df = privacy.protect_breakdown(df, "count")
        st.markdown(f"**{t(f'page.profile.{section}')}**")
        table(df, f"profile_{code}_{section}", year=year, filters={"unit": code, "year": year},
              key=f"profile_{section}")
    if empty:
        st.caption(t("page.profile.not_reported", sections=", ".join(empty)))
    if not detail:
        st.caption(t("page.profile.detail_signed_in",
                     sections=", ".join(t(f"page.profile.{s}") for s in PROFILE_DETAIL)))


def _summary_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary of a unit-year as (indicator, value) rows, easier to read."""
    r = summary.iloc[0]
    keys = ["reporting_status", *NUMERIC, "completeness"]
    lg = lang()
    values = []
    for k in keys:
        v = r.get(k)
        if k == "reporting_status":
            v = i18n.vocab_label("reporting_status", v, lg)
            if bool(r.get("status_inferred")) and not is_missing(r.get("status_inferred")):
                v += " " + t("note.annex.inferred_mark")
        elif k == "information_activities" and not is_missing(v) and bool(r.get("information_activities_approx")):
            v = fmt_number(v, approx=True)
        elif k == "members_trained" and not is_missing(v) and bool(r.get("members_trained_partial")):
            v = f"{fmt_number(v)} {t('note.trainings.partial')}"
        elif k == "completeness":
            why = r.get("completeness_na")
            v = t(f"vocab.completeness_na.{why}") if not is_missing(why) else \
                (v if is_missing(v) else formats.fmt_percent(float(v), lg))
        values.append(v)
    return pd.DataFrame({"indicator": keys, "value": pd.Series(values, dtype=object)}).rename(
        columns={"value": t("page.profile.value")})
