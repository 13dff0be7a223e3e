"""Every figure the pages, exports and the note show, as DataFrames (raw, before privacy).

The contract is docs/CONTRACTS.md. Every function takes a ``tipdash.store.Store`` first.
"""
from tipdash.indicators.yearly import (
    NUMERIC,
    VICTIMS_ATTR,
    VICTIMS_PREV_ATTR,
    activities,
    activities_timeline,
    assistance,
    challenges,
    change,
    completeness,
    figures,
    last_import,
    national,
    partners,
    periods,
    reporting_streaks,
    sessions_per_quarter,
    sessions_per_year,
    topics,
    undated_activities,
    unit_profile,
    unit_year,
    victim_breakdown_reported,
    victim_cells,
    victims,
    years,
)

__all__ = [
    "NUMERIC", "VICTIMS_ATTR", "VICTIMS_PREV_ATTR", "years", "figures", "unit_year", "national", "change",
    "completeness", "reporting_streaks", "activities", "activities_timeline", "undated_activities",
    "sessions_per_quarter", "sessions_per_year", "periods", "victim_cells", "victims", "assistance",
    "victim_breakdown_reported", "unit_profile", "topics", "partners", "challenges", "last_import",
]
