"""tipdash.i18n.formats: the one function each for numbers, plurals, dates and the order of names
(the behaviour a later switch to CLDR data must keep or change on purpose)."""
from __future__ import annotations

import pandas as pd

from tipdash.i18n import formats


def test_whole_numbers_per_language():
    assert formats.fmt_int(1234567, "en") == "1,234,567"
    assert formats.fmt_int(1234567, "ro") == "1.234.567"
    assert formats.fmt_int(1234, "ru") == "1\u00a0234"
    assert formats.fmt_int(12, "ro") == "12"


def test_figures_on_pages():
    assert formats.fmt_number(None, "en") == "not reported"
    assert formats.fmt_number(pd.NA, "ro") == formats.i18n.t("common.not_reported", "ro")
    assert formats.fmt_number("<5", "en") == "<5"                  # a privacy label is shown as it is
    assert formats.fmt_number(12.0, "en") == "12" and formats.fmt_number(2.25, "en") == "2.2"
    assert formats.fmt_number(500, "en", approx=True) == formats.i18n.t("page.common.around", "en", value="500")


def test_numbers_in_files_do_not_depend_on_the_language():
    assert formats.plain_number(3.0) == "3" and formats.plain_number(-3) == "-3"
    assert formats.plain_number(2.5) == "2.5" and formats.plain_number(float("inf")) == ""


