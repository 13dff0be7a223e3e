"""The Streamlit pages, headless (AppTest) against a temporary database built from data/seed.

The database holds the 2022 informative note (data/seed) plus one synthetic 2021 report for
Cahul, so that there is a second year to switch to.
"""
from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import make_report_workbook, report_sheets, synthetic_report_sheets

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ["map", "timeline", "victims", "reporting", "import", "audit", "about"]
ADMIN_PAGES = {"import", "audit"}
TIMEOUT = 60
#: the accounts of the test users.toml (TIPDASH_CONFIG_DIR of the module)
ADMIN = ("ana.admin", "admin password 1")
ANALYST = ("ion.analyst", "analyst password 1")

NOT_REPORTED_2022 = {"MD-AN", "MD-BR", "MD-GA", "MD-HI", "MD-IA", "MD-NI", "MD-OC"}
NO_SESSIONS_2022 = {"MD-BA", "MD-CA", "MD-CS", "MD-DO", "MD-ED", "MD-FA", "MD-FL", "MD-GL", "MD-LE",
                    "MD-RE", "MD-SI", "MD-SO", "MD-TA", "MD-UN"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """Seed (2022) + a 2021 Cahul report; TIPDASH_DB points at it for the module, and
    TIPDASH_CONFIG_DIR at a users.toml with one admin and one analyst (default settings)."""
    from tipdash import auth, ingest

    cfg = tmp_path_factory.mktemp("pages_config")
    auth.add_user(ADMIN[0], "admin", ADMIN[1], path=cfg / "users.toml")
    auth.add_user(ANALYST[0], "analyst", ANALYST[1], path=cfg / "users.toml")
    d = tmp_path_factory.mktemp("pages_db")
    path = d / "tipdash.duckdb"
    report = ingest.init_db(path)
    assert report.ok, str(report)
    wb = make_report_workbook(d, name="SYNTHETIC_cahul_2021.xlsx", **synthetic_report_sheets("Cahul", 2021))
    extra = ingest.import_paths([wb], path, user="test")
    assert extra.ok, str(extra)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TIPDASH_DB", str(path))
        mp.setenv("TIPDASH_CONFIG_DIR", str(cfg))
        # AppTest re-detects Streamlit's old "pages/ folder" mode before every run (a server does
        # it once, and app.py's st.navigation turns it off); in that mode a rerun would execute
        # pages/<page>.py without app.py. web.page_guard() recovers with a rerun, but a rerun drops
        # a button click, so tests tell PagesManager there is no pages/ folder.
        from streamlit.runtime import pages_manager

        class _NoPagesFolder(type(Path())):
            def exists(self, *args, **kwargs):
                return False if self.name == "pages" else super().exists(*args, **kwargs)

        mp.setattr(pages_manager, "Path", _NoPagesFolder)
        yield path


def signed_in(at: AppTest, role: str | None, name: str | None = None) -> AppTest:
    """Simulate a signed-in session (what the sidebar form stores); role None = anonymous."""
    from tipdash.web import auth as web_auth

    if role is not None:
        name = name or {"admin": ADMIN[0], "analyst": ANALYST[0]}[role]
        at.session_state[web_auth.USER] = name
        at.session_state[web_auth.ROLE] = role
        at.session_state[web_auth.AT] = time.time()
        at.session_state[web_auth.VIA] = "password"
    return at


def run(page: str = "map", lang: str | None = None, role: str | None = None, **params) -> AppTest:
    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), role)
    if lang:
        at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page != "map":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text the page shows (markdown, captions, alerts, titles, metric labels and values)."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


# ---------------------------------------------------------------------------- every page, every language

@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_each_language(db, page, lang):
    at = run(page, lang, role="admin" if page in ADMIN_PAGES else None)
    assert at.session_state["lang"] == lang
    title = at.title[0].value
    from tipdash import i18n

    assert title == i18n.t(f"page.{page}.title", lang)
    if lang == "ru":
        assert re.search(r"[\u0400-\u04FF]", texts(at)), "Russian page shows no Cyrillic"
    assert not at.warning or page == "victims", [w.value for w in at.warning]  # no URL notices


# ---------------------------------------------------------------------------- map

def test_map_2022_table_has_35_rows_7_not_reported(db):
    at = run("map", "en")
    assert at.session_state["year"] == 2022
    table = frames(at)[0]
    assert len(table) == 35
    status = table["Reporting status"]
    assert (status == "Did not provide relevant information").sum() == 7   # the note's words
    assert (status == "Reported, no sessions").sum() == 14
    assert set(table.loc[status == "Did not provide relevant information", "Code"]) == NOT_REPORTED_2022
    sessions = dict(zip(table["Code"], table["Sessions"]))
    assert sessions["MD-CM"] == "4" and sessions["MD-DR"] == "3" and sessions["MD-CA"] == "0"
    assert sessions["MD-AN"] == "—"                        # not reported: "—" on screen (blank in CSV), not 0
    shown = texts(at)
    assert "around 500" in shown                           # approximate national figure
    assert "28 of 35" in shown
    assert [b.label for b in at.get("download_button")][:2] == ["Download CSV", "Download Excel"]


