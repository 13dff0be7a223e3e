"""tipdash.privacy across years: every unit-year cell of the district x year views, and every
yearly total, carries exactly the label of its own year's single-year views (SYNTHETIC cells of
tests/test_privacy.py, written into a database)."""
from __future__ import annotations

import pandas as pd
import pytest

from tests import fixtures_db as fx
from tests.test_privacy import synthetic_cells
from tipdash import indicators as ind
from tipdash import privacy as P
from tipdash import store as store_mod


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    cells = synthetic_cells()
    path = fx.write_cells(tmp_path_factory.mktemp("db") / "years.duckdb", cells)
    return store_mod.Store(path), cells


def test_every_unit_year_matches_its_years_map(db):
    s, cells = db
    years = sorted(cells)
    uy = P.protect_unit_years(ind.unit_years(s, years[0], years[-1]))
    seen = set()
    for year in years:
        single = P.protect_units(ind.unit_year(s, year)).set_index("code")["victims"]
        part = uy[uy["year"] == year].set_index("code")["victims"]
        for code in single.index:
            a, b = single[code], part[code]
            assert (pd.isna(a) and pd.isna(b)) or a == b, (year, code, a, b)
            seen.add(b if isinstance(b, str) else "n")
    assert {"<5", "x"} <= seen                                    # primary and complementary both occur


def test_a_frame_without_the_cells_is_protected_per_year():
    df = pd.DataFrame({"code": ["A", "B", "C", "A", "B"], "year": [2020, 2020, 2020, 2021, 2021],
                       "victims": [3, 9, 20, 0, 7]})
    out = P.protect_unit_years(df)
    assert list(out["victims"]) == ["<5", "x", 20, 0, 7]


def test_changed_values_are_not_labelled_from_the_base(db):
    s, cells = db
    uy = ind.unit_years(s, 2019, 2019)
    uy.loc[uy["code"] == "MD-CU", "victims"] = 2                 # no longer the base's value
    out = P.protect_unit_years(uy)
    assert out.loc[out["code"] == "MD-CU", "victims"].iloc[0] == "<5"


def test_yearly_totals_follow_each_years_base(db):
    s, cells = db
    years = sorted(cells)
    carrier = ind.unit_years(s, years[0], years[-1])
    totals = pd.DataFrame({"year": years, "victims": [sum(c[-1] for c in cells[y]) for y in years]})
    out = P.protect_year_totals(totals, years_from=carrier).set_index("year")["victims"]
    for year in years:
        expected = P.protect_national(ind.national(s, year)).set_index("indicator").at["victims", "total"]
        assert out[year] == expected, year
    assert out[2023] == "<5" and out[2022] == "x"                # withheld total, suppressed total
