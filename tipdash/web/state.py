"""The streamlit-importing helpers every page shares (with ui_auth.py: sign-in, ui_map.py: the map).

It holds what every page shares: the cached Store handle (built from ``data/seed`` on first
use when the database is missing), query results cached on ``store.version``, the sidebar
filters (created once, by ``app.py``) and their URL binding, tables with their CSV/Excel
downloads, and the figures. Pages only lay out widgets and call these helpers.
"""
from __future__ import annotations

import importlib
import numbers
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
import streamlit as st

from tipdash import exports, i18n, indicators
from tipdash import store as store_mod

# ---------------------------------------------------------------------------- pages & filters

#: page id -> (script, i18n title key, material icon)
PAGES: dict[str, tuple[str, str, str]] = {
    "map": ("pages/map.py", "page.map", ":material/map:"),
    "timeline": ("pages/timeline.py", "page.timeline", ":material/timeline:"),
    "victims": ("pages/victims.py", "page.victims", ":material/group:"),
    "reporting": ("pages/reporting.py", "page.reporting", ":material/fact_check:"),
    "import": ("pages/import.py", "page.import", ":material/upload_file:"),
    "audit": ("pages/audit.py", "page.audit", ":material/policy:"),
    "about": ("pages/about.py", "page.about", ":material/info:"),
}

#: the shared filters each page shows (all are created by app.py, in this order)
PAGE_FILTERS: dict[str, tuple[str, ...]] = {
    "map": ("year", "indicator", "units"),
    "timeline": ("years", "units"),
    "victims": ("year", "units"),
    "reporting": ("year",),
    "import": (),
    "audit": (),
    "about": (),
}

NUMERIC = list(indicators.NUMERIC)
DEFAULT_INDICATOR = "sessions"
NA_MARK = "—"
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


def require(permission: str) -> None:
    """The guard at the top of every page: without ``permission`` (see ``tipdash.auth``) show the
    sign-in prompt and stop, so a page reached by its URL never shows its data."""
    from tipdash.web import auth as ui_auth

    page_guard()
    if not ui_auth.allowed(permission):
        ui_auth.prompt()
        st.stop()


# ---------------------------------------------------------------------------- store & cache

@st.cache_resource(show_spinner=False)
def _open_store(path: str) -> store_mod.Store:
    """One Store per database path for the whole server; builds the 2022 database when missing."""
    p = Path(path)
    if not p.exists():
        from tipdash import ingest

        report = ingest.init_db(p)
        if not p.exists():
            problems = "; ".join(str(pr) for pr in getattr(report, "problems", [])[:5])
            raise store_mod.StoreMissing(f"Could not build {p}: {problems}")
    return store_mod.Store(p)


def db_path() -> Path:
    return store_mod.db_path().resolve()


