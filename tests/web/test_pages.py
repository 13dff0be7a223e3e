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
PAGES = ["map", "trends", "timeline", "victims", "reporting", "import", "audit", "about"]
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
    """Simulate a signed-in session (what the sidebar form stores); role None = anonymous, with the
    "Sign in" panel open (its form is drawn only then)."""
    from tipdash.web import auth as web_auth

    if role is None:
        at.session_state[web_auth.FORM_OPEN] = True
    else:
        name = name or {"admin": ADMIN[0], "analyst": ANALYST[0]}[role]
        at.session_state[web_auth.USER] = name
        at.session_state[web_auth.ROLE] = role
        at.session_state[web_auth.AT] = time.time()
        at.session_state[web_auth.VIA] = "password"
    return at


def run(page: str = "map", lang: str | None = None, role: str | None = None, state: dict | None = None,
        **params) -> AppTest:
    """``page`` run inside app.py, with the URL's ``params`` and the session's ``state`` set first."""
    at = signed_in(AppTest.from_file(APP, default_timeout=TIMEOUT), role)
    for k, v in (state or {}).items():
        at.session_state[k] = v
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


#: columns of the national statistics' tables (Victims page): published national figures, which
#: are not suppressed (only counts by district are)
NATIONAL_COLUMNS = {"Value (as published)", "Publisher"}


def commission_frames(at: AppTest) -> list[pd.DataFrame]:
    """The tables of the commissions' figures (the national statistics' tables left out)."""
    return [df for df in frames(at) if not NATIONAL_COLUMNS & set(df.columns)]


