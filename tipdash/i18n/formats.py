"""Numbers, plurals, dates and the sort order of names, per language: one function each.

Every page, download and the note format through these, so that moving one of them to CLDR data
(Babel) changes it everywhere at once:

- :func:`fmt_int` -- a whole number with the language's thousands separator;
- :func:`fmt_number` -- a figure on a page ("not reported" when blank, "around 500");
- :func:`plain_number` -- the language-independent text of a number, as files (CSV, JSON) write it;
- :func:`plural_form` / :func:`plural` -- the plural category of a count and the catalogue text of it;
- :func:`day` / :func:`period` -- a date and a date range in words;
- :func:`collation_key` -- the order in which names are listed.
"""
from __future__ import annotations

import calendar
import decimal
import math
import numbers
import unicodedata
from typing import Any

from tipdash import i18n
from tipdash.values import is_missing, to_timestamp

# ----------------------------------------------------------------------------- numbers


def fmt_int(n, lang: str) -> str:
    """1234 → "1,234" (en), "1.234" (ro), "1 234" (ru, no-break space)."""
    s = f"{int(n):,}"
    return {"ro": s.replace(",", "."), "ru": s.replace(",", "\u00a0")}.get(lang, s)


def fmt_number(value: Any, lang: str, approx: bool = False) -> str:
    """A figure for people: blank -> "not reported", approximate -> "around 500"; a label such
    as "<5" is shown as it is."""
    if is_missing(value):
        return i18n.t("common.not_reported", lang)
    if isinstance(value, str):
        return value
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = str(int(f)) if f.is_integer() else f"{f:.1f}"
    return i18n.t("page.common.around", lang, value=text) if approx else text


def plain_number(value: Any) -> str:
    """A number as a file writes it, in every language: integral values without ".0", other
    floats as ``repr``, non-finite ones blank."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            return ""
        return str(value)
    f = float(value)
    if not math.isfinite(f):
        return ""
    if f.is_integer() and abs(f) < 2 ** 53:
        return str(int(f))
    return repr(f)


# ----------------------------------------------------------------------------- plurals

#: the plural categories a catalogue text lists, in its order (forms separated by "|")
FORMS = {"en": ("one", "other"), "ro": ("one", "few", "other"), "ru": ("one", "few", "many")}


def plural_form(n: int, lang: str) -> str:
    """CLDR-style plural category: en one/other; ro one/few/other ("de"); ru one/few/many."""
    n = abs(int(n))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if n == 1:
        return "one"
    if lang == "ro" and (n == 0 or 1 <= n % 100 <= 19):
        return "few"
    return "other"


def plural(key: str, n: int, lang: str, **fmt) -> str:
    """The form of ``n`` from catalogue ``key`` holding every form separated by "|" (en
    one|other; ro one|few|other; ru one|few|many), formatted with ``n`` (localised) and ``fmt``."""
    forms = i18n.t(key, lang).split("|")
    order = FORMS.get(lang, FORMS["en"])
    text = forms[min(order.index(plural_form(n, lang)), len(forms) - 1)]
    try:
        return text.format(n=fmt_int(n, lang), **fmt)
    except (KeyError, IndexError, ValueError):
        return text


# ----------------------------------------------------------------------------- dates


def day(d, lang: str, with_year: bool = True) -> str:
    """17 October 2022 / 17 octombrie 2022 / 17 октября 2022 (month names from the catalogue)."""
    text = f"{d.day} {i18n.t(f'note.month_gen.{d.month}', lang)}"
    return f"{text} {d.year}" if with_year else text


def period(start, end, lang: str) -> str:
    """A date range in words, with month precision when it covers whole months
    ("July–October 2022"), else day precision ("17–23 October 2022")."""
    s, e = to_timestamp(start), to_timestamp(end)
    if s is None and e is None:
        return i18n.t("note.period.none", lang)
    if s is None:
        return i18n.t("note.period.until", lang, date=day(e, lang))
    if e is None or e == s:
        text = day(s, lang)
        return text if e is not None else i18n.t("note.period.from", lang, date=text)
    month = lambda d: i18n.t(f"note.month.{d.month}", lang)  # noqa: E731
    if s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
        if (s.year, s.month) == (e.year, e.month):
            return f"{month(s)} {s.year}"
        if s.year == e.year:
            return f"{month(s)}–{month(e)} {s.year}"
        return f"{month(s)} {s.year} – {month(e)} {e.year}"
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{day(e, lang)}"
    if s.year == e.year:
        return f"{day(s, lang, False)} – {day(e, lang)}"
    return f"{day(s, lang)} – {day(e, lang)}"


# ----------------------------------------------------------------------------- names


def collation_key(name: str) -> tuple[str, str]:
    """Sort key ignoring diacritics (NFD without combining marks, casefolded), original as tie-break."""
    folded = "".join(c for c in unicodedata.normalize("NFD", str(name)) if not unicodedata.combining(c))
    return folded.casefold(), str(name)
