"""Chart and map images that describe themselves (PNG and SVG): the title, the view (year,
indicator, filters), the source line and the privacy note are drawn in the image and stored in it
(PNG tEXt chunks, SVG <title>/<desc>), the legend below the plot so it is never cut.

Rendered server-side by Kaleido driving the system's Chromium, with nothing fetched from the net:
plotly.js comes from the plotly package, MathJax is off, and the WebGL map (maplibre) is redrawn
as plain polygons on cartesian axes from the same GeoJSON, with each unit's short name."""
from __future__ import annotations

import copy
import math
import os
import re
import shutil
import struct
import zlib
from typing import Any, Iterable
from xml.sax.saxutils import escape

from tipdash import geo

WIDTH = 1400
FOOT_PX = 22          # one line of the footer (source, note)
_MAP_TYPES = ("choroplethmap", "choroplethmapbox", "choropleth")
#: other traces on the WebGL map (the municipalities' round click targets): left out of the image
_MAP_ONLY = ("scattermap", "scattermapbox", "densitymap")


def _plain(text: Any) -> str:
    return re.sub(r"<[^>]+>", "", str(text or "")).strip()


def _resolve(obj: dict, path: str):
    for part in path.split("."):
        obj = obj.get(part, {}) if isinstance(obj, dict) else {}
    return obj


def _rings(geometry: dict) -> Iterable[list]:
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for poly in polys:
        yield poly[0]                                     # the outer ring (the units have no holes drawn)


def _fill(trace: dict, z: float) -> str:
    """The colour the trace's discrete colour scale gives ``z`` (an index of its categories)."""
    scale = trace.get("colorscale") or [[0, "#ffffff"], [1, "#ffffff"]]
    lo, hi = trace.get("zmin", 0), trace.get("zmax", 1)
    pos = 0.0 if hi == lo else min(max((z - lo) / (hi - lo), 0.0), 1.0)
    chosen = scale[0][1]
    for stop, colour in scale:
        if stop <= pos + 1e-9:
            chosen = colour
    return chosen


def map_polygons(trace: dict, names: dict[str, str] | None = None) -> list[dict]:
    """A choropleth map trace as cartesian polygon traces (one per unit) plus one text trace of
    the units' short names at their centroids: no WebGL, no tiles, no glyphs."""
    gj = trace.get("geojson") or geo.load_geojson()
    key = trace.get("featureidkey", geo.FEATURE_ID_KEY)
    shapes = {_resolve(f, key): f["geometry"] for f in gj["features"]}
    line = (trace.get("marker") or {}).get("line") or {}
    colours, widths = line.get("color"), line.get("width")
    out: list[dict] = []
    for i, (code, z) in enumerate(zip(trace["locations"], trace["z"])):
        geometry = shapes.get(code)
        if geometry is None:
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in _rings(geometry):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        lc = colours[i] if isinstance(colours, (list, tuple)) else (colours or "#555555")
        lw = widths[i] if isinstance(widths, (list, tuple)) else (widths or 0.5)
        out.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "fill": "toself",
                    "fillcolor": _fill(trace, z), "line": {"color": lc, "width": max(float(lw), 0.5)},
                    "hoverinfo": "skip", "showlegend": False, "xaxis": "x9", "yaxis": "y9"})
    if names:
        cents = geo.centroids()
        codes = [c for c in trace["locations"] if c in cents and c in names]
        out.append({"type": "scatter", "mode": "text", "x": [cents[c][0] for c in codes],
                    "y": [cents[c][1] for c in codes], "text": [names[c] for c in codes],
                    "textfont": {"size": 10, "color": "#1b1f24", "shadow": "0 0 2px #ffffff, 0 0 3px #ffffff"},
                    "hoverinfo": "skip", "showlegend": False,
                    "xaxis": "x9", "yaxis": "y9"})
    return out


