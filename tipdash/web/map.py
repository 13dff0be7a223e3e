"""The map of the dashboard: status categories and value classes per unit, and the choropleth.

It uses the session's language and number formatting (:mod:`tipdash.web.state`) and no
streamlit widget. Drawn with plotly's maplibre choropleth on a blank style: no tiles, nothing
fetched.
"""
from __future__ import annotations

import math
from typing import Any, Iterable

import pandas as pd
import plotly.graph_objects as go

from tipdash import geo, i18n, privacy
from tipdash.values import is_missing
from tipdash.web.cache import shared
from tipdash.web.state import fmt_number, lang, t

#: status categories of the map, each drawn as its own trace with its own legend entry
STATUS_STYLE: dict[str, dict[str, Any]] = {
    "zero": {"fill": "#ffffff", "line": "#1a1a1a", "width": 1.4, "label": "page.map.legend.zero"},
    "suppressed": {"fill": "#c2b5d9", "line": "#4d4d4d", "width": 0.8, "label": "page.map.legend.suppressed"},
    "not_given": {"fill": "#efe3c4", "line": "#b9a77a", "width": 0.8, "label": "page.map.legend.not_given"},
    "not_reported": {"fill": "#d0d0d0", "line": "#ffffff", "width": 0.8, "label": "page.map.legend.not_reported"},
    "left_bank": {"fill": "#8a8a8a", "line": "#ffffff", "width": 0.8, "label": "page.map.legend.left_bank"},
    "decrease": {"fill": "#c0504d", "line": "#ffffff", "width": 0.8, "label": "page.map.legend.decrease"},
    "no_change": {"fill": "#ffffff", "line": "#1a1a1a", "width": 1.8, "label": "page.map.legend.no_change"},
    "increase": {"fill": "#2f7d4f", "line": "#ffffff", "width": 0.8, "label": "page.map.legend.increase"},
    "not_comparable": {"fill": "#efe3c4", "line": "#b9a77a", "width": 0.8, "label": "page.map.legend.not_comparable"},
}
#: sequential classes (light -> dark blue); the lightest is clearly blue, never white or grey
CLASS_COLOURS = ["#9cc3e4", "#6aa5d6", "#3f83c4", "#1f60a8", "#0b3d7a"]
LEFT_BANK = "MD-SN"


def _classes(values: list[float], n_max: int = 5) -> list[tuple[float, float]]:
    """(low, high) integer classes over the positive values: one per value when few, else quantiles."""
    vals = sorted({float(v) for v in values})
    if not vals:
        return []
    if len(vals) <= n_max:
        return [(v, v) for v in vals]
    qs = pd.Series(vals).quantile([i / n_max for i in range(1, n_max)]).tolist()
    edges = [vals[0]] + sorted({math.floor(q) for q in qs if vals[0] <= math.floor(q) < vals[-1]}) + [vals[-1]]
    out = []
    lo = edges[0]
    for hi in edges[1:]:
        if hi < lo:
            continue
        out.append((lo, hi))
        lo = math.floor(hi) + 1
    return out


def _class_label(lo: float, hi: float) -> str:
    def s(x):
        return str(int(x)) if float(x).is_integer() else f"{x:g}"
    return s(lo) if lo == hi else f"{s(lo)}–{s(hi)}"


def map_categories(df: pd.DataFrame, indicator: str, *, change: bool = False,
                   classes: list[tuple[float, float]] | None = None) -> pd.DataFrame:
    """One row per drawn unit: ``code, category, value_text, status_text`` (once per server for
    the same rows, indicator, classes and language).

    ``df`` is ``unit_year`` (victims already protected) or ``change`` for ``change=True``.
    Categories: ``class_<i>`` (numbers > 0), zero, suppressed, not_given (reported, figure
    blank), not_reported, left_bank; in change mode decrease/no_change/increase/not_comparable,
    or, with ``classes`` (of the size of the change), ``dec_<i>``/no_change/``inc_<i>``.
    ``classes`` given: those (e.g. fixed over all years of an animation), else from ``df``."""
    lg = lang()
    fixed = None if classes is None else [tuple(c) for c in classes]
    return shared("table", "map_categories", lambda: _map_categories(df, indicator, change, fixed, lg),
                  df, indicator, change, fixed, lg).copy(deep=False)


