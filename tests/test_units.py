"""The units gazetteer and name resolution (tipdash.units)."""
from __future__ import annotations

import time
import unicodedata

import pytest

from tipdash import units
from tipdash.units import NATIONAL, Resolution, Unit, UnitError, resolve, resolve_or_raise

ISO_CODES = {
    "MD-AN", "MD-BA", "MD-BD", "MD-BR", "MD-BS", "MD-CA", "MD-CL", "MD-CM", "MD-CR", "MD-CS",
    "MD-CT", "MD-CU", "MD-DO", "MD-DR", "MD-DU", "MD-ED", "MD-FA", "MD-FL", "MD-GA", "MD-GL",
    "MD-HI", "MD-IA", "MD-LE", "MD-NI", "MD-OC", "MD-OR", "MD-RE", "MD-RI", "MD-SD", "MD-SI",
    "MD-SN", "MD-SO", "MD-ST", "MD-SV", "MD-TA", "MD-TE", "MD-UN",
}
CEDILLAS = "\u015f\u0163\u015e\u0162"          # ş ţ Ş Ţ


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def to_cedilla(s: str) -> str:
    return s.translate(str.maketrans("șțȘȚ", "şţŞŢ"))


# ----------------------------------------------------------------------------- gazetteer


def test_counts_and_codes():
    all_ = units.all_units()
    assert len(all_) == 37
    assert [u.code for u in all_] == sorted(ISO_CODES)
    assert len({u.code for u in all_}) == 37
    comm = units.commission_units()
    assert len(comm) == 35
    assert {u.code for u in all_} - {u.code for u in comm} == {"MD-BD", "MD-SN"}
    assert all(isinstance(u, Unit) and isinstance(u.has_commission, bool) for u in all_)


def test_names_use_comma_below_only():
    for u in units.all_units():
        for name in (u.name_ro, u.name_en):
            assert not set(name) & set(CEDILLAS), u
            assert name == unicodedata.normalize("NFC", name), u
        assert u.name_ru and not u.name_ru.isascii(), u
    assert units.get("MD-CU").name_ro == "Chișinău"
    assert "\u0219" in units.get("MD-SD").name_ro and "\u021b" in units.get("MD-BA").name_ro


def test_names_kinds_and_lookup():
    cu = units.get("MD-CU")
    assert (cu.name("ro"), cu.name("en"), cu.name("ru")) == ("Chișinău", "Chișinău", "Кишинэу")
    assert cu.kind == "municipality"
    assert units.get("MD-BA").name("ru") == "Бэлць"
    assert units.get("MD-GA").kind == "autonomous_territorial_unit"
    assert units.get("MD-GA").name("en") == "Gagauzia"
    assert units.get("MD-SN").kind == "territorial_unit_left_bank"
    assert units.get("MD-SN").name("en") == "Left Bank of the Dniester"
    assert units.get("MD-BD").kind == "municipality" and not units.get("MD-BD").has_commission
    assert {u.kind for u in units.all_units()} == set(units.KINDS)
    assert sum(u.kind == "raion" for u in units.all_units()) == 32
    with pytest.raises(ValueError):
        cu.name("fr")
    with pytest.raises(KeyError):
        units.get("MD-XX")
    with pytest.raises(KeyError):
        units.get(NATIONAL)
    with pytest.raises(Exception):
        cu.code = "x"                                   # frozen


# ----------------------------------------------------------------------------- exact resolution


def test_english_names_are_the_romanian_spelling_except_two_conventional_names():
    # data/UNITS.md: EN = official Romanian spelling (UN practice); English only for these two
    conventional = {"MD-GA": "Gagauzia", "MD-SN": "Left Bank of the Dniester"}
    for u in units.all_units():
        assert u.name_en == conventional.get(u.code, u.name_ro), u
    assert [units.get(c).name_en for c in ("MD-BA", "MD-CS", "MD-SV", "MD-HI")] == [
        "Bălți", "Căușeni", "Ștefan Vodă", "Hîncești"]


@pytest.mark.parametrize("code,name_ru", [
    ("MD-AN", "Анений Ной"), ("MD-BS", "Басарабяска"), ("MD-BR", "Бричень"), ("MD-CL", "Кэлэрашь"),
    ("MD-CS", "Кэушень"), ("MD-DU", "Дубэсарь"), ("MD-FA", "Фэлешть"), ("MD-HI", "Хынчешть"),
    ("MD-OR", "Орхей"), ("MD-SI", "Сынжерей"), ("MD-SD", "Шолдэнешть"), ("MD-SV", "Штефан Водэ"),
    ("MD-UN", "Унгень"), ("MD-CU", "Кишинэу"), ("MD-BA", "Бэлць"), ("MD-BD", "Бендер"),
    ("MD-GA", "Гагаузия"), ("MD-SN", "АТЕ левобережья Днестра"),
])
def test_russian_names_are_the_moldovan_official_forms(code, name_ru):
    assert units.get(code).name_ru == name_ru