def test_plural_categories():
    assert [formats.plural_form(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]
    assert [formats.plural_form(n, "ro") for n in (0, 1, 2, 19, 20, 101, 120)] == \
        ["few", "one", "few", "few", "other", "few", "other"]
    assert [formats.plural_form(n, "ru") for n in (1, 2, 5, 11, 21, 22, 112)] == \
        ["one", "few", "many", "many", "one", "few", "many"]


def test_dates_in_words():
    assert formats.period("2022-07-01", "2022-10-31", "en") == "July–October 2022"
    assert formats.period("2022-10-17", None, "en") == "from 17 October 2022"
    assert formats.day(pd.Timestamp("2022-10-17"), "en", with_year=False) == "17 October"


def test_names_sort_with_diacritics_ignored():
    names = ["Ștefan Vodă", "Soroca", "Călărași", "Cahul", "Strășeni"]
    assert sorted(names, key=formats.collation_key) == ["Cahul", "Călărași", "Soroca", "Ștefan Vodă", "Strășeni"]


# ----------------------------------------------------------------------------- CLDR (Babel)

def test_plural_forms_1_2_20_in_romanian_and_russian():
    """CLDR: ro "1 ședință / 2 ședințe / 20 de ședințe"; ru three forms (1 / 2 / 20 / 21 / 22)."""
    said = {n: formats.plural("note.pl.session", n, "ro") for n in (1, 2, 20, 101, 120)}
    assert said == {1: "1 ședință", 2: "2 ședințe", 20: "20 de ședințe", 101: "101 ședințe",
                    120: "120 de ședințe"}
    said = {n: formats.plural("note.pl.session", n, "ru") for n in (1, 2, 20, 21, 22, 25)}
    assert said == {1: "1 заседание", 2: "2 заседания", 20: "20 заседаний", 21: "21 заседание",
                    22: "22 заседания", 25: "25 заседаний"}
    assert [formats.plural("note.pl.workshop", n, "en") for n in (1, 2)] == ["1 workshop", "2 workshops"]


def test_plural_count_is_formatted_for_the_language():
    assert formats.plural("note.pl.session", 1234, "ro") == "1.234 de ședințe"
    assert formats.plural("note.pl.session", 1234, "ru") == "1\u00a0234 заседания"


def test_every_plural_text_has_the_categories_of_its_language():
    """A catalogue text with a plural block gives a branch for each CLDR category the language
    uses for whole numbers (ro one/few/other, ru one/few/many, en one/other)."""
    from tipdash import i18n
    from tipdash.i18n import cldr

    found = 0
    for lang in i18n.LANGS:
        need = set(cldr.categories(lang))
        for key, text in i18n.catalogue(lang).items():
            i = 0
            for m in cldr._PLURAL.finditer(text):
                branches, _ = cldr.parse_plural(text, m.end())
                found += 1
                assert need <= set(branches) and "other" in branches, (lang, key, sorted(branches))
    assert found >= 27


def test_no_hand_written_plural_rule_left():
    """Plural categories come from Babel only: no "n % 10" rule, no "|"-separated forms."""
    import re
    from pathlib import Path

    from tipdash import i18n

    root = Path(formats.__file__).resolve().parents[1]
    rules = [str(p) for p in root.rglob("*.py") if re.search(r"%\s*10\b|%\s*100\b", p.read_text("utf-8"))]
    assert not rules, rules
    for lang in i18n.LANGS:
        bars = [k for k, v in i18n.catalogue(lang).items() if "|" in v and "users add|remove" not in v]
        assert not bars, (lang, bars)


def test_percentages_per_language():
    assert formats.fmt_percent(0.14, "en") == "14%"
    assert formats.fmt_percent(0.14, "ro") == "14\u00a0%"
    assert formats.fmt_percent(1, "ru") == "100\u00a0%"


def test_dates_and_month_periods_from_cldr():
    assert formats.day(pd.Timestamp("2022-10-17"), "ro") == "17 octombrie 2022"
    assert formats.day(pd.Timestamp("2022-10-17"), "ru") == "17 октября 2022 г."
    assert formats.period("2022-07-01", "2022-10-31", "ro", precision="month") == "iulie–octombrie 2022"
    assert formats.period("2022-07-01", "2022-10-31", "ru", precision="month") == "июль–октябрь 2022 г."
    assert formats.period("2022-07-01", "2022-10-31", "en", precision="day") == "1 July – 31 October 2022"
    assert formats.period("2022-12-01", "2023-01-31", "en", precision="month") == "December 2022 – January 2023"
    assert formats.iso_month(pd.Timestamp("2022-07-01")) == "2022-07"


def test_one_year_is_not_a_span():
    assert formats.year_span(2022, 2022, "en") == "2022"
    assert formats.year_span(2022, 2022, "ru") == "2022 г."
    assert formats.year_span(2020, 2022, "ru") == "2020–2022 гг."
    assert formats.year_span(2020, 2022, "ro") == "2020–2022"


# ----------------------------------------------------------------------------- collation

def test_romanian_order_has_its_own_letters():
    """a < ă < â, i < î, s < ș, t < ț: the order of official Moldovan lists (Law 764/2001 annex)."""
    names = ["Bălți", "Basarabeasca", "Căușeni", "Călărași", "Cantemir", "Cahul", "Ștefan Vodă",
             "Șoldănești", "Strășeni", "Soroca", "Telenești", "Taraclia", "Țânțăreni", "Ialoveni",
             "Hîncești", "Îndrumare"]
    assert sorted(names, key=lambda n: formats.collation_key(n, "ro")) == [
        "Basarabeasca", "Bălți", "Cahul", "Cantemir", "Călărași", "Căușeni", "Hîncești", "Ialoveni",
        "Îndrumare", "Soroca", "Strășeni", "Șoldănești", "Ștefan Vodă", "Taraclia", "Telenești", "Țânțăreni"]
    assert sorted(["ţ", "ț", "t", "u"], key=lambda n: formats.collation_key(n, "ro"))[0] == "t"
    assert sorted(["â", "ă", "a", "b"], key=lambda n: formats.collation_key(n, "ro")) == ["a", "ă", "â", "b"]


def test_russian_order_and_english_order():
    names = ["Ёлкино", "Единец", "Яловены", "Анений Ной", "Бэлць", "CCF - Moldova", "Жора"]
    assert sorted(names, key=lambda n: formats.collation_key(n, "ru")) == [
        "Анений Ной", "Бэлць", "Единец", "Ёлкино", "Жора", "Яловены", "CCF - Moldova"]
    assert sorted(["Bălți", "Basarabeasca"], key=lambda n: formats.collation_key(n, "en")) == [
        "Bălți", "Basarabeasca"]
    assert formats.sort_names(["b", "a", "b"], "en") == ["a", "b"]
