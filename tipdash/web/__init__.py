"""The streamlit side of tipdash: the only package that imports streamlit.

Pages import ``from tipdash import web`` and call these; sign-in lives in ``tipdash.web.auth``,
the map in ``tipdash.web.map``.
"""
from tipdash.web.state import (
    NA_MARK,
    NUMERIC,
    PAGES,
    available_years,
    bar,
    chart,
    commission_codes,
    data,
    db_path,
    default_range,
    filters,
    fmt_number,
    get_store,
    is_na,
    lang,
    national_row,
    page_guard,
    period_bars,
    protected_units,
    require,
    show_notices,
    sidebar_filters,
    t,
    table,
    unit_name,
    unit_profile,
)

__all__ = ["NA_MARK", "NUMERIC", "PAGES", "available_years", "bar", "chart", "commission_codes", "data",
           "db_path", "default_range", "filters", "fmt_number", "get_store", "is_na", "lang", "national_row",
           "page_guard", "period_bars", "protected_units", "require", "show_notices", "sidebar_filters", "t",
           "table", "unit_name", "unit_profile"]
