"""The map section of the Map page: level or change (against a base year the user picks), the map
and the ranking of the units for every year (slider and play, :mod:`tipdash.web.map_years`), the
click that opens a unit's profile, and the frame the table under the map shows."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from tipdash import i18n, privacy
from tipdash.values import is_missing
from tipdash.web import map_years, view
from tipdash.web.cache import available_years, data, db_key, national_row, shared
from tipdash.web.chart_export import image_buttons
from tipdash.web.state import commission_codes, fmt_number, lang, resolve, t
from tipdash.web.tables import protected_units


def _figure(indicator: str, year: int, years: tuple[int, ...], base_year: int | None, highlight: tuple[str, ...],
            outline: tuple[str, ...] = (), phone: bool = False):
    """Built once per database, language and view (20 frames take a few hundred ms to build:
    ``shared``); the figure is shared read-only between sessions (plotly_chart only reads it)."""
    uy = data("unit_years", years[0], years[-1])
    if indicator == "victims":
        uy = privacy.protect_unit_years(uy)
    return map_years.build(uy, indicator, year, list(years), base_year=base_year, highlight=highlight,
                           outline=outline, phone=phone)


def _protected(year: int, base_year: int | None) -> pd.DataFrame:
    """The year's units (with ``_prev``/``_change`` against the base year in change mode), victim
    figures protected: once per database and view (``shared``; the suppression costs tens of ms a run)."""
    frame = data("unit_year", year) if base_year is None else data("change_between", year, base_year)
    return protected_units(frame, data("national", year).set_index("indicator").at["victims", "total"])


def _base_year(year: int, years: list[int]) -> int | None:
    """The base-year selector of the change mode (default: the previous year, else the nearest)."""
    others = [y for y in years if y != year]
    if not others:
        st.info(t("page.map.no_other_year", year=year))
        return None
    default = max((y for y in others if y < year), default=others[0])
    base = resolve("map_base", lambda y: y in others, default)
    return view.bound("map_base", st.selectbox, base, lang(), label=t("page.map.base_year"), options=others)


def _on_select() -> None:
    """A click on a district (map) or a bar (ranking) opens that unit's profile."""
    points = (st.session_state.get("map") or {}).get("selection", {}).get("points", [])
    point = points[0] if points else {}
    code = point.get("location") or (point.get("customdata") or [None])[0]
    if code in commission_codes():
        view.put("profile_unit", code)
        st.session_state["_profile_scroll"] = True
        st.session_state.pop("_map_left_bank", None)
    elif code:
        st.session_state["_map_left_bank"] = code


def map_section(year: int, indicator: str, units: tuple[str, ...]) -> tuple[int | None, pd.DataFrame]:
    """Draw the mode switch, the map with its ranking and the captions; return (the base year in
    change mode or None, the frame for the table under the map, victims already protected)."""
    lg = lang()
    years = available_years()
    mode = resolve("map_mode", lambda m: m in ("level", "change"), "level")
    mode = view.bound("map_mode", st.segmented_control, mode, lg, label=t("page.map.mode"),
                      options=["level", "change"], required=True,
                      format_func=lambda m: i18n.t(f"page.map.mode.{m}", lg))
    base = None
    if mode == "change":
        if indicator == "victims":
            st.info(t("page.map.change_victims"))
        else:
            base = _base_year(year, years)
    db = db_key()
    frame = shared("table", "map_protected", lambda: _protected(year, base), *db, year,
                   base).copy(deep=False)
    if base is None and not shared("table", "map_any_figure", lambda: frame[indicator].map(
            lambda v: not is_missing(v)).any(), *db, year, indicator):
        _national_only(year, indicator)                  # said before the map is drawn
    profile = view.get("profile_unit")
    key = (indicator, year, tuple(years), base, tuple(sorted(units)), (profile,) if profile else (), is_phone())
    fig = shared("figure", "map_years", lambda: _figure(*key), *db, lg, key)
    label = i18n.indicator_label(indicator, lg)
    title = map_years._title(label, year, base)
    summary = shared("table", "map_summary", lambda: text_summary(frame, indicator, base), *db,
                     lg, year, base, indicator)
    st.plotly_chart(fig, on_select=_on_select, selection_mode="points", key="map", alt=f"{title}. {summary}",
                    config={"displaylogo": False, "scrollZoom": True, "modeBarButtonsToRemove": ["toImage"]})
    st.caption(summary)
    image_buttons(fig, name=f"map_{indicator}" + (f"_change_{base}" if base else ""), year=year, key="map",
                  title=title, names={c: i18n.unit_name(c, lg) for c in commission_codes()})
    hints = [t("page.map.click_hint")] + ([t("page.map.slider_hint")] if len(years) > 1 else [])
    st.caption(" ".join(hints))
    if st.session_state.get("_map_left_bank"):
        st.info(t("page.map.left_bank_info"))
    return base, frame


def is_phone() -> bool:
    """A phone's browser (its User-Agent says Mobile/Android): the map's phone layout."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # noqa: BLE001 -- no request headers (tests)
        return False
    return "Mobi" in agent or "Android" in agent


def _national_only(year: int, indicator: str) -> None:
    """No unit has a figure of ``indicator`` for ``year``: say the national one, if the note gives it."""
    nat = national_row(year, indicator)
    if not is_missing(nat.get("total")):
        st.info(t("page.map.national_only", year=year, indicator=i18n.indicator_label(indicator, lang()),
                  value=fmt_number(nat.get("total"), bool(nat.get("approximate")))))


def text_summary(frame: pd.DataFrame, indicator: str, base: int | None) -> str:
    """The map in words (screen readers, and a line under it): units with a figure, the highest
    three, and how many units are in each status; in change mode, increases and decreases."""
    lg = lang()
    col = indicator if base is None else f"{indicator}_change"
    rows = frame[frame["code"].isin(commission_codes())]
    values = [(c, v) for c, v in zip(rows["code"], rows[col]) if not is_missing(v) and not privacy.is_suppressed(v)]
    parts = []
    if base is None:
        positive = sorted(((c, float(v)) for c, v in values if float(v) > 0), key=lambda x: -x[1])
        parts.append(t("page.map.summary.with_figure", n=len(positive)))
        if positive:
            parts.append(t("page.map.summary.highest", items=", ".join(
                f"{i18n.unit_name(c, lg)} ({fmt_number(v)})" for c, v in positive[:3])))
        zero = sum(1 for _, v in values if float(v) == 0)
        if zero:
            parts.append(f"{t('page.map.legend.zero')}: {zero}")
        hidden = sum(1 for v in rows[col] if privacy.is_suppressed(v))
        if hidden:
            parts.append(f"{t('page.map.legend.suppressed')}: {hidden}")
    else:
        for key, test in (("increase", lambda v: v > 0), ("decrease", lambda v: v < 0)):
            parts.append(t(f"page.map.summary.{key}", n=sum(1 for _, v in values if test(float(v)))))
        parts.append(f"{t('page.map.legend.no_change')}: {sum(1 for _, v in values if float(v) == 0)}")
    missing = rows[rows[col].map(is_missing)]
    not_rep = int((missing["reporting_status"] == "not_reported").sum())
    if len(missing) - not_rep:
        parts.append(f"{t('page.map.legend.not_given')}: {len(missing) - not_rep}")
    if not_rep:
        parts.append(f"{t('page.map.legend.not_reported')}: {not_rep}")
    return t("page.map.summary", parts="; ".join(parts))
