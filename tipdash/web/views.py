"""The frames a public page shows, prepared once per server for the page's filters, the language
and the published database (``shared``): a page run then only draws them. Each function returns
a dict of read-only frames and figures for one page (or one part of it)."""
from __future__ import annotations

from typing import Any

import pandas as pd

from tipdash import exports, i18n, privacy
from tipdash.values import is_missing
from tipdash.web.cache import data, db_key, shared
from tipdash.web.state import NUMERIC, lang, t
from tipdash.web.tables import protected_breakdown, protected_units, sort_by_unit


#: the Victims page's breakdowns, in the order of its tabs
VICTIM_DIMS = ("sex", "age_group", "exploitation", "status")


def _once(name: str, build, *parts: Any) -> dict[str, Any]:
    return shared("table", f"views.{name}", build, *db_key(), lang(), *parts)


def reporting(year: int, first: int) -> dict[str, Any]:
    """Reporting: who did not report (and whether their names are inferred), who reported without
    meeting, who met; the streaks from ``first`` to ``year``; the completeness of ``year``."""
    return _once("reporting", lambda: _reporting(year, first), year, first)


def _reporting(year: int, first: int) -> dict[str, Any]:
    uy = data("unit_year", year)
    status = sort_by_unit(uy[["code", "reporting_status", "status_inferred", "sessions", "file_name"]])
    not_rep = status[status["reporting_status"] == "not_reported"][["code", "status_inferred"]]
    inferred = bool(not_rep["status_inferred"].fillna(False).astype(bool).any())
    if not inferred:
        not_rep = not_rep[["code"]]
    no_sess = status[status["reporting_status"] == "reported_no_sessions"][["code", "sessions", "file_name"]]
    streaks = data("reporting_streaks", first, year)
    long = streaks[(streaks["years_not_reported"] >= 2) | (streaks["years_without_meeting"] >= 2)]
    listed = streaks[(streaks["years_not_reported"] > 0) | (streaks["years_without_meeting"] > 0)]
    listed = sort_by_unit(listed).sort_values(["years_not_reported", "years_without_meeting"],
                                              ascending=[False, False], kind="stable")
    comp = data("completeness", year)
    applies = comp[comp["completeness_na"].isna()] if len(comp) else comp
    return {"units": len(uy), "not_reported": not_rep.reset_index(drop=True), "inferred": inferred,
            "no_sessions": no_sess.reset_index(drop=True),
            "met": int((status["reporting_status"] == "met").sum()),
            "long_streaks": len(long), "streaks": listed.reset_index(drop=True),
            "completeness": sort_by_unit(comp, "unit_code") if len(applies) else None, "completeness_rows": len(comp)}


def victims(year: int, units: tuple[str, ...]) -> dict[str, Any]:
    """Victims: the national total as reported (for the protection of the parts), the units'
    figures, each breakdown (``None`` where the year does not report it; else the protected frame
    and its numeric rows with labels), the assistance; every figure protected."""
    return _once("victims", lambda: _victims(year, units), year, units)


def _victims(year: int, units: tuple[str, ...]) -> dict[str, Any]:
    lg, units_arg = lang(), list(units) or None
    raw_total = data("national", year).set_index("indicator").at["victims", "total"]
    by_unit = sort_by_unit(protected_units(data("unit_year", year), raw_total)[["code", "reporting_status", "victims"]])
    if units:
        by_unit = by_unit[by_unit["code"].isin(units)]
    bd_total = None if units or is_missing(raw_total) else int(raw_total)
    breakdowns: dict[str, Any] = {}
    for dim in VICTIM_DIMS:
        if not data("victim_breakdown_reported", year, dim):
            breakdowns[dim] = None
            continue
        shown = protected_breakdown(data("victims", year, [dim], units=units_arg), "count", total=bd_total)
        numeric = shown[shown["count"].map(lambda v: not isinstance(v, str) and not is_missing(v))].copy()
        numeric["label"] = [i18n.vocab_label(dim, v, lg) for v in numeric[dim]]
        breakdowns[dim] = {"shown": shown, "numeric": numeric}
    asst = data("assistance", year, units=units_arg)
    if len(asst):
        asst = privacy.protect_assistance(asst, "count")
    return {"raw_total": raw_total, "by_unit": by_unit.reset_index(drop=True),
            "by_unit_given": not by_unit["victims"].map(is_missing).all(), "breakdowns": breakdowns,
            "assistance": asst, "assistance_given": bool(len(asst)) and not asst["count"].map(is_missing).all()}


def victims_raw(year: int, units: tuple[str, ...]) -> pd.DataFrame:
    """Every figure of the Victims page as reported, small counts included (NOT through privacy),
    localised for the CSV of the roles with ``download_unsuppressed`` (the page checks the role)."""
    return _once("victims_raw", lambda: exports.localise(_victims_raw(year, units), lang()), year, units)


