"""The session's language, the shared sidebar filters and their URL binding (created once, by
``app.py``; pages read them through :func:`filters`)."""
from __future__ import annotations

import contextlib
import functools
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import streamlit as st

from tipdash import i18n, indicators, store, units
from tipdash.i18n import formats
from tipdash.web import view
from tipdash.web.cache import available_years, db_key, shared

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


_RUN = threading.local()     # this thread's page run: what it settled once (see page_run)


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """One run of app.py: each file looked at once (``store.one_look``) and what the run settles
    once kept for it (``run_memo``; the language, from the moment its widget exists). A page's
    run asked for the language 50 to 170 times, each a look into the session state."""
    _RUN.memo = {}
    try:
        with store.one_look():
            yield
    finally:
        _RUN.memo = None


def run_memo(name: str, make: Callable[[], Any]) -> Any:
    """``make()`` once per page run (outside one, e.g. in a widget's callback: every time)."""
    memo = getattr(_RUN, "memo", None)
    if memo is None:
        return make()
    if name not in memo:
        memo[name] = make()
    return memo[name]


def lang() -> str:
    """The language chosen in the sidebar (ro by default); before the widget exists, the URL's."""
    memo = getattr(_RUN, "memo", None)
    if memo and "lang" in memo:
        return memo["lang"]
    value = st.session_state.get("lang")
    if value is None:
        raw = view.url_values("lang")
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


def sort_units(codes) -> list[str]:
    """Unit codes in the alphabetical order of their names in the session's language."""
    return list(_sorted_units(tuple(codes), lang()))


@functools.lru_cache(maxsize=64)
def _sorted_units(codes: tuple[str, ...], lg: str) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda c: formats.collation_key(i18n.unit_name(c, lg), lg)))


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
    return view.url_values(key)


def _notice(filter_key: str, value: Any, default: str) -> None:
    st.session_state.setdefault(_NOTICES, []).append(
        t("filter.invalid", value=f"“{value}”", filter=t(f"filter.{filter_key}"), default=default))


def resolve(name: str, valid: Callable[[Any], bool], default: Any, *, fix: Callable[[Any], Any] | None = None,
            notice: Callable[[list[str]], None] | None = None) -> Any:
    """The canonical value of ``name``: the URL's the first time (``fix`` turns it into a value,
    ``notice`` says why it was not one), then the session's; ``default`` when not valid."""
    present, value, raw = view.from_url(name)
    if present:
        if value is not None and fix is not None:
            value = fix(value)
        if value is not None and valid(value):
            st.session_state[name] = value
        elif notice is not None:
            notice(raw)
    current = st.session_state.get(name)
    return current if current is not None and valid(current) else default


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


def _url_units(raw: list[str]) -> list[str]:
    good, bad = _parse_units(raw)
    for b in bad:
        st.session_state.setdefault(_NOTICES, []).append(
            t("filter.unknown_unit", value=f"“{b}”") if not good else t("page.filters.unit_ignored", value=f"“{b}”"))
    return good


def _year_filters(sb, years: list[int], wanted: tuple[str, ...], lg: str) -> None:
    ys = set(years)
    if "year" in wanted and years:
        year = resolve("year", lambda y: y in ys, years[-1],
                       notice=lambda raw: _notice("year", raw[-1], str(years[-1])))
        view.bound("year", sb.selectbox, year, lg, label=t("filter.year"), options=sorted(years, reverse=True))
    if "years" in wanted and years:
        rng = resolve("years", lambda r: len(r) == 2 and r[0] in ys and r[1] in ys, default_range(years),
                      fix=lambda r: (min(r), max(r)),
                      notice=lambda raw: _notice("years", ",".join(raw), "–".join(map(str, default_range(years)))))
        # value= makes it a range slider for Streamlit's deserializer too: without it, the range
        # the browser sends back at the next rerun is read as one year (the page then broke)
        view.bound("years", sb.select_slider, tuple(rng), lg, label=t("filter.years"), options=years,
                   also_default=True)


def _indicator_notes(year: int, lg: str) -> dict[str, str]:
    """indicator -> " · national figure only" / " · not reported" for the year's indicators that
    have no district figure (said in the list, before the map is drawn)."""
    from tipdash.values import is_missing
    from tipdash.web.cache import data, national_row

    uy = data("unit_year", year)
    out = {}
    for ind in NUMERIC:
        if ind in uy.columns and uy[ind].map(lambda v: not is_missing(v)).any():
            continue
        national = not is_missing(national_row(year, ind).get("total"))
        out[ind] = " · " + t("filter.national_only" if national else "filter.no_figures")
    return out


