"""The national statistical series on the Victims page: victims of trafficking identified
nationally (police data, as published by the US TIP reports, GRETA and NBS) over 2011-2025 with
their breakdowns, each unit of measure on its own chart (counts, rates per 100,000, shares are
never on one axis), the sources' own warnings shown, the chosen year marked, and beside them the
commissions' figure for that year -- a different measure, said so in words.

Published national totals and rates are shown as published (``value_text``): they are not counts
by district, so tipdash.privacy does not suppress them (About says so)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tipdash import i18n
from tipdash.i18n.formats import published
from tipdash import series_vocab as sv
from tipdash.values import is_missing
from tipdash.web import palette
from tipdash.web.cache import available_years, data, db_key, national_row, shared
from tipdash.web.cache import figure as cached_figure
from tipdash.web.charts import chart
from tipdash.web.map import CLASS_COLOURS
from tipdash.web.state import fmt_number, folded, lang, t
from tipdash.web.tables import table

#: view -> which breakdowns it shows
VIEWS = {
    "total": lambda df: df["breakdown"] == "total",
    "sex": lambda df: df["dimension"].isin(["sex", "sex&age"]),
    "age": lambda df: df["dimension"] == "age",
    "exploitation": lambda df: df["dimension"] == "exploitation",
    "destination": lambda df: df["dimension"] == "destination",
    "internal": lambda df: df["breakdown"] == "destination:MD",
}
#: series colours, each at least 3:1 on white (tests/web/test_palette.py); the first four are the
#: darker Okabe-Ito hues, told apart with colour-blindness too
SERIES_COLOURS = ["#0072B2", "#B35806", "#007A5A", "#A6417F", "#5C5C5C", "#000000", "#8C564B", "#4B3F9E",
                  "#7A5C00", "#C0392B", "#1F77B4", "#6A3D9A", "#2E7D32"]
FIRST_YEAR_SHOWN = 2011


def category_label(dimension: str, category: str, lg: str) -> str:
    """'sex&age', 'female&child' -> "Women and girls: children" style labels, from i18n."""
    if dimension == "total":
        return i18n.t("series.total", lg)
    if i18n.has_key(f"series.cat.{dimension}.{category}", lg):      # girls, boys, women, men
        return i18n.t(f"series.cat.{dimension}.{category}", lg)
    parts = [i18n.t_or(f"series.cat.{d}.{c}", c, lg) for d, c in zip(dimension.split("&"), category.split("&"))]
    return ", ".join(parts)


def source_label(source: str, lg: str) -> str:
    return i18n.t_or(f"series.source.{source}", source, lg)


def _notes_text(note, lg: str) -> str:
    if is_missing(note) or not note:
        return ""
    return "; ".join(i18n.t_or(f"series.note.{c}", c, lg) for c in str(note).split(";"))


def view_charts(view: str, year: int, first: int, last: int) -> list[go.Figure]:
    """The charts of one view (built once per database and language: ``cache.figure``)."""
    series = data("national_series")
    return view_figures(series[VIEWS[view](series)], year, first, last)


def view_figures(df: pd.DataFrame, year: int, first: int, last: int) -> list[go.Figure]:
    """One chart per unit of measure present in ``df`` (one view's rows)."""
    figs = []
    for indicator in sv.INDICATOR_UNITS:
        part = df[df["indicator"] == indicator]
        if len(part):
            figs.append(_figure(part, indicator, year, first, last))
    return figs


def _figure(part: pd.DataFrame, indicator: str, year: int, first: int, last: int) -> go.Figure:
    lg = lang()
    unit = sv.INDICATOR_UNITS[indicator]
    fig = go.Figure()
    cats = sorted(part[["dimension", "category"]].drop_duplicates().itertuples(index=False, name=None),
                  key=lambda dc: [sv.category_order(d, c) for d, c in zip(dc[0].split("&"), dc[1].split("&"))])
    for i, (dim, cat) in enumerate(cats):
        rows = part[(part["dimension"] == dim) & (part["category"] == cat)].sort_values("year")
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)] if len(cats) > 1 else CLASS_COLOURS[3]
        flagged = [bool(n) and not is_missing(n) for n in rows["note"]]
        custom = [[published(v, lg), source_label(s, lg), _notes_text(n, lg)]
                  for v, s, n in zip(rows["value_text"], rows["source"], rows["note"])]
        common = dict(x=rows["year"], y=rows["value"], name=category_label(dim, cat, lg), customdata=custom,
                      hovertemplate="<b>%{x}</b> · %{fullData.name}<br>%{customdata[0]} " + t(f"series.unit.{unit}")
                      + "<br>%{customdata[1]}<br><i>%{customdata[2]}</i><extra></extra>")
        symbols = ["circle-open" if f else "circle" for f in flagged]
        if unit == "per_100k":
            fig.add_trace(go.Scatter(**common, mode="lines+markers", line={"color": colour, "width": 2},
                                     marker={"symbol": symbols, "size": 9, "color": colour, "line": {"width": 2}}))
        else:
            line = {"color": [palette.DARK if f else colour for f in flagged],
                    "width": [2.5 if f else 0 for f in flagged]}
            fig.add_trace(go.Bar(**common, marker={"color": colour, "line": line,
                                                    "pattern": {"shape": ["/" if f else "" for f in flagged]}},
                                 text=[c[0] for c in custom] if len(cats) <= 3 else None, textposition="outside",
                                 cliponaxis=False))
    fig.add_vrect(x0=year - 0.5, x1=year + 0.5, fillcolor="#fff1c2", opacity=0.6, line_width=0, layer="below",
                  annotation_text=str(year), annotation_position="top left", annotation_font_size=11)
    fig.update_xaxes(range=[first - 0.6, last + 0.6], dtick=1, tickformat="d", fixedrange=True)
    fig.update_yaxes(rangemode="tozero", title={"text": t(f"series.unit.{unit}"), "font": {"size": 12}},
                     fixedrange=True)
    fig.update_layout(height=300, barmode="group", margin={"l": 10, "r": 10, "t": 36, "b": 10},
                      title={"text": t(f"series.indicator.{indicator}"), "font": {"size": 14}, "x": 0.01},
                      legend={"orientation": "h", "y": -0.15, "x": 0, "title": {"text": ""}},
                      uniformtext={"minsize": 9, "mode": "show"})
    return fig


