"""The view survives a language switch and lives in the URL (UX review gaps 2 and 4), headless."""
from __future__ import annotations

import pytest

from tests.web.test_history_pages import hdb  # noqa: F401 -- the SYNTHETIC multi-year database
from tests.web.test_pages import map_figure, plain, run


def _switch(at, lang: str):
    at.segmented_control(key="lang").set_value(lang).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_language_round_trip_keeps_every_part_of_the_view(hdb):  # noqa: F811
    at = run("map", "ro", year="2020", indicator="trainings", units="MD-CA,MD-BA")
    at.selectbox(key="profile_unit@ro").set_value("MD-CA").run()
    at.segmented_control(key="map_mode@ro").set_value("change").run()
    at.selectbox(key="map_base@ro").set_value(2018).run()
    for lang, title in (("ru", "Обучающие мероприятия"), ("en", "Trainings"), ("ro", "Instruiri")):
        _switch(at, lang)
        ss = at.session_state
        assert (ss["year"], ss["indicator"], list(ss["units"])) == (2020, "trainings", ["MD-BA", "MD-CA"]) or \
            (ss["year"], ss["indicator"], sorted(ss["units"])) == (2020, "trainings", ["MD-BA", "MD-CA"])
        assert (ss["profile_unit"], ss["map_mode"], ss["map_base"]) == ("MD-CA", "change", 2018)
        # the widgets drawn are the new language's, showing the same values
        assert at.selectbox(key=f"indicator@{lang}@2020").value == "trainings"
        assert sorted(at.multiselect(key=f"units@{lang}").value) == ["MD-BA", "MD-CA"]
        assert at.selectbox(key=f"profile_unit@{lang}").value == "MD-CA"
        assert title in plain(map_figure(at)["layout"]["title"]["text"])
        qp = {k: at.query_params[k] for k in at.query_params}      # (lang: Streamlit binds it; the browser test)
        flat = {k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in qp.items()}
        assert flat["indicator"] == "trainings" and flat["year"] == "2020"
        assert flat["profile"] == "MD-CA" and flat["mode"] == "change" and flat["base"] == "2018"
        assert sorted(flat["units"].split(",")) == ["MD-BA", "MD-CA"]


def test_a_link_restores_profile_and_change_mode(hdb):  # noqa: F811
    at = run("map", "en", year="2021", indicator="sessions", profile="MD-CA", mode="change", base="2019")
    ss = at.session_state
    assert (ss["year"], ss["profile_unit"], ss["map_mode"], ss["map_base"]) == (2021, "MD-CA", "change", 2019)
    assert "Sessions: change from 2019 to 2021" in plain(map_figure(at)["layout"]["title"]["text"]) or \
        "2019" in plain(map_figure(at)["layout"]["title"]["text"])
    # the profile is drawn (in its dialog) and its own link names the unit
    codes = [c.value for c in at.code]
    assert any("profile=MD-CA" in c and "year=2021" in c for c in codes), codes
    assert not at.warning


@pytest.mark.parametrize("page,params,key,value", [
    ("timeline", {"freq": "W", "split": "target_group"}, "tl_freq", "W"),
    ("victims", {"tab": "exploitation", "year": "2021"}, "v_tab", "exploitation"),
])
def test_page_choices_come_from_the_link(hdb, page, params, key, value):  # noqa: F811
    at = run(page, "en", **params)
    assert at.session_state[key] == value
    assert not at.exception


def test_the_indicator_list_says_which_have_district_figures(hdb):  # noqa: F811
    at = run("map", "en", year="2022")
    joined = " | ".join(at.selectbox(key="indicator@en@2022").options)
    assert "Trainings · national figure only" in joined           # 2022: the note gives a national total only
    assert "Sessions ·" not in joined                              # sessions: district figures exist
    at.selectbox(key="indicator@en@2022").set_value("trainings").run()
    assert at.session_state["indicator"] == "trainings"
    assert any("national" in i.value.lower() for i in at.info)     # and the page says so above the map
    # another year, another list: the value stays
    at.selectbox(key="year@en").set_value(2021).run()
    assert at.session_state["indicator"] == "trainings"
    assert "Trainings ·" not in " | ".join(at.selectbox(key="indicator@en@2021").options)


def test_the_profile_never_says_0_sessions_and_sessions_not_reported(hdb):  # noqa: F811
    from tests.web.test_pages import texts

    at = run("map", "en", year="2022", profile="MD-CA")          # Cahul 2022: reported, no sessions (0)
    shown = texts(at)
    line = next(s for s in shown.splitlines() if s.startswith("Not reported:"))
    assert "Sessions" not in line, line
    assert "None" not in shown
