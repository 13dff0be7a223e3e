"""Every user-visible string of tipdash, in Romanian (default), English and Russian.

Catalogues live in ``tipdash/locales/{ro,en,ru}.json`` as flat ``{"section.key": "text"}``
objects.  Texts are ``str.format`` templates (``"No data for {year}"``).

Editing a catalogue (several people add keys): load the JSON, update it, and dump it in one
step with ``json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)`` (no trailing
newline) -- :func:`add_keys` does exactly that.  Never rewrite a catalogue from memory.

Lookup rules of :func:`t` (it never raises at runtime):

* unknown language -> :data:`DEFAULT_LANG`;
* key missing in the language -> English text -> the key itself;
* formatting error (missing placeholder argument, bad template) -> the unformatted text.

Key prefixes: ``app``, ``lang``, ``common``, ``filter``, ``page``, ``indicator`` (label),
``indicator_def`` (one-sentence definition), ``vocab.<vocab>`` (controlled-vocabulary labels,
vocab in :data:`VOCABS`), ``col`` (download column headers), ``export`` (provenance line).
Other modules add their own sections (``map.``, ``timeline.``, ``import.`` ...).

Numbers, plurals, dates and the sort order of names are formatted in :mod:`tipdash.i18n.formats`
(one function each).
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Iterable, Mapping

from tipdash.i18n import cldr
from tipdash.values import is_missing

LANGS: tuple[str, ...] = ("ro", "en", "ru")
DEFAULT_LANG = "ro"
FALLBACK_LANG = "en"

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

#: Vocabularies that have labels in the catalogues (``vocab.<name>.<code>``), with their codes
#: as listed in docs/ARCHITECTURE.md.  ``tests/test_i18n.py`` checks these against
#: ``tipdash.vocab`` when that module exposes the code lists.
VOCABS: dict[str, tuple[str, ...]] = {
    "type": ("information", "awareness_campaign", "training", "raid_inspection", "media", "other"),
    "target_group": (
        "pupils_students", "youth", "teachers", "parents", "general_public", "specialists",
        "vulnerable_groups", "refugees_displaced", "other",
    ),
    "sex": ("F", "M", "unknown"),
    "age_group": ("child", "adult", "unknown"),
    "exploitation": (
        "sexual", "labour", "begging", "criminal_activities", "organ_removal", "other", "unknown",
    ),
    "status": ("victim", "presumed_victim", "unknown"),
    "kind": ("ngo", "international_organisation", "public_institution", "other"),
    "reporting_status": ("not_reported", "reported_no_sessions", "met"),
}

#: indicators.NUMERIC plus the derived indicators that have a label and definition.
INDICATORS: tuple[str, ...] = (
    "sessions", "information_activities", "participants", "trainings", "members_trained",
    "victims", "ngo_partners", "challenges", "completeness", "reporting_status",
)

#: Code of the national level (same value as ``tipdash.units.NATIONAL``).
NATIONAL = "MD"

_lock = threading.Lock()
_cache: dict[str, tuple[int, dict[str, str], float]] = {}  # lang -> (mtime_ns, catalogue, checked at)


def _path(lang: str) -> Path:
    return LOCALES_DIR / f"{lang}.json"


RECHECK_SECONDS = 2.0  # a lookup costs a dict access; the file's mtime is looked at most this often


def catalogue(lang: str) -> dict[str, str]:
    """The catalogue of ``lang`` (a dict; do not mutate).  Reloaded when the file changes
    (checked at most every RECHECK_SECONDS: pages make thousands of lookups per run).

    A missing or unreadable file gives an empty catalogue (lookups then fall back)."""
    lang = normalise_lang(lang)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(lang)
        if hit is not None and now - hit[2] < RECHECK_SECONDS:
            return hit[1]
    p = _path(lang)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        return {}
    if hit is not None and hit[0] == mtime:
        with _lock:
            _cache[lang] = (mtime, hit[1], now)
        return hit[1]
    try:
        with p.open(encoding="utf-8") as f:
            data = json.load(f)
        if not isinstance(data, dict):
            data = {}
        data = {str(k): str(v) for k, v in data.items()}
    except (OSError, ValueError):
        data = {}
    with _lock:
        _cache[lang] = (mtime, data, now)
    return data


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def normalise_lang(lang: str | None) -> str:
    """``lang`` if it is one of :data:`LANGS` (case/region-insensitive: ``"RO-md"`` -> ``"ro"``),
    else :data:`DEFAULT_LANG`."""
    if not lang:
        return DEFAULT_LANG
    s = str(lang).strip().lower().replace("_", "-").split("-")[0]
    return s if s in LANGS else DEFAULT_LANG


def has_key(key: str, lang: str | None = None) -> bool:
    """True when ``key`` is in the catalogue of ``lang`` (or, with lang None, in English)."""
    return key in catalogue(lang or FALLBACK_LANG)


def _lookup(key: str, lang: str) -> str | None:
    lang = normalise_lang(lang)
    text = catalogue(lang).get(key)
    if text is None and lang != FALLBACK_LANG:
        text = catalogue(FALLBACK_LANG).get(key)
    return text


def t(key: str, lang: str | None = DEFAULT_LANG, **fmt) -> str:
    """The text of ``key`` in ``lang``, formatted with ``str.format(**fmt)``.

    Plural blocks (``{n, plural, one {# ședință} few {# ședințe} other {# de ședințe}}``, see
    :mod:`tipdash.i18n.cldr`) take the CLDR form of the count passed as that field (an int);
    that count is formatted with the language's separators wherever it appears.

    Never raises: unknown lang -> DEFAULT_LANG; missing key -> English -> the key itself;
    a formatting problem returns the unformatted template."""
    text = _lookup(key, lang)
    if text is None:
        text = key
    if fmt:
        lang = normalise_lang(lang)
        try:
            if "plural" in text and cldr.has_plural(text):
                counts = set(cldr.plural_variables(text))
                text = cldr.select_plurals(text, fmt, lang)
                fmt = {k: cldr.number(v, lang) if k in counts and isinstance(v, int) else v
                       for k, v in fmt.items()}
            return text.format(**fmt)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return text
    return text


def t_or(key: str, default: str, lang: str | None = DEFAULT_LANG, **fmt) -> str:
    """Like :func:`t` but returns ``default`` when the key is in no catalogue."""
    if _lookup(key, lang or DEFAULT_LANG) is None:
        return default
    return t(key, lang, **fmt)


def lang_name(lang: str, in_lang: str | None = None) -> str:
    """Name of the language ``lang``; by default in itself ("Română", "English", "Русский")."""
    return t(f"lang.{normalise_lang(lang)}", in_lang or lang)


def unit_name(code, lang: str | None = DEFAULT_LANG) -> str:
    """Name of the unit ``code`` in ``lang`` (delegates to ``tipdash.units``).

    Unknown codes (or units.py not importable) give the code itself; never raises."""
    if is_missing(code):
        return ""
    code = str(code)
    if code == NATIONAL:
        return t("app.country", lang)
    try:
        from tipdash import units  # lazy import: keeps i18n importable on its own
        u = units.get(code)
        if u is None:
            return code
        return str(u.name(normalise_lang(lang)))
    except Exception:  # noqa: BLE001 -- a label must never break a page
        return code


def vocab_label(vocab: str, code, lang: str | None = DEFAULT_LANG) -> str:
    """Label of a controlled-vocabulary ``code`` (``vocab`` in :data:`VOCABS`).

    Blank/None code -> "" ; unknown code -> the code as text."""
    if is_missing(code):
        return ""
    key = f"vocab.{vocab}.{code}"
    return t_or(key, str(code), lang)


def reporting_status_label(code, lang: str | None = DEFAULT_LANG) -> str:
    return vocab_label("reporting_status", code, lang)


def indicator_label(key: str, lang: str | None = DEFAULT_LANG) -> str:
    """Short label of an indicator (``indicators.NUMERIC`` + completeness, reporting_status)."""
    return t_or(f"indicator.{key}", key, lang)


def indicator_definition(key: str, lang: str | None = DEFAULT_LANG) -> str:
    """One-sentence definition of an indicator ("" when there is none)."""
    return t_or(f"indicator_def.{key}", "", lang)


def column_label(col, lang: str | None = DEFAULT_LANG) -> str:
    """Header of a download column: ``col.<col>``, else the indicator label, else ``col``."""
    col = str(col)
    text = _lookup(f"col.{col}", lang or DEFAULT_LANG)
    if text is not None:
        return t(f"col.{col}", lang)
    if _lookup(f"indicator.{col}", lang or DEFAULT_LANG) is not None:
        return indicator_label(col, lang)
    return col


def missing_keys(catalogues: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, set[str]]:
    """For each language, the keys present in some catalogue but absent from that one.

    ``catalogues`` defaults to the real files; tests pass fake ones."""
    cats = catalogues if catalogues is not None else {lang: catalogue(lang) for lang in LANGS}
    langs = list(cats) if catalogues is not None else list(LANGS)
    every: set[str] = set()
    for lang in langs:
        every |= set(cats.get(lang, {}))
    return {lang: every - set(cats.get(lang, {})) for lang in langs}


def add_keys(entries: Mapping[str, Mapping[str, str]], *, overwrite: bool = True) -> None:
    """Load-update-dump helper: ``entries = {lang: {key: text}}``.

    Writes each catalogue in the agreed format (``json.dump(..., ensure_ascii=False, indent=1,
    sort_keys=True)``) via a temporary file and ``os.replace``."""
    for lang, new in entries.items():
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        p = _path(lang)
        try:
            with p.open(encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            data = {}
        for k, v in new.items():
            if overwrite or k not in data:
                data[k] = v
        dump_catalogue(p, data)
    clear_cache()


def dump_catalogue(path: os.PathLike | str, data: Mapping[str, str]) -> None:
    path = Path(path)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    with tmp.open("w", encoding="utf-8", newline="\n") as f:
        json.dump(dict(data), f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)
    clear_cache()


def placeholders(text: str) -> set[str]:
    """Names of the ``{x}`` fields of a format string (``{{`` escapes ignored); a plural block
    counts as its variable plus the fields of its branches."""
    import string
    out: set[str] = set()
    try:
        rest = []
        i = 0
        for m in cldr._PLURAL.finditer(text):
            if m.start() < i:
                continue
            branches, end = cldr.parse_plural(text, m.end())
            out.add(m.group(1))
            for body in branches.values():
                out |= placeholders(body)
            rest.append(text[i:m.start()])
            i = end
        rest.append(text[i:])
        for _lit, field, _spec, _conv in string.Formatter().parse("".join(rest)):
            if field is not None:
                out.add(field)
    except ValueError:
        out.add("<invalid>")
    return out


def all_keys(langs: Iterable[str] = LANGS) -> set[str]:
    keys: set[str] = set()
    for lang in langs:
        keys |= set(catalogue(lang))
    return keys
