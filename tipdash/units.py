"""The gazetteer of Moldova's 37 first-level units (ISO 3166-2:MD) and unit-name resolution.

Data: ``data/units.csv`` (code, name_ro, name_en, name_ru, kind, has_commission, aliases).
35 units have a Territorial Commission; MD-BD Bender and MD-SN Stînga Nistrului do not.

``resolve(name)`` turns whatever a spreadsheet writes ("r. Cantemir", "mun. Chişinău",
"Кишинэу", "Comisia teritorială Cahul", "Rîscani", …) into an ISO code, and never silently
guesses:

* exact   – the normalised input (or the input with prefixes/suffixes such as "raionul",
            "mun.", "район", "Comisia teritorială …" removed) equals a normalised name or alias;
* fuzzy   – otherwise rapidfuzz ``fuzz.ratio`` against every normalised name/alias; accepted
            only when the best unit scores >= FUZZY_MIN_SCORE *and* leads the runner-up unit
            by >= FUZZY_MIN_MARGIN points (and the input has at least FUZZY_MIN_LENGTH
            characters). The Resolution is then ``ok`` with ``warning`` set, and its message
            says what the input was read as;
* else    – ``code is None`` and the message lists the closest candidates.

Normalisation (``normalize``): NFKC, casefold, î/â spelled alike (Sîngerei = Sângerei;
a plain-ASCII "a" spelling such as "Sangerei" is indexed too), all diacritics dropped (so
cedilla ş ţ = comma-below ș ț = s t, ё = е), punctuation/hyphens/underscores -> space.
"""
from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

NATIONAL = "MD"

#: A fuzzy match is accepted only if its rapidfuzz ``fuzz.ratio`` (0-100, normalised Indel
#: similarity) is at least this ("Cantemr" -> Cantemir 93, "Basarabasca" -> Basarabeasca 96,
#: "Leva" -> Leova 89; "Ștefan" -> Ștefan Vodă is only 71 and is refused) ...
FUZZY_MIN_SCORE = 85.0
#: ... and at least this many points ahead of the best-scoring *other* unit
#: ("Flesti": Fălești 92 vs Florești 86 -> ambiguous, refused).
FUZZY_MIN_MARGIN = 8.0
#: The seed note's "Basarabasca" is deliberately NOT an alias: it resolves as a fuzzy match
#: (96) with a warning, so a misspelt sheet is visible to whoever imports it.
#: Inputs shorter than this (after normalisation) are never fuzzy-matched.
FUZZY_MIN_LENGTH = 4

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "units.csv"

KINDS = ("raion", "municipality", "autonomous_territorial_unit", "territorial_unit_left_bank")
LANGS = ("ro", "en", "ru")

# Names meaning "the whole country" (recognised only with allow_national=True).
NATIONAL_NAMES = (
    "MD", "Moldova", "Republica Moldova", "Republic of Moldova", "national", "național",
    "nivel național", "la nivel național", "national level", "total național", "national total",
    "Республика Молдова", "Молдова", "национальный уровень",
)

# Words around a unit name that carry no information; compared after normalisation, so
# "r-nul", "r.", "R-N" and "р-н" are all covered. Stripped repeatedly from either end (longest
# first), never down to nothing.
_PREFIXES = (
    "comisia teritoriala pentru combaterea traficului de fiinte umane",
    "comisia teritoriala pentru combaterea traficului de persoane",
    "comisia teritoriala pentru combaterea traficului",
    "comisia teritoriala", "comisiei teritoriale", "comisia",
    "territorial commission for combating trafficking in human beings",
    "territorial commission for combating human trafficking",
    "territorial commission",
    "территориальная комиссия по борьбе с торговлей людьми", "территориальная комиссия",
    "ct", "tc",
    "din", "pentru", "of", "for", "the",
    "raionul", "raionului", "raion", "r nul", "r n", "rn", "r",
    "municipiul", "municipiului", "municipiu", "mun", "m", "municipality of", "municipality",
    "city of", "orasul", "oras", "or",
    "district of", "district",
    "unitatea teritoriala autonoma", "autonomous territorial unit of", "autonomous territorial unit",
    "uta", "utag", "atu", "ato", "ате", "ато",
    "район", "р н", "рн", "р", "муниципий", "мун", "м", "город", "г",
)
_SUFFIXES = (
    "raion", "raionul", "r n", "rn", "district", "municipality", "municipiu", "mun",
    "city", "commission", "territorial commission",
    "район", "р н", "рн", "муниципий", "мун",
)


class UnitError(ValueError):
    """A unit name that does not resolve (unknown or ambiguous)."""


