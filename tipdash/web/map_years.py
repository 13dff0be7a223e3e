"""The map across years: the chosen indicator (or its change against a base year) for every year
as frames of ONE plotly figure -- the choropleth and, beside it, the ranking of the units -- with
a year slider and a play button, so the map and the ranking move together in the browser.

One choropleth trace (the GeoJSON sent once) whose z is the category of each unit, drawn with a
discrete colour scale; the legend comes from empty bar traces, one per category. Classes are fixed
over all years, so a colour means the same in every frame. Victim figures arrive protected (one
base per year, :mod:`tipdash.privacy`). No streamlit widget here; texts in the session's language.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd
import plotly.graph_objects as go

from tipdash import geo, i18n, privacy
from tipdash.i18n.formats import collation_key
from tipdash.values import is_missing
from tipdash.web import palette
from tipdash.web.map import LEFT_BANK, STATUS_STYLE, _class_label, _classes, fit_zoom, map_categories
from tipdash.web.state import lang, t

STATUS_ORDER = ("zero", "no_change", "suppressed", "not_given", "not_comparable", "not_reported", "left_bank")
RANK_LAST = {"suppressed": 1, "not_given": 2, "not_comparable": 2, "not_reported": 3}
# the legend on the left (outside the map: it hid the north), the map, the ranking on the right
MAP_DOMAIN, BAR_DOMAIN, TOP, MAP_WIDTH_PX = (0.26, 0.66), (0.78, 1.0), 0.93, 360


def _numbers(values: Iterable) -> list[float]:
    return [float(v) for v in values if not is_missing(v) and not privacy.is_suppressed(v)]


def level_frames(uy: pd.DataFrame, indicator: str, years: list[int]):
    """(classes, {year: categories}) of the indicator's level; ``uy`` = protected unit_years."""
    classes = _classes([v for v in _numbers(uy[indicator]) if v > 0])
    return classes, {y: map_categories(uy[uy["year"] == y], indicator, classes=classes) for y in years}


def change_table(uy: pd.DataFrame, indicator: str, year: int, base_year: int) -> pd.DataFrame:
    """The units of ``year`` with ``<ind>_prev`` (base year) and ``<ind>_change``."""
    cur = uy[uy["year"] == year]
    base = uy[uy["year"] == base_year][["code", indicator]].rename(columns={indicator: f"{indicator}_prev"})
    df = cur.merge(base, on="code", how="left")
    df[f"{indicator}_change"] = pd.to_numeric(df[indicator]) - pd.to_numeric(df[f"{indicator}_prev"])
    return df


def change_frames(uy: pd.DataFrame, indicator: str, years: list[int], base_year: int):
    """(classes of the size of the change, {year: categories}, {year: change table})."""
    tables = {y: change_table(uy, indicator, y, base_year) for y in years}
    sizes = [abs(v) for df in tables.values() for v in _numbers(df[f"{indicator}_change"]) if v != 0]
    classes = _classes(sizes, n_max=3)
    cats = {y: map_categories(df, indicator, change=True, classes=classes) for y, df in tables.items()}
    return classes, cats, tables


def _legend(categories: list[str], classes, change: bool) -> list[tuple[str, str]]:
    """(category, label) in legend order: classes (increase from large down, then decreases),
    then statuses."""
    n = len(classes)
    out = []
    if change:
        out += [(f"inc_{i}", _signed(classes[i], "+")) for i in reversed(range(n))]
        out += [(f"dec_{i}", _signed(classes[i], "−")) for i in range(n)]
    else:
        out += [(f"class_{i}", _class_label(*classes[i])) for i in range(n)]
    out += [(c, t(STATUS_STYLE[c]["label"])) for c in STATUS_ORDER]
    return [(c, label) for c, label in out if c in categories]


def _signed(cls: tuple[float, float], sign: str) -> str:
    """A class of the size of a change with its sign on both ends: "+1 … +2", "−3"."""
    lo, hi = (_class_label(v, v) for v in cls)
    return f"{sign}{lo}" if lo == hi else f"{sign}{lo} … {sign}{hi}"


def _rank_key(row, value: float, name: str, lg: str):
    last = RANK_LAST.get(row["category"], 0)
    return (last, -value if last == 0 else 0, collation_key(name, lg))


