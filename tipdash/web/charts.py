"""Small chart helpers (plotly): bars with integer axes, bars on a real date axis.

Each figure is built once per server for the same data and arguments (``web.cache.shared``) and
then drawn by every session that asks for it: plotly express costs tens of milliseconds a figure."""
from __future__ import annotations

import re
from typing import Mapping

import pandas as pd
import plotly.express as px
import streamlit as st

from tipdash import i18n
from tipdash.i18n import content
from tipdash.values import is_missing
from tipdash.web.cache import get_store, shared, translations
from tipdash.web.state import fmt_number, lang, t, unit_name


def bar(df: pd.DataFrame, x: str, y: str, color: str | None = None, *, labels: Mapping[str, str] | None = None,
        height: int = 360, orientation: str = "v"):
    """A bar chart with an integer value axis (shared: do not change it)."""
    args = (df, x, y, color, dict(labels or {}), height, orientation)
    return shared("figure", "bar", lambda: _bar(*args), *args)


def _bar(df, x, y, color, labels, height, orientation):
    fig = px.bar(df, x=x, y=y, color=color, labels=dict(labels or {}), height=height, orientation=orientation)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="")
    _integer_axis(fig, df[y], "x" if orientation == "h" else "y")
    return fig


def period_bars(df: pd.DataFrame, x: str, y: str, color: str | None, *, start: int, end: int, days: float,
                labels: Mapping[str, str] | None = None, height: int = 360, hover_period: str | None = None):
    """Bars on a real date axis spanning the whole chosen years (a lone month is not stretched over
    the axis), each ``days`` wide, integer counts (shared: do not change it)."""
    args = (df, x, y, color, start, end, days, dict(labels or {}), height, hover_period)
    return shared("figure", "period_bars", lambda: _period_bars(*args), *args)


def _period_bars(df, x, y, color, start, end, days, labels, height, hover_period):
    fig = px.bar(df, x=x, y=y, color=color, labels=dict(labels or {}), height=height,
                 hover_data={hover_period: True, x: False} if hover_period else None)
    fig.update_traces(width=days * 86_400_000)
    fig.update_xaxes(type="date", range=[f"{start}-01-01", f"{end}-12-31"], tickformat="%m.%Y")  # numeric: month names would stay English
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="", barmode="stack")
    _integer_axis(fig, df[y], "y")
    return fig


def plotly_text(text, limit: int | None = None) -> str:
    """Text for a Plotly label or hover. Plotly reads a few tags (``<b>``, ``<br>``, ``<a href>``)
    and entities (``&amp;``, ``&#60;``) in its texts but not ``&quot;``, so only ``& < >`` are
    escaped (``html.escape`` would show quotes as ``&quot;``), after the cut to ``limit``
    characters, so that an entity is never split."""
    text = str(text)
    if limit and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def period_groups(dated: pd.DataFrame) -> pd.DataFrame:
    """One row per period (kind, name, start, end), however many commissions share it: ``units``
    lists each commission once (a campaign one commission reports 4 times is 1 commission),
    ``count`` is summed, and stays missing where no row gives one (campaigns have no count: "not
    reported", never 0); ``source_lang`` is the first row's (the name's language)."""
    aggs = {"units": ("unit_code", lambda codes: list(dict.fromkeys(codes))),
            "count": ("count", lambda c: c.sum(min_count=1))}
    if "source_lang" in dated.columns:
        aggs["source_lang"] = ("source_lang", "first")
    return dated.groupby(["kind", "name", "start_date", "end_date"], as_index=False, sort=False).agg(**aggs)


def periods_figure(dated: pd.DataFrame):
    """Trainings and campaigns as bars from start to end, one per period however many commissions
    share it (20 years x 35 units would be thousands), in the session's language; built once per
    server for the same periods and language (shared: do not change it)."""
    lg = lang()
    return shared("figure", "periods", lambda: _periods_figure(dated, lg), dated, lg, get_store().version)


def _periods_figure(dated: pd.DataFrame, lg: str):
    g = period_groups(dated)
    g = content.localise_texts(g, lg, translations(), columns=("name",))   # free text in the reader's language
    g["kind_label"] = [i18n.vocab_label("period_kind", k, lg) for k in g["kind"]]
    g["label"] = [plotly_text(n, limit=60) for n in g["name"]]   # plotly reads a little HTML in texts
    g["name"] = [plotly_text(n) for n in g["name"]]
    g["who"] = [", ".join(t("common.national_level") if c == "MD" else unit_name(c) for c in us)
                if len(us) <= 3 else t("page.timeline.n_units", n=len(us)) for us in g["units"]]
    g["count_text"] = [fmt_number(c) for c in g["count"]]
    fig = px.timeline(g, x_start="start_date", x_end="end_date", y="label", color="kind_label",
                      hover_name="name", hover_data={"who": True, "count_text": True, "label": False,
                                                     "kind_label": False, "start_date": False, "end_date": False},
                      # distinct labels: plotly merges hover rows of columns labelled alike ("=…" rows)
                      labels={c: i18n.column_label(k, lg) for c, k in (
                          ("who", "unit"), ("count_text", "count"), ("kind_label", "kind"), ("label", "name"),
                          ("start_date", "start_date"), ("end_date", "end_date"))},
                      height=140 + 46 * g["label"].nunique())
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(tickformat="%m.%Y")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend_title_text="")
    return fig


def _integer_axis(fig, values: pd.Series, axis: str) -> None:
    top = pd.to_numeric(values, errors="coerce").max()
    upd = {"tickformat": "d", "rangemode": "tozero"}
    if not is_missing(top) and top <= 6:
        upd["dtick"] = 1
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(**upd)


def chart(fig, key: str, title: str | None = None, *, year=None, name: str | None = None) -> None:
    """The chart, and its PNG / SVG downloads with ``title`` (default: the figure's own title),
    the view, the source and the privacy note (the plotly camera button is off: its image had none)."""
    from tipdash.web.chart_export import image_buttons

    st.plotly_chart(fig, key=key, config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]})
    title = title or re.sub(r"<[^>]+>", "", str(fig.layout.title.text or "")) or key
    image_buttons(fig, name=name or title, title=title, year=year, key=key)
