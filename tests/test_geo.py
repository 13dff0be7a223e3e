"""District boundaries: the committed geo/moldova_units.geojson and tipdash.geo (offline)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import shape

from tipdash import geo, units

# (place, lon, lat, expected code) - town centres, not too close to a border.
TOWNS = [
    ("Chișinău", 28.8353, 47.0245, "MD-CU"),
    ("Bălți", 27.9289, 47.7617, "MD-BA"),
    ("Comrat", 28.6550, 46.2956, "MD-GA"),
    ("Ceadîr-Lunga", 28.8308, 46.0617, "MD-GA"),
    ("Vulcănești", 28.4047, 45.6842, "MD-GA"),          # the exclave
    ("Cocieri", 29.1167, 47.3000, "MD-DU"),             # left bank, government-controlled
    ("Coșnița", 29.1670, 47.1830, "MD-DU"),
    ("Dubăsari town", 29.1600, 47.2640, "MD-SN"),
    ("Tiraspol", 29.6300, 46.8400, "MD-SN"),
    ("Bender", 29.4800, 46.8300, "MD-SN"),             # MD-BD is not drawn
    ("Slobozia", 29.7044, 46.7297, "MD-SN"),
    ("Rîbnița", 29.0006, 47.7686, "MD-SN"),
    ("Camenca", 28.7180, 48.0330, "MD-SN"),
    ("Grigoriopol", 29.2960, 47.1540, "MD-SN"),
    ("Cahul", 28.1944, 45.9075, "MD-CA"),
    ("Soroca", 28.2956, 48.1581, "MD-SO"),
    ("Ungheni", 27.7980, 47.2060, "MD-UN"),
    ("Edineț", 27.3050, 48.1680, "MD-ED"),
    ("Briceni", 27.0850, 48.3610, "MD-BR"),
    ("Ocnița", 27.4390, 48.3850, "MD-OC"),
    ("Dondușeni", 27.5850, 48.2240, "MD-DO"),
    ("Drochia", 27.8125, 48.0350, "MD-DR"),
    ("Rîșcani", 27.5536, 47.9556, "MD-RI"),
    ("Glodeni", 27.5144, 47.7708, "MD-GL"),
    ("Fălești", 27.7092, 47.5733, "MD-FA"),
    ("Sîngerei", 28.1431, 47.6361, "MD-SI"),
    ("Florești", 28.2936, 47.8933, "MD-FL"),
    ("Șoldănești", 28.7972, 47.8161, "MD-SD"),
    ("Rezina", 28.9622, 47.7494, "MD-RE"),
    ("Telenești", 28.3656, 47.4994, "MD-TE"),
    ("Orhei", 28.8231, 47.3831, "MD-OR"),
    ("Călărași", 28.3081, 47.2544, "MD-CL"),
    ("Nisporeni", 28.1783, 47.0814, "MD-NI"),
    ("Strășeni", 28.6103, 47.1414, "MD-ST"),
    ("Ialoveni", 28.7778, 46.9431, "MD-IA"),
    ("Hîncești", 28.5908, 46.8281, "MD-HI"),
    ("Anenii Noi", 29.2311, 46.8797, "MD-AN"),
    ("Căușeni", 29.4114, 46.6442, "MD-CS"),
    ("Ștefan Vodă", 29.6631, 46.5128, "MD-SV"),
    ("Cimișlia", 28.7836, 46.5200, "MD-CM"),
    ("Leova", 28.2553, 46.4786, "MD-LE"),
    ("Cantemir", 28.2011, 46.2781, "MD-CT"),
    ("Taraclia", 28.6689, 45.9000, "MD-TA"),
    # (Basarabeasca town lies ~2 km outside Natural Earth's 1:10m outline, on the border.)
]
ABROAD = [("Iași", 27.60, 47.16), ("Odesa", 30.73, 46.48), ("Chernivtsi", 25.94, 48.29),
          ("Mohyliv-Podilskyi", 27.79, 48.45), ("Izmail", 28.83, 45.35)]


@pytest.fixture(scope="module")
def fc():
    return geo.load_geojson()


@pytest.fixture(scope="module")
def shapes(fc):
    return {f["properties"]["code"]: shape(f["geometry"]) for f in fc["features"]}


def _signed_area(ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def test_file_size_and_structure(fc):
    assert geo.GEOJSON_PATH.stat().st_size <= 150_000
    assert fc["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in fc["features"]]
    assert len(codes) == len(set(codes)) == 36
    for f in fc["features"]:
        p = f["properties"]
        u = units.get(p["code"])
        assert f["id"] == p["code"]
        assert (p["name_ro"], p["name_en"]) == (u.name_ro, u.name_en)
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_drawn_units():
    drawn = set(geo.drawn_codes())
    assert geo.drawn_codes() == sorted(drawn)
    assert drawn == {u.code for u in units.commission_units()} | {"MD-SN"}
    assert "MD-BD" not in drawn
    assert all(u.code in drawn for u in units.commission_units())


def test_geometries_valid(shapes):
    for code, g in shapes.items():
        assert g.is_valid, (code, shapely.is_valid_reason(g))
        assert not g.is_empty and g.area > 0.005, code          # > ~50 km²
    assert shapes["MD-GA"].geom_type == "MultiPolygon"        # Vulcănești exclave


def test_orientation_rfc7946(fc):
    for f in fc["features"]:
        for polygon in _polygons(f["geometry"]):
            exterior, *holes = polygon
            assert exterior[0] == exterior[-1]
            assert _signed_area(exterior) > 0, f["id"]        # counter-clockwise
            assert all(_signed_area(h) < 0 for h in holes), f["id"]


def test_coordinates_rounded_and_in_moldova(fc):
    for f in fc["features"]:
        for polygon in _polygons(f["geometry"]):
            for ring in polygon:
                for x, y in ring:
                    assert 26.6 < x < 30.2 and 45.4 < y < 48.5
                    assert round(x, 4) == x and round(y, 4) == y


def test_shared_borders_have_no_gaps_or_overlaps(shapes):
    geoms = list(shapes.values())
    assert shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    total = sum(g.area for g in geoms)
    assert union.area == pytest.approx(total, rel=1e-6)          # no overlaps
    assert union.geom_type == "Polygon" and len(union.interiors) == 0   # no gaps inside the country
    assert union.area == pytest.approx(3.94, rel=0.01)           # ~33,800 km², square degrees


@pytest.mark.parametrize("place,lon,lat,code", TOWNS, ids=[t[0] for t in TOWNS])
def test_towns_in_the_right_unit(place, lon, lat, code):
    assert geo.unit_at(lon, lat) == code


@pytest.mark.parametrize("place,lon,lat", ABROAD, ids=[t[0] for t in ABROAD])
def test_abroad_is_no_unit(place, lon, lat):
    assert geo.unit_at(lon, lat) is None


def test_bounds_center_centroids():
    minx, miny, maxx, maxy = geo.bounds()
    assert 26.5 < minx < 26.8 and 45.4 < miny < 45.5 and 30.0 < maxx < 30.2 and 48.4 < maxy < 48.5
    lat, lon = geo.center()
    assert (lat, lon) == pytest.approx(((miny + maxy) / 2, (minx + maxx) / 2))
    cents = geo.centroids()
    assert sorted(cents) == geo.drawn_codes()
    for code, (x, y) in cents.items():
        assert geo.unit_at(x, y) == code, code
    cents["MD-CU"] = (0, 0)                                   # callers get a copy
    assert geo.centroids()["MD-CU"] != (0, 0)


def test_load_is_cached_and_matches_file():
    assert geo.load_geojson() is geo.load_geojson()
    assert json.loads(geo.GEOJSON_PATH.read_text(encoding="utf-8")) == geo.load_geojson()


def test_geo_does_not_import_streamlit():
    code = "import sys, tipdash.geo as g; g.load_geojson(); g.unit_at(28.8, 47.0); print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=geo.REPO_ROOT)
    assert out.stdout.strip() == "False"
