"""District boundaries: ``geo/moldova_units.geojson`` (built by ``geo/build.py``).

One feature per drawn unit, ``properties.code`` = ISO 3166-2:MD code (also the feature ``id``),
plus ``name_ro`` and ``name_en``. 36 units are drawn: the 35 with a Territorial Commission and
MD-SN (the left bank). MD-BD Bender has no outline in the source and is not drawn.

Rings follow RFC 7946 (exterior counter-clockwise), which Plotly's ``choropleth_map`` draws;
use ``featureidkey=FEATURE_ID_KEY``. ``map_style="white-bg"`` needs no tiles from the network.

``load_geojson`` and ``bounds``/``center`` use only the standard library; ``unit_at`` and
``centroids`` import shapely on first use. No streamlit here.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
GEOJSON_PATH = REPO_ROOT / "geo" / "moldova_units.geojson"
FEATURE_ID_KEY = "properties.code"


@functools.lru_cache(maxsize=1)
def load_geojson() -> dict:
    """The FeatureCollection, read once and cached. The same dict is returned on every call:
    treat it as read-only (copy.deepcopy it before changing anything)."""
    with open(GEOJSON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def drawn_codes() -> list[str]:
    """Codes of the drawn units, sorted."""
    return sorted(f["properties"]["code"] for f in load_geojson()["features"])


def _positions(geometry: dict):
    coords = geometry["coordinates"]
    polygons = [coords] if geometry["type"] == "Polygon" else coords
    for polygon in polygons:
        for ring in polygon:
            yield from ring


@functools.lru_cache(maxsize=1)
def bounds() -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of all drawn units."""
    xs, ys = [], []
    for f in load_geojson()["features"]:
        for x, y, *_ in _positions(f["geometry"]):
            xs.append(x)
            ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys))


def center() -> tuple[float, float]:
    """(lat, lon) of the middle of ``bounds()``, e.g. for a map's ``center``."""
    minx, miny, maxx, maxy = bounds()
    return ((miny + maxy) / 2, (minx + maxx) / 2)


@functools.lru_cache(maxsize=1)
def _shapes() -> tuple[tuple[str, object], ...]:
    import shapely
    from shapely.geometry import shape

    out = []
    for f in load_geojson()["features"]:
        g = shape(f["geometry"])
        shapely.prepare(g)
        out.append((f["properties"]["code"], g))
    return tuple(sorted(out, key=lambda cg: cg[0]))


def unit_at(lon: float, lat: float) -> str | None:
    """Code of the drawn unit containing the point (lon, lat); None outside every unit.
    A point exactly on a shared border goes to the unit with the smaller code."""
    import shapely

    p = shapely.Point(lon, lat)
    for code, g in _shapes():
        if g.covers(p):
            return code
    return None


@functools.lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float, float]]:
    from shapely.ops import polylabel

    out = {}
    for code, g in _shapes():
        # label the largest part (Găgăuzia and the left bank are MultiPolygons)
        part = max(getattr(g, "geoms", [g]), key=lambda p: p.area)
        pt = polylabel(part, tolerance=0.002)
        if not g.covers(pt):                       # cannot happen for a valid polygon; be safe
            pt = part.representative_point()
        out[code] = (round(pt.x, 4), round(pt.y, 4))
    return out


def centroids() -> dict[str, tuple[float, float]]:
    """code -> (lon, lat) of a point well inside the unit (pole of inaccessibility of its
    largest part), for labels."""
    return dict(_centroids())
