"""What the pages say must be true (issue 10), in Romanian, English and Russian: the 2022 Map
metrics, the inferred names of the 7, completeness where it does not apply, free text in each
language with its origin marker, month periods, lists in each language's alphabet."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.web.test_pages import db, frames, run, texts  # noqa: F401 -- the module database fixture
from tipdash import i18n

#: label -> (value, delta) of the 2022 Map metrics, per language; no "challenges" tile (M5)
MAP_2022 = {
    "ro": {"Comisii care au prezentat informații": ("28 din 35", None), "Ședințe": ("29", None),
           "Activități de informare": ("circa 500", None), "Instruiri": ("9", None),
           "Participanți la instruiri (unde s-a raportat)": ("125", "(nu pentru toate instruirile)"),
           "Victime sau presupuse victime": ("27", None), "ONG-uri partenere (conform listei)": ("8", None)},
    "en": {"Commissions that provided information": ("28 of 35", None), "Sessions": ("29", None),
           "Information activities": ("around 500", None), "Trainings": ("9", None),
           "Training participants (where reported)": ("125", "(not reported for every training)"),
           "Victims or presumed victims": ("27", None), "NGO partners (as listed)": ("8", None)},
    "ru": {"Комиссии, представившие сведения": ("28 из 35", None), "Заседания": ("29", None),
           "Информационные мероприятия": ("около 500", None), "Обучающие мероприятия": ("9", None),
           "Участники обучений (где указано)": ("125", "(не по всем обучающим мероприятиям)"),
           "Жертвы или предполагаемые жертвы": ("27", None), "НПО-партнёры (по перечню)": ("8", None)},
}


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_map_2022_metrics_labels_and_values(db, lang):  # noqa: F811
    at = run("map", lang)
    got = {m.label: (m.value, m.proto.delta or None) for m in at.metric}
    assert got == MAP_2022[lang]
    helps = {m.label: m.proto.help for m in at.metric}
    once = {"ro": "aceeași persoană poate fi numărată de mai multe ori", "en": "the same person may be counted more "
            "than once", "ru": "один и тот же человек может быть учтён несколько раз"}[lang]
    assert once in helps[next(k for k in got if "125" in got[k][0])]


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_map_table_marks_inferred_status_and_completeness_not_applicable(db, lang):  # noqa: F811
    at = run("map", lang)
    table = frames(at)[0]
    inferred = table[i18n.column_label("status_inferred", lang)]
    assert (inferred == i18n.t("common.yes", lang)).sum() == 7
    comp = table[i18n.column_label("completeness_pct", lang)]
    assert set(comp) == {i18n.t("vocab.completeness_na.national_summary", lang)}
    names = [i18n.unit_name(c, lang) for c in table[i18n.column_label("code", lang)]]
    if lang == "ro":   # Romanian alphabet: Basarabeasca before Bălți, Cantemir before Călărași
        assert names.index("Basarabeasca") < names.index("Bălți") < names.index("Briceni")
        assert names.index("Cantemir") < names.index("Călărași") < names.index("Căușeni")
        assert names.index("Soroca") < names.index("Strășeni") < names.index("Șoldănești") < names.index("Ștefan Vodă")


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_reporting_says_the_7_names_are_inferred_and_completeness_does_not_apply(db, lang):  # noqa: F811
    at = run("reporting", lang)
    shown = texts(at)
    inferred = {"ro": "denumirile lor sunt deduse: cele 35 de comisii teritoriale, minus cele 28",
                "en": "their names are inferred: the 35 territorial commissions minus the 28",
                "ru": "их названия определены косвенно: из 35 территориальных комиссий исключены 28"}[lang]
    assert inferred in shown
    assert i18n.t("page.reporting.completeness_na", lang, year=2022) in shown
    assert "14%" not in shown and "0.14" not in shown and "14 %" not in shown
    listed = next(m.value for m in at.markdown if i18n.unit_name("MD-AN", lang) in m.value)
    expected = {"ro": "Anenii Noi, Briceni, Găgăuzia, Hîncești, Ialoveni, Nisporeni, Ocnița",
                "en": "Anenii Noi, Briceni, Gagauzia, Hîncești, Ialoveni, Nisporeni, Ocnița",
                "ru": "Анений Ной, Бричень, Гагаузия, Ниспорень, Окница, Хынчешть, Яловень"}[lang]
    assert listed == expected


def test_profile_completeness_is_a_percentage_or_not_applicable(db):  # noqa: F811
    at = run("map", "en", year="2021")
    at.selectbox(key="profile_unit").set_value("MD-CA").run()
    summary = next(f for f in frames(at) if "Value" in f.columns)
    value = dict(zip(summary.iloc[:, 0], summary["Value"]))
    comp = value[i18n.indicator_label("completeness", "en")]
    assert comp.endswith("%") and not comp.startswith("0.")        # SYNTHETIC 2021 report: a real share
    at = run("map", "en")
    at.selectbox(key="profile_unit").set_value("MD-CA").run()
    summary = next(f for f in frames(at) if "Value" in f.columns)
    value = dict(zip(summary.iloc[:, 0], summary["Value"]))
    assert value[i18n.indicator_label("completeness", "en")] == i18n.t("vocab.completeness_na.national_summary", "en")


@pytest.mark.parametrize("lang,marker,title", [
    ("ro", "(traducere neoficială)", "Identificarea cazurilor de trafic de ființe umane"),
    ("ru", "(неофициальный перевод)", "Выявление случаев торговли людьми"),
    ("en", None, "Identifying human trafficking cases")])
def test_timeline_free_text_in_each_language_with_its_marker(db, lang, marker, title):  # noqa: F811
    at = run("timeline", lang)
    periods = next(f for f in frames(at) if i18n.column_label("organisers", lang) in f.columns)
    name = periods[i18n.column_label("name", lang)].tolist()
    training = next(n for n in name if n.startswith(title))
    if marker:
        assert training.endswith(marker)
    else:
        assert "(" not in training[-30:]                              # the source's own language: as it is
    start = dict(zip(name, periods[i18n.column_label("start_date", lang)]))[training]
    assert start == "2022-07"                                         # known to the month only (M2)
    assert "2022–2022" not in texts(at)


def test_month_periods_in_the_download(db):  # noqa: F811
    """The Timeline's periods download: months as 2022-07 / 2022-10, never an invented day."""
    import io

    from tipdash import exports, indicators, store
    from tipdash.i18n import content

    s = store.Store(db)
    per = indicators.periods(s, 2022, 2022)
    tr = content.Translations.from_frame(indicators.translations(s))
    data, name, _ = exports.download(content.localise_texts(per, "ro", tr), {"view": "periods", "year": 2022,
                                                                              "lang": "ro"}, "csv")
    df = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skiprows=1, dtype=str)
    start, end = i18n.column_label("start_date", "ro"), i18n.column_label("end_date", "ro")
    trainings = df[df[i18n.column_label("kind", "ro")] == i18n.vocab_label("period_kind", "training", "ro")]
    assert trainings[[start, end]].values.tolist() == [["2022-07", "2022-10"], ["2022-10", "2022-12"]]
    campaign = df[df[i18n.column_label("kind", "ro")] != i18n.vocab_label("period_kind", "training", "ro")]
    assert campaign[[start, end]].values.tolist() == [["2022-10-17", "2022-10-23"]]
    assert "2022-07-01" not in data.decode("utf-8-sig") and "2022-10-31" not in data.decode("utf-8-sig")
    assert "(traducere neoficială)" in data.decode("utf-8-sig")


def test_a_missing_date_shows_as_a_dash_not_none(db):  # noqa: F811
    """The grid printed a blank date as "None" (UX review): it shows "—" (not reported)."""
    at = run("map", "ru", year="2021")
    at.selectbox(key="profile_unit").set_value("MD-CA").run()
    acts = next(f for f in frames(at) if i18n.column_label("end_date", "ru") in f.columns
                and i18n.column_label("type", "ru") in f.columns)
    ends = acts[i18n.column_label("end_date", "ru")].tolist()
    assert "—" in ends and None not in ends and "None" not in [str(e) for e in ends]