@pytest.mark.parametrize("old,code", [
    # the ASCII English names used before data/UNITS.md, resolved by folding
    ("Balti", "MD-BA"), ("Chisinau", "MD-CU"), ("Causeni", "MD-CS"), ("Stefan Voda", "MD-SV"),
    ("Hincesti", "MD-HI"), ("Soldanesti", "MD-SD"), ("Ocnita", "MD-OC"), ("Edinet", "MD-ED"),
    # the Russian exonyms used before, kept as aliases
    ("Новые Анены", "MD-AN"), ("Бессарабка", "MD-BS"), ("Бричаны", "MD-BR"), ("Кишинёв", "MD-CU"),
    ("Бельцы", "MD-BA"), ("Бендеры", "MD-BD"), ("Дубоссары", "MD-DU"), ("Сынжерея", "MD-SI"),
    ("Оргеев", "MD-OR"), ("Унгены", "MD-UN"), ("Сороки", "MD-SO"), ("Штефан-Водэ", "MD-SV"),
    ("Гагаузия", "MD-GA"), ("Левобережье Днестра", "MD-SN"), ("Кахул", "MD-CA"), ("Кагул", "MD-CA"),
])
def test_old_spellings_still_resolve_exactly(old, code):
    r = resolve(old)
    assert (r.code, r.exact) == (code, True), r


def test_every_name_and_alias_resolves_exactly():
    for u in units.all_units():
        variants = [u.name_ro, u.name_en, u.name_ru, u.code, ascii_fold(u.name_ro), to_cedilla(u.name_ro),
                    u.name_ro.upper(), u.name_ro.lower(), f"  {u.name_ro}  ", *units.aliases(u.code)]
        for v in variants:
            r = resolve(v)
            assert (r.code, r.exact, r.warning) == (u.code, True, False), (v, r)
            assert r.ok and r.score == 100.0


@pytest.mark.parametrize("text", ["Basarabasca", "Rîscani", "Calarasi", "Stefan Voda", "Soldanesti", "Căușeni"])
def test_seed_note_spellings(text):
    assert resolve(text).ok


def test_seed_basarabasca_is_a_fuzzy_match_with_warning():
    # deliberately not an alias: a misspelling should be visible to whoever imports it
    r = resolve("Basarabasca")
    assert r.code == "MD-BS" and r.warning and not r.exact
    assert r.message.startswith('"Basarabasca" read as Basarabeasca (MD-BS), fuzzy match ')


@pytest.mark.parametrize("text,code", [
    ("Кишинёв", "MD-CU"), ("Кишинев", "MD-CU"), ("КИШИНЭУ", "MD-CU"), ("Бельцы", "MD-BA"),
    ("Гагаузия", "MD-GA"), ("Комрат", "MD-GA"), ("Бендеры", "MD-BD"), ("Приднестровье", "MD-SN"),
    ("Кагульский район", "MD-CA"), ("р-н Сороки", "MD-SO"), ("г. Бельцы", "MD-BA"),
    ("муниципий Кишинэу", "MD-CU"), ("АТО Гагаузия", "MD-GA"), ("Штефан Водэ", "MD-SV"),
])
def test_russian(text, code):
    r = resolve(text)
    assert (r.code, r.exact) == (code, True), r


@pytest.mark.parametrize("text,code", [
    ("Chişinău", "MD-CU"), ("Bălţi", "MD-BA"), ("Ştefan Vodă", "MD-SV"), ("Şoldăneşti", "MD-SD"),
    ("Edineţ", "MD-ED"), ("Căuşeni", "MD-CS"), ("Hînceşti", "MD-HI"),
    # î / â spellings, with and without diacritics
    ("Sângerei", "MD-SI"), ("Sangerei", "MD-SI"), ("Singerei", "MD-SI"), ("Hâncești", "MD-HI"),
    ("Hancesti", "MD-HI"), ("Râșcani", "MD-RI"), ("Rascani", "MD-RI"), ("Stânga Nistrului", "MD-SN"),
    ("Stinga Nistrului", "MD-SN"), ("STÂNGA-NISTRULUI", "MD-SN"),
    # hyphens, spacing, case, punctuation, decomposed Unicode
    ("stefan-voda", "MD-SV"), ("ANENII   NOI", "MD-AN"), ("Anenii-Noi", "MD-AN"), ("Cahul.", "MD-CA"),
    (unicodedata.normalize("NFD", "Căușeni"), "MD-CS"), ("ｃａｈｕｌ", "MD-CA"),
    # Gagauzia, left bank, Bender
    ("Gagauz Yeri", "MD-GA"), ("Găgăuzia", "MD-GA"), ("UTAG", "MD-GA"), ("UTA Găgăuzia", "MD-GA"),
    ("Unitatea Teritorială Autonomă Găgăuzia", "MD-GA"), ("Comrat", "MD-GA"),
    ("Transnistria", "MD-SN"), ("Tighina", "MD-BD"), ("mun. Bender", "MD-BD"),
])
def test_spelling_variants(text, code):
    r = resolve(text)
    assert (r.code, r.exact) == (code, True), r