def test_map_figure_has_distinct_status_traces(db):
    at = run("map", "en")
    import json

    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {tr["name"]: tr for tr in fig["data"]}
    assert all(tr["type"] == "choroplethmap" for tr in fig["data"])
    assert fig["layout"]["map"]["style"] == "white-bg"
    drawn = [loc for tr in fig["data"] for loc in tr["locations"]]
    assert len(drawn) == len(set(drawn)) == 36
    assert set(names["Did not provide relevant information"]["locations"]) == NOT_REPORTED_2022
    assert set(names["0 (reported zero)"]["locations"]) == NO_SESSIONS_2022
    assert names["No commission (Left Bank of the Dniester)"]["locations"] == ["MD-SN"]
    assert {"1", "2", "3", "4"} <= set(names)              # one class per value, 1..4 sessions
    colours = {n: tr["colorscale"][0][1] for n, tr in names.items()}
    assert len(set(colours.values())) == len(colours) or colours["0 (reported zero)"] == "#ffffff"
    assert colours["Did not provide relevant information"] != colours["1"] != colours["0 (reported zero)"]


def test_changing_year_indicator_units_changes_what_is_shown(db):
    at = run("map", "en")
    before = frames(at)[0]
    at.selectbox(key="year").set_value(2021).run()
    assert not at.exception
    after = frames(at)[0]
    assert (after["Reporting status"] == "Did not provide relevant information").sum() == 34
    assert not before.equals(after)

    at.selectbox(key="indicator").set_value("trainings").run()
    assert not at.exception
    assert at.subheader[0].value.startswith("Trainings")
    assert at.query_params.get("indicator") in ("trainings", ["trainings"])

    at.multiselect(key="units").set_value(["MD-CA", "MD-CU"]).run()
    assert not at.exception
    assert list(frames(at)[0]["Code"]) == ["MD-CA", "MD-CU"]          # Cahul, Chișinău: by name
    assert at.query_params.get("units") in ("MD-CA,MD-CU", ["MD-CA,MD-CU"])


def test_profile_opens_for_a_unit(db):
    at = run("map", "en")
    at.selectbox(key="profile_unit").set_value("MD-CM").run()
    assert not at.exception
    assert any(s.value.startswith("Cimișlia: profile for 2022") for s in at.subheader)
    assert "2022_summary.csv" in texts(at) + "".join(d.to_csv() for d in frames(at))


def test_valid_query_params_restore_the_view(db):
    at = run("map", "en", year="2021", indicator="trainings", units="MD-CA,Chisinau")
    assert at.session_state["year"] == 2021
    assert at.session_state["indicator"] == "trainings"
    assert list(at.session_state["units"]) == ["MD-CA", "MD-CU"]
    assert not at.warning


def test_invalid_query_params_fall_back_with_a_notice(db):
    at = run("map", lang="xx", year="1999", indicator="bogus", units="Atlantis")
    assert at.session_state["lang"] == "ro"
    assert at.session_state["year"] == 2022
    assert at.session_state["indicator"] == "sessions"
    assert list(at.session_state["units"]) == []
    notices = " | ".join(w.value for w in at.warning)
    assert "“xx”" in notices and "“1999”" in notices and "“bogus”" in notices and "“Atlantis”" in notices
    assert len(frames(at)[0]) == 35

    at = run("timeline", "en", years=["1990", "2022"])
    assert any("“1990,2022”" in w.value for w in at.warning)
    assert at.session_state["years"] in ((2021, 2022), [2021, 2022])


# ---------------------------------------------------------------------------- other pages

def test_reporting_lists_the_7_and_the_14(db):
    at = run("reporting", "en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Did not provide relevant information"] == "7"
    assert metrics["Reported, no session"] == "14"
    tables = frames(at)
    assert set(tables[0]["Code"]) == NOT_REPORTED_2022
    assert set(tables[1]["Code"]) == NO_SESSIONS_2022
    shown = texts(at)
    for name in ("Anenii Noi", "Briceni", "Gagauzia", "Hîncești", "Ialoveni", "Nisporeni", "Ocnița"):
        assert name in shown
    assert "Did not provide relevant information for 2022 (7)" in shown and "held no session in 2022 (14)" in shown


def test_victims_shows_27_breakdown_not_reported_and_no_small_counts(db):
    at = run("victims", "en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Identified in 2022"] == "27"
    shown = texts(at)
    assert "not a measure of how widespread" in shown
    assert "The breakdown by sex was not reported for 2022." in shown
    assert "The number of victims or presumed victims by unit was not reported for 2022" in shown
    numbers = [m.value for m in at.metric]
    for df in frames(at):
        numbers += [str(v) for v in df.to_numpy().ravel().tolist()]
    assert not [n for n in numbers if re.fullmatch(r"[1-4](\.0)?", n)], numbers


