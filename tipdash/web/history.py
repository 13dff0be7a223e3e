"""Views across years of the commissions: one unit's chart over every year (reported figure, 0,
suppressed, figure not given and did not report kept apart), its reporting history as a strip of
years, and the district x year table of an indicator coloured with the map's classes.

Every victim figure is labelled by :func:`tipdash.privacy.protect_unit_years` (each year from its
own protected base), never here."""
from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tipdash import i18n, privacy
from tipdash.i18n.formats import collation_key
from tipdash.values import is_missing
from tipdash.web import palette
from tipdash.web.cache import available_years, data, db_key, shared
from tipdash.web.cache import figure as cached_figure
from tipdash.web.charts import chart
from tipdash.web.map import CLASS_COLOURS, STATUS_STYLE, _class_label, _classes
from tipdash.web.state import fmt_number, lang, t
from tipdash.web.tables import download_buttons, shared_styler

VALUE_FILL = CLASS_COLOURS[2]
MARK_STATUSES = ("zero", "suppressed", "not_given", "not_reported")
MARK_SYMBOL = {"zero": "circle", "suppressed": "triangle-up", "not_given": "diamond", "not_reported": "square"}


def history_frame(indicator: str) -> pd.DataFrame:
    """``unit_years`` over the commission years (victims protected), with each unit-year's
    ``category``: value, zero, suppressed, not_given, not_reported (the map's statuses); computed
    once per published database."""
    return shared("table", "history_frame", lambda: _history_frame(indicator), *db_key(),
                  indicator).copy(deep=False)


def _history_frame(indicator: str) -> pd.DataFrame:
    years = available_years()
    if not years:
        return pd.DataFrame(columns=["code", "year", "reporting_status", indicator, "category"])
    uy = data("unit_years", years[0], years[-1])
    if indicator == "victims":
        uy = privacy.protect_unit_years(uy)
    uy = uy[uy["year"].isin(years)].copy()
    uy.attrs = {}
    uy["category"] = [category(s, v) for s, v in zip(uy["reporting_status"], uy[indicator])]
    return uy


def category(status: str, value) -> str:
    if status == "not_reported":
        return "not_reported"
    if is_missing(value):
        return "not_given"
    if privacy.is_suppressed(value):
        return "suppressed"
    return "zero" if float(value) == 0 else "value"


def _text(indicator: str, value, approx: bool) -> str:
    if is_missing(value):
        return t("common.not_reported")
    return fmt_number(value, approx and indicator == "information_activities")


def unit_trend_chart(code: str, indicator: str):
    """:func:`unit_trend_figure` from the cached history (built once: ``cache.figure``)."""
    return unit_trend_figure(history_frame(indicator), code, indicator)


def reporting_strip_chart(code: str):
    return reporting_strip_figure(history_frame("sessions"), code)


def unit_trend_figure(hist: pd.DataFrame, code: str, indicator: str):
    """Bars for reported figures, a marker per year for 0 / suppressed / not given / did not report."""
    lg = lang()
    mine = hist[hist["code"] == code].sort_values("year")
    label = i18n.indicator_label(indicator, lg)
    fig = go.Figure()
    texts = [_text(indicator, v, bool(a)) for v, a in zip(mine[indicator], mine["information_activities_approx"])]
    status = [i18n.vocab_label("reporting_status", s, lg) for s in mine["reporting_status"]]
    custom = [[tx, st_] for tx, st_ in zip(texts, status)]
    hover = f"<b>%{{x}}</b><br>{label}: %{{customdata[0]}}<br>%{{customdata[1]}}<extra></extra>"
    val = mine["category"] == "value"
    fig.add_trace(go.Bar(
        x=mine.loc[val, "year"], y=[float(v) for v in mine.loc[val, indicator]], name=t("page.history.reported_value"),
        marker={"color": VALUE_FILL, "line": {"color": palette.outline_for(VALUE_FILL), "width": 0.8}},
        text=[x for x, v in zip(texts, val) if v], textposition="outside", cliponaxis=False,
        customdata=[c for c, v in zip(custom, val) if v], hovertemplate=hover))
    for cat in MARK_STATUSES:
        sel = (mine["category"] == cat).tolist()
        if not any(sel):
            continue
        fill, line, _ = palette.style(cat, 1)
        fig.add_trace(go.Scatter(
            x=mine.loc[sel, "year"], y=[0] * sum(sel), mode="markers+text", name=t(STATUS_STYLE[cat]["label"]),
            marker={"symbol": MARK_SYMBOL[cat], "size": 13, "color": fill, "line": {"color": line, "width": 1.5}},
            text=[x if cat in ("zero", "suppressed") else "" for x, s in zip(texts, sel) if s],
            textposition="top center", customdata=[c for c, s in zip(custom, sel) if s], hovertemplate=hover,
            cliponaxis=False))
    _axes(fig, mine["year"], 280)
    fig.update_yaxes(title={"text": label, "font": {"size": 12}})
    if indicator != "completeness":
        _count_axis(fig, mine.loc[val, indicator])
    return fig