def flags(df: pd.DataFrame) -> list[str]:
    """What the sources flag in these rows, one sentence per note code, with its years."""
    out = []
    for code in sv.NOTE_CODES:
        years = sorted({int(y) for y, n in zip(df["year"], df["note"])
                        if not is_missing(n) and code in str(n).split(";")})
        if years:
            out.append(t(f"series.flag.{code}", years=", ".join(map(str, years))))
    return out


def _same_year(series: pd.DataFrame, year: int) -> list[str]:
    """The national totals of ``year`` in words (count and rate, each with its source)."""
    lg = lang()
    out = []
    for indicator in ("victims_identified", "victims_identified_rate"):
        row = series[(series["year"] == year) & (series["indicator"] == indicator) & (series["breakdown"] == "total")]
        for r in row.to_dict("records"):
            out.append(t(f"series.same_year.{indicator}", value=published(r["value_text"], lg),
                         source=source_label(r["source"], lg)))
    return out


def _texts() -> dict:
    """What the section says from the series, once per database and language: the years, each
    year's national figures in words, each view's flags (pandas on every rerun cost ~20 ms)."""
    series = data("national_series")
    if series.empty:
        return {}
    return {"years": sorted({int(y) for y in series["year"]}),
            "same_year": {int(y): _same_year(series, int(y)) for y in series["year"].unique()},
            "flags": {v: flags(series[rows(series)]) for v, rows in VIEWS.items()}}