@dataclass(frozen=True)
class Unit:
    code: str
    name_ro: str
    name_en: str
    name_ru: str
    kind: str
    has_commission: bool

    def name(self, lang: str = "ro") -> str:
        if lang == "ro":
            return self.name_ro
        if lang == "en":
            return self.name_en
        if lang == "ru":
            return self.name_ru
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")


@dataclass
class Resolution:
    code: str | None
    exact: bool
    score: float
    candidates: list[tuple[str, float]] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.code is not None

    @property
    def warning(self) -> bool:
        """True for an accepted fuzzy match: the caller should show ``message``."""
        return self.ok and not self.exact


# --------------------------------------------------------------------------- normalisation

_NON_WORD = re.compile(r"[\W_]+")
_EXTRA_FOLD = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def normalize(text: str, circumflex: str = "i") -> str:
    """Lower-case, diacritic-free, single-spaced form of ``text`` used for matching.

    ``circumflex`` says how î/â are read: "i" (default; Sîngerei = Sângerei = "singerei") or
    "a" (Sângerei = Sîngerei = "sangerei", the ASCII spelling of the â form)."""
    t = unicodedata.normalize("NFKC", str(text)).casefold()
    if circumflex == "i":
        t = t.replace("â", "î")
    else:
        t = t.replace("î", "â")
    t = "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch))
    t = t.translate(_EXTRA_FOLD)
    return _NON_WORD.sub(" ", t).strip()


_PREFIXES_SORTED = tuple(sorted({normalize(p) for p in _PREFIXES}, key=len, reverse=True))
_SUFFIXES_SORTED = tuple(sorted({normalize(s) for s in _SUFFIXES}, key=len, reverse=True))


def strip_affixes(norm: str) -> str:
    """Remove descriptive words ("raionul", "mun", "район", "comisia teritoriala …") from a
    normalised name; the result is never empty unless the input was."""
    changed = True
    while changed:
        changed = False
        for p in _PREFIXES_SORTED:
            if norm.startswith(p + " "):
                norm = norm[len(p) + 1:]
                changed = True
                break
        for s in _SUFFIXES_SORTED:
            if norm.endswith(" " + s):
                norm = norm[: -len(s) - 1]
                changed = True
                break
    return norm


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class _Index:
    units: dict[str, Unit]
    aliases: dict[str, tuple[str, ...]]
    exact: dict[str, str]            # normalised key -> unit code
    national: frozenset[str]         # normalised keys meaning NATIONAL
    fuzzy_keys: tuple[str, ...]      # keys offered to rapidfuzz (unit names/aliases)
    fuzzy_codes: tuple[str, ...]     # parallel to fuzzy_keys


def _keys(text: str) -> set[str]:
    out = set()
    for circ in ("i", "a"):
        n = normalize(text, circ)
        if n:
            out.add(n)
            out.add(strip_affixes(n))
    return out


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    units: dict[str, Unit] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    with open(CSV_PATH, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            flag = row["has_commission"].strip().lower()
            if flag not in ("true", "false"):
                raise ValueError(f"units.csv: bad has_commission {flag!r} for {row['code']}")
            if row["kind"] not in KINDS:
                raise ValueError(f"units.csv: bad kind {row['kind']!r} for {row['code']}")
            u = Unit(row["code"].strip(), row["name_ro"].strip(), row["name_en"].strip(),
                     row["name_ru"].strip(), row["kind"].strip(), flag == "true")
            if u.code in units:
                raise ValueError(f"units.csv: duplicate code {u.code}")
            units[u.code] = u
            aliases[u.code] = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())

    exact: dict[str, str] = {}
    fuzzy: dict[str, str] = {}
    for code, u in units.items():
        names = (u.name_ro, u.name_en, u.name_ru) + aliases[code]
        for text in names:
            for k in _keys(text):
                if exact.setdefault(k, code) != code:
                    raise ValueError(f"units.csv: {text!r} ({code}) clashes with {exact[k]} on {k!r}")
                fuzzy[k] = code
        exact.setdefault(normalize(code), code)          # "MD-CU" -> "md cu"
    national = frozenset(k for t in NATIONAL_NAMES for k in _keys(t))
    clash = national & exact.keys()
    if clash:
        raise ValueError(f"national names clash with unit names: {sorted(clash)}")
    return _Index(units=dict(sorted(units.items())), aliases=aliases, exact=exact,
                  national=national, fuzzy_keys=tuple(fuzzy), fuzzy_codes=tuple(fuzzy.values()))


def all_units() -> list[Unit]:
    """The 37 units, sorted by code."""
    return list(_index().units.values())


def commission_units() -> list[Unit]:
    """The 35 units that have a Territorial Commission, sorted by code."""
    return [u for u in all_units() if u.has_commission]