def static_figure(fig: dict, *, title: str, subtitle: str, footer: list[str],
                  names: dict[str, str] | None = None) -> tuple[dict, int]:
    """(figure, height) ready to render: one year (no frames, slider, buttons), the title and the
    subtitle on top, the footer lines under it, the legend horizontal below the plot."""
    f = copy.deepcopy(fig if isinstance(fig, dict) else fig.to_plotly_json())
    f.pop("frames", None)
    layout = f.setdefault("layout", {})
    for k in ("sliders", "updatemenus", "width"):
        layout.pop(k, None)
    data = []
    for trace in f.get("data", []):
        if trace.get("type") in _MAP_TYPES:
            dom = (layout.get("map") or {}).get("domain") or {"x": [0, 1], "y": [0, 1]}
            data += map_polygons(trace, names)
            lat = sum(geo.bounds()[1::2]) / 2
            layout["xaxis9"] = {"domain": dom.get("x", [0, 1]), "visible": False, "anchor": "y9"}
            layout["yaxis9"] = {"domain": dom.get("y", [0, 1]), "visible": False, "anchor": "x9",
                                "scaleanchor": "x9", "scaleratio": 1 / math.cos(math.radians(lat))}
        elif trace.get("type") not in _MAP_ONLY:
            data.append(trace)
    f["data"] = data
    layout.pop("map", None)
    height = int(layout.get("height") or 450)
    n_legend = sum(1 for t in data if t.get("showlegend") and t.get("name"))
    legend_px = 0 if n_legend == 0 else 26 * math.ceil(n_legend / 3) + 30
    top, bottom = 90, 30 + legend_px + FOOT_PX * len(footer)
    total = height + top + bottom
    layout["height"] = total
    layout["margin"] = {"l": 60, "r": 40, "t": top, "b": bottom}
    layout["title"] = {"text": f"<b>{escape(title)}</b><br><span style='font-size:13px'>{escape(subtitle)}</span>",
                       "x": 0.01, "xanchor": "left", "yref": "container", "y": 1 - 14 / total, "yanchor": "top",
                       "font": {"size": 19}}
    layout["legend"] = {**{k: v for k, v in (layout.get("legend") or {}).items() if k in ("title", "font")},
                        "orientation": "h", "x": 0, "xanchor": "left", "y": -(30 / height), "yanchor": "top",
                        "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0}
    notes = [{"text": escape(line), "xref": "paper", "yref": "paper", "x": 0, "xanchor": "left",
              "y": -((30 + legend_px + FOOT_PX * i) / height), "yanchor": "top", "showarrow": False,
              "font": {"size": 12, "color": "#3d4650"}} for i, line in enumerate(footer)]
    layout["annotations"] = [*(layout.get("annotations") or []), *notes]
    layout["paper_bgcolor"] = layout["plot_bgcolor"] = "#ffffff"
    layout.setdefault("font", {"family": "sans-serif"})
    return f, total


def chromium() -> str | None:
    """The system Chromium Kaleido drives (``BROWSER_PATH`` or Debian's)."""
    return os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def render(fig: dict, fmt: str, height: int, width: int = WIDTH) -> bytes:
    """PNG or SVG bytes of a plotly figure dict (Kaleido + Chromium, MathJax off: nothing fetched)."""
    import kaleido

    path = chromium()
    if path:
        os.environ.setdefault("BROWSER_PATH", path)
    out = kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": 1},
                                kopts={"mathjax": False})
    return out if isinstance(out, bytes) else bytes(out)


def png_with_text(png: bytes, items: dict[str, str]) -> bytes:
    """``png`` with one tEXt chunk per item after IHDR (Latin-1 keywords; UTF-8 text goes in iTXt)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    ihdr_end = 8 + 8 + struct.unpack(">I", png[8:12])[0] + 4
    chunks = b""
    for key, text in items.items():
        try:
            body, kind = key.encode("latin-1") + b"\x00" + text.encode("latin-1"), b"tEXt"
        except UnicodeEncodeError:
            body, kind = key.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"), b"iTXt"
        chunks += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return png[:ihdr_end] + chunks + png[ihdr_end:]


def png_text(png: bytes) -> dict[str, str]:
    """The tEXt / iTXt items of a PNG (to read back what :func:`png_with_text` stored)."""
    out, pos = {}, 8
    while pos < len(png):
        n = struct.unpack(">I", png[pos:pos + 4])[0]
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        if kind == b"tEXt":
            k, v = body.split(b"\x00", 1)
            out[k.decode("latin-1")] = v.decode("latin-1")
        elif kind == b"iTXt":
            k, rest = body.split(b"\x00", 1)
            out[k.decode("latin-1")] = rest[2:].split(b"\x00", 2)[-1].decode("utf-8")   # flag, method, lang, key
        pos += 12 + n
    return out


def svg_with_text(svg: bytes, title: str, description: str) -> bytes:
    """``svg`` with <title> and <desc> as its first children (screen readers and file viewers)."""
    text = svg.decode("utf-8")
    end = text.index(">", text.index("<svg")) + 1
    meta = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
    return (text[:end] + meta + text[end:]).encode("utf-8")


def image(fig, fmt: str, *, title: str, subtitle: str, footer: list[str],
          names: dict[str, str] | None = None) -> bytes:
    """The self-describing PNG or SVG of ``fig`` (a plotly Figure or its dict)."""
    fmt = fmt.lower()
    if fmt not in ("png", "svg"):
        raise ValueError(f"unknown image format {fmt!r}; expected png or svg")
    static, height = static_figure(fig, title=title, subtitle=subtitle, footer=footer, names=names)
    raw = render(static, fmt, height)
    description = " · ".join([subtitle, *footer])
    if fmt == "png":
        return png_with_text(raw, {"Title": title, "Description": description, "Source": footer[0] if footer else "",
                                   "Software": "tipdash"})
    return svg_with_text(raw, title, description)
