"""The vocabulary of the national statistical series (format C, docs/FORMATS.md section C): the
indicators and their units, the breakdown dimensions in their fixed order with their categories,
and the note codes. The importer checks files against it; the pages order and label by it.
"""
from __future__ import annotations

import re

#: indicator -> its one unit
INDICATOR_UNITS: dict[str, str] = {
    "victims_identified": "persons",
    "victims_identified_share": "percent",
    "victims_identified_rate": "per_100k",
}

#: destinations named in the shipped series, in the order NBS lists them (``MD`` = trafficked
#: within Moldova); any other ISO 3166-1 alpha-2 code is accepted by the importer
DESTINATIONS = ("MD", "RU", "DE", "PL", "TR", "IT", "PT", "ES", "CY", "RO", "GR", "CZ")

#: dimension -> categories, in the order a combined breakdown must follow
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "sex": ("female", "male"),
    "age": ("child", "adult"),
    "exploitation": ("sexual", "labour", "begging", "mixed", "surrogacy", "criminal_activities", "organ_removal"),
    "destination": (*DESTINATIONS, "other"),
    "residence": ("urban", "rural", "abroad", "no_fixed_residence"),
    "education": ("higher", "incomplete_higher", "specialised_secondary", "secondary", "incomplete_secondary",
                  "primary", "other", "illiterate"),
}

NOTE_CODES = ("provisional", "inconsistent_breakdown", "rate_count_mismatch", "sources_differ")

SERIES_HEADER = ("year", "indicator", "breakdown", "value", "unit", "source", "note")
SOURCES_HEADER = ("source", "publisher", "title", "url", "licence", "accessed", "note")

TOTAL = "total"
SOURCE_ID = re.compile(r"[a-z0-9_]+")
_ISO2 = re.compile(r"[A-Z]{2}")


def is_category(dimension: str, category: str) -> bool:
    """A known category of ``dimension`` (destinations: any two capital letters, or ``other``)."""
    if dimension == "destination":
        return category == "other" or bool(_ISO2.fullmatch(category))
    return category in DIMENSIONS.get(dimension, ())


def breakdown_problem(breakdown: str) -> tuple[str, dict] | None:
    """Why ``breakdown`` is not ``total`` or well-formed ``dim:cat[&dim:cat…]`` -- a reason
    (``pair``, ``dimension``, ``category``, ``destination``, ``twice``, ``order``) and its
    parameters, which the importer turns into a message code -- else None."""
    if breakdown == TOTAL:
        return None
    order = list(DIMENSIONS)
    seen: list[str] = []
    for part in breakdown.split("&"):
        dim, sep, cat = part.partition(":")
        if not sep or not cat:
            return "pair", {"part": part}
        if dim not in DIMENSIONS:
            return "dimension", {"dimension": dim, "known": ", ".join(order)}
        if not is_category(dim, cat):
            if dim == "destination":
                return "destination", {"category": cat}
            return "category", {"dimension": dim, "category": cat, "known": ", ".join(DIMENSIONS[dim])}
        if dim in seen:
            return "twice", {"dimension": dim}
        seen.append(dim)
    if seen != sorted(seen, key=order.index):
        return "order", {"order": " & ".join(d for d in order if d in seen)}
    return None


def parts(breakdown: str) -> tuple[tuple[str, str], ...]:
    """``'sex:female&age:child'`` -> ``(('sex', 'female'), ('age', 'child'))``; total -> ()."""
    if breakdown == TOTAL:
        return ()
    return tuple(tuple(p.split(":", 1)) for p in breakdown.split("&"))  # type: ignore[misc]


def category_order(dimension: str, category: str) -> int:
    """Position of a category for sorting (unknown destinations after the known ones)."""
    cats = DIMENSIONS.get(dimension, ())
    return cats.index(category) if category in cats else len(cats)
