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