def test_timeline_lists_undated_activities_and_draws_periods(db):
    at = run("timeline", "en")
    shown = texts(at)
    assert "around 500" in shown                           # undated national total: a note, not a date
    import json

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    periods = [c for c in charts if any(tr.get("base") for tr in c["data"])]
    assert periods, "no Gantt chart of trainings and campaigns"
    names = " ".join(str(y) for c in periods for tr in c["data"] for y in tr.get("y", []))
    assert "Fighting TIP Week" in names and "National Referral Mechanism" in names


def test_import_page_dry_run_then_import(db, tmp_path):
    bad = make_report_workbook(tmp_path, name="bad.xlsx", **{**report_sheets("Nowhereville", 2023)})
    good = make_report_workbook(tmp_path, name="orhei_2023.xlsx", **report_sheets("Orhei", 2023))
    at = run("import", "en", role="admin")
    up = at.get("file_uploader")[0]
    up.set_value([("bad.xlsx", bad.read_bytes(), "application/octet-stream"),
                  ("orhei_2023.xlsx", good.read_bytes(), "application/octet-stream")])
    at.run()
    assert not at.exception
    problems = frames(at)[1]
    assert list(problems.columns) == ["File", "Sheet", "Row", "Column", "Value", "Message", "Severity"]
    assert (problems["File"] == "bad.xlsx").any() and (problems["Severity"] == "error").any()
    from tipdash import store

    before = len(store.history(store.Store(db)))
    at.button(key="import_go").click().run()
    assert not at.exception
    assert "Files imported: 1." in texts(at)
    hist = store.history(store.Store(db))
    assert len(hist) == before + 1 and (hist["year"] == 2023).any()
    assert set(hist.loc[hist["year"] == 2023, "imported_by"]) == {ADMIN[0]}   # the signed-in user
    # the new year appears in the filters at once (cache keyed on the database version)
    at.switch_page("pages/map.py").run()
    assert 2023 in at.selectbox(key="year").options or "2023" in at.selectbox(key="year").options
    # leave the module database as it was for the other tests
    store.revert(db, int(hist.loc[hist["year"] == 2023, "submission_id"].iloc[0]), user="test")


def test_change_toggle_maps_the_change_since_the_previous_year(db):
    at = run("map", "en")
    at.toggle(key="map_change").set_value(True).run()
    assert not at.exception
    import json

    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {tr["name"]: tr["locations"] for tr in fig["data"]}
    assert names["Decrease"] == ["MD-CA"]                   # Cahul: 2 sessions in 2021, 0 in 2022
    assert "Not comparable (figure missing)" in names
    table = frames(at)[0]
    assert {"Sessions (previous year)", "Sessions (change)"} <= set(table.columns)
    assert dict(zip(table["Code"], table["Sessions (change)"]))["MD-CA"] == "-2"


def test_a_missing_database_is_built_from_the_seed(db, tmp_path, monkeypatch):
    fresh = tmp_path / "fresh" / "tipdash.duckdb"
    monkeypatch.setenv("TIPDASH_DB", str(fresh))
    at = run("map", "en")
    assert fresh.exists()
    assert len(frames(at)[0]) == 35 and at.session_state["year"] == 2022


def test_page_guard_reruns_through_app_py(db, monkeypatch):
    """With Streamlit's pages/ folder mode on (a fresh server), a page still gets the sidebar."""
    from streamlit.runtime import pages_manager

    monkeypatch.setattr(pages_manager, "Path", Path)
    at = run("victims", "en")
    at.run()                                                # AppTest re-detects pages/ before each run
    assert not at.exception
    assert at.selectbox(key="year").value == 2022
    assert at.title[0].value.startswith("Victims and presumed victims")


def test_small_victim_counts_are_hidden_on_the_map_and_in_the_table(db):
    """2021: the synthetic Cahul report has 4 victims (3 + 1): never shown as a number."""
    at = run("map", "en", year="2021", indicator="victims")
    import json

    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = {tr["name"]: tr for tr in fig["data"]}
    assert names["Suppressed (to protect victims)"]["locations"] == ["MD-CA"]
    hover = names["Suppressed (to protect victims)"]["customdata"][0]
    assert hover[1] in ("<5", "x")
    victims = dict(zip(frames(at)[0]["Code"], frames(at)[0]["Victims or presumed victims"]))
    assert victims["MD-CA"] in ("<5", "x")
    assert not [v for v in frames(at)[0]["Victims or presumed victims"] if re.fullmatch(r"[1-4]", str(v))]
    assert {m.label: m.value for m in at.metric}["Victims or presumed victims"] in ("<5", "x")


def test_timeline_range_opens_on_the_latest_five_years():
    from tipdash import web

    assert web.default_range(list(range(2005, 2025))) == (2020, 2024)
    assert web.default_range([2021, 2022]) == (2021, 2022)
    assert web.default_range([2022]) == (2022, 2022)