def _victims_raw(year: int, units: tuple[str, ...]) -> pd.DataFrame:
    lg, units_arg, rows = lang(), list(units) or None, []
    if not units:
        nat = data("national", year).set_index("indicator").loc["victims"]
        rows += [(t(f"page.victims.raw.{k}"), "", nat.get(k)) for k in ("total", "districts_sum", "national_level")]
    for r in data("unit_year", year)[["code", "victims"]].to_dict("records"):
        if not units or r["code"] in units:
            rows.append((i18n.column_label("unit", lg), i18n.unit_name(r["code"], lg), r["victims"]))
    for dim in VICTIM_DIMS:
        for r in data("victims", year, [dim], units=units_arg).to_dict("records"):
            rows.append((i18n.column_label(dim, lg), i18n.vocab_label(dim, r[dim], lg), r["count"]))
    for r in data("assistance", year, units=units_arg).to_dict("records"):
        rows.append((t("page.victims.assistance"), i18n.column_label(r["type"], lg), r["count"]))
    return pd.DataFrame(rows, columns=["dimension", "category", "count"])


def yearly_totals(years: tuple[int, ...], units: tuple[str, ...]) -> pd.DataFrame:
    """The Timeline's summary table: the totals of each of ``years``."""
    def build():
        totals = data("yearly_totals", years[0], years[-1], units=list(units) or None)
        return totals[totals["year"].isin(years)].reset_index(drop=True)
    return _once("yearly_totals", build, years, units)


def timeline(y0: int, y1: int, units: tuple[str, ...], freq: str, by: str) -> dict[str, Any]:
    """Timeline: the dated activities of ``y0``..``y1`` per month or week (``freq``) by ``by``
    with their labels, the undated ones; sessions per quarter placed mid-quarter; the periods
    (trainings, campaigns) of the units and the national level."""
    return _once("timeline", lambda: _timeline(y0, y1, units, freq, by), y0, y1, units, freq, by)


def _timeline(y0: int, y1: int, units: tuple[str, ...], freq: str, by: str) -> dict[str, Any]:
    lg, units_arg = lang(), list(units) or None
    acts = data("activities_timeline", y0, y1, freq=freq, by=by, units=units_arg)
    shown = acts.copy()
    if len(acts):
        shown["label"] = [i18n.vocab_label(by, v, lg) for v in shown[by]]
        shown["when"] = [p.strftime("%Y-%m") if freq == "M" else f"{p.isocalendar()[0]}-W{p.isocalendar()[1]:02d}"
                         for p in pd.to_datetime(shown["period"])]
    q = data("sessions_per_quarter", y0, y1, units=units_arg)
    qq = q.copy()
    if len(q):
        qq["start"] = [pd.Period(v, freq="Q").start_time + pd.Timedelta(days=45) for v in qq["quarter"]]
    per = data("periods", y0, y1)
    if units:
        per = per[per["unit_code"].isin(units) | (per["unit_code"] == "MD")]
    dated = per.dropna(subset=["start_date", "end_date"]) if len(per) else per
    return {"activities": acts,
            "activities_shown": shown, "undated": data("undated_activities", y0, y1, units=units_arg),
            "quarters": q, "quarters_shown": qq, "periods": per, "periods_dated": dated}


def map_page(frame: pd.DataFrame, year: int, indicator: str, base: int | None, units: tuple[str, ...]) -> dict[str, Any]:
    """The Map page under the map: how many units reported of how many, and the table of the same
    figures (``frame``: the year's units from ``map_section``, victims protected; in change mode
    the base year's column and the change, named by their years)."""
    return _once("map_page", lambda: _map_page(frame, year, indicator, base, units), year, indicator, base, units)


def _map_page(frame: pd.DataFrame, year: int, ind: str, base: int | None, units: tuple[str, ...]) -> dict[str, Any]:
    uy = data("unit_year", year)
    cols = ["code", "reporting_status", "status_inferred", *NUMERIC, "completeness", "completeness_na", "file_name"]
    if base is not None:
        cols = cols[:2] + [ind, f"{ind}_prev", f"{ind}_change"] + [c for c in cols[2:] if c != ind]
    tbl = sort_by_unit(frame[[c for c in cols if c in frame.columns]])
    if not tbl["status_inferred"].fillna(False).astype(bool).any():
        tbl = tbl.drop(columns=["status_inferred"])
    if base is not None:   # the base year is a choice: say which year each column is, not "previous year"
        label = i18n.indicator_label(ind, lang())
        tbl = tbl.rename(columns={f"{ind}_prev": t("page.map.col_base", indicator=label, year=base),
                                  f"{ind}_change": t("page.map.col_change", indicator=label, base=base, year=year)})
    if units:
        tbl = tbl[tbl["code"].isin(units)]
    return {"units": len(uy), "reported": len(uy) - int((uy["reporting_status"] == "not_reported").sum()),
            "table": tbl.reset_index(drop=True)}