def get_store() -> store_mod.Store:
    """The shared, thread-safe read handle (built from data/seed if the file is missing)."""
    return _open_store(str(db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(module: str, func: str, path: str, version: Any, args: tuple, kwargs: tuple):
    mod = importlib.import_module(f"tipdash.{module}")
    return getattr(mod, func)(_open_store(path), *args, **dict(kwargs))


def data(func: str, *args, module: str = "indicators", **kwargs):
    """``tipdash.<module>.<func>(store, *args, **kwargs)``, cached until a new database is published."""
    s = get_store()
    return _cached(module, func, str(s.path), s.version, args, tuple(sorted(kwargs.items())))


def available_years() -> list[int]:
    try:
        return [int(y) for y in data("years")]
    except store_mod.StoreMissing:
        return []


def commission_codes() -> list[str]:
    from tipdash import units

    return [u.code for u in units.commission_units()]


# ---------------------------------------------------------------------------- filters

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
    from tipdash import units

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
        codes = sorted(commission_codes(), key=lambda c: i18n.unit_name(c, lg))
        sb.multiselect(t("filter.units"), codes, key="units", format_func=lambda c: i18n.unit_name(c, lg),
                       placeholder=t("common.all_units"), persist_state="session")
        _sync_url("units", list(st.session_state["units"]))
    return filters()


def show_notices() -> None:
    """Filter values from the URL that were not valid (shown above the page)."""
    for text in st.session_state.get(_NOTICES, []):
        st.warning(text, icon=":material/link_off:")


# ---------------------------------------------------------------------------- formatting

def is_na(v: Any) -> bool:
    return exports.is_missing(v)


def fmt_number(v: Any, approx: bool = False) -> str:
    """A figure for people: blank -> "not reported", approximate -> "around 500"."""
    if is_na(v):
        return t("common.not_reported")
    if isinstance(v, str):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    text = str(int(f)) if f.is_integer() else f"{f:.1f}"
    return t("page.common.around", value=text) if approx else text


def _is_figure(v: Any) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, (bool, np.bool_))


def _display(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame as the grid should show it, and the column configs that go with it.

    The grid prints a missing value as "None" (in every language), so a column with blanks is
    shown as text with "—" for "not reported", as is a column mixing numbers and text (victims
    with "<5"); such columns stay right-aligned when they hold figures. Timestamps at midnight
    are shown as dates. The downloads write the same cells (blank for "—")."""
    from tipdash import privacy

    out = df.copy()
    config: dict[str, Any] = {}
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            known = s.dropna()
            if len(known) == 0 or (known == known.dt.normalize()).all():
                out[col] = [None if is_na(v) else v.date() for v in s.tolist()]
            continue
        values = s.tolist()
        known = [v for v in values if not is_na(v)]
        if len(known) == len(values) and len({type(v).__name__ for v in known}) <= 1:
            continue
        figures = all(_is_figure(v) or privacy.is_suppressed(v) for v in known)
        if figures or len(known) < len(values) or len({type(v).__name__ for v in known}) > 1:
            out[col] = pd.Series([NA_MARK if is_na(v) else exports.cell_text(v) for v in values],
                                 index=out.index, dtype=object)
            if figures:
                config[col] = st.column_config.TextColumn(alignment="right")
    return out, config


def download_buttons(df: pd.DataFrame, view: str, *, year: Any = None, filters: Mapping[str, Any] | None = None,
                     source: str | None = None, key: str | None = None) -> None:
    """Download CSV / Download Excel of exactly ``df`` (localised headers, via tipdash.exports)."""
    lg = lang()
    meta = {"view": view, "year": year, "lang": lg, "filters": dict(filters or {})}
    if source:
        meta["source"] = source
    key = key or view
    row = st.container(horizontal=True, gap="small")
    csv_name = exports.file_name(view, year, lg, "csv")
    xlsx_name = exports.file_name(view, year, lg, "xlsx")
    frame = df.copy()
    row.download_button(t("common.download_csv"), data=lambda: exports.download(frame, meta, "csv")[0],
                        file_name=csv_name, mime="text/csv", key=f"dl_{key}_csv", on_click="ignore",
                        icon=":material/download:")
    row.download_button(t("common.download_excel"), data=lambda: exports.download(frame, meta, "xlsx")[0],
                        file_name=xlsx_name, key=f"dl_{key}_xlsx", on_click="ignore",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/table_view:")


def table(df: pd.DataFrame, view: str, *, year: Any = None, filters: Mapping[str, Any] | None = None,
          source: str | None = None, key: str | None = None, height: Any = "auto",
          column_config: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Show ``df`` localised, with Download CSV / Excel of the same rows; returns what is shown."""
    shown = exports.localise(df, lang())
    frame, config = _display(shown)
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, height=height, key=f"tbl_{key or view}", column_config=config)
    download_buttons(df, view, year=year, filters=filters, source=source, key=key)
    return shown


# ---------------------------------------------------------------------------- privacy helpers

def protected_units(df: pd.DataFrame, national_total: Any = None, col: str = "victims") -> pd.DataFrame:
    from tipdash import privacy

    if col not in df.columns:
        return df
    total = None if is_na(national_total) or isinstance(national_total, str) else int(national_total)
    return privacy.protect_units(df, col, national_total=total)


def protected_value(v: Any):
    from tipdash import privacy

    if is_na(v) or isinstance(v, str):
        return v
    return privacy.protect_value(int(v))


@st.cache_data(show_spinner=False, max_entries=64)
def _protected_national(path: str, version: Any, year: int) -> pd.DataFrame:
    from tipdash import privacy

    return privacy.protect_national(data("national", year))


def national(year: int) -> pd.DataFrame:
    """``indicators.national`` with the victims row protected (privacy.protect_national), once per
    published database rather than once per metric."""
    s = get_store()
    return _protected_national(str(s.path), s.version, year)


def national_row(year: int, indicator: str) -> dict[str, Any]:
    nat = national(year)
    row = nat[nat["indicator"] == indicator]
    return row.iloc[0].to_dict() if len(row) else {}


# ---------------------------------------------------------------------------- profile

PROFILE_SECTIONS = ("summary", "sessions", "topics", "activities", "trainings", "victims", "partners",
                    "challenges", "submissions")
#: sections shown only with the ``view_profile_detail`` permission (analysts and admins)
PROFILE_DETAIL = ("partners", "challenges", "submissions")


def unit_profile(code: str, year: int) -> None:
    """The profile of one commission for one year: every section as a table with downloads
    (partners, challenges and the submitted files only for roles with ``view_profile_detail``)."""
    from tipdash import privacy
    from tipdash.web import auth as ui_auth

    prof = data("unit_profile", code, year)
    st.subheader(t("page.profile.title", unit=unit_name(code), year=year))
    detail = ui_auth.allowed("view_profile_detail")
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
        elif k == "information_activities" and not is_na(v) and bool(r.get("information_activities_approx")):
            v = fmt_number(v, approx=True)
        elif k == "completeness" and not is_na(v):
            v = f"{float(v):.0%}"
        values.append(v)
    return pd.DataFrame({"indicator": keys, "value": pd.Series(values, dtype=object)}).rename(
        columns={"value": t("page.profile.value")})


# ---------------------------------------------------------------------------- small chart helpers

def bar(df: pd.DataFrame, x: str, y: str, color: str | None = None, *, labels: Mapping[str, str] | None = None,
        height: int = 360, orientation: str = "v"):
    import plotly.express as px

    fig = px.bar(df, x=x, y=y, color=color, labels=dict(labels or {}), height=height, orientation=orientation)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="")
    _integer_axis(fig, df[y], "x" if orientation == "h" else "y")
    return fig


def period_bars(df: pd.DataFrame, x: str, y: str, color: str | None, *, start: int, end: int, days: float,
                labels: Mapping[str, str] | None = None, height: int = 360, hover_period: str | None = None):
    """Bars on a real date axis spanning the whole chosen years (a lone month is not stretched over
    the axis), each ``days`` wide, integer counts."""
    import plotly.express as px

    fig = px.bar(df, x=x, y=y, color=color, labels=dict(labels or {}), height=height,
                 hover_data={hover_period: True, x: False} if hover_period else None)
    fig.update_traces(width=days * 86_400_000)
    fig.update_xaxes(type="date", range=[f"{start}-01-01", f"{end}-12-31"], tickformat="%m.%Y")  # numeric: month names would stay English
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="", barmode="stack")
    _integer_axis(fig, df[y], "y")
    return fig


def _integer_axis(fig, values: pd.Series, axis: str) -> None:
    top = pd.to_numeric(values, errors="coerce").max()
    upd = {"tickformat": "d", "rangemode": "tozero"}
    if not is_na(top) and top <= 6:
        upd["dtick"] = 1
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**upd)


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
