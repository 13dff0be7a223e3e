"""Catalogue completeness and quality, and the lookup rules of tipdash.i18n."""
from __future__ import annotations

import json
import re

import pytest

from tipdash import i18n

NUMERIC = ["sessions", "information_activities", "participants", "trainings", "members_trained",
           "victims", "ngo_partners", "challenges"]
UNIT_YEAR_COLUMNS = ["code", "year", "reported", "reporting_status", *NUMERIC[:3],
                     "information_activities_approx", *NUMERIC[3:], "completeness",
                     "submission_id", "file_name"]
OTHER_COLUMNS = [
    "name", "unit_code", "indicator", "districts_sum", "districts_reporting", "national_level",
    "total", "approximate", "date", "end_date", "type", "target_group", "participants", "campaign",
    "description", "count", "period", "activities", "quarter", "kind", "start_date", "organisers",
    "sex", "age_group", "exploitation", "status", "provided", "years_not_reported",
    "years_without_meeting", "format", "given", "expected", "share", "sha256", "imported_at",
    "imported_by", *(f"{n}_prev" for n in NUMERIC), *(f"{n}_change" for n in NUMERIC),
]
CORE_KEYS = [
    "app.title", "app.subtitle", "app.country", "lang.ro", "lang.en", "lang.ru",
    "common.year", "common.years", "common.indicator", "common.units", "common.all_units",
    "filter.invalid", "common.download_csv", "common.download_excel", "common.no_data_for_year",
    "common.not_reported", "common.did_not_report", "common.zero", "common.suppressed",
    "common.no_commission", "common.source", "common.filters", "common.exported_on",
    *(f"page.{p}" for p in ("map", "timeline", "victims", "reporting", "import", "about", "profile")),
    "export.provenance",
]
CEDILLA = "şţŞŢ"          # U+015F U+0163 U+015E U+0162: wrong for Romanian
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")


def real_catalogues() -> dict[str, dict[str, str]]:
    return {lang: dict(i18n.catalogue(lang)) for lang in i18n.LANGS}


def assert_complete(cats) -> None:
    """The completeness check used on the real catalogues (and proved on fake ones below)."""
    missing = {lang: sorted(keys) for lang, keys in i18n.missing_keys(cats).items() if keys}
    assert not missing, f"keys missing from catalogues: {missing}"