def _map_categories(df: pd.DataFrame, indicator: str, change: bool, classes, lg: str) -> pd.DataFrame:
    rows = []
    by_code = {r["code"]: r for r in df.to_dict("records")}
    positives = []
    col = f"{indicator}_change" if change else indicator
    for code in geo.drawn_codes():
        r = by_code.get(code)
        if r is None:
            rows.append((code, "left_bank" if code == LEFT_BANK else "not_reported", "", t("common.no_commission")))
            continue
        status = r.get("reporting_status")
        status_text = i18n.vocab_label("reporting_status", status, lg)
        v = r.get(col)
        approx = bool(r.get(f"{indicator}_approx")) if not is_missing(r.get(f"{indicator}_approx")) else False
        if status == "not_reported":
            rows.append((code, "not_reported", t("common.not_reported"), status_text))
        elif is_missing(v):
            rows.append((code, "not_comparable" if change else "not_given", t("common.not_reported"), status_text))
        elif privacy.is_suppressed(v):
            rows.append((code, "suppressed", str(v), status_text))
        elif change:
            f = float(v)
            cat = "increase" if f > 0 else ("decrease" if f < 0 else "no_change")
            if classes is not None and f != 0:
                cat = f                                  # classified by size below
            rows.append((code, cat, f"{'+' if f > 0 else ''}{fmt_number(v)}", status_text))
        elif float(v) == 0:
            rows.append((code, "zero", "0", status_text))
        else:
            positives.append(float(v))
            rows.append((code, float(v), fmt_number(v, approx), status_text))
    classes = _classes(positives) if classes is None else classes
    out = []
    for code, cat, value_text, status_text in rows:
        if isinstance(cat, float):
            size = abs(cat)
            idx = next((i for i, (lo, hi) in enumerate(classes) if size <= hi), len(classes) - 1)
            cat = (("dec_" if cat < 0 else "inc_") if change else "class_") + str(idx)
        out.append({"code": code, "category": cat, "value_text": value_text, "status_text": status_text})
    res = pd.DataFrame(out)
    res.attrs["classes"] = classes
    return res


def map_figure(cats: pd.DataFrame, indicator: str, *, highlight: Iterable[str] = (), height: int = 620,
               legend_title: str | None = None):
    """Choropleth (maplibre, no tiles) with one trace per class / status and its own legend entry;
    built once per server for the same categories, language and arguments (shared: do not change it)."""
    args = (cats, indicator, tuple(sorted(highlight)), height, legend_title, lang())
    return shared("figure", "map_figure", lambda: _map_figure(*args), *args)


def _map_figure(cats: pd.DataFrame, indicator: str, highlight: tuple[str, ...], height: int,
                legend_title: str | None, lg: str):
    gj = geo.load_geojson()
    classes = cats.attrs.get("classes", [])
    n = len(classes)
    palette = CLASS_COLOURS if n >= len(CLASS_COLOURS) else [
        CLASS_COLOURS[round(i * (len(CLASS_COLOURS) - 1) / max(n - 1, 1))] for i in range(n)]
    order = [f"class_{i}" for i in range(n)] + list(STATUS_STYLE)
    highlight = set(highlight)
    fig = go.Figure()
    for cat in order:
        part = cats[cats["category"] == cat]
        if part.empty:
            continue
        if cat.startswith("class_"):
            i = int(cat.split("_")[1])
            fill, line, width = palette[i], "#ffffff", 0.8
            label = _class_label(*classes[i])
        else:
            style = STATUS_STYLE[cat]
            fill, line, width, label = style["fill"], style["line"], style["width"], t(style["label"])
        codes = part["code"].tolist()
        names = [i18n.unit_name(c, lg) for c in codes]
        opacity = [1.0 if not highlight or c in highlight else 0.35 for c in codes]
        part_gj = {"type": "FeatureCollection",
                   "features": [feat for feat in gj["features"] if feat["properties"]["code"] in set(codes)]}
        fig.add_trace(go.Choroplethmap(
            geojson=part_gj, featureidkey=geo.FEATURE_ID_KEY, locations=codes, z=[1] * len(codes),
            colorscale=[[0, fill], [1, fill]], zmin=0, zmax=1, showscale=False,
            marker={"line": {"color": line, "width": width}, "opacity": opacity},
            name=label, legendgroup=cat, showlegend=True,
            customdata=list(zip(names, part["value_text"], part["status_text"])),
            hovertemplate="<b>%{customdata[0]}</b><br>" + i18n.indicator_label(indicator, lg)
            + ": %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        ))
    minx, miny, maxx, maxy = geo.bounds()
    lat, lon = geo.center()
    fig.update_layout(
        map={"style": "white-bg", "center": {"lat": lat, "lon": lon}, "zoom": fit_zoom(geo.bounds(), height - 20, 520)},
        height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0},
        legend={"title": {"text": legend_title or i18n.indicator_label(indicator, lg)},
                "x": 0.01, "xanchor": "left", "y": 0.99, "yanchor": "top",
                # light grey, so that the white swatch of "0 (reported zero)" shows
                "bgcolor": "#e8ecf0", "bordercolor": "#b8c0c8", "borderwidth": 1,
                "itemclick": False, "itemdoubleclick": False},
        clickmode="event+select", dragmode=False,
    )
    return fig


def fit_zoom(bounds: tuple[float, float, float, float], height_px: int, width_px: int) -> float:
    """The web-mercator zoom that fits ``bounds`` (lon/lat) into height x width pixels (512-px tiles)."""
    minx, miny, maxx, maxy = bounds

    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dy = (y(maxy) - y(miny)) / (2 * math.pi)
    dx = (maxx - minx) / 360
    z_h = math.log2(height_px / (512 * dy))
    z_w = math.log2(width_px / (512 * dx))
    return round(min(z_h, z_w) - 0.05, 2)
