"""Numbers, plurals, dates, periods, year spans and the sort order of names, per language: one
function each, on CLDR data (Babel, through :mod:`tipdash.i18n.cldr`).

Every page, download and the note format through these:

- :func:`fmt_int` -- a whole number with the language's separators (CLDR);
- :func:`fmt_percent` -- a share as a percentage ("14 %", "14%");
- :func:`fmt_number` -- a figure on a page ("not reported" when blank, "around 500");
- :func:`plain_number` -- the language-independent text of a number, as files (CSV, JSON) write it;
- :func:`plural_form` / :func:`plural` -- the CLDR plural category of a count and the catalogue text
  of it (ICU-like ``{n, plural, one {…} few {…} other {…}}`` blocks, see :mod:`tipdash.i18n.cldr`);
- :func:`day` / :func:`period` / :func:`month_period` -- a date and a date range in words; a
  period known only to the month is never printed with days;
- :func:`year_span` -- "2022" or "2020–2022" (never "2022–2022");
- :func:`collation_key` -- the order in which names are listed, per language (Romanian alphabet
  a < ă < â, i < î, s < ș, t < ț; Russian alphabet; English with diacritics ignored).
"""
from __future__ import annotations

import calendar
import decimal
import math
import numbers
import unicodedata
from typing import Any

from tipdash import i18n
from tipdash.i18n import cldr
from tipdash.values import is_missing, to_timestamp

# ----------------------------------------------------------------------------- numbers


def fmt_int(n, lang: str) -> str:
    """1234 → "1,234" (en), "1.234" (ro), "1 234" (ru, no-break space): CLDR."""
    return cldr.number(int(n), i18n.normalise_lang(lang))


def fmt_percent(share, lang: str) -> str:
    """A share 0..1 as a whole percentage in the language's form ("14 %" ro/ru, "14%" en)."""
    return cldr.percent(float(share), i18n.normalise_lang(lang))


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
    lang = i18n.normalise_lang(lang)
    text = fmt_int(f, lang) if f.is_integer() else cldr.number(round(f, 1), lang)
    return i18n.t("page.common.around", lang, value=text) if approx else text


def published(text: str, lang: str) -> str:
    """A figure as its source prints it ("0.46", "9.3", "150"): every published digit kept, never
    rounded, with the language's separators ("0,46" ro/ru)."""
    import decimal

    try:
        return cldr.number(decimal.Decimal(str(text)), i18n.normalise_lang(lang))
    except decimal.InvalidOperation:
        return str(text)


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


def plural_form(n: int, lang: str) -> str:
    """CLDR plural category: en one/other; ro one/few/other; ru one/few/many."""
    return cldr.plural_category(int(n), i18n.normalise_lang(lang))


def plural(key: str, n: int, lang: str, **fmt) -> str:
    """The catalogue text ``key`` with its plural block(s) chosen for ``n`` (also available as
    ``{n}``, formatted for the language) and the other fields filled from ``fmt``."""
    return i18n.t(key, lang, n=int(n), **fmt)


# ----------------------------------------------------------------------------- dates


def day(d, lang: str, with_year: bool = True) -> str:
    """17 October 2022 / 17 octombrie 2022 / 17 октября 2022 (CLDR month names)."""
    return cldr.date_long(to_timestamp(d).date(), i18n.normalise_lang(lang), with_year)


def _month(d, lang: str) -> str:
    return cldr.month_name(d.month, lang)


def month_period(s, e, lang: str) -> str:
    """A period known to the month: "July–October 2022", "octombrie 2022", "декабрь 2022 – январь 2023"."""
    y = cldr.YEAR_SUFFIX.get(lang, "")
    if (s.year, s.month) == (e.year, e.month):
        return f"{_month(s, lang)} {s.year}{y}"
    if s.year == e.year:
        return f"{_month(s, lang)}–{_month(e, lang)} {s.year}{y}"
    return f"{_month(s, lang)} {s.year}{y} – {_month(e, lang)} {e.year}{y}"


