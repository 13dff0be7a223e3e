"""The colours of the views across years: the map's classes and statuses reused, every fill below
3:1 on white outlined in a dark colour, the change palette diverging blue/orange (never red/green)."""
from __future__ import annotations

import pytest

from tipdash.web import national, palette
from tipdash.web.map import CLASS_COLOURS, STATUS_STYLE


def test_contrast_ratio():
    assert palette.contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert palette.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("category,n", [*((f"class_{i}", 5) for i in range(5)), *((f"inc_{i}", 3) for i in range(3)),
                                        *((f"dec_{i}", 3) for i in range(3)), *((c, 1) for c in STATUS_STYLE)])
def test_every_fill_stands_out_or_is_outlined(category, n):
    fill, line, width = palette.style(category, n)
    assert palette.contrast(fill, "#ffffff") >= 3 or (palette.contrast(line, "#ffffff") >= 3 and width > 0), category


def test_classes_and_statuses_are_the_maps():
    assert [palette.style(f"class_{i}", 5)[0] for i in range(5)] == CLASS_COLOURS
    for cat, st in STATUS_STYLE.items():
        assert palette.style(cat, 1)[0] == st["fill"]


def test_change_palette_is_blue_and_orange():
    def hue(c):
        r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
        return "blue" if b > r else "orange"
    assert {hue(c) for c in palette.INCREASE} == {"blue"} and {hue(c) for c in palette.DECREASE} == {"orange"}
    # ordered light -> dark on both sides (the size of the change reads in greyscale too)
    for side in (palette.INCREASE, palette.DECREASE):
        lum = [palette.contrast(c, "#ffffff") for c in side]
        assert lum == sorted(lum)


def test_series_colours_read_on_white():
    assert all(palette.contrast(c, "#ffffff") >= 3 for c in national.SERIES_COLOURS)
    assert palette.text_on(CLASS_COLOURS[4]) == "#ffffff" and palette.text_on(CLASS_COLOURS[0]) == palette.TEXT_DARK