def texts() -> dict:
    return shared("table", "national_texts", _texts, *db_key(), lang())


def commissions_column(year: int) -> None:
    """The commissions' own figure for the chosen year, the national one beside it, and why they differ."""
    st.markdown(f"**{t('series.commissions_title', year=year)}**")
    if year in available_years():
        row = national_row(year, "victims")                    # protected
        st.metric(i18n.indicator_label("victims", lang()), fmt_number(row.get("total")),
                  help=t("series.commissions_metric"))
    else:
        st.info(t("series.no_commission_data", year=year))
    same = texts()["same_year"].get(year, [])
    title = f"**{t('series.national_title', year=year)}**"
    if same:
        st.markdown(title + "\n\n" + "\n".join(f"- {s}" for s in same))
    else:
        st.markdown(title)
        st.caption(t("series.no_national_data", year=year))
    st.caption(t("series.why_different"))


def _compared_year(year: int, years: list[int]) -> int:
    """The year marked on the charts and compared on the right: any year with national statistics
    or commission data (it follows the sidebar's year whenever that one changes)."""
    ss = st.session_state
    if ss.get("_nat_sidebar_year") != year or ss.get("nat_year") not in years:
        ss["nat_year"] = year if year in years else years[-1]
        ss["_nat_sidebar_year"] = year
    return st.select_slider(t("series.year"), options=years, key="nat_year")


def national_section(year: int) -> None:
    """The national series over every year it covers, by view, beside the commissions' figure."""
    lg = lang()
    said = texts()
    if not said:
        st.info(t("series.none"))
        return
    first, last = min(FIRST_YEAR_SHOWN, said["years"][0]), said["years"][-1]
    st.subheader(t("series.title", first=first, last=last))
    st.caption(t("series.what"))
    year = _compared_year(year, sorted(set(said["years"]) | set(available_years())))
    left, right = st.columns([3, 1])
    with left:
        view = st.segmented_control(t("series.view"), list(VIEWS), default="total", required=True, key="nat_view",
                                    format_func=lambda v: i18n.t(f"series.view.{v}", lg))
        for i, fig in enumerate(cached_figure("web.national.view_charts", lg, view, year, first, last)):
            chart(fig, f"nat_{view}_{i}")
        notes = ([t("series.flag_style")] if said["flags"][view] else []) + ["⚑ " + x for x in said["flags"][view]]
        if view == "sex":
            notes.append(t("series.sex_rates_note"))
        if notes:                          # one block: each note its own paragraph
            st.caption("\n\n".join(notes))
    with right:
        commissions_column(year)
    _tables()


def _sources(lg: str) -> pd.DataFrame:
    src = data("series_sources").copy()
    src.insert(1, "source_name", [source_label(s, lg) for s in src["source"]])
    return src.rename(columns={"note": "source_note"})


def _tables() -> None:
    lg = lang()
    with (box := folded(t("series.sources_title"), "nat_sources_box")):
        if box.open:                         # the table and its downloads: drawn only when opened
            st.caption(t("series.sources_caption"))
            table(shared("table", "national_sources", lambda: _sources(lg), *db_key(), lg),
                  "national_sources", key="nat_sources")
    if st.toggle(t("series.data_title"), key="nat_table"):       # 400 rows: built only when asked for
        series = data("national_series")
        shown = pd.DataFrame({
            "year": series["year"], "series_indicator": [t(f"series.indicator.{i}") for i in series["indicator"]],
            "breakdown": [category_label(d, c, lg) for d, c in zip(series["dimension"], series["category"])],
            "value": series["value_text"],                    # as published, "." as decimal point
            "measure_unit": [t(f"series.unit.{u}") for u in series["unit"]],
            "source": [source_label(s, lg) for s in series["source"]],
            "note": [_notes_text(n, lg) for n in series["note"]],
            "file_name": series["file_name"], "row_no": series["row_no"]})
        table(shown, "national_series", key="nat_data", source=t("series.download_source"))
