"""Every figure the pages, exports and the note show, as DataFrames (raw, before privacy).

The contract is docs/CONTRACTS.md; every function takes a ``tipdash.store.Store`` first. The
modules: ``sql`` (the shared SQL and helpers), ``yearly`` (per unit and year, national, change,
completeness, streaks), ``detail`` (activity, topic, partner, challenge rows), ``time`` (dated
series), ``victim_counts`` (victims, assistance), ``profile`` (one unit's year), ``history`` (every
unit and year of a range, yearly totals, change against any base year), ``series`` (the national
statistical series, format C).
"""
from tipdash.indicators.detail import (activities, challenges, conclusions, context, last_import, partners,
                                      topics, translations)
from tipdash.indicators.history import change_between, unit_years, yearly_totals
from tipdash.indicators.profile import unit_profile
from tipdash.indicators.series import national_series, series_sources, series_years
from tipdash.indicators.sql import NUMERIC, VICTIMS_ATTR, VICTIMS_PREV_ATTR
from tipdash.indicators.time import (activities_timeline, periods, sessions_per_quarter, sessions_per_year,
                                     undated_activities)
from tipdash.indicators.victim_counts import assistance, victim_breakdown_reported, victim_cells, victims
from tipdash.indicators.yearly import (change, completeness, figures, national, reporting_streaks, unit_year,
                                       years)

__all__ = [
    "NUMERIC", "VICTIMS_ATTR", "VICTIMS_PREV_ATTR", "years", "figures", "unit_year", "national", "change",
    "completeness", "reporting_streaks", "activities", "activities_timeline", "undated_activities",
    "sessions_per_quarter", "sessions_per_year", "periods", "victim_cells", "victims", "assistance",
    "victim_breakdown_reported", "unit_profile", "topics", "partners", "challenges", "last_import",
    "conclusions", "context", "translations",
    "unit_years", "yearly_totals", "change_between", "national_series", "series_sources", "series_years",
]