def _count_axis(fig, values) -> None:
    """Whole numbers on a count axis: below 5, one tick per unit (plotly's own ticks at 0.2 steps
    printed as whole numbers read "0 0 0 1 1 1")."""
    top = max((float(v) for v in values), default=0.0)
    fig.update_yaxes(rangemode="tozero", tickformat="~d",
                     **({"dtick": 1, "range": [0, max(top, 1.0) * 1.2]} if top < 5 else {}))


def _axes(fig, years: pd.Series, height: int) -> None:
    ys = sorted(set(int(y) for y in years)) or [0]
    fig.update_xaxes(range=[ys[0] - 0.6, ys[-1] + 0.6], dtick=1 if len(ys) <= 12 else 2, tickformat="d",
                     fixedrange=True)
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10}, bargap=0.3,
                      legend={"orientation": "h", "y": -0.2, "x": 0, "title": {"text": ""}},
                      hovermode="closest")


def reporting_strip_figure(hist: pd.DataFrame, code: str):
    """One square per year: met (dark blue), reported without sessions (light blue), did not
    report (grey), with the number of sessions in it."""
    lg = lang()
    mine = hist[hist["code"] == code].sort_values("year")
    fig = go.Figure()
    for status, fill in palette.REPORTING.items():
        sel = (mine["reporting_status"] == status).tolist()
        part = mine[sel]
        label = i18n.vocab_label("reporting_status", status, lg)
        sessions = ["—" if is_missing(v) else fmt_number(v) for v in part["sessions"]]
        fig.add_trace(go.Bar(
            x=part["year"], y=[1] * len(part), name=label, text=sessions, textposition="inside",
            insidetextanchor="middle", textfont={"color": palette.text_on(fill), "size": 12},
            marker={"color": fill, "line": {"color": palette.outline_for(fill), "width": 1}},
            customdata=[[label, s] for s in sessions], showlegend=True,
            hovertemplate="<b>%{x}</b><br>%{customdata[0]}<br>" + i18n.indicator_label("sessions", lg)
            + ": %{customdata[1]}<extra></extra>"))
    _axes(fig, mine["year"], 120)
    fig.update_yaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_layout(bargap=0.08, legend={"y": -0.6}, margin={"l": 10, "r": 10, "t": 0, "b": 0})
    return fig


def unit_history(code: str, indicator: str) -> None:
    """The unit's chart of ``indicator`` over every year and its reporting strip."""
    if not available_years():
        return
    lg = lang()
    title = t("page.history.unit_title", unit=i18n.unit_name(code, lg), indicator=i18n.indicator_label(indicator, lg))
    st.markdown(f"**{title}**")
    chart(cached_figure("web.history.unit_trend_chart", lg, code, indicator), f"hist_trend_{code}", title,
          name=f"{code}_{indicator}_per_year")
    st.markdown(f"**{t('page.history.strip_title')}**")
    chart(cached_figure("web.history.reporting_strip_chart", lg, code), f"hist_strip_{code}",
          f"{i18n.unit_name(code, lg)}: {t('page.history.strip_title')}", name=f"{code}_reporting")
    st.caption(t("page.history.strip_caption"))
    if indicator == "victims":
        st.caption(t("page.history.victims_caption", threshold=privacy.threshold(), label=privacy.label()))


# ------------------------------------------------------------------------------ district x year table

FIGURE_SPACE = "\u2007"          # as wide as a digit: pads figures so that text sorts like numbers
APPROX_MARK = "*"


