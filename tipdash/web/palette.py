"""The colours of the map's classes and statuses, reused by every view across years, and the
contrast rule: a fill below 3:1 against the white background gets a dark outline (WCAG 1.4.11);
text on a fill is dark or white, whichever reads at 4.5:1.

The change palette is diverging blue (more) / orange (fewer), safe for red-green colour
blindness and still ordered in greyscale (ColorBrewer PuOr's oranges, RdBu's blues)."""
from __future__ import annotations

from tipdash.web.map import CLASS_COLOURS, STATUS_STYLE

BACKGROUND = "#ffffff"
DARK = "#4d4d4d"                                   # 8.4:1 on white: the outline of light fills
TEXT_DARK = "#1a1a1a"
DECREASE = ["#fdb863", "#e08214", "#b35806"]       # small -> large decrease (orange)
INCREASE = ["#92c5de", "#4393c3", "#2166ac"]       # small -> large increase (blue)
#: reporting status -> fill (the reporting strip); met dark blue, no sessions light blue, not reported grey
REPORTING = {"met": CLASS_COLOURS[3], "reported_no_sessions": CLASS_COLOURS[0],
             "not_reported": STATUS_STYLE["not_reported"]["fill"]}


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def outline_for(fill: str) -> str:
    """White between districts when the fill stands out from the background, else dark."""
    return BACKGROUND if contrast(fill, BACKGROUND) >= 3 else DARK


def text_on(fill: str) -> str:
    return BACKGROUND if contrast(fill, BACKGROUND) >= 4.5 else TEXT_DARK


def spread(colours: list[str], n: int) -> list[str]:
    """``n`` colours picked evenly from ``colours`` (light to dark)."""
    if n >= len(colours):
        return list(colours)
    return [colours[round(i * (len(colours) - 1) / max(n - 1, 1))] for i in range(n)]


def style(category: str, n_classes: int) -> tuple[str, str, float]:
    """(fill, outline, outline width) of a map category: ``class_<i>`` of ``n_classes``,
    ``inc_<i>``/``dec_<i>``, or a status of ``tipdash.web.map.STATUS_STYLE``."""
    kind, _, idx = category.rpartition("_")
    if kind in ("class", "inc", "dec") and idx.isdigit():
        base = {"class": CLASS_COLOURS, "inc": INCREASE, "dec": DECREASE}[kind]
        fill = spread(base, n_classes)[int(idx)]
        return fill, outline_for(fill), 0.8
    st = STATUS_STYLE[category]
    if st["fill"] == BACKGROUND:                  # 0 / no change: white, drawn with a black outline
        return st["fill"], st["line"], st["width"]
    return st["fill"], outline_for(st["fill"]), 0.8
