"""Tables as the pages show them (localised, "—" for not reported) with their CSV/Excel downloads
(formatted by :mod:`tipdash.exports`), and victim columns through :mod:`tipdash.privacy`."""
from __future__ import annotations

import numbers
import threading
import weakref
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from tipdash import exports, i18n, privacy
from tipdash.i18n import content
from tipdash.values import is_missing
from tipdash.web import auth as web_auth
from tipdash.web.downloads import state_object
from tipdash.web.cache import get_store, shared, translations
from tipdash.web.state import lang, sort_units, t

NA_MARK = "—"


def _is_figure(v: Any) -> bool:
    return isinstance(v, numbers.Number) and not isinstance(v, (bool, np.bool_))


def _display(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame as the grid should show it, and the column configs that go with it.

    The grid prints a missing value as "None" (in every language), so a column with blanks is
    shown as text with "—" for "not reported", as is a column mixing numbers and text (victims
    with "<5"); such columns stay right-aligned when they hold figures. Timestamps at midnight
    are shown as dates. The downloads write the same cells (blank for "—")."""
    out = df.copy()
    config: dict[str, Any] = {}
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            known = s.dropna()
            if len(known) == 0 or (known == known.dt.normalize()).all():
                # the grid prints a missing date as "None": a column with blanks is text with "—"
                out[col] = [v.date() for v in s.tolist()] if len(known) == len(s) else pd.Series(
                    [NA_MARK if is_missing(v) else v.date().isoformat() for v in s.tolist()], index=out.index,
                    dtype=object)
            continue
        values = s.tolist()
        known = [v for v in values if not is_missing(v)]
        if len(known) == len(values) and len({type(v).__name__ for v in known}) <= 1:
            continue
        figures = all(_is_figure(v) or privacy.is_suppressed(v) for v in known)
        if figures or len(known) < len(values) or len({type(v).__name__ for v in known}) > 1:
            out[col] = pd.Series([NA_MARK if is_missing(v) else exports.cell_text(v) for v in values],
                                 index=out.index, dtype=object)
            if figures:
                config[col] = st.column_config.TextColumn(alignment="right")
    return out, config


def shared_styler(styler: Styler) -> Styler:
    """``styler`` made cheap to draw again and again (a ``shared`` object nobody changes). At
    each run ``st.dataframe`` has pandas compute and translate the styles of every cell again (the
    district x year table: 700 cells, most of a Trends run); here that is done once. The
    translation is kept without its per-cell body: the frame holds the display texts already
    (no ``format``), so the grid's display values are the frame's own strings. (Streamlit
    recognises a Styler by its exact type, so the instance's two methods are replaced, not the
    class.)"""
    compute, translate = styler._compute, styler._translate
    done: dict[str, Any] = {}
    frame = styler.data
    _ARROW_ONCE[id(frame)] = [weakref.ref(frame, lambda _, i=id(frame): _ARROW_ONCE.pop(i, None)), None]

    def _compute():
        with _STYLE_LOCK:
            if "computed" not in done:
                done["computed"] = compute()
        return styler

    def _translate(*args, **kwargs):
        if "translated" not in done:
            with _STYLE_LOCK:
                full = translate(*args, **kwargs)
            done["translated"] = ({k: full[k] for k in ("table_styles", "cellstyle") if k in full}
                                  | {"body": [], _DISPLAY: None})
        return done["translated"]
    styler._compute, styler._translate = _compute, _translate
    return styler


_STYLE_LOCK = threading.Lock()

#: id(frame of a shared_styler) -> [weakref to it, its Arrow bytes once made]
_ARROW_ONCE: dict[int, list] = {}
#: the key, in a shared_styler's translated styles, of its display texts as Arrow bytes
_DISPLAY = "_tipdash_display_arrow"


def _serialise_shared_stylers_once() -> None:
    """Streamlit turns a Styler's frame and its display texts into Arrow at every ``st.dataframe``
    (two conversions of the heat table's 700 cells: a third of a Trends run, after the styles
    were computed once). A :func:`shared_styler` never changes, so both are made once: the two
    Streamlit functions doing it are wrapped (streamlit is pinned in requirements.txt;
    tests/web/test_cache.py checks that they are wrapped and that the grid gets the same
    bytes)."""
    from streamlit import dataframe_util
    from streamlit.elements.lib import pandas_styler_utils as styler_utils

    if getattr(dataframe_util.convert_pandas_df_to_arrow_bytes, "_tipdash", False):
        return
    to_arrow, display_values = dataframe_util.convert_pandas_df_to_arrow_bytes, styler_utils._marshall_display_values

    def convert_pandas_df_to_arrow_bytes(df, *args, **kwargs):
        entry = _ARROW_ONCE.get(id(df))
        if entry is None or entry[0]() is not df or args or kwargs:
            return to_arrow(df, *args, **kwargs)
        if entry[1] is None:
            entry[1] = to_arrow(df)
        return entry[1]

    def _marshall_display_values(proto, df, styles):
        if _DISPLAY not in styles:
            return display_values(proto, df, styles)
        if styles[_DISPLAY] is None:
            display_values(proto, df, styles)
            styles[_DISPLAY] = proto.styler.display_values
        else:
            proto.styler.display_values = styles[_DISPLAY]

    convert_pandas_df_to_arrow_bytes._tipdash = True
    dataframe_util.convert_pandas_df_to_arrow_bytes = convert_pandas_df_to_arrow_bytes
    styler_utils._marshall_display_values = _marshall_display_values


_serialise_shared_stylers_once()


def session_bound(make: Callable[[str], bytes]) -> Callable[[str], bytes]:
    """``make``, run by a deferred download (outside the session, when the file is asked for),
    only while the session still has the role it had when the table was drawn: a table drawn
    for an analyst or an admin is not delivered after expiry, removal or a lower role."""
    state, role_then = state_object(), web_auth.role()

    def made(fmt: str) -> bytes:
        if not web_auth.still_signed_in(state, role_then):
            raise PermissionError("the session that drew this table has ended or lost its role")
        return make(fmt)
    return made


def download_buttons(df: pd.DataFrame, view: str, *, year: Any = None, filters: Mapping[str, Any] | None = None,
                     source: str | None = None, key: str | None = None, shared_frame: bool = False) -> None:
    """Download CSV of exactly ``df`` (localised headers, via tipdash.exports; the grid's own CSV
    button is hidden by ``client.disableDataExport``), and an "Excel, data package" menu whose two
    buttons are drawn only while it is open (three buttons under every table were a third of the
    elements of a page's run); ``shared_frame``: ``df`` is a shared object nobody writes to."""
    lg = lang()
    meta = {"view": view, "year": year, "lang": lg, "filters": dict(filters or {})}
    if source:
        meta["source"] = source
    key = key or view
    row = st.container(horizontal=True, gap="small")
    frame = df if shared_frame else df.copy()
    made = session_bound(lambda fmt: exports.download(frame, meta, fmt)[0])
    row.download_button(t("common.download_csv"), data=lambda: made("csv"),
                        file_name=exports.file_name(view, year, lg, "csv"), mime="text/csv", key=f"dl_{key}_csv",
                        on_click="ignore", icon=":material/download:")
    menu = row.popover(t("common.download_more"), icon=":material/table_view:", key=f"more_{key}",
                       on_change="rerun")
    if not menu.open:
        return
    menu.download_button(t("common.download_excel"), data=lambda: made("xlsx"),
                         file_name=exports.file_name(view, year, lg, "xlsx"), key=f"dl_{key}_xlsx", on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/table_view:")
    menu.download_button(t("common.download_package"), data=lambda: made("zip"),
                         file_name=exports.file_name(view, year, lg, "zip"), mime="application/zip",
                         key=f"dl_{key}_zip", on_click="ignore", icon=":material/folder_zip:",
                         help=t("common.download_package_help"))


def table(df: pd.DataFrame, view: str, *, year: Any = None, filters: Mapping[str, Any] | None = None,
          source: str | None = None, key: str | None = None, height: Any = "auto",
          column_config: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Show ``df`` localised (free text in the reader's language with its origin marker), with
    Download CSV / Excel of the same rows; returns what is shown (shared: do not write to it).

    The localised frames are built once per server for the same rows, language and database
    (``web.cache.shared``): a warm page only draws them."""
    lg = lang()
    texts, shown, arrow, config = shared("table", "table", lambda: _prepared(df, lg), df, lg, get_store().version)
    st.dataframe(arrow, hide_index=True, height=height, key=f"tbl_{key or view}",
                 column_config={**config, **(column_config or {})})
    download_buttons(texts, view, year=year, filters=filters, source=source, key=key, shared_frame=True)
    return shown


def _prepared(df: pd.DataFrame, lg: str) -> tuple[pd.DataFrame, pd.DataFrame, Any, dict[str, Any]]:
    """(free text localised: what the downloads write, headers and codes localised: what is
    shown, the grid's frame as Arrow, its column configs)."""
    texts = content.localise_texts(df, lg, translations())
    shown = exports.localise(texts, lg)
    frame, config = _display(shown)
    frame.attrs = {}          # the grid needs no victim cells; pandas would copy them at each column
    return texts, shown, arrow_table(frame), config


def arrow_table(frame: pd.DataFrame):
    """``frame`` as the Arrow table ``st.dataframe`` would make of it (Streamlit's own conversion,
    with its fixes for mixed columns), made once for a shared table: given a pyarrow table, the
    grid only writes it out, where a DataFrame is converted again at every run of every session."""
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_table(frame)


def protected_units(df: pd.DataFrame, national_total: Any = None, col: str = "victims") -> pd.DataFrame:
    """``privacy.protect_units`` (once per server for the same rows and total)."""
    if col not in df.columns:
        return df
    total = None if is_missing(national_total) or isinstance(national_total, str) else int(national_total)
    return shared("table", "protect_units", lambda: privacy.protect_units(df, col, national_total=total),
                  df, col, total).copy(deep=False)


def protected_breakdown(df: pd.DataFrame, col: str = "count", total: Any = None) -> pd.DataFrame:
    """``privacy.protect_breakdown`` (once per server for the same rows and total)."""
    return shared("table", "protect_breakdown", lambda: privacy.protect_breakdown(df, col, total=total),
                  df, col, total).copy(deep=False)


def sort_by_unit(df: pd.DataFrame, col: str = "code") -> pd.DataFrame:
    """Rows in the alphabetical order of their unit's name in the session's language (a copy,
    sorted once per server for the same rows and language)."""
    if col not in df.columns or not len(df):
        return df.reset_index(drop=True)
    lg = lang()
    return shared("table", "sort_by_unit", lambda: _sorted_by_unit(df, col), df, col, lg).copy()


def _sorted_by_unit(df: pd.DataFrame, col: str) -> pd.DataFrame:
    order = {c: i for i, c in enumerate(sort_units(df[col].dropna().unique()))}
    return df.iloc[sorted(range(len(df)), key=lambda i: order.get(df[col].iloc[i], len(order)))].reset_index(
        drop=True)


def definitions() -> tuple[pd.DataFrame, Any]:
    """The About page's definitions: (the frame its downloads write, the table it shows as Arrow,
    indicators as the index), once per server and language."""
    lg = lang()

    def build():
        from tipdash.web.state import NUMERIC

        defs = pd.DataFrame({"indicator": [*NUMERIC, "completeness", "reporting_status"]})
        defs["definition"] = [i18n.indicator_definition(k, lg) for k in defs["indicator"]]
        defs = defs.rename(columns={"definition": i18n.t("page.about.col.definition", lg)})
        shown = exports.localise(defs, lg).set_index(i18n.column_label("indicator", lg))
        return defs, arrow_table(shown)
    return shared("table", "definitions", build, lg)

