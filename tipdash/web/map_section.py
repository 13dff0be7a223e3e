"""The map section of the Map page: level or change (against a base year the user picks), the map
and the ranking of the units for every year (slider and play, :mod:`tipdash.web.map_years`), the
click that opens a unit's profile, and the frame the table under the map shows."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from tipdash import i18n, privacy
from tipdash.values import is_missing
from tipdash.web import map_years
from tipdash.web.cache import available_years, data, get_store, national_row, shared
from tipdash.web.state import commission_codes, fmt_number, lang, t
from tipdash.web.tables import protected_units


def _figure(indicator: str, year: int, years: tuple[int, ...], base_year: int | None, highlight: tuple[str, ...]):
    """Built once per database, language and view (20 frames take a few hundred ms to build:
    ``shared``); the figure is shared read-only between sessions (plotly_chart only reads it)."""
    uy = data("unit_years", years[0], years[-1])
    if indicator == "victims":
        uy = privacy.protect_unit_years(uy)
    return map_years.build(uy, indicator, year, list(years), base_year=base_year, highlight=highlight)


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
    if st.session_state.get("map_base") not in others:
        st.session_state["map_base"] = default
    return st.selectbox(t("page.map.base_year"), others, key="map_base")


def _on_select() -> None:
    """A click on a district (map) or a bar (ranking) opens that unit's profile."""
    points = (st.session_state.get("map") or {}).get("selection", {}).get("points", [])
    point = points[0] if points else {}
    code = point.get("location") or (point.get("customdata") or [None])[0]
    if code in commission_codes():
        st.session_state["profile_unit"] = code
        st.session_state.pop("_map_left_bank", None)
    elif code:
        st.session_state["_map_left_bank"] = code


def map_section(year: int, indicator: str, units: tuple[str, ...]) -> tuple[int | None, pd.DataFrame]:
    """Draw the mode switch, the map with its ranking and the captions; return (the base year in
    change mode or None, the frame for the table under the map, victims already protected)."""
    lg = lang()
    years = available_years()
    mode = st.segmented_control(t("page.map.mode"), ["level", "change"], default="level", required=True,
                                key="map_mode", format_func=lambda m: i18n.t(f"page.map.mode.{m}", lg))
    base = None
    if mode == "change":
        if indicator == "victims":
            st.info(t("page.map.change_victims"))
        else:
            base = _base_year(year, years)
    s = get_store()
    view = (indicator, year, tuple(years), base, tuple(sorted(units)))
    fig = shared("figure", "map_years", lambda: _figure(*view), str(s.path), s.version, lg, view)
    st.plotly_chart(fig, on_select=_on_select, selection_mode="points", key="map",
                    config={"displaylogo": False, "scrollZoom": True})
    hints = [t("page.map.click_hint")] + ([t("page.map.slider_hint")] if len(years) > 1 else [])
    st.caption(" ".join(hints))
    frame = shared("table", "map_protected", lambda: _protected(year, base), str(s.path), s.version, year,
                   base).copy(deep=False)
    if base is not None:
        return base, frame
    if not frame[indicator].map(lambda v: not is_missing(v)).any():
        nat = national_row(year, indicator)
        if not is_missing(nat.get("total")):
            st.info(t("page.map.national_only", year=year, indicator=i18n.indicator_label(indicator, lg),
                      value=fmt_number(nat.get("total"), bool(nat.get("approximate")))))
    if st.session_state.get("_map_left_bank"):
        st.info(t("page.map.left_bank_info"))
    return None, frame
