"""The provenance of a download: one localised line (CSV) or the rows of the "about" sheet (xlsx)."""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Mapping

import pandas as pd

from tipdash import i18n
from tipdash.exports.cells import date_text
from tipdash.i18n.formats import plain_number
from tipdash.values import is_missing, is_number


def meta_dict(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(meta or {})


def meta_lang(meta: Mapping[str, Any]) -> str:
    return i18n.normalise_lang(meta.get("lang"))


def exported_on_text(meta: Mapping[str, Any] | None = None) -> str:
    """``meta["exported_on"]`` (datetime, date or text) or now, as ``YYYY-MM-DD HH:MM UTC``."""
    value = meta_dict(meta).get("exported_on")
    if value is None:
        value = _dt.datetime.now(_dt.timezone.utc)
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M") + " UTC"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _filter_value(v: Any) -> str:
    if is_missing(v):
        return ""
    if isinstance(v, (list, tuple, set, frozenset)):
        items = sorted(v, key=str) if isinstance(v, (set, frozenset)) else v
        return "|".join(_filter_value(x) for x in items)
    if is_number(v):
        return plain_number(v)
    d = date_text(v)
    return d if d is not None else str(v)


def filters_text(filters: Mapping[str, Any] | None, lang: str = i18n.DEFAULT_LANG) -> str:
    """``year=2022, indicator=sessions`` (codes, insertion order); localised "none" if empty."""
    if not filters:
        return i18n.t("export.no_filters", lang)
    return ", ".join(f"{k}={_filter_value(v)}" for k, v in filters.items())


def one_line(s: str) -> str:
    return re.sub(r"[\r\n]+", " ", s).strip()


def provenance_line(meta: Mapping[str, Any] | None) -> str:
    """The localised one-line provenance (``Source: …; Filters: …; Exported on: …``)."""
    m = meta_dict(meta)
    lang = meta_lang(m)
    source = m.get("source") or i18n.t("export.default_source", lang)
    return one_line(i18n.t(
        "export.provenance", lang,
        source=one_line(str(source)),
        filters=one_line(filters_text(m.get("filters"), lang)),
        exported_on=exported_on_text(m),
    ))


def provenance_rows(meta: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value) rows of the xlsx "about" sheet; notes have an empty value."""
    m = meta_dict(meta)
    lang = meta_lang(m)
    source = m.get("source") or i18n.t("export.default_source", lang)
    rows = [
        (i18n.t("common.source", lang), one_line(str(source))),
        (i18n.t("common.filters", lang), filters_text(m.get("filters"), lang)),
        (i18n.t("common.exported_on", lang), exported_on_text(m)),
    ]
    if m.get("view"):
        rows.append((i18n.t("export.view", lang), str(m["view"])))
    if m.get("year") is not None:
        rows.append((i18n.t("common.year", lang), year_text(m["year"])))
    rows.append((i18n.t("export.language", lang), i18n.lang_name(lang, lang)))
    rows.append(("", ""))
    rows.append((i18n.t("export.note_blank", lang), ""))
    rows.append((i18n.t("export.note_suppressed", lang, label=_suppression_label()), ""))
    rows.append((i18n.t("export.note_formula", lang), ""))
    return rows


def _suppression_label() -> str:
    try:
        from tipdash import privacy
        return str(privacy.label())
    except Exception:  # noqa: BLE001 -- privacy.py may not be importable in isolation
        return "<5"


def year_text(year: Any) -> str:
    if isinstance(year, (list, tuple)):
        ys = [str(int(y)) for y in year if not is_missing(y)]
        if not ys:
            return "all"
        lo, hi = ys[0], ys[-1]
        return lo if lo == hi else f"{lo}-{hi}"
    if is_missing(year):
        return "all"
    if is_number(year):
        return plain_number(year)
    s = re.sub(r"[^0-9]+", "-", str(year)).strip("-")
    return s or "all"
