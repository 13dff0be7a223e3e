"""Import messages in the reader's language: a problem's code and parameters rendered from the
catalogues (``import.problem.<code>`` in ``tipdash/locales/{ro,en,ru}.json``), values shown the
same way in the message and in the value column (dates dd.mm.yyyy for ro/ru, CLDR short dates
through Babel), counts with the language's separators and plural forms
(``tipdash.i18n``: ``formats.fmt_int``, ``cldr.date_short``, ICU-like plural blocks in ``t``).

Parameters are formatted by their name or type: ``value*`` a cell value as written (quoted
text); ``unit`` an ISO code shown as the unit's name in the language; ``closest`` a list of
(code, score); ``kind``, ``vocab``, ``reason`` a catalogue word; a dict ``{"code", "params"}``
a nested message; a dict ``{"plural": key, "n": n}`` the plural form of ``import.plural.<key>``;
``n``, ``max``, ``row``, ``length``… whole numbers with separators; other ints as they are
(years); dates as short dates.
"""
from __future__ import annotations

import datetime as dt
import functools
import math

from tipdash import i18n
from tipdash.i18n import cldr, formats
from tipdash.ingest.text import CONTROLS

_GROUPED = {"n", "max", "limit", "length", "row", "rows", "first", "cells", "size_rows", "minimum", "shown"}


def render(code: str, params: dict | None, lang: str) -> str:
    """The catalogue text ``import.problem.<code>`` with its parameters formatted for ``lang``."""
    lang = i18n.normalise_lang(lang)
    fmt = {k: param(k, v, lang) for k, v in (params or {}).items()}
    key = f"import.problem.{code}"
    if not i18n.has_key(key, "en"):
        return f"{code} {fmt}" if fmt else code
    return i18n.t(key, lang, **fmt)


def plural_text(key: str, n: int, lang: str, **params) -> str:
    """``import.plural.<key>``: an ICU-like plural block, its CLDR form chosen by ``i18n.t``."""
    return i18n.t(f"import.plural.{key}", lang, n=int(n), **params)


def param(key: str, v, lang: str) -> str:
    if isinstance(v, dict):
        if "code" in v:
            return render(v["code"], v.get("params"), lang)
        if "month" in v and isinstance(v["month"], dt.date):
            return f"{v['month']:%m.%Y}"           # a date the file gave to the month only
        if "plural" in v:
            return plural_text(v["plural"], int(v["n"]), lang)
    if key.startswith("value"):
        return show(v, lang)
    if key == "unit":
        return unit_label(v, lang)
    if key == "closest":
        return ", ".join(f"{unit_label(c, lang)} {round(s)}" for c, s in v) or i18n.t("import.word.none", lang)
    if key in ("kind", "vocab", "reason"):
        return i18n.t(f"import.{key}.{v}", lang)
    if key == "figures":
        return ", ".join(f"{s} ({plural_text('rows', n, lang)})" for s, n in v)
    if key in ("sheets", "names"):
        return ", ".join(f"'{x}'" for x in v)
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v)
    if isinstance(v, bool) or v is None:
        return show(v, lang)
    if isinstance(v, int):
        return formats.fmt_int(v, lang) if key in _GROUPED else str(v)
    if isinstance(v, (float, dt.date, dt.time, dt.timedelta)):
        return show(v, lang)
    return str(v)


def unit_label(code: str, lang: str) -> str:
    if code == "MD":
        return i18n.t("app.country", lang) + " (MD)"
    return f"{i18n.unit_name(code, lang)} ({code})"


@functools.lru_cache(maxsize=4096)
def short_date(d: dt.date, lang: str) -> str:
    """05.03.2022 (ro, ru), 05/03/2022 (en): the CLDR short date of the language."""
    text = cldr.date_short(d if not isinstance(d, dt.datetime) else d.date(), lang)
    if isinstance(d, dt.datetime) and d.time() != dt.time():
        text += " " + d.strftime("%H:%M")
    return text


def show(value, lang: str, quote: bool = True) -> str:
    """A cell value as the problems show it (message and value column alike; text is quoted in
    messages, not in the value column)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.t("import.word.true" if value else "import.word.false", lang)
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "…"
        text = CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        return f"'{text}'" if quote else text
    if isinstance(value, dt.date):
        return short_date(value, lang)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "INF" if value > 0 else "-INF"
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        text = repr(value)
        return text.replace(".", ",") if lang in ("ro", "ru") else text
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


# ------------------------------------------------------------------------------ file results

def result_note(note: str, params: dict, lang: str) -> str:
    """The note of a file result (``import.result.<note>``): counts in their plural forms."""
    fmt = dict(params)
    if note == "errors":
        fmt["errors"] = plural_text("errors", int(params.get("n", 0)), lang)
    elif note == "partly_unchanged":
        fmt["units"] = plural_text("unit_years", int(params.get("n", 0)), lang)
    elif note == "partly_unchanged_series":
        fmt["units"] = plural_text("year_sources", int(params.get("n", 0)), lang)
    elif note == "sources_read":
        fmt["sources"] = plural_text("sources", int(params.get("n", 0)), lang)
    fmt = {k: param(k, v, lang) if not isinstance(v, str) else v for k, v in fmt.items()}
    return i18n.t(f"import.result.{note}", lang, **fmt)


def result_line(r, lang: str) -> str:
    """``file: status[ as import N]: what, n submissions, n rows[, supersedes n][ (note)]``."""
    lang = i18n.normalise_lang(lang)
    text = f"{r.file}: {i18n.t(f'import.result.status.{r.status}', lang)}"
    if r.format == "translations":
        note = r.note_text(lang)
        return f"{text}: {i18n.t('import.result.what.translations', lang)}, {plural_text('rows', r.rows, lang)}" + \
            (f" ({note})" if note else "")
    if r.format == "sources":                  # format C's sources file: no submissions of its own
        note = r.note_text(lang)
        return text + (f" ({note})" if note else "")
    if r.status in ("imported", "valid"):
        what = i18n.t(f"import.result.what.{r.format if r.format in ('report', 'summary', 'series') else 'file'}",
                      lang)
        done = i18n.t("import.result.as_import", lang, id=r.import_id) if r.import_id else \
            i18n.t("import.result.dry_run", lang)
        text += f" {done}: {what}, {plural_text('submissions', r.submissions, lang)}, " \
                f"{plural_text('rows', r.rows, lang)}"
        if r.superseded:
            text += ", " + plural_text("supersedes", len(r.superseded), lang)
    note = r.note_text(lang)
    if note:
        text += f"; {note}" if r.status == "imported" else f" ({note})"
    return text
