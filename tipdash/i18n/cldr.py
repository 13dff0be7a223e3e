"""CLDR data through Babel: plural categories, number, percent and date formats, month names,
and the ICU-like plural syntax of the catalogues. Imports nothing from tipdash, so the catalogue
lookup (:func:`tipdash.i18n.t`) can pick plural forms without an import circle.

A catalogue text may hold one or more plural blocks, ICU style::

    "{n, plural, one {# ședință} few {# ședințe} other {# de ședințe}}"

``#`` is the count formatted for the language; the branch is chosen by the CLDR plural category
of the count (Romanian one/few/other, Russian one/few/many/other, English one/other); ``=N``
selects an exact value; ``other`` is the fallback.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Mapping

from babel import Locale
from babel import dates as bdates
from babel import numbers as bnumbers

#: the CLDR locale of each interface language (Moldova for Romanian and Russian)
LOCALES = {"ro": "ro_MD", "en": "en_GB", "ru": "ru_MD"}


@functools.lru_cache(maxsize=None)
def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, LOCALES["ro"]))


def plural_category(n, lang: str) -> str:
    """CLDR plural category of ``n`` in ``lang`` ("one", "few", "many", "other")."""
    return locale(lang).plural_form(abs(n))


def number(n, lang: str) -> str:
    """A whole or decimal number with the language's separators (1.234 / 1,234 / 1 234)."""
    return bnumbers.format_decimal(n, locale=locale(lang))


def percent(share: float, lang: str) -> str:
    """0.14 -> "14 %" (ro, ru: no-break space) / "14%" (en)."""
    return bnumbers.format_percent(share, locale=locale(lang))


#: what follows a year in a date or period (Russian "2022 г.", as CLDR's long date writes it)
YEAR_SUFFIX = {"ru": " г."}


def date_long(d, lang: str, with_year: bool = True) -> str:
    """17 octombrie 2022 / 17 October 2022 / 17 октября 2022 г. (the day-month form of the month)."""
    if not with_year:
        return bdates.format_date(d, "d MMMM", locale=locale(lang))
    return bdates.format_date(d, "d MMMM y", locale=locale(lang)) + YEAR_SUFFIX.get(lang, "")


def date_short(d, lang: str) -> str:
    """05.03.2022 (ro, ru), 05/03/2022 (en): the CLDR short date, as import messages show dates."""
    return bdates.format_date(d, "short", locale=locale(lang))


def month_name(month: int, lang: str) -> str:
    """The month on its own, as in a period (iulie / July / июль)."""
    return locale(lang).months["stand-alone"]["wide"][int(month)]


# ----------------------------------------------------------------------------- ICU-like plurals

_PLURAL = re.compile(r"\{\s*(\w+)\s*,\s*plural\s*,")
_SELECTOR = re.compile(r"\s*(=\d+|zero|one|two|few|many|other)\s*\{")


def _block_end(text: str, start: int) -> int:
    """Index just after the brace that closes the one opened before ``start``."""
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces in a plural block")


def parse_plural(text: str, start: int) -> tuple[dict[str, str], int]:
    """The branches of the plural block whose ``{var, plural,`` ends at ``start``, and the index
    after the block."""
    branches: dict[str, str] = {}
    i = start
    while True:
        m = _SELECTOR.match(text, i)
        if not m:
            rest = text[i:].lstrip()
            if rest.startswith("}"):
                return branches, len(text) - len(rest) + 1
            raise ValueError(f"bad plural block near {text[i:i + 20]!r}")
        end = _block_end(text, m.end())
        branches[m.group(1)] = text[m.end():end - 1]
        i = end


def has_plural(text: str) -> bool:
    return _PLURAL.search(text) is not None


def plural_variables(text: str) -> list[str]:
    return [m.group(1) for m in _PLURAL.finditer(text)]


def select_plurals(text: str, values: Mapping[str, Any], lang: str) -> str:
    """``text`` with each plural block replaced by the branch for its variable's value (``#`` =
    the value formatted for ``lang``). A block whose variable is not a number is left as it is."""
    out: list[str] = []
    i = 0
    while (m := _PLURAL.search(text, i)) is not None:
        branches, end = parse_plural(text, m.end())
        value = values.get(m.group(1))
        try:
            n = int(value)
        except (TypeError, ValueError):
            out.append(text[i:end])
            i = end
            continue
        body = branches.get(f"={n}") or branches.get(plural_category(n, lang)) or branches.get("other", "")
        out.append(text[i:m.start()])
        out.append(body.replace("#", number(n, lang)))
        i = end
    out.append(text[i:])
    return "".join(out)


def categories(lang: str) -> tuple[str, ...]:
    """The plural categories whole numbers take in ``lang`` (what a catalogue must provide)."""
    return tuple(sorted({plural_category(n, lang) for n in range(0, 200)}))