def heat_frames(hist: pd.DataFrame, indicator: str, codes: list[str] | None = None):
    """(texts, download, categories), rows = units sorted by name, columns = years. ``texts``: what
    each cell says -- figures padded on the left with figure spaces to one width (the grid sorts
    text, and a padded figure sorts as a number, before "—", "<5" and "x"), an approximate one
    marked with ``*``; ``download``: the figures as our downloads write them (suppressed as
    labelled, blank = not reported); ``categories``: the class of each cell (``class_<i>``, zero,
    suppressed, not_given, not_reported; the classes in ``attrs["classes"]``). Text cells also
    keep the grid's own CSV honest: it writes what the cell says, never a code."""
    lg = lang()
    h = hist if codes is None else hist[hist["code"].isin(codes)]
    classes = _classes([float(v) for v, c in zip(h[indicator], h["category"]) if c == "value"])
    names = {c: i18n.unit_name(c, lg) for c in h["code"].unique()}
    order = sorted(names, key=lambda c: collation_key(names[c], lg))
    years = sorted(int(y) for y in h["year"].unique())

    def pivot(values) -> pd.DataFrame:
        df = h.assign(v=values).pivot(index="code", columns="year", values="v").reindex(index=order, columns=years)
        df.index = [names[c] for c in df.index]
        df.index.name = i18n.column_label("unit", lg)
        df.columns = [str(c) for c in df.columns]
        return df

    approx = (h["information_activities_approx"].astype(bool) & (indicator == "information_activities")).tolist()
    figures = [fmt_number(v) if c in ("value", "zero") else None for c, v in zip(h["category"], h[indicator])]
    width = max((len(x) for x in figures if x is not None), default=1) + 1
    texts = pivot([x.rjust(width, FIGURE_SPACE) + (APPROX_MARK if a else "") if x is not None
                   else ("—" if c in ("not_reported", "not_given") else str(v))
                   for x, a, c, v in zip(figures, approx, h["category"], h[indicator])])
    download = pivot([v if c not in ("not_reported", "not_given") else pd.NA
                      for c, v in zip(h["category"], h[indicator])])
    categories = pivot([_cell_class(c, v, classes) for c, v in zip(h["category"], h[indicator])])
    categories.attrs["classes"] = classes
    return texts, download.astype(object), categories


def _heat_frames(lg: str, indicator: str, codes: tuple[str, ...]):
    """:func:`heat_frames` (once per database, language, indicator and unit filter: ``shared``)."""
    texts, download, cats = heat_frames(history_frame(indicator), indicator, list(codes) or None)
    classes = cats.attrs["classes"]
    return texts, download, cats.map(lambda c: _css(c, len(classes))), classes


def sort_order(hist: pd.DataFrame, indicator: str, names: pd.Index, year: int) -> list[str]:
    """Unit names by the figure of ``year``, largest first; then suppressed, figure not given,
    did not report (each by name)."""
    lg = lang()
    part = hist[hist["year"] == year]
    rank = {"value": 0, "zero": 0, "suppressed": 1, "not_given": 2, "not_reported": 3}
    key = {i18n.unit_name(c, lg): (rank[cat], -float(v) if rank[cat] == 0 else 0.0)
           for c, cat, v in zip(part["code"], part["category"], part[indicator])}
    pos = {n: i for i, n in enumerate(names)}
    return sorted(names, key=lambda n: (*key.get(n, (4, 0.0)), pos[n]))


def _cell_class(cat: str, value, classes) -> str:
    if cat != "value":
        return cat
    v = float(value)
    return f"class_{next((i for i, (lo, hi) in enumerate(classes) if v <= hi), len(classes) - 1)}"


def _css(cat: str, n: int) -> str:
    if cat is None or (isinstance(cat, float) and pd.isna(cat)):
        return ""
    fill, line, _ = palette.style(cat, n)
    return f"background-color: {fill}; color: {palette.text_on(fill)}"


