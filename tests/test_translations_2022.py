"""data/translations/2022_translations.csv: Romanian and Russian versions of the 2022 seed's free text.

The seed is the English translation of the State Chancellery's note; every free-text value of
data/seed/build_2022_national.py (and its CONCLUSIONS and CONTEXT) must have exactly one ro row and
one ru row, keyed by the byte-identical English text, or be listed below as deliberately left
untranslated, with the reason. stdlib only: csv, ast, importlib (no tipdash import).
"""
from __future__ import annotations

import ast
import csv
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "data" / "seed" / "build_2022_national.py"
CSV_PATH = ROOT / "data" / "translations" / "2022_translations.csv"
NOTE_EN = ROOT / "data" / "sources" / "informative_note_2022_en.md"

HEADER = ["source_lang", "source_text", "lang", "text", "origin", "note"]
LANGS = ("ro", "ru")
# unofficial_translation: translated for tipdash; registered_name: every name in the text verified in
# the source the note cites (or kept in the organisation's own language); as_in_source: kept exactly
# as the English source writes it (a proper name nobody could verify); the UI marks it as such.
ORIGINS = {"unofficial_translation", "registered_name", "as_in_source"}
KEPT = {"registered_name", "as_in_source"}          # may be Latin-only in a ru row

FORMAT_A_NAMES = "a sheet or column name of format A, read by the importer (the UI labels it from col.*)"
VOCAB = "a controlled-vocabulary code; the UI labels it from vocab.* in each language"
UNTRANSLATED = {
    # sheet names and column headers written by build()
    **{name: FORMAT_A_NAMES for name in (
        "Commission", "Topics", "Activities", "Campaigns", "Trainings", "Victims", "Partners", "Challenges",
        "Unit", "Year", "Submitted on", "Prepared by", "Reported", "Topic", "Date", "End date", "Type",
        "Target group", "Participants", "Campaign", "Description", "Count", "Approximate", "Start date",
        "Title", "Organisers", "Sex", "Age group", "Exploitation", "Status", "Referred to", "Legal", "Medical",
        "Psychological", "Housing", "Organisation", "Kind", "Cooperation", "Challenge or need", "Category",
        "Language", "Conclusions", "Conclusion", "Context")},
    **{code: VOCAB for code in ("yes", "information", "unknown", "NGO")},
    "en": "the Language field's code (the seed's text is the English translation of the note)",
    "Republica Moldova": "the unit, resolved to the national level MD; the UI shows i18n.unit_name('MD')",
    "Informative note 2022, State Chancellery": "the NOTE constant, embedded in the two descriptions and "
                                                "translated there",
    "tipdash seed: national-level facts of the 2022 informative note": "workbook file metadata, not shown",
    "tipdash": "workbook file metadata (creator), not shown",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")         # a date, or a month ("2022-07")
CEDILLA = "şţŞŢ"
LATIN = re.compile(r"[A-Za-zĂÂÎȘȚăâîșț]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def load_build():
    spec = importlib.util.spec_from_file_location("build_2022_national", BUILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)


def build_script_strings() -> set[str]:
    """Every string of the script's upper-case constants and every literal in build()."""
    b = load_build()
    found = set()
    for name in dir(b):
        if name.isupper() and name != "OUT":
            found.update(strings(getattr(b, name)))
    tree = ast.parse(BUILD.read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "build")
    found.update(n.value for n in ast.walk(fn) if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return found


def free_text() -> set[str]:
    return {s for s in build_script_strings() if s not in UNTRANSLATED and not ISO_DATE.match(s)}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


def test_every_free_text_value_has_one_row_per_language(rows):
    expected = free_text()
    b = load_build()
    assert set(b.CONCLUSIONS) | set(b.CONTEXT) | set(b.PARTNERS) | set(b.CHALLENGES) <= expected
    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        assert r["source_lang"] == "en"
        assert r["lang"] in LANGS, r
        seen[(r["source_text"], r["lang"])] = seen.get((r["source_text"], r["lang"]), 0) + 1
    missing = sorted((t[:60], lang) for t in expected for lang in LANGS if (t, lang) not in seen)
    assert not missing, f"free text without a translation row: {missing}"
    doubled = sorted(k for k, n in seen.items() if n > 1)
    assert not doubled, f"more than one row: {doubled}"
    stale = sorted({t[:60] for t, _ in seen} - {t[:60] for t in expected})
    assert not stale, f"rows for texts the build script no longer has: {stale}"
    assert len(rows) == 2 * len(expected)


def test_the_untranslated_list_is_explicit_and_current():
    # every exception is still in the script, and says why
    present = build_script_strings()
    assert set(UNTRANSLATED) <= present, sorted(set(UNTRANSLATED) - present)
    assert all(len(reason) > 20 for reason in UNTRANSLATED.values())


def test_origins_notes_and_kept_texts(rows):
    for r in rows:
        assert r["origin"] in ORIGINS, r
        assert r["text"].strip() == r["text"] and r["text"], r
        if r["origin"] == "as_in_source":
            assert r["text"] == r["source_text"] and r["note"], r
        if r["origin"] == "registered_name" and r["lang"] == "ro":
            assert "http" in r["note"], f"a verified name must cite its source: {r['text']}"


def test_romanian_uses_comma_below_and_is_not_english(rows):
    for r in (r for r in rows if r["lang"] == "ro"):
        assert not set(CEDILLA) & set(r["text"]), r["text"]
        assert "ã" not in r["text"]
        if r["origin"] == "unofficial_translation":
            assert r["text"] != r["source_text"] or r["note"], r
    ro = {r["source_text"]: r["text"] for r in rows if r["lang"] == "ro"}
    b = load_build()
    assert ro[b.CAMPAIGNS[0][0]] == "Săptămâna de luptă împotriva traficului de ființe umane"


def test_russian_is_cyrillic_unless_a_kept_name(rows):
    for r in (r for r in rows if r["lang"] == "ru"):
        text = r["text"]
        if not CYRILLIC.search(text):
            assert r["origin"] in KEPT, f"Latin-only ru text must be a name kept as such: {text}"
        for word in re.findall(r"\w+", text):
            assert not (CYRILLIC.search(word) and LATIN.search(word)), (word, text)


def test_translations_are_not_in_the_seed_folder():
    # `tipdash init` imports every CSV/workbook of data/seed: a translations file there breaks it
    seed = ROOT / "data" / "seed"
    assert CSV_PATH.parent != seed
    assert not [p.name for p in seed.iterdir() if "translation" in p.name.lower()]


def test_conclusions_and_context_are_verbatim_from_the_note():
    b = load_build()
    note = NOTE_EN.read_text(encoding="utf-8")
    assert len(b.CONCLUSIONS) == 5 and len(b.CONTEXT) == 2
    for text in b.CONCLUSIONS + b.CONTEXT:
        assert text in note, text[:60]
    assert "Action Plan for the years 2021-2022" in b.CONTEXT[1]


def test_a_missing_row_is_caught(rows):
    """The coverage check above would fail if one row were dropped (it is not vacuous)."""
    expected = free_text()
    dropped = [r for r in rows if not (r["lang"] == "ru" and r["source_text"] == load_build().TOPICS[0])]
    covered = {(r["source_text"], r["lang"]) for r in dropped}
    assert any((t, lang) not in covered for t in expected for lang in LANGS)
