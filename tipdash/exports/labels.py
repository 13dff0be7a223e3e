"""Frames for people reading one language: unit names, vocabulary labels, Yes/No, headers, dates
known only to the month, completeness as a percentage (or why it does not apply)."""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from tipdash import i18n
from tipdash.i18n.formats import iso_month
from tipdash.values import is_bool, is_missing

#: date column -> the column giving its precision ('day' | 'month')
PRECISION_COLUMNS = {"date": "date_precision", "end_date": "end_date_precision",
                     "start_date": "start_date_precision"}
#: share columns (0..1) shown as whole percentages, and the column giving why one is not applicable
PERCENT_COLUMNS = {"completeness": "completeness_na", "share": "completeness_na"}

#: Columns :func:`localise` maps to vocabulary labels, by default: column -> vocabulary.
VOCAB_COLUMNS: dict[str, str] = {
    "type": "type",
    "target_group": "target_group",
    "sex": "sex",
    "age_group": "age_group",
    "exploitation": "exploitation",
    "status": "status",
    "kind": "kind",
    "reporting_status": "reporting_status",
    "format": "format",
}
#: Other vocabularies tried when a code is not in the column's own vocabulary (the ``type``
#: column of ``indicators.assistance`` holds legal/medical/…; the ``kind`` column of
#: ``indicators.periods`` holds training/campaign; ``status`` of a profile's submissions).
_ALT_VOCABS: dict[str, tuple[str, ...]] = {
    "type": ("assistance",),
    "kind": ("period_kind",),
    "status": ("submission_status",),
}


def _is_bool_series(s: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    if s.dtype == object:
        vals = s.dropna()
        return len(vals) > 0 and all(is_bool(x) for x in vals)
    return False


def _vocab_mapper(col: str, vocab: str, lang: str):
    alts = (vocab,) + _ALT_VOCABS.get(col, ())

    def f(v):
        if is_missing(v):
            return v
        for name in alts:
            key = f"vocab.{name}.{v}"
            if i18n.has_key(key, lang) or i18n.has_key(key):
                return i18n.t(key, lang)
        return v
    return f


def localise(df: pd.DataFrame, lang: str | None = i18n.DEFAULT_LANG,
             vocab_columns: Iterable[str] | Mapping[str, str] | None = None, *,
             unit_names: bool = True, booleans: bool = True) -> pd.DataFrame:
    """A copy of ``df`` for people reading ``lang``.

    * ``code`` -> a ``name`` column (unit names in ``lang``) is set right after it (replacing
      an existing ``name``); ``unit_code`` -> a ``unit`` column likewise.  Codes are kept.
    * vocabulary columns -> labels (``vocab_columns``: column names that are also vocabulary
      names, or a ``{column: vocabulary}`` mapping; default :data:`VOCAB_COLUMNS` present in
      ``df``).  Unknown codes are left as they are, NA stays NA.
    * ``indicator`` column (of ``indicators.national``) -> indicator labels.
    * boolean columns -> Yes / No (NA stays blank) when ``booleans``.
    * a date whose ``<date>_precision`` is ``month`` -> "2022-07" (never a day the source did not
      give); the precision columns are dropped.
    * ``completeness`` / ``share`` (0..1) -> a whole percentage (header "… (%)"); where
      ``completeness_na`` gives a reason, the localised "not applicable (…)"; that column is dropped.
    * headers -> :func:`tipdash.i18n.column_label` (duplicates get `` (column)`` appended).
    Other numbers, full dates and privacy labels ("<5") are not touched."""
    lang = i18n.normalise_lang(lang)
    out = df.copy()
    if vocab_columns is None:
        vmap = {c: v for c, v in VOCAB_COLUMNS.items() if c in out.columns}
    elif isinstance(vocab_columns, Mapping):
        vmap = {c: v for c, v in vocab_columns.items() if c in out.columns}
    else:
        vmap = {c: c for c in vocab_columns if c in out.columns}

    out = _months(_percentages(out, lang))
    if unit_names:
        out = _with_unit_names(out, lang)
    for col, vocab in vmap.items():
        s = out[col]
        if _is_bool_series(s):
            continue
        out[col] = s.astype(object).map(_vocab_mapper(col, vocab, lang))
    if "indicator" in out.columns and "indicator" not in vmap:
        out["indicator"] = out["indicator"].astype(object).map(
            lambda v: v if is_missing(v) else i18n.indicator_label(str(v), lang))
    if booleans:
        _yes_no(out, vmap, lang)
    out.columns = _headers(out.columns, lang)
    return out


def _months(out: pd.DataFrame) -> pd.DataFrame:
    """Dates known only to the month as "2022-07"; the precision columns dropped."""
    drop = []
    for col, prec in PRECISION_COLUMNS.items():
        if prec not in out.columns:
            continue
        drop.append(prec)
        if col in out.columns:
            month = (out[prec] == "month").fillna(False).astype(bool)
            if month.any():
                out[col] = pd.Series([iso_month(v) if m and not is_missing(v) else v
                                      for v, m in zip(out[col].tolist(), month.tolist())], index=out.index,
                                     dtype=object)
    return out.drop(columns=drop)


def _percentages(out: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Shares as whole percentages; "not applicable (reason)" where a reason is given."""
    for col, why in PERCENT_COLUMNS.items():
        if col not in out.columns or pd.api.types.is_object_dtype(out[col].dtype):
            continue
        if col == "share" and why not in out.columns:   # only the completeness frame's share
            continue
        reasons = out[why].tolist() if why in out.columns else [None] * len(out)
        out[col] = pd.Series(
            [i18n.t(f"vocab.completeness_na.{r}", lang) if not is_missing(r) else
             (v if is_missing(v) else int(round(100 * float(v)))) for v, r in zip(out[col].tolist(), reasons)],
            index=out.index, dtype=object)
        out = out.rename(columns={col: f"{col}_pct"})
    return out.drop(columns=[c for c in set(PERCENT_COLUMNS.values()) if c in out.columns])


def _with_unit_names(out: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``name`` after ``code`` and ``unit`` after ``unit_code``: unit names in ``lang``."""
    for code_col, name_col in (("code", "name"), ("unit_code", "unit")):
        if code_col not in out.columns:
            continue
        names = [i18n.unit_name(c, lang) if not is_missing(c) else pd.NA
                 for c in out[code_col].tolist()]
        if name_col in out.columns:
            out = out.drop(columns=[name_col])
        pos = list(out.columns).index(code_col) + 1
        out.insert(pos, name_col, pd.Series(names, index=out.index, dtype=object))
    return out


def _yes_no(out: pd.DataFrame, vmap: Mapping[str, str], lang: str) -> None:
    """Boolean columns (not vocabulary columns) -> Yes / No in place; NA stays blank."""
    yes, no = i18n.t("common.yes", lang), i18n.t("common.no", lang)
    for col in out.columns:
        if col in vmap:
            continue
        s = out[col]
        if _is_bool_series(s):
            out[col] = s.astype(object).map(lambda v: v if is_missing(v) else (yes if v else no))


def _headers(columns, lang: str) -> list[str]:
    headers: list[str] = []
    seen: set[str] = set()
    for col in columns:
        h = i18n.column_label(col, lang)
        if h in seen:
            h = f"{h} ({col})"
        seen.add(h)
        headers.append(h)
    return headers
