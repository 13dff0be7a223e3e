"""tipdash.indicators across years (history) on the SYNTHETIC multi-year database of
tests/fixtures_db.py (expected values worked out by hand from build_multi), and the national
statistical series (series) as the importer stores it."""
from __future__ import annotations

import csv

import pandas as pd
import pytest

from tests import fixtures_db as fx
from tipdash import indicators as ind
from tipdash import ingest
from tipdash import store as store_mod


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    return store_mod.Store(fx.build_multi(tmp_path_factory.mktemp("db") / "multi.duckdb"))


def val(v):
    return None if pd.isna(v) else v


def test_unit_years_one_row_per_unit_and_year(multi):
    uy = ind.unit_years(multi, 2020, 2023)
    assert len(uy) == 35 * 4 and uy.groupby("year").size().eq(35).all()
    ca = uy[uy["code"] == "MD-CA"].set_index("year")
    assert [ca.at[y, "reporting_status"] for y in (2020, 2021, 2022, 2023)] == [
        "not_reported", "met", "reported_no_sessions", "not_reported"]
    assert [val(ca.at[y, "sessions"]) for y in (2020, 2021, 2022, 2023)] == [None, 2, 0, None]
    assert [val(ca.at[y, "victims"]) for y in (2021, 2022)] == [5, 6]
    assert bool(ca.at[2022, "information_activities_approx"]) and ca.at[2022, "information_activities"] == 12
    un = uy[uy["code"] == "MD-UN"].set_index("year")
    assert (un.at[2023, "sessions"], val(un.at[2023, "information_activities"])) == (1, None)
    assert set(uy.loc[uy["year"] == 2020, "reporting_status"]) == {"not_reported"}
    assert "MD" not in set(uy["code"])                                     # commissions only


def test_unit_years_equals_unit_year_for_every_year(multi):
    uy = ind.unit_years(multi, 2021, 2023)
    for year in (2021, 2022, 2023):
        one = ind.unit_year(multi, year)
        part = uy[uy["year"] == year].reset_index(drop=True)
        for col in ("code", "reporting_status", *ind.NUMERIC, "submission_id"):
            assert [val(v) for v in part[col]] == [val(v) for v in one[col]], (year, col)


def test_unit_years_carry_each_years_victim_cells(multi):
    uy = ind.unit_years(multi, 2020, 2023)
    cells = uy.attrs["tipdash.victims_years"]
    assert sorted(cells) == [2020, 2021, 2022, 2023] and cells[2020] == ()
    for year in (2021, 2022, 2023):
        assert cells[year] == ind.unit_year(multi, year).attrs["tipdash.victims"]["cells"]


def test_yearly_totals(multi):
    yt = ind.yearly_totals(multi, 2020, 2023).set_index("year")
    assert [val(yt.at[y, "sessions"]) for y in (2020, 2021, 2022, 2023)] == [None, 2, 3, 1]
    # 2022: Cahul 12 (approx), Ungheni 3, national level ~100
    assert [val(yt.at[y, "information_activities"]) for y in (2020, 2021, 2022, 2023)] == [None, 2, 115, None]
    assert bool(yt.at[2022, "information_activities_approx"]) and not bool(yt.at[2021, "information_activities_approx"])
    assert [int(yt.at[y, "units_reporting"]) for y in (2020, 2021, 2022, 2023)] == [0, 1, 2, 1]
    ca = ind.yearly_totals(multi, 2021, 2022, units=["MD-CA"]).set_index("year")
    assert (ca.at[2022, "sessions"], ca.at[2022, "information_activities"]) == (0, 12)   # no national level


def test_change_between_any_base_year(multi):
    ch = ind.change_between(multi, 2023, 2021).set_index("code")
    assert (ch.at["MD-UN", "sessions"], val(ch.at["MD-UN", "sessions_prev"])) == (1, None)
    assert pd.isna(ch.at["MD-UN", "sessions_change"]) and pd.isna(ch.at["MD-CA", "sessions_change"])
    assert ch.attrs["tipdash.victims_prev"]["year"] == 2021 and ch.attrs["tipdash.victims"]["year"] == 2023
    back = ind.change_between(multi, 2022, 2021).set_index("code")
    prev = ind.change(multi, 2022).set_index("code")
    for i in ind.NUMERIC:                                       # base = previous year: same as change()
        assert [val(v) for v in back[f"{i}_change"]] == [val(v) for v in prev[f"{i}_change"]]
    later = ind.change_between(multi, 2022, 2023).set_index("code")   # a later base year
    assert (later.at["MD-UN", "sessions_prev"], later.at["MD-UN", "sessions_change"]) == (1, 2)
    assert pd.isna(later.at["MD-CA", "sessions_prev"])                    # Cahul did not report in 2023


# ------------------------------------------------------------------------------ the national series

@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "seed.duckdb"
    assert ingest.init_db(db).ok
    return store_mod.Store(db)


def test_national_series_as_published(seeded):
    df = ind.national_series(seeded)
    with open(store_mod.ROOT / "data" / "national" / "national_series.csv", encoding="utf-8") as fh:
        shipped = list(csv.DictReader(fh))
    assert len(df) == len(shipped)
    assert sorted(zip(df["year"].astype(str), df["indicator"], df["breakdown"], df["value_text"], df["source"])) == \
        sorted((r["year"], r["indicator"], r["breakdown"], r["value"], r["source"]) for r in shipped)
    girls = df[df["breakdown"] == "sex:female&age:child"].iloc[0]
    assert (girls["dimension"], girls["category"], girls["year"]) == ("sex&age", "female&child", 2013)
    tot = df[(df["indicator"] == "victims_identified") & (df["breakdown"] == "total")]
    assert dict(zip(tot["year"], tot["value"]))[2022] == 150
    assert set(df["file_name"]) == {"national_series.csv"} and df["row_no"].min() == 2


def test_series_sources_and_years(seeded):
    src = ind.series_sources(seeded)
    assert {"nbs_sdg_16_2_2", "greta_2016", "tip_2023"} <= set(src["source"])
    assert src["source"].is_unique and src["title"].notna().all()
    assert ind.series_years(seeded) == list(range(2011, 2026))
    assert ind.years(seeded) == [2022]                        # commission years are not series years


def test_series_of_an_old_database_is_empty(multi):
    assert ind.national_series(multi).empty and ind.series_sources(multi).empty
    assert ind.series_years(multi) == []