def period(start, end, lang: str, precision: str | None = None) -> str:
    """A date range in words. ``precision="month"``: only the months are known, so only months
    are printed; ``"day"``: days; None: months when the range covers whole months (the first to
    the last day), else days ("17–23 October 2022")."""
    lang = i18n.normalise_lang(lang)
    s, e = to_timestamp(start), to_timestamp(end)
    if s is None and e is None:
        return i18n.t("note.period.none", lang)
    if precision == "month":
        if s is None or e is None:
            text = month_period(s or e, s or e, lang)
            return i18n.t("note.period.until" if s is None else "note.period.from", lang, date=text)
        return month_period(s, e, lang)
    if s is None:
        return i18n.t("note.period.until", lang, date=day(e, lang))
    if e is None or e == s:
        text = day(s, lang)
        return text if e is not None else i18n.t("note.period.from", lang, date=text)
    if precision is None and s.day == 1 and e.day == calendar.monthrange(e.year, e.month)[1]:
        return month_period(s, e, lang)
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}–{day(e, lang)}"
    if s.year == e.year:
        return f"{day(s, lang, False)} – {day(e, lang)}"
    return f"{day(s, lang)} – {day(e, lang)}"


def iso_month(d) -> str:
    """A date known to the month, as tables and downloads print it: "2022-07"."""
    ts = to_timestamp(d)
    return "" if ts is None else f"{ts.year:04d}-{ts.month:02d}"


def year_span(start: int, end: int, lang: str) -> str:
    """"2022" for one year, "2020–2022" for several (with the language's suffix, e.g. RU "гг.")."""
    if int(start) == int(end):
        return i18n.t("page.common.one_year", lang, year=int(start))
    return i18n.t("page.common.period", lang, start=int(start), end=int(end))


# ----------------------------------------------------------------------------- names

#: letters of the Romanian alphabet that follow a base letter: ă and â after a, î after i, ș after
#: s, ț after t (the cedilla forms ş ţ, a common mistake, sort like ș ț)
_RO_LETTERS = {"ă": ("a", 1), "â": ("a", 2), "î": ("i", 1), "ș": ("s", 1), "ş": ("s", 1),
               "ț": ("t", 1), "ţ": ("t", 1)}


def _fold(c: str) -> str:
    return "".join(x for x in unicodedata.normalize("NFD", c) if not unicodedata.combining(x))


def _script(c: str) -> int:
    """Russian order puts Cyrillic letters before Latin ones; digits and signs first."""
    if not c.isalpha():
        return 0
    return 1 if "\u0400" <= c <= "\u04ff" else 2


def _letter_ro(c: str) -> tuple[str, int]:
    return _RO_LETTERS.get(c) or (_fold(c), 0)


def _letter_ru(c: str) -> tuple[int, str, int]:
    if c == "ё":
        return (1, "е", 1)
    if c == "й":
        return (1, "й", 0)                 # a letter of its own, not и with a breve
    return (_script(c), _fold(c), 0)


def collation_key(name, lang: str = "en") -> tuple:
    """Sort key of a name in ``lang``: letter by letter in that alphabet, case ignored, the name
    itself breaking ties. ro: a < ă < â < b …, i < î, s < ș, t < ț (Basarabeasca, Bălți; Soroca,
    Strășeni, Șoldănești, Ștefan Vodă). ru: Cyrillic alphabet (ё after е), then Latin names.
    en: diacritics ignored (Bălți with Ba…)."""
    text = unicodedata.normalize("NFC", str(name)).casefold()
    lang = i18n.normalise_lang(lang)
    if lang == "ro":
        letters = tuple(_letter_ro(c) for c in text)
    elif lang == "ru":
        letters = tuple(_letter_ru(c) for c in text)
    else:
        letters = tuple((_fold(c), 0) for c in text)
    return letters, str(name)


def sort_names(names, lang: str) -> list[str]:
    """Distinct names in the order of ``lang``."""
    return sorted(set(names), key=lambda n: collation_key(n, lang))
