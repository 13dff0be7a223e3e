"""The session's language, the shared sidebar filters and their URL binding (created once, by
``app.py``; pages read them through :func:`filters`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from tipdash import i18n, indicators, units
from tipdash.i18n import formats
from tipdash.web.cache import available_years

#: page id -> (script, i18n title key, material icon)
PAGES: dict[str, tuple[str, str, str]] = {
    "map": ("pages/map.py", "page.map", ":material/map:"),
    "trends": ("pages/trends.py", "page.trends", ":material/grid_on:"),
    "timeline": ("pages/timeline.py", "page.timeline", ":material/timeline:"),
    "victims": ("pages/victims.py", "page.victims", ":material/group:"),
    "reporting": ("pages/reporting.py", "page.reporting", ":material/fact_check:"),
    "our_report": ("pages/our_report.py", "page.our_report", ":material/edit_document:"),
    "campaign": ("pages/campaign.py", "page.campaign", ":material/campaign:"),
    "import": ("pages/import.py", "page.import", ":material/upload_file:"),
    "audit": ("pages/audit.py", "page.audit", ":material/policy:"),
    "about": ("pages/about.py", "page.about", ":material/info:"),
}

#: the shared filters each page shows (all are created by app.py, in this order)
PAGE_FILTERS: dict[str, tuple[str, ...]] = {
    "map": ("year", "indicator", "units"),
    "trends": ("indicator", "units"),
    "timeline": ("years", "units"),
    "victims": ("year", "units"),
    "reporting": ("year",),
    "our_report": (),
    "campaign": (),
    "import": (),
    "audit": (),
    "about": (),
}

NUMERIC = list(indicators.NUMERIC)
DEFAULT_INDICATOR = "sessions"
_NOTICES = "_tipdash_filter_notices"


def lang() -> str:
    """The language chosen in the sidebar (ro by default); before the widget exists, the URL's."""
    value = st.session_state.get("lang")
    if value is None:
        raw = _url_values("lang")
        value = raw[-1] if raw and raw[-1] in i18n.LANGS else None
    return i18n.normalise_lang(value)


def t(key: str, **fmt) -> str:
    """``i18n.t`` in the chosen language."""
    return i18n.t(key, lang(), **fmt)


def unit_name(code: str) -> str:
    return i18n.unit_name(code, lang())


def page_guard() -> None:
    """Make sure the page runs inside app.py (navigation, shared filters).

    Streamlit keeps its old "pages/ folder" mode until ``st.navigation`` has been called once in
    the process, and in that mode a request for a page runs ``pages/<page>.py`` on its own (the
    first visitor of a fresh server landing on /timeline, and every AppTest rerun). Leave that
    mode and rerun: app.py then runs and picks the same page by its url_path."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - streamlit internals moved
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def fmt_number(v: Any, approx: bool = False) -> str:
    """A figure for people in the session's language (:func:`tipdash.i18n.formats.fmt_number`)."""
    return formats.fmt_number(v, lang(), approx)


def commission_codes() -> list[str]:
    return [u.code for u in units.commission_units()]