@pytest.mark.parametrize("text,code", [
    ("raionul Cahul", "MD-CA"), ("Raion Cahul", "MD-CA"), ("r-nul Cahul", "MD-CA"), ("r-n Cahul", "MD-CA"),
    ("r. Cantemir", "MD-CT"), ("R.Cantemir", "MD-CT"), ("mun. Chișinău", "MD-CU"),
    ("municipiul Bălți", "MD-BA"), ("Chisinau municipality", "MD-CU"), ("Cahul district", "MD-CA"),
    ("Cahul raion", "MD-CA"), ("UTA Gagauzia", "MD-GA"), ("CT Ungheni", "MD-UN"), ("CT-Orhei", "MD-OR"),
    ("Comisia teritorială Soroca", "MD-SO"),
    ("Comisia teritorială pentru combaterea traficului de ființe umane din raionul Ialoveni", "MD-IA"),
    ("Comisia teritoriala pentru combaterea traficului de fiinte umane, mun. Balti", "MD-BA"),
    ("Territorial Commission of Leova", "MD-LE"), ("район Окница", "MD-OC"), ("Оргеевский р-н", "MD-OR"),
])
def test_prefixes_and_suffixes(text, code):
    r = resolve(text)
    assert (r.code, r.exact) == (code, True), r


# ----------------------------------------------------------------------------- fuzzy / errors


def test_typo_gives_warning():
    r = resolve("Cantemr")
    assert r.ok and r.code == "MD-CT" and r.warning and not r.exact
    assert units.FUZZY_MIN_SCORE <= r.score < 100
    assert r.message == f'"Cantemr" read as Cantemir (MD-CT), fuzzy match {r.score:.0f}'
    assert r.candidates[0] == ("MD-CT", r.score)
    assert resolve_or_raise("Cantemr") == "MD-CT"          # accepted, like resolve


@pytest.mark.parametrize("text", ["Ștefan", "XYZ", "Flesti", "Orhie", "Tiraspol"])
def test_unknown_or_ambiguous_gives_error_with_candidates(text):
    r = resolve(text)
    assert r.code is None and not r.ok and not r.warning
    assert "closest:" in r.message and text in r.message
    assert r.candidates and all(isinstance(c, str) and isinstance(s, float) for c, s in r.candidates)
    with pytest.raises(UnitError) as exc:
        resolve_or_raise(text)
    assert isinstance(exc.value, ValueError) and str(exc.value) == r.message


def test_stefan_lists_stefan_voda_first():
    r = resolve("Ștefan")
    assert r.message.startswith("Unknown unit 'Ștefan'; closest: Ștefan Vodă (MD-SV)")
    assert r.candidates[0][0] == "MD-SV"


def test_ambiguous_between_two_units():
    r = resolve("Flesti")                                   # Fălești or Florești?
    assert r.code is None and r.message.startswith("Ambiguous unit 'Flesti'")
    assert {c for c, _ in r.candidates[:2]} == {"MD-FA", "MD-FL"}
    assert r.candidates[0][1] - r.candidates[1][1] < units.FUZZY_MIN_MARGIN


@pytest.mark.parametrize("empty", ["", "   ", None, float("nan"), "---", "raionul"])
def test_empty(empty):
    r = resolve(empty)
    assert r.code is None
    with pytest.raises(UnitError):
        resolve_or_raise(empty)


def test_fuzzy_never_picks_a_wrong_unit():
    """Drop or double any one letter of any unit's name: the result is that unit or nothing."""
    for u in units.all_units():
        base = ascii_fold(u.name_ro)
        for i in range(len(base)):
            for typo in (base[:i] + base[i + 1:], base[:i] + base[i] + base[i:]):
                r = resolve(typo)
                assert r.code in (u.code, None), (typo, r)


def test_national_only_when_allowed():
    names = ["Republica Moldova", "Moldova", "national", "național", "nivel național", "Республика Молдова", "MD"]
    for n in names:
        r = resolve(n, allow_national=True)
        assert (r.code, r.exact) == (NATIONAL, True), (n, r)
        assert resolve_or_raise(n, allow_national=True) == NATIONAL
        r = resolve(n)
        assert r.code is None, (n, r)
        with pytest.raises(UnitError):
            resolve_or_raise(n)
    assert NATIONAL == "MD"
    assert resolve("Cahul", allow_national=True).code == "MD-CA"


def test_resolution_type():
    r = resolve("Cahul")
    assert isinstance(r, Resolution)
    assert r.candidates == [("MD-CA", 100.0)]
    r.candidates.append(("x", 0.0))                          # callers may mutate their copy
    assert resolve("Cahul").candidates == [("MD-CA", 100.0)]


def test_resolve_is_fast_per_row():
    rows = [u.name_ro for u in units.all_units()] * 100 + ["Cantemr", "XYZ", "r. Cahul"] * 100
    t0 = time.perf_counter()
    for name in rows:
        resolve(name)
    assert time.perf_counter() - t0 < 2.0