def sidebar_filters(page: str | None) -> Filters:
    """Create the shared filters in the sidebar (called once per run, by app.py; ``page`` None =
    only the language, for a page the visitor may not open).

    ``lang`` is bound to the URL by Streamlit (its options are codes). The others are canonical
    values drawn by a widget per language (:mod:`tipdash.web.view`): a language switch keeps them and
    relabels them at once; app.py writes them to the URL, as codes, at the end of the run."""
    years = available_years()
    wanted = PAGE_FILTERS.get(page, ())
    lg = lang()
    st.session_state[_NOTICES] = []
    sb = st.sidebar
    view.begin_run()

    if "lang" not in st.session_state:
        raw = _url_values("lang")
        if raw and raw[-1] not in i18n.LANGS:
            _notice("lang", ",".join(raw), i18n.lang_name(i18n.DEFAULT_LANG))
    # the default goes through session state, not default=: a valid ?lang= still wins on the first
    # run, and an empty "?lang=" then cannot clear the (required) control
    st.session_state.setdefault("lang", i18n.DEFAULT_LANG)
    sb.segmented_control(
        " · ".join(dict.fromkeys(i18n.t("filter.lang", code) for code in i18n.LANGS)),
        list(i18n.LANGS), required=True, key="lang", bind="query-params", width="stretch")
    run_memo("lang", lang)          # settled for the rest of the run

    _year_filters(sb, years, wanted, lg)
    if "indicator" in wanted:
        ind = resolve("indicator", lambda v: v in NUMERIC, DEFAULT_INDICATOR, fix=lambda v: v.strip().lower(),
                      notice=lambda raw: _notice("indicator", raw[-1], i18n.indicator_label(DEFAULT_INDICATOR, lg)))
        year = st.session_state.get("year") if "year" in wanted else None
        notes = shared("table", "indicator_notes", lambda: _indicator_notes(year, lg), db_key(), year,
                       lg) if year is not None else {}
        view.bound("indicator", sb.selectbox, ind, lg, label=t("filter.indicator"), options=NUMERIC,
                   format_func=lambda c: i18n.indicator_label(c, lg) + notes.get(c, ""), variant=str(year or ""),
                   help=t("filter.indicator_help", year=year) if notes else None)
    if "units" in wanted:
        codes = set(commission_codes())
        chosen = resolve("units", lambda v: all(c in codes for c in v), [], fix=_url_units)
        order = sort_units(codes)
        view.bound("units", sb.multiselect, list(chosen), lg, label=t("filter.units"), options=order,
                   format_func=lambda c: i18n.unit_name(c, lg), placeholder=t("common.all_units"))
    return filters()


def show_notices() -> None:
    """Filter values from the URL that were not valid (shown above the page)."""
    for text in st.session_state.get(_NOTICES, []):
        st.warning(text, icon=":material/link_off:")


def choice(name: str, make: Callable[..., Any], options: list[Any], default: Any, **kwargs) -> Any:
    """A widget over ``options`` for the canonical ``name`` (in the link, kept across languages)."""
    value = resolve(name, lambda v: v in options, default)
    return view.bound(name, make, value, lang(), options=list(options), **kwargs)


def tabs(name: str, codes: list[str], labels: list[str]) -> list[Any]:
    """``st.tabs`` whose open tab is the canonical ``name`` (a code): in the link, kept across
    languages (the labels change, the code does not)."""
    code = resolve(name, lambda v: v in codes, codes[0])
    st.session_state[name] = code
    view.mark_shown(name)
    key = view.widget_key(name, lang())

    def _changed() -> None:
        label = st.session_state.get(key)
        if label in labels:
            st.session_state[name] = codes[labels.index(label)]
    return list(st.tabs(labels, default=labels[codes.index(code)], key=key, on_change=_changed))


def folded(label: str, key: str):
    """An expander whose content the page draws only while it is open (``.open``; opening or
    closing it reruns the page): a data table under a chart costs nothing until it is asked for."""
    return st.expander(label, key=key, on_change="rerun")


def session_once(name: str, key: Any, make: Callable[[], Any]) -> Any:
    """``make()`` kept in this session while ``key`` stays the same (the navigation's ``st.Page``
    objects: each resolves its script's path on the file system when made)."""
    slot = f"_tipdash_once_{name}"
    kept = st.session_state.get(slot)
    if kept is None or kept[0] != key:
        kept = (key, make())
        st.session_state[slot] = kept
    return kept[1]
