"""PNG and SVG downloads of a chart or the map that describe themselves (:mod:`tipdash.exports.images`):
title, the view (year, indicator, units, mode), source line, privacy note and the link to the view,
in the image and in its metadata; a file name that says what it is."""
from __future__ import annotations

from typing import Any

import streamlit as st

from tipdash import exports, i18n, privacy
from tipdash.exports import images
from tipdash.i18n import formats
from tipdash.web import view
from tipdash.web.state import filters, lang, t

MIME = {"png": "image/png", "svg": "image/svg+xml"}


def view_summary(year: Any = None) -> str:
    """"Year: 2021 · Indicator: Trainings · Units: Cahul, Bălți" -- what the image shows."""
    lg, f = lang(), filters()
    shown = set(st.session_state.get("_view_shown", []))
    parts = []
    if isinstance(year, tuple):
        parts.append(f"{t('filter.years')}: {formats.year_span(year[0], year[1], lg)}")
    elif year is not None:
        parts.append(f"{t('filter.year')}: {year}")
    if "indicator" in shown:
        parts.append(f"{t('filter.indicator')}: {i18n.indicator_label(f.indicator, lg)}")
    if "units" in shown:
        names = [i18n.unit_name(c, lg) for c in f.units]
        parts.append(f"{t('filter.units')}: {', '.join(names) if names else t('common.all_units')}")
    if st.session_state.get("map_mode") == "change" and "map_base" in shown:
        parts.append(t("page.map.mode.change") + f": {st.session_state.get('map_base')}")
    return " · ".join(parts)


def footer() -> list[str]:
    """Source line, privacy note, link to the view (the image's last lines and its metadata)."""
    lg = lang()
    return [f"{t('common.source')}: {t('export.default_source')}",
            i18n.t("export.note_suppressed", lg, label=privacy.label()) + " " + t("export.image_note"),
            f"{t('share.link')}: {view.link(lg)}"]


def image_buttons(fig, *, name: str, title: str, year: Any = None, key: str,
                  names: dict[str, str] | None = None) -> None:
    """An "Image (PNG, SVG)" menu under ``fig`` whose two download buttons are drawn only while
    it is open (each button per chart in every run cost every visitor's run its time); the image
    itself is rendered only when asked for (a few seconds)."""
    lg = lang()
    menu = st.popover(t("common.download_image"), icon=":material/image:", key=f"img_{key}", on_change="rerun",
                      help=t("common.download_image_help"))
    if not menu.open:
        return
    subtitle, foot = view_summary(year), footer()
    row = menu.container(horizontal=True, gap="small")
    for fmt in ("png", "svg"):
        row.download_button(
            t(f"common.download_{fmt}"), key=f"img_{key}_{fmt}", on_click="ignore", icon=":material/image:",
            data=lambda fmt=fmt: images.image(fig, fmt, title=title, subtitle=subtitle, footer=foot, names=names),
            file_name=exports.file_name(name, year if not isinstance(year, tuple) else f"{year[0]}-{year[1]}",
                                        lg, fmt),
            mime=MIME[fmt], help=t("common.download_image_help"))