@pytest.fixture
def fake_locales(tmp_path, monkeypatch):
    """Point i18n at a temporary locales directory; returns a writer."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.clear_cache()

    def write(lang, data):
        with (tmp_path / f"{lang}.json").open("w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
        i18n.clear_cache()

    yield write
    i18n.clear_cache()


# ------------------------------------------------------------------ catalogue files

def test_catalogue_files_parse_and_use_agreed_format():
    for lang in i18n.LANGS:
        path = i18n.LOCALES_DIR / f"{lang}.json"
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert isinstance(data, dict) and data, lang
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()), lang
        expected = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        assert text.rstrip("\n") == expected, f"{lang}.json is not in the agreed dump format"


def test_no_key_missing_in_any_language():
    assert_complete(real_catalogues())


def test_completeness_check_fails_on_injected_fake_catalogue():
    fake = {"ro": {"a.x": "A", "b.y": "B"}, "en": {"a.x": "A"}, "ru": {"a.x": "A", "b.y": "Б", "c.z": "В"}}
    assert i18n.missing_keys(fake) == {"ro": {"c.z"}, "en": {"b.y", "c.z"}, "ru": set()}
    with pytest.raises(AssertionError, match="b.y"):
        assert_complete(fake)
    assert_complete({"ro": {"a": "x"}, "en": {"a": "y"}, "ru": {"a": "z"}})


def test_completeness_check_fails_when_a_file_lacks_a_key(fake_locales):
    fake_locales("ro", {"page.map": "Hartă", "page.about": "Despre"})
    fake_locales("en", {"page.map": "Map", "page.about": "About"})
    fake_locales("ru", {"page.map": "Карта"})
    assert i18n.missing_keys() == {"ro": set(), "en": set(), "ru": {"page.about"}}
    with pytest.raises(AssertionError, match="page.about"):
        assert_complete(None)


@pytest.mark.parametrize("key", CORE_KEYS)
def test_core_keys_present(key):
    for lang in i18n.LANGS:
        assert i18n.has_key(key, lang), (lang, key)


def test_placeholders_identical_across_languages():
    cats = real_catalogues()
    bad = {}
    for key in set().union(*cats.values()):
        sets = {lang: i18n.placeholders(cats[lang][key]) for lang in i18n.LANGS if key in cats[lang]}
        if len({frozenset(s) for s in sets.values()}) > 1 or any("<invalid>" in s for s in sets.values()):
            bad[key] = sets
    assert not bad, bad


def test_placeholders_helper():
    assert i18n.placeholders("Invalid value {value} for {filter}; {{literal}}") == {"value", "filter"}
    assert i18n.placeholders("no fields") == set()
    assert "<invalid>" in i18n.placeholders("broken {")


def test_romanian_uses_comma_below_not_cedilla():
    bad = {k: v for k, v in i18n.catalogue("ro").items() if any(c in v for c in CEDILLA) or "ã" in v}
    assert not bad, bad
    ro = i18n.t("app.title", "ro")
    assert "ființe" in ro and "ț" in ro


def test_russian_is_cyrillic_without_latin_lookalikes():
    allowed_latin_only = {"col.sha256", "lang.native.ro", "lang.native.en", "note.quote"}  # quote marks around {text}
    not_cyrillic, mixed = [], []
    for key, text in i18n.catalogue("ru").items():
        if LATIN.search(text) and not CYRILLIC.search(text) and key not in allowed_latin_only:
            not_cyrillic.append(key)
        for word in re.findall(r"\w+", text):
            if CYRILLIC.search(word) and LATIN.search(word):
                mixed.append((key, word))
    assert not not_cyrillic, not_cyrillic
    assert not mixed, mixed


def test_texts_are_not_blank_and_translated():
    cats = real_catalogues()
    for lang, cat in cats.items():
        assert all(v.strip() for v in cat.values()), lang
    # titles are really translated, not copies of English
    for key in ("app.title", "page.map", "common.download_csv", "common.no_data_for_year"):
        assert len({cats[lang][key] for lang in i18n.LANGS}) == 3, key


# ------------------------------------------------------------------ vocabularies, indicators, columns

def test_every_vocab_code_has_a_label_in_each_language():
    for vocab, codes in i18n.VOCABS.items():
        for code in codes:
            for lang in i18n.LANGS:
                assert i18n.has_key(f"vocab.{vocab}.{code}", lang), (lang, vocab, code)
                label = i18n.vocab_label(vocab, code, lang)
                assert label and label != code, (lang, vocab, code)


def test_vocab_codes_match_architecture_and_vocab_module():
    contract = {"type", "target_group", "sex", "age_group", "exploitation", "status", "kind",
                "reporting_status"}
    assert contract <= set(i18n.VOCABS)
    vocab = pytest.importorskip("tipdash.vocab")
    codes = getattr(vocab, "VOCABS", None)
    if not codes:
        pytest.skip("tipdash.vocab exposes no VOCABS yet")
    for name in contract & set(codes):
        assert set(codes[name]) == set(i18n.VOCABS[name]), name


def test_vocab_label_examples_and_fallbacks():
    assert i18n.vocab_label("sex", "F", "ro") == "Feminin"
    assert i18n.vocab_label("sex", "F", "en") == "Female"
    assert i18n.vocab_label("sex", "F", "ru") == "Женский"
    assert i18n.vocab_label("reporting_status", "met", "en") == "Reported, met"
    assert i18n.reporting_status_label("not_reported", "ro") == "Nu a prezentat informații relevante"  # the note's words
    assert i18n.vocab_label("type", "no_such_code", "ru") == "no_such_code"
    assert i18n.vocab_label("sex", None, "en") == ""
    assert i18n.vocab_label("sex", float("nan"), "en") == ""


@pytest.mark.parametrize("key", NUMERIC + ["completeness", "reporting_status"])
def test_indicator_label_and_definition(key):
    for lang in i18n.LANGS:
        label = i18n.indicator_label(key, lang)
        definition = i18n.indicator_definition(key, lang)
        assert label and label != key, (lang, key)
        assert definition.endswith("."), (lang, key)
        assert len(definition) > len(label) + 10, (lang, key)
    assert i18n.indicator_label("nope", "ro") == "nope"
    assert i18n.indicator_definition("nope", "ro") == ""


@pytest.mark.parametrize("col", UNIT_YEAR_COLUMNS + OTHER_COLUMNS)
def test_column_labels_exist(col):
    for lang in i18n.LANGS:
        assert i18n.has_key(f"col.{col}", lang), (lang, col)
        assert i18n.column_label(col, lang)


def test_column_label_examples_and_fallback():
    assert i18n.column_label("sessions", "en") == "Sessions"
    assert i18n.column_label("sessions", "ro") == "Ședințe"
    assert i18n.column_label("sessions_prev", "ru") == "Заседания (предыдущий год)"
    assert i18n.column_label("some_new_column", "ru") == "some_new_column"
    assert i18n.column_label(2022, "en") == "2022"


def test_unit_name_national_and_units():
    assert i18n.unit_name("MD", "ro") == "Republica Moldova"
    assert i18n.unit_name("MD", "en") == "Republic of Moldova"
    assert i18n.unit_name("MD", "ru") == "Республика Молдова"
    assert i18n.unit_name("MD-NOPE", "en") == "MD-NOPE"
    assert i18n.unit_name(None, "en") == ""
    units = pytest.importorskip("tipdash.units")
    try:
        u = units.get("MD-BA")
    except Exception:  # noqa: BLE001
        pytest.skip("units gazetteer not available")
    for lang in i18n.LANGS:
        assert i18n.unit_name("MD-BA", lang) == u.name(lang)
    assert i18n.unit_name("MD-BA", "xx") == u.name(i18n.DEFAULT_LANG)


def test_lang_names():
    assert i18n.lang_name("ro") == "Română"
    assert i18n.lang_name("ru") == "Русский"
    assert i18n.lang_name("en") == "English"
    assert i18n.lang_name("ru", "en") == "Russian"
    assert i18n.lang_name("en", "ro") == "Engleză"


# ------------------------------------------------------------------ t() rules

def test_t_formats_and_defaults():
    assert i18n.DEFAULT_LANG == "ro" and i18n.LANGS == ("ro", "en", "ru")
    assert i18n.t("common.no_data_for_year", "en", year=2022) == "No data for 2022"
    assert i18n.t("filter.invalid", "en", value="1999", filter="year", default=2022) == \
        "Invalid value 1999 for year; showing 2022"
    assert i18n.t("page.map") == "Hartă"                      # default language
    assert i18n.t("page.map", "fr") == "Hartă"                # unknown language -> ro
    assert i18n.t("page.map", None) == "Hartă"
    assert i18n.t("page.map", "RU-md") == "Карта"             # region/case tolerated


def test_t_never_raises():
    assert i18n.t("no.such.key", "ru") == "no.such.key"
    assert i18n.t("no.such.key", "ru", x=1) == "no.such.key"
    # a missing format argument returns the template instead of raising
    assert i18n.t("common.no_data_for_year", "en") == "No data for {year}"
    assert i18n.t("common.no_data_for_year", "en", other=1) == "No data for {year}"


def test_t_falls_back_to_english_then_key(fake_locales):
    fake_locales("ro", {"a.both": "RO {n}", "a.bad": "stricat {"})
    fake_locales("en", {"a.both": "EN {n}", "a.only_en": "only English {n}"})
    fake_locales("ru", {"a.both": "RU {n}"})
    assert i18n.t("a.both", "ru", n=1) == "RU 1"
    assert i18n.t("a.only_en", "ru", n=2) == "only English 2"
    assert i18n.t("a.only_en", "ro", n=3) == "only English 3"
    assert i18n.t("a.nowhere", "ro") == "a.nowhere"
    assert i18n.t("a.bad", "ro", n=1) == "stricat {"          # broken template: no raise
    assert i18n.t_or("a.nowhere", "dflt", "ru") == "dflt"


def test_broken_or_missing_catalogue_does_not_raise(fake_locales, tmp_path):
    (tmp_path / "ro.json").write_text("{not json", encoding="utf-8")
    fake_locales("en", {"k.x": "English"})
    i18n.clear_cache()
    assert i18n.t("k.x", "ro") == "English"
    assert i18n.t("k.x", "ru") == "English"                  # ru.json absent
    assert i18n.catalogue("ru") == {}


def test_catalogue_reloads_when_file_changes(fake_locales):
    fake_locales("en", {"k.x": "one"})
    assert i18n.t("k.x", "en") == "one"
    fake_locales("en", {"k.x": "two"})
    assert i18n.t("k.x", "en") == "two"


def test_add_keys_load_update_dump(fake_locales, tmp_path):
    fake_locales("ro", {"z.last": "Z", "a.first": "A"})
    i18n.add_keys({"ro": {"m.mid": "Ședință {n}"}, "en": {"m.mid": "Session {n}"}})
    text = (tmp_path / "ro.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data == {"a.first": "A", "m.mid": "Ședință {n}", "z.last": "Z"}
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    assert "Ședință" in text                                  # not \u-escaped
    assert i18n.t("m.mid", "ro", n=2) == "Ședință 2"
    i18n.add_keys({"en": {"m.mid": "changed"}}, overwrite=False)
    assert i18n.t("m.mid", "en") == "Session {n}"
    with pytest.raises(ValueError):
        i18n.add_keys({"fr": {"x": "y"}})
