"""The streamlit side of tipdash: the only package that imports streamlit.

Pages call ``from tipdash import web`` and use the names below; sign-in is
``tipdash.web.auth`` (``from tipdash.web import auth as web_auth``), the map ``tipdash.web.map``.

- ``state``: the session's language (``lang``, ``t``, ``unit_name``, ``fmt_number``), the pages
  (``PAGES``), the shared sidebar filters (``sidebar_filters``, ``filters``) and their URL binding;
- ``cache``: the server's Store (``get_store``, ``db_path``), cached queries (``data``,
  ``national_row``, ``available_years``, ``audit_log``) and objects built once for every session (``shared``);
- ``tables``: ``table`` (shown localised, with CSV/Excel downloads), ``protected_units``,
  ``protected_breakdown``;
- ``charts``: ``bar``, ``period_bars``, ``periods_figure``, ``chart``, ``period_groups``, ``plotly_text``;
  ``profile``: ``unit_profile``. Figures and localised tables are built once per server for the
  same data and language (``shared``); a warm page only draws them;
- ``auth``: sign-in, roles, ``require(permission)`` at the top of every page, ``privileged``
  callbacks; ``downloads``: ``protected_download`` (the unsuppressed file);
- ``hardening``: patches of the Streamlit server (``clear_cache`` ignored, metrics silent,
  one-time download URLs), applied here, on the first page run of the process.
"""
from tipdash.web import hardening

hardening.apply()

from tipdash.web.auth import require  # noqa: E402 -- after the server is hardened
from tipdash.web.cache import audit_log, available_years, data, db_path, get_store, national_row, shared, translations
from tipdash.web.charts import bar, chart, period_bars, period_groups, periods_figure, plotly_text
from tipdash.web.profile import unit_profile
from tipdash.web.state import (NUMERIC, PAGES, choice, commission_codes, default_range, filters, fmt_number, folded,
                               lang, page_guard, page_run, session_once, show_notices, sidebar_filters, sort_units, t, tabs,
                               unit_name)
from tipdash.web.tables import NA_MARK, protected_breakdown, protected_units, sort_by_unit, table

__all__ = ["NA_MARK", "NUMERIC", "PAGES", "audit_log", "available_years", "bar", "chart", "choice", "commission_codes",
           "data",
           "db_path", "default_range", "filters", "fmt_number", "folded", "get_store", "lang", "national_row",
           "page_guard", "page_run",
           "period_bars", "period_groups", "periods_figure", "plotly_text", "protected_breakdown", "protected_units",
           "require", "session_once", "shared", "show_notices",
           "sidebar_filters", "sort_by_unit", "sort_units", "t", "table", "tabs", "translations", "unit_name",
           "unit_profile"]