def _frame_traces(cats: pd.DataFrame, values: dict, index: dict, n: int, highlight: set[str]):
    """(choropleth update, bar update) of one year."""
    lg = lang()
    names = [i18n.unit_name(c, lg) for c in cats["code"]]
    styles = [palette.style(c, n) for c in cats["category"]]
    opacity = [1.0 if not highlight or c in highlight else 0.35 for c in cats["code"]]
    choro = {"z": [index[c] for c in cats["category"]],                  # names: the trace's fixed text
             "customdata": [list(x) for x in zip(cats["value_text"], cats["status_text"])],
             "marker": {"line": {"color": [s[1] for s in styles], "width": [s[2] for s in styles]},
                        "opacity": opacity}}
    rows = [(r, values.get(r["code"], 0.0), name, s) for r, name, s in zip(cats.to_dict("records"), names, styles)
            if r["code"] != LEFT_BANK and (not highlight or r["code"] in highlight)]
    rows.sort(key=lambda x: _rank_key(x[0], x[1], x[2], lg))
    bar = {"x": [v if RANK_LAST.get(r["category"], 0) == 0 else 0 for r, v, _, _ in rows],
           "y": [name for _, _, name, _ in rows], "text": [r["value_text"] for r, _, _, _ in rows],
           "customdata": [[r["code"]] for r, _, _, _ in rows],             # the map's hover says the status
           "marker": {"color": [s[0] for _, _, _, s in rows], "line": {"color": [s[1] for *_, s in rows],
                                                                         "width": [s[2] for *_, s in rows]}}}
    return choro, bar


def _colorscale(order: list[str], n: int) -> list:
    k = max(len(order), 1)
    scale = []
    for i, cat in enumerate(order):
        fill = palette.style(cat, n)[0]
        scale += [[i / k, fill], [(i + 1) / k, fill]]
    return scale or [[0, "#ffffff"], [1, "#ffffff"]]


def _hover(indicator_label: str, ranking: bool) -> str:
    """Map: name (fixed text), figure, status; ranking: name (y) and figure (its text). Frames carry
    only what changes: 20 years of names and statuses would make the figure twice as heavy."""
    if ranking:
        return f"<b>%{{y}}</b><br>{indicator_label}: %{{text}}<extra></extra>"
    return f"<b>%{{text}}</b><br>{indicator_label}: %{{customdata[0]}}<br>%{{customdata[1]}}<extra></extra>"


def _title(indicator_label: str, year: int, base_year: int | None) -> str:
    if base_year is None:
        return t("page.map.subtitle", indicator=indicator_label, year=year)
    return t("page.map.change_title", indicator=indicator_label, base=base_year, year=year)


def _title_layout(text: str) -> dict:
    """Bold in every frame (an animation frame replaces the title, and its weight with it)."""
    return {"text": f"<b>{text}</b>", "x": 0.01, "y": 0.99, "font": {"size": 16}}