def get(code: str) -> Unit:
    """The unit with ISO code ``code`` (e.g. "MD-CU"); KeyError if there is none."""
    units = _index().units
    try:
        return units[code]
    except KeyError:
        raise KeyError(f"unknown unit code {code!r}") from None


def official_name(code: str) -> str:
    """The official Romanian name of ``code`` as messages and the CLI write it ("Republica Moldova"
    for the national level). The names in each language of the dashboard: ``tipdash.i18n.unit_name``."""
    return "Republica Moldova" if code == NATIONAL else get(code).name_ro


def aliases(code: str) -> tuple[str, ...]:
    """Extra accepted names for ``code`` from the CSV (not including name_ro/en/ru)."""
    get(code)
    return _index().aliases[code]


# --------------------------------------------------------------------------- resolution


def _label(code: str) -> str:
    return f"{official_name(code)} ({code})"


def _ranked(query: str, allow_national: bool) -> list[tuple[str, float]]:
    """Best score per code, highest first."""
    idx = _index()
    best: dict[str, float] = {}
    for key, score, i in process.extract(query, idx.fuzzy_keys, scorer=fuzz.ratio, limit=None):
        code = idx.fuzzy_codes[i]
        if score > best.get(code, -1.0):
            best[code] = score
    if allow_national:
        for key in idx.national:
            score = fuzz.ratio(query, key)
            if score > best.get(NATIONAL, -1.0):
                best[NATIONAL] = score
    return sorted(((c, round(s, 1)) for c, s in best.items()), key=lambda cs: (-cs[1], cs[0]))


def _closest(ranked: list[tuple[str, float]], n: int = 3) -> str:
    return ", ".join(f"{_label(c)} {s:.0f}" for c, s in ranked[:n]) or "none"


@functools.lru_cache(maxsize=8192)
def _resolve(name: str, allow_national: bool, fuzzy: bool = True) -> tuple:
    idx = _index()
    full = normalize(name)
    if not full:
        return (None, False, 0.0, (), "Empty unit name")
    stripped = strip_affixes(full)
    for key in (full, stripped):
        if key in idx.national:
            if allow_national:
                return (NATIONAL, True, 100.0, ((NATIONAL, 100.0),),
                        f"{name!r} is the national level ({NATIONAL})")
            return (None, False, 0.0, ((NATIONAL, 100.0),),
                    f"{name!r} means the whole country (national level), not one of the 37 units")
        code = idx.exact.get(key)
        if code is not None:
            return (code, True, 100.0, ((code, 100.0),), f"{name!r} is {_label(code)}")
    if not fuzzy:
        return (None, False, 0.0, (), f"Unknown unit {name!r}")

    ranked = _ranked(stripped, allow_national)
    top5 = tuple(ranked[:5])
    if ranked:
        code, score = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else 0.0
        if (score >= FUZZY_MIN_SCORE and score - runner >= FUZZY_MIN_MARGIN
                and len(stripped) >= FUZZY_MIN_LENGTH):
            if code == NATIONAL:
                label = f"the national level ({NATIONAL})"
            else:
                label = _label(code)
            return (code, False, score, top5, f'"{name}" read as {label}, fuzzy match {score:.0f}')
        if score >= FUZZY_MIN_SCORE and len(stripped) >= FUZZY_MIN_LENGTH:
            return (None, False, score, top5, f"Ambiguous unit {name!r}; closest: {_closest(ranked)}")
    return (None, False, ranked[0][1] if ranked else 0.0, top5,
            f"Unknown unit {name!r}; closest: {_closest(ranked)}")


def resolve(name: str, allow_national: bool = False, fuzzy: bool = True) -> Resolution:
    """Resolve a unit name in any of the accepted spellings to its ISO code (see module doc).

    ``allow_national=True`` also accepts "Republica Moldova", "național", … as ``NATIONAL``.
    ``fuzzy=False``: exact matches only, no candidates (an importer facing thousands of distinct
    unknown names offers suggestions for the first few only)."""
    if name is None or (isinstance(name, float) and name != name):   # None / NaN
        name = ""
    code, exact, score, candidates, message = _resolve(str(name).strip(), bool(allow_national), bool(fuzzy))
    return Resolution(code=code, exact=exact, score=score, candidates=list(candidates), message=message)


def resolve_or_raise(name: str, allow_national: bool = False) -> str:
    """The ISO code for ``name``; UnitError (a ValueError) with the explanation otherwise.

    A fuzzy match is accepted (as ``resolve`` does); check ``resolve(...).warning`` yourself
    if you need to report it."""
    res = resolve(name, allow_national=allow_national)
    if not res.ok:
        raise UnitError(res.message)
    return res.code