def heat_table(indicator: str, codes: list[str] | None = None, *, key: str = "heat") -> None:
    """The district x year table of ``indicator`` (cells coloured with the map's classes and
    statuses), sortable by any year, with CSV/Excel downloads of the same figures."""
    hist = history_frame(indicator)
    if hist.empty:
        st.info(t("page.common.no_data_import"))
        return
    db = db_key()
    lg, codes_key = lang(), tuple(codes or ())
    texts, download, css, classes = shared("table", "heat_frames", lambda: _heat_frames(lg, indicator, codes_key),
                                           *db, lg, indicator, codes_key)
    lg = lang()            # captured: AppTest formats options outside the session
    by = st.selectbox(t("page.history.sort_by"), ["name", *reversed(texts.columns)], key=f"{key}_sort",
                      format_func=lambda c: i18n.t("page.history.sort_name", lg) if c == "name"
                      else i18n.t("page.history.sort_year", lg, year=c))
    styler, download = shared("table", "heat_sorted", lambda: _sorted_heat(hist, indicator, texts, download, css, by,
                                                                            key), *db, lg,
                              indicator, codes_key, by, key)
    st.dataframe(styler, key=f"tbl_{key}", height=min(38 + 35 * len(texts), 1300),
                 column_config=_right_aligned(tuple(texts.columns)))
    legend = heat_legend(classes)
    if indicator == "information_activities":
        legend += " · " + t("page.history.legend.approx", mark=APPROX_MARK)
    st.caption(legend)
    download_buttons(download, f"history_{indicator}", shared_frame=True,
                     year=(int(texts.columns[0]), int(texts.columns[-1])),
                     filters={"indicator": indicator, **({"units": list(codes)} if codes else {})}, key=key)


@functools.lru_cache(maxsize=64)
def _right_aligned(columns: tuple) -> dict:
    """Every column of the heat table right-aligned (figures)."""
    return {c: st.column_config.TextColumn(alignment="right") for c in columns}


def _sorted_heat(hist: pd.DataFrame, indicator: str, texts: pd.DataFrame, download: pd.DataFrame,
                 css: pd.DataFrame, by: str, key: str):
    """(the coloured table sorted by ``by``: a :func:`shared_styler`, the download's rows in the
    same order, index as a column), once per server for the view (``shared``)."""
    if by != "name":
        order = sort_order(hist, indicator, texts.index, int(by))
        texts, download, css = (df.loc[order] for df in (texts, download, css))
    return shared_styler(texts.style.set_uuid(key).apply(lambda _: css, axis=None)), download.reset_index()


def heat_legend(classes) -> str:
    """The colours of the table in words (the same classes and statuses as the map)."""
    parts = [t("page.history.legend.classes", classes=", ".join(_class_label(*c) for c in classes))] if classes else []
    parts += [t(f"page.history.legend.{s}") for s in ("zero", "suppressed", "not_given", "not_reported")]
    return " · ".join(parts)


# ------------------------------------------------------------------------------ yearly totals (Timeline)

def yearly_chart(col: str, years: tuple[int, ...], units: tuple[str, ...]):
    """:func:`yearly_figure` of the commission years (built once: ``cache.figure``)."""
    return cached_figure("web.history.yearly_figure_of", lang(), col, years, units)


def yearly_figure_of(col: str, years: tuple[int, ...], units: tuple[str, ...]):
    df = data("yearly_totals", years[0], years[-1], units=list(units) or None)
    return yearly_figure(df[df["year"].isin(years)].reset_index(drop=True), col)


def yearly_figure(df: pd.DataFrame, col: str, height: int = 260):
    """Bars of one yearly total (``indicators.yearly_totals``); a year where no one gave the
    figure is marked "not reported" at 0, an approximate total carries "around"."""
    lg = lang()
    label = i18n.indicator_label(col, lg)
    approx = df.get(f"{col}_approx", pd.Series(False, index=df.index)).astype(bool)
    known = df[col].notna()
    texts = [fmt_number(v, bool(a)) for v, a in zip(df[col], approx)]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=df.loc[known, "year"], y=[float(v) for v in df.loc[known, col]],
                         marker={"color": VALUE_FILL}, name=label, showlegend=False,
                         text=[x for x, k in zip(texts, known) if k], textposition="outside", cliponaxis=False,
                         hovertemplate="<b>%{x}</b><br>" + label + ": %{text}<extra></extra>"))
    if (~known).any():
        fill, line, _ = palette.style("not_reported", 1)
        nr = t("common.not_reported")
        fig.add_trace(go.Scatter(x=df.loc[~known, "year"], y=[0] * int((~known).sum()), mode="markers",
                                 marker={"symbol": "square", "size": 11, "color": fill,
                                         "line": {"color": line, "width": 1.5}},
                                 name=nr, cliponaxis=False,
                                 hovertemplate="<b>%{x}</b><br>" + label + ": " + nr + "<extra></extra>"))
    _axes(fig, df["year"], height)
    _count_axis(fig, df.loc[known, col])
    fig.update_layout(title={"text": label, "font": {"size": 14}, "x": 0.01},
                      margin={"l": 10, "r": 10, "t": 36, "b": 10})
    return fig