def _controls(years: list[int], year: int) -> dict:
    """The year slider and the play / pause buttons (plotly's own: they run in the browser)."""
    step = {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}
    play = {"frame": {"duration": 900, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
    return {
        "sliders": [{"active": years.index(year), "x": 0.12, "len": 0.88, "y": 0.0, "yanchor": "top",
                     "pad": {"t": 10, "b": 0}, "currentvalue": {"prefix": t("filter.year") + ": ",
                                                                 "font": {"size": 14}},
                     "steps": [{"label": str(y), "method": "animate", "args": [[str(y)], step]} for y in years]}],
        "updatemenus": [{"type": "buttons", "direction": "left", "x": 0.0, "y": 0.0, "xanchor": "left",
                         "yanchor": "top", "pad": {"t": 38}, "showactive": False,
                         "buttons": [{"label": "▶ " + t("page.map.play"), "method": "animate",
                                      "args": [[str(y) for y in years], play]},
                                     {"label": "❚❚ " + t("page.map.pause"), "method": "animate",
                                      "args": [[None], step | {"frame": {"duration": 0, "redraw": False}}]}]}],
    }


def spec(cats_by_year: dict[int, pd.DataFrame], values_by_year: dict[int, dict], classes, indicator: str,
         year: int, *, base_year: int | None = None, highlight: Iterable[str] = (), height: int = 720) -> dict:
    """The figure as a plain dict: the map and the ranking for ``year``, and one frame per year
    (slider and play) when there are several years."""
    lg = lang()
    label = i18n.indicator_label(indicator, lg)
    years = sorted(cats_by_year)
    present = {c for df in cats_by_year.values() for c in df["category"]}
    legend = _legend(sorted(present), classes, base_year is not None)
    order = [c for c, _ in legend]
    index = {c: i for i, c in enumerate(order)}
    n, highlight = len(classes), set(highlight)
    data = {y: _frame_traces(cats_by_year[y], values_by_year[y], index, n, highlight) for y in years}
    choro, bar = data[year]
    # a click selects a unit (its profile opens); nothing may fade, or the colours stop matching the legend
    same = {"selected": {"marker": {"opacity": 1}}, "unselected": {"marker": {"opacity": 1}}}
    text_same = {"selected": {"marker": {"opacity": 1}, "textfont": {"color": palette.TEXT_DARK}},
                 "unselected": {"marker": {"opacity": 1}, "textfont": {"color": palette.TEXT_DARK}}}
    traces = [
        {"type": "choroplethmap", "geojson": geo.load_geojson(), "featureidkey": geo.FEATURE_ID_KEY,
         "locations": cats_by_year[year]["code"].tolist(), **choro, "colorscale": _colorscale(order, n),
         "text": [i18n.unit_name(c, lg) for c in cats_by_year[year]["code"]], "hoverinfo": "text",
         "zmin": -0.5, "zmax": len(order) - 0.5, "showscale": False, "showlegend": False,
         "hovertemplate": _hover(label, False), "name": label, **same},
        {"type": "bar", "orientation": "h", **bar, "textposition": "outside", "cliponaxis": False,
         "showlegend": False, "textfont": {"size": 11, "color": palette.TEXT_DARK},
         "hovertemplate": _hover(label, True), "name": label,
         **text_same}]
    for cat, text in legend:                         # legend entries: empty bars with the category's style
        fill, line, width = palette.style(cat, n)
        traces.append({"type": "bar", "x": [None], "y": [None], "orientation": "h", "name": text, "showlegend": True,
                       "hoverinfo": "skip", "marker": {"color": fill, "line": {"color": line, "width": max(width, 1)}}})
    out = {"data": traces, "layout": _layout(values_by_year, label, year, base_year, height)}
    if len(years) > 1:
        out["frames"] = [{"name": str(y), "traces": [0, 1],
                          "layout": {"title": _title_layout(_title(label, y, base_year))},
                          "data": [{"type": "choroplethmap", **data[y][0]}, {"type": "bar", **data[y][1]}]}
                         for y in years]
        out["layout"].update(_controls(years, year), margin={"l": 0, "r": 10, "t": 40, "b": 90})
    return out


def _layout(values_by_year: dict, label: str, year: int, base_year: int | None, height: int) -> dict:
    top = max((abs(v) for vals in values_by_year.values() for v in vals.values()), default=0) or 1
    rng = [-top * 1.25, top * 1.25] if base_year is not None else [0, top * 1.25]
    lat, lon = geo.center()
    return {
        "height": height, "margin": {"l": 0, "r": 10, "t": 40, "b": 10}, "clickmode": "event+select",
        "dragmode": False, "title": _title_layout(_title(label, year, base_year)),
        "map": {"style": "white-bg", "center": {"lat": lat, "lon": lon},
                "zoom": fit_zoom(geo.bounds(), int(height * TOP) - 70, MAP_WIDTH_PX),
                "domain": {"x": list(MAP_DOMAIN), "y": [0, TOP]}},
        "xaxis": {"domain": list(BAR_DOMAIN), "anchor": "y", "range": rng, "fixedrange": True, "zeroline": True,
                  "zerolinecolor": palette.DARK, "gridcolor": "#e3e3e3", "side": "top", "tickfont": {"size": 10}},
        "yaxis": {"domain": [0, TOP], "anchor": "x", "type": "category", "autorange": "reversed",
                  "fixedrange": True, "tickfont": {"size": 11}},
        "legend": {"title": {"text": label if base_year is None else t("page.map.legend_change", indicator=label)},
                   "x": 0.0, "xanchor": "left", "y": TOP, "yanchor": "top", "font": {"size": 12},
                   "bgcolor": "#e8ecf0", "bordercolor": "#b8c0c8", "borderwidth": 1,
                   "itemclick": False, "itemdoubleclick": False},
        "bargap": 0.25, "barmode": "overlay", "showlegend": True,
        "uniformtext": {"minsize": 10, "mode": "show"}}


def values_of(df: pd.DataFrame, col: str) -> dict[str, float]:
    """code -> the figure as a number (0 for anything that is not one: suppressed, not reported)."""
    return {c: (0.0 if is_missing(v) or privacy.is_suppressed(v) else float(v)) for c, v in zip(df["code"], df[col])}


def build(uy: pd.DataFrame, indicator: str, year: int, years: list[int], *, base_year: int | None = None,
          highlight: Iterable[str] = ()) -> go.Figure:
    """The figure from ``unit_years`` over ``years`` (victims already protected). Built as a dict
    and wrapped without plotly's per-property validation (the tests validate the same spec):
    20 frames validated cost more than the 250 ms a page may take."""
    uy = uy.copy(deep=False)
    uy.attrs = {}                                  # the victim cells ride along otherwise, copied on every filter
    if base_year is None:
        classes, cats = level_frames(uy, indicator, years)
        values = {y: values_of(uy[uy["year"] == y], indicator) for y in years}
    else:
        classes, cats, tables = change_frames(uy, indicator, years, base_year)
        values = {y: values_of(df, f"{indicator}_change") for y, df in tables.items()}
    return go.Figure(spec(cats, values, classes, indicator, year, base_year=base_year, highlight=highlight),
                     _validate=False)
