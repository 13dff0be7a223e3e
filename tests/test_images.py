"""Chart and map images that describe themselves (tipdash.exports.images): the title, the view,
the source and the privacy note are in the picture and in its metadata; the WebGL map becomes
plain polygons (no tiles, no glyphs); Kaleido drives the system Chromium with nothing fetched."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from tipdash import geo
from tipdash.exports import images

FOOT = ["Sursa: rapoartele comisiilor teritoriale", "Victime: <5 ascunse"]


def _map_fig():
    codes = geo.drawn_codes()
    return {"data": [{"type": "choroplethmap", "geojson": geo.load_geojson(), "featureidkey": geo.FEATURE_ID_KEY,
                      "locations": codes, "z": [i % 2 for i in range(len(codes))], "zmin": -0.5, "zmax": 1.5,
                      "colorscale": [[0, "#9ecae1"], [0.5, "#9ecae1"], [0.5, "#08519c"], [1, "#08519c"]]},
                     {"type": "bar", "x": [None], "y": [None], "name": "Fără comisie (UAT din stânga Nistrului)",
                      "showlegend": True},
                     {"type": "scattermap", "lon": [28.8], "lat": [47.0], "mode": "markers"}],   # a click target
            "layout": {"height": 600, "map": {"domain": {"x": [0.3, 0.7], "y": [0, 1]}}, "sliders": [{}]},
            "frames": [{"name": "2021"}]}


def test_the_map_becomes_polygons_with_names_and_the_legend_below():
    fig, height = images.static_figure(_map_fig(), title="Ședințe, 2021", subtitle="Anul: 2021", footer=FOOT,
                                       names={"MD-CA": "Cahul", "MD-BA": "Bălți"})
    types = {t["type"] for t in fig["data"]}
    assert not types & {"choroplethmap", "scattermap"} and "frames" not in fig and "sliders" not in fig["layout"]
    polys = [t for t in fig["data"] if t.get("fill") == "toself"]
    assert len(polys) == len(geo.drawn_codes())
    assert {p["fillcolor"] for p in polys} == {"#9ecae1", "#08519c"}
    names = next(t for t in fig["data"] if t.get("mode") == "text")
    assert set(names["text"]) == {"Cahul", "Bălți"}
    assert fig["layout"]["legend"]["orientation"] == "h" and fig["layout"]["legend"]["yanchor"] == "top"
    assert "Ședințe, 2021" in fig["layout"]["title"]["text"]
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["Sursa: rapoartele comisiilor teritoriale",
                                                                "Victime: &lt;5 ascunse"]
    assert height > 600


def test_png_text_chunks_round_trip_latin1_and_utf8():
    png = images.render({"data": [{"type": "bar", "x": [1], "y": [1]}], "layout": {}}, "png", 200, 300)
    out = images.png_with_text(png, {"Title": "Ședințe, 2021", "Source": "Source: reports"})
    assert images.png_text(out) == {"Title": "Ședințe, 2021", "Source": "Source: reports"}


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_a_chart_image_carries_title_source_and_view(fmt):
    fig = go.Figure(go.Bar(x=["Cahul", "Bălți"], y=[3, 5], name="Instruiri", showlegend=True))
    data = images.image(fig, fmt, title="Instruiri, 2021", subtitle="Anul: 2021 · Unități: Cahul, Bălți",
                        footer=FOOT)
    if fmt == "png":
        meta = images.png_text(data)
        assert meta["Title"] == "Instruiri, 2021" and meta["Source"] == FOOT[0]
        assert "Unități: Cahul, Bălți" in meta["Description"] and FOOT[1] in meta["Description"]
    else:
        text = data.decode("utf-8")
        assert "<title>Instruiri, 2021</title>" in text and "Victime: &lt;5 ascunse" in text
        assert "Anul: 2021" in text and "Sursa: rapoartele comisiilor teritoriale" in text   # drawn too


def test_the_map_with_its_targets_renders():
    png = images.image(_map_fig(), "png", title="Ședințe, 2021", subtitle="Anul: 2021", footer=FOOT)
    assert images.png_text(png)["Title"] == "Ședințe, 2021"