def arr(v) -> list:
    """A plotly JSON array as a list (plotly writes numeric arrays as base64 "bdata")."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def plain(text: str) -> str:
    """A plotly text without its markup (<b>…</b>)."""
    return re.sub(r"<[^>]+>", "", text)


def map_figure(at: AppTest) -> dict:
    """The Map page's figure: trace 0 the choropleth (z = index of its legend entry), trace 1 the
    ranking, then one empty trace per legend entry."""
    import json

    return json.loads(at.get("plotly_chart")[0].proto.spec)


def map_categories(fig: dict) -> dict[str, str]:
    """unit code -> the legend entry (category name) the map draws it with."""
    legend = [tr["name"] for tr in fig["data"][2:] if tr.get("showlegend")]
    choro = fig["data"][0]
    return {code: legend[int(z)] for code, z in zip(choro["locations"], arr(choro["z"]))}


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
    labels = [b.label for b in at.get("download_button")]
    assert labels[:1] == ["Download CSV"] and "Download Excel" not in labels   # Excel: in the table's menu
    menu = [b.label for b in run("reporting", "en", state={"more_rep_not": True}).get("download_button")]
    assert menu[:3] == ["Download CSV", "Download Excel", "Data package (zip)"]
    assert "PNG image" not in labels                # the map's image buttons: only in the open menu
    opened = [b.label for b in run("map", "en", state={"img_map": True}).get("download_button")]
    assert opened[:2] == ["PNG image", "SVG image"]


def test_map_figure_draws_every_unit_once_with_its_status(db):
    at = run("map", "en")
    fig = map_figure(at)
    assert [tr["type"] for tr in fig["data"][:2]] == ["choroplethmap", "bar"]
    assert fig["layout"]["map"]["style"] == "white-bg"
    cats = map_categories(fig)
    assert len(cats) == 36 and len(fig["data"][0]["locations"]) == 36
    assert {c for c, n in cats.items() if n == "Did not provide relevant information"} == NOT_REPORTED_2022
    assert {c for c, n in cats.items() if n == "0 (reported zero)"} == NO_SESSIONS_2022
    assert cats["MD-SN"] == "No commission (Left Bank of the Dniester)"
    legend = [tr["name"] for tr in fig["data"][2:] if tr.get("showlegend")]
    assert {"1", "2", "3", "4"} <= set(legend)             # one class per value, 1..4 sessions
    colours = {tr["name"]: tr["marker"]["color"] for tr in fig["data"][2:] if tr.get("showlegend")}
    assert len(set(colours.values())) == len(colours)      # every legend entry its own colour
    # the ranking beside the map: the 35 commissions, most sessions first, not reported last
    bar = fig["data"][1]
    assert len(bar["y"]) == 35 and bar["y"][0] in ("Cimișlia", "Șoldănești")
    assert bar["customdata"][-1][0] in NOT_REPORTED_2022
    # every commission year is a frame (slider and play)
    assert [fr["name"] for fr in fig["frames"]] == ["2021", "2022"]
    assert [st["label"] for st in fig["layout"]["sliders"][0]["steps"]] == ["2021", "2022"]
    assert fig["layout"]["sliders"][0]["active"] == 1


def test_changing_year_indicator_units_changes_what_is_shown(db):
    at = run("map", "en")
    before = frames(at)[0]
    at.selectbox(key="year@en").set_value(2021).run()
    assert not at.exception
    after = frames(at)[0]
    assert (after["Reporting status"] == "Did not provide relevant information").sum() == 34
    assert not before.equals(after)

    at.selectbox(key="indicator@en@2021").set_value("trainings").run()
    assert not at.exception
    assert plain(map_figure(at)["layout"]["title"]["text"]) == "Trainings, 2021"
    assert at.query_params.get("indicator") in ("trainings", ["trainings"])

    at.multiselect(key="units@en").set_value(["MD-CA", "MD-CU"]).run()
    assert not at.exception
    assert list(frames(at)[0]["Code"]) == ["MD-CA", "MD-CU"]          # Cahul, Chișinău: by name
    assert at.query_params.get("units") in ("MD-CA,MD-CU", ["MD-CA,MD-CU"])


def test_profile_opens_for_a_unit(db):
    at = run("map", "en")
    at.selectbox(key="profile_unit@en").set_value("MD-CM").run()
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
    for df in commission_frames(at):
        numbers += [str(v) for v in df.to_numpy().ravel().tolist()]
    assert not [n for n in numbers if re.fullmatch(r"[1-4](\.0)?", n)], numbers


def test_timeline_lists_undated_activities_and_draws_periods(db):
    at = run("timeline", "en")
    import json

    def undated():
        return [df for df in frames(at) if "Approximate" in df.columns and "Activities" in df.columns]
    assert any(e.label.startswith("Activities reported without dates") for e in at.expander)   # collapsed
    assert not undated()                                    # its table is drawn only when it is opened
    opened = run("timeline", "en", state={"tl_undated_box": True})
    shown = [df for df in frames(opened) if "Approximate" in df.columns and "Activities" in df.columns]
    assert shown and (shown[0]["Activities"].astype(str) == "500").any()    # the national total, undated
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    summary = charts[:2]                                   # the summary of every year comes first
    assert [c["layout"]["title"]["text"] for c in summary] == ["Sessions", "Information activities"]
    assert arr(summary[0]["data"][0]["x"]) == [2021, 2022] and arr(summary[0]["data"][0]["y"]) == [2, 29]
    periods = [c for c in charts if any(tr.get("base") for tr in c["data"])]
    assert periods, "no Gantt chart of trainings and campaigns"
    names = " ".join(str(y) for c in periods for tr in c["data"] for y in tr.get("y", []))
    assert "Fighting TIP Week" in names and "National Referral Mechanism" in names


def test_timeline_survives_a_rerun_from_another_widget(db):
    """The browser sends the years range back at every rerun: it must stay a range (it was read
    as one year, and every click on the Timeline page ended in a TypeError)."""
    at = run("timeline", "en")
    years = at.session_state["years"]
    at.session_state["tl_q_box"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["years"] == years and len(years) == 2


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
    assert list(problems.columns) == ["Severity", "File", "Sheet", "Row", "Column", "Cell", "Value", "Message"]
    assert (problems["File"] == "bad.xlsx").any() and (problems["Severity"] == "error").any()
    from tipdash import store

    before = len(store.history(store.Store(db)))
    at.button(key="import_go").click().run()
    assert not at.exception
    assert "Files imported: 1." in texts(at)
    hist = store.history(store.Store(db))
    mine = hist[(hist["year"] == 2023) & (hist["format"] != "series")]    # 2023 also has national statistics
    assert len(hist) == before + 1 and len(mine) == 1
    assert set(mine["imported_by"]) == {ADMIN[0]}                          # the signed-in user
    # the new year appears in the filters at once (cache keyed on the database version)
    at.switch_page("pages/map.py").run()
    assert 2023 in at.selectbox(key="year@en").options or "2023" in at.selectbox(key="year@en").options
    # leave the module database as it was for the other tests
    store.revert(db, int(mine["submission_id"].iloc[0]), user="test")


def test_change_mode_maps_the_size_of_the_change_against_a_base_year(db):
    at = run("map", "en")
    at.segmented_control(key="map_mode@en").set_value("change").run()
    assert not at.exception
    assert at.selectbox(key="map_base@en").value == 2021          # default: the previous year
    fig = map_figure(at)
    cats = map_categories(fig)
    assert cats["MD-CA"] == "−2"                               # Cahul: 2 sessions in 2021, 0 in 2022
    assert {n for c, n in cats.items() if c not in ("MD-CA", "MD-SN")} <= {
        "Not comparable (figure missing)", "Did not provide relevant information"}
    legend = {tr["name"]: tr["marker"]["color"] for tr in fig["data"][2:] if tr.get("showlegend")}
    assert legend["−2"] in ("#fdb863", "#e08214", "#b35806")   # orange = fewer (never red/green)
    assert plain(fig["layout"]["title"]["text"]) == "Sessions: change from 2021 to 2022"
    table = frames(at)[0]
    assert {"Sessions, 2021", "Sessions: change 2021–2022"} <= set(table.columns)
    assert dict(zip(table["Code"], table["Sessions: change 2021–2022"]))["MD-CA"] == "-2"
    at.segmented_control(key="map_mode@en").set_value("change").run()
    at.selectbox(key="indicator@en@2022").set_value("victims").run()   # victims: the change is not mapped
    assert "not mapped, to protect small counts" in texts(at)


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
    assert at.selectbox(key="year@en").value == 2022
    assert at.title[0].value.startswith("Victims and presumed victims")


def test_small_victim_counts_are_hidden_on_the_map_and_in_the_table(db):
    """2021: the synthetic Cahul report has 4 victims (3 + 1): never shown as a number."""
    at = run("map", "en", year="2021", indicator="victims")
    fig = map_figure(at)
    cats = map_categories(fig)
    assert [c for c, n in cats.items() if n == "Suppressed (to protect victims)"] == ["MD-CA"]
    choro = fig["data"][0]
    hover = choro["customdata"][choro["locations"].index("MD-CA")]       # [figure, status]
    assert hover[0] in ("<5", "x")
    for frame in fig["frames"]:                           # every year of the slider, not only this one
        texts_ = [c[0] for c in frame["data"][0]["customdata"]] + list(frame["data"][1]["text"])
        assert not [v for v in texts_ if re.fullmatch(r"[1-4]", str(v))], frame["name"]
        assert not [x for x in frame["data"][1]["x"] if 0 < x < 5], frame["name"]
    victims = dict(zip(frames(at)[0]["Code"], frames(at)[0]["Victims or presumed victims"]))
    assert victims["MD-CA"] in ("<5", "x")
    assert not [v for v in frames(at)[0]["Victims or presumed victims"] if re.fullmatch(r"[1-4]", str(v))]
    assert {m.label: m.value for m in at.metric}["Victims or presumed victims"] in ("<5", "x")


def test_timeline_range_opens_on_the_latest_five_years():
    from tipdash import web

    assert web.default_range(list(range(2005, 2025))) == (2020, 2024)
    assert web.default_range([2021, 2022]) == (2021, 2022)
    assert web.default_range([2022]) == (2022, 2022)


def test_import_page_takes_a_corrected_national_series(db):
    """Format C through the Import page: both files uploaded together; a corrected figure
    supersedes only its (year, source), never the national-level report of that year."""
    from tipdash import store
    from tipdash.ingest.load import NATIONAL_FILES

    series, sources = (p.read_bytes() for p in NATIONAL_FILES)
    fixed = series.replace(b"2022,victims_identified_rate,total,6.1,", b"2022,victims_identified_rate,total,6.2,")
    assert fixed != series
    at = run("import", "en", role="admin")
    at.get("file_uploader")[0].set_value([("national_series.csv", fixed, "text/csv"),
                                          ("sources.csv", sources, "text/csv")])
    at.run()
    assert not at.exception
    files = frames(at)[0]
    assert set(files["File"]) == {"national_series.csv", "sources.csv"}
    at.button(key="import_go").click().run()
    assert not at.exception
    hist = store.history(store.Store(db))
    sup = hist[hist["status"] == "superseded"]
    assert sup[["year", "format", "source"]].values.tolist() == [[2022, "series", "nbs_sdg_16_2_2"]]
    cur22 = hist[(hist["year"] == 2022) & (hist["unit_code"] == "MD") & (hist["status"] == "current")]
    assert sorted(cur22["format"]) == ["report", "series", "series"]
    new = hist[(hist["status"] == "current") & (hist["source"] == "nbs_sdg_16_2_2") & (hist["year"] == 2022)]
    store.revert(db, int(new["submission_id"].iloc[0]), user="test")    # leave the module database as it was