@dataclass(frozen=True)
class Filters:
    lang: str
    year: int | None
    indicator: str
    units: tuple[str, ...]
    years: tuple[int, int] | None

    @property
    def units_arg(self) -> list[str] | None:
        """The ``units=`` argument of the indicators functions (None = all units)."""
        return list(self.units) or None

    def export_filters(self, *names: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for n in names:
            if n == "year" and self.year is not None:
                out["year"] = self.year
            elif n == "years" and self.years:
                out["years"] = f"{self.years[0]}-{self.years[1]}"
            elif n == "indicator":
                out["indicator"] = self.indicator
            elif n == "units" and self.units:
                out["units"] = list(self.units)
        return out


DEFAULT_RANGE_YEARS = 5  # the timeline opens on recent years; the slider reaches back to the first


def default_range(years: list[int]) -> tuple[int, int]:
    return years[max(0, len(years) - DEFAULT_RANGE_YEARS)], years[-1]


def filters() -> Filters:
    """The shared filter values (pages read them from st.session_state through this)."""
    years = available_years()
    ss = st.session_state
    year = ss.get("year")
    if year not in years:
        year = years[-1] if years else None
    rng = ss.get("years")
    if years and (not rng or len(rng) != 2 or rng[0] not in years or rng[1] not in years):
        rng = default_range(years)
    ind = ss.get("indicator")
    if ind not in NUMERIC:
        ind = DEFAULT_INDICATOR
    codes = set(commission_codes())
    units = tuple(c for c in (ss.get("units") or []) if c in codes)
    return Filters(lang(), year, ind, units, (int(rng[0]), int(rng[1])) if rng else None)


def _url_values(key: str) -> list[str]:
    try:
        return [v for v in st.query_params.get_all(key)]
    except Exception:  # noqa: BLE001 -- a malformed URL must never break the page
        return []


def _notice(filter_key: str, value: Any, default: str) -> None:
    st.session_state.setdefault(_NOTICES, []).append(
        t("filter.invalid", value=f"“{value}”", filter=t(f"filter.{filter_key}"), default=default))


def _check_bound(key: str, valid: Callable[[list[str]], bool], default_text: Callable[[], str]) -> None:
    """A widget bound to the URL drops invalid values silently: say so, once per session."""
    if key in st.session_state:
        return
    raw = _url_values(key)
    if raw and not valid(raw):
        _notice(key, ",".join(raw), default_text())


def _seed_indicator() -> None:
    if "indicator" in st.session_state:
        return
    raw = _url_values("indicator")
    if not raw:
        return
    value = raw[-1].strip().lower()
    if value in NUMERIC:
        st.session_state["indicator"] = value
    else:
        _notice("indicator", raw[-1], i18n.indicator_label(DEFAULT_INDICATOR, lang()))


def _parse_units(raw: list[str]) -> tuple[list[str], list[str]]:
    """Codes (or names, in any language) from the URL -> (commission codes, rejected)."""
    codes = set(commission_codes())
    good: list[str] = []
    bad: list[str] = []
    for part in (p.strip() for r in raw for p in r.split(",")):
        if not part:
            continue
        code = part.upper() if part.upper() in codes else None
        if code is None:
            try:
                res = units.resolve(part)
                code = res.code if res.ok and not res.warning else None
            except Exception:  # noqa: BLE001
                code = None
        if code in codes:
            if code not in good:
                good.append(code)
        else:
            bad.append(part)
    return good, bad


def _seed_units() -> None:
    if "units" in st.session_state:
        return
    raw = _url_values("units")
    if not raw:
        return
    good, bad = _parse_units(raw)
    for b in bad:
        st.session_state.setdefault(_NOTICES, []).append(
            t("filter.unknown_unit", value=f"“{b}”") if not good else t("page.filters.unit_ignored", value=f"“{b}”"))
    st.session_state["units"] = good


def _sync_url(key: str, value: list[str] | str | None) -> None:
    """Keep an unbound filter in the URL (codes, so a link works in every language)."""
    current = _url_values(key)
    want = [] if value in (None, "", []) else ([",".join(value)] if isinstance(value, list) else [value])
    if current == want:
        return
    if want:
        st.query_params[key] = want[0]
    elif key in st.query_params:
        del st.query_params[key]


def sidebar_filters(page: str | None) -> Filters:
    """Create the shared filters in the sidebar (called once per run, by app.py; ``page`` None =
    only the language, for a page the visitor may not open).

    ``lang``, ``year`` and ``years`` use ``bind="query-params"`` (their URL value is the code or
    the year itself). ``indicator`` and ``units`` show translated labels, and a bound widget
    writes its *label* to the URL, so those two are synced to the URL here, as codes."""
    years = available_years()
    wanted = PAGE_FILTERS.get(page, ())
    lg = lang()
    st.session_state[_NOTICES] = []
    sb = st.sidebar

    _check_bound("lang", lambda raw: raw[-1] in i18n.LANGS, lambda: i18n.lang_name(i18n.DEFAULT_LANG))
    # the default goes through session state, not default=: a valid ?lang= still wins on the first
    # run, and an empty "?lang=" then cannot clear the (required) control
    st.session_state.setdefault("lang", i18n.DEFAULT_LANG)
    sb.segmented_control(
        " · ".join(dict.fromkeys(i18n.t("filter.lang", code) for code in i18n.LANGS)),
        list(i18n.LANGS), required=True, key="lang", bind="query-params", width="stretch")

    if "year" in wanted and years:
        _check_bound("year", lambda raw: raw[-1] in {str(y) for y in years}, lambda: str(years[-1]))
        sb.selectbox(t("filter.year"), sorted(years, reverse=True), key="year",
                     bind="query-params", persist_state="session")
    if "years" in wanted and years:
        _check_bound("years", lambda raw: len(raw) == 2 and all(r in {str(y) for y in years} for r in raw),
                     lambda: "–".join(map(str, default_range(years))))
        sb.select_slider(t("filter.years"), options=years, value=default_range(years), key="years",
                         bind="query-params", persist_state="session")
    if "indicator" in wanted:
        _seed_indicator()
        if "indicator" not in st.session_state:
            st.session_state["indicator"] = DEFAULT_INDICATOR
        sb.selectbox(t("filter.indicator"), NUMERIC, key="indicator",
                     format_func=lambda c: i18n.indicator_label(c, lg), persist_state="session")
        _sync_url("indicator", None if st.session_state["indicator"] == DEFAULT_INDICATOR
                  else st.session_state["indicator"])
    if "units" in wanted:
        _seed_units()
        if "units" not in st.session_state:
            st.session_state["units"] = []
        codes = sorted(commission_codes(), key=lambda c: formats.collation_key(i18n.unit_name(c, lg), lg))
        sb.multiselect(t("filter.units"), codes, key="units", format_func=lambda c: i18n.unit_name(c, lg),
                       placeholder=t("common.all_units"), persist_state="session")
        _sync_url("units", list(st.session_state["units"]))
    return filters()


def show_notices() -> None:
    """Filter values from the URL that were not valid (shown above the page)."""
    for text in st.session_state.get(_NOTICES, []):
        st.warning(text, icon=":material/link_off:")
