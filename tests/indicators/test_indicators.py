"""tipdash.indicators on two small databases built straight into the schema (tests/fixtures_db.py):
the 2022 seed (figures of the informative note) and a synthetic multi-year database whose
expected values are worked out by hand below."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests import fixtures_db as fx
from tipdash import indicators as ind
from tipdash import store as store_mod

NA = pd.NA


@pytest.fixture(scope="module")
def s2022(tmp_path_factory):
    return store_mod.Store(fx.build_2022(tmp_path_factory.mktemp("db") / "seed2022.duckdb"))


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    return store_mod.Store(fx.build_multi(tmp_path_factory.mktemp("db") / "multi.duckdb"))


def rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    """Rows as tuples of plain values, NA as None."""
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[cols].itertuples(index=False, name=None)]


# =============================================================================== 2022 seed

# indicator, districts_sum, districts_reporting, national_level, total, approximate, partial
NATIONAL_2022 = [
    ("sessions", 29, 28, None, 29, False, False),     # the note's table: 4x1 + 7x2 + 1x3 + 2x4 = 29
    ("information_activities", None, 0, 500, 500, True, False),
    ("participants", None, 0, None, None, False, False),
    ("trainings", None, 0, 9, 9, False, False),
    ("members_trained", None, 0, 125, 125, False, True),   # 125 for the 5 Jul-Oct workshops only
    ("victims", None, 0, 27, 27, False, False),
    ("ngo_partners", None, 0, 8, 8, False, False),
    ("challenges", None, 0, 18, 18, False, False),
]


def test_2022_status_counts(s2022):
    uy = ind.unit_year(s2022, 2022)
    assert len(uy) == 35 and list(uy["code"]) == sorted(uy["code"])
    assert uy["reporting_status"].value_counts().to_dict() == {
        "not_reported": 7, "reported_no_sessions": 14, "met": 14}
    assert set(uy.loc[uy["reporting_status"] == "not_reported", "code"]) == set(fx.NOT_REPORTED_2022)
    assert (uy.loc[uy["reporting_status"] == "not_reported", "reported"] == False).all()  # noqa: E712


def test_2022_sessions_per_commission_as_in_the_note(s2022):
    uy = ind.unit_year(s2022, 2022).set_index("code")
    for code, n in fx.SESSIONS_2022.items():
        assert uy.at[code, "sessions"] == n, code
        assert uy.at[code, "reporting_status"] == ("met" if n else "reported_no_sessions")
    for code in fx.NOT_REPORTED_2022:
        assert pd.isna(uy.at[code, "sessions"])
    by_n = uy[uy["sessions"].notna()].groupby("sessions").size().to_dict()
    assert by_n == {0: 14, 1: 4, 2: 7, 3: 1, 4: 2}


def test_2022_national_table(s2022):
    nat = ind.national(s2022, 2022)
    assert list(nat.columns) == ["indicator", "districts_sum", "districts_reporting", "national_level", "total",
                                 "approximate", "partial"]
    assert rows(nat, list(nat.columns)) == NATIONAL_2022


def test_2022_national_facts_stay_national(s2022):
    uy = ind.unit_year(s2022, 2022)
    for col in ("information_activities", "participants", "trainings", "members_trained", "victims",
                "ngo_partners", "challenges"):
        assert uy[col].isna().all(), col
    assert not uy["information_activities_approx"].any()
    assert "MD" not in set(uy["code"])


def test_2022_unit_year_columns_and_types(s2022):
    uy = ind.unit_year(s2022, 2022)
    assert list(uy.columns) == [
        "code", "year", "reported", "reporting_status", "status_inferred", "sessions", "information_activities",
        "information_activities_approx", "participants", "trainings", "members_trained", "members_trained_partial",
        "victims", "ngo_partners", "challenges", "completeness", "completeness_na", "submission_id", "file_name"]
    assert str(uy["sessions"].dtype) == "Int64" and uy["completeness"].dtype == float
    assert set(uy["file_name"]) == {"2022_summary.csv"} and (uy["year"] == 2022).all()


def test_2022_completeness_is_not_applicable(s2022):
    """The 2022 figures per commission are transcribed from the national note (which gives only
    sessions): completeness would measure the transcription, so it is not computed (C2)."""
    comp = ind.completeness(s2022, 2022)
    assert len(comp) == 36                                      # 35 summary rows + the national report
    summary = comp[comp["format"] == "summary"]
    assert (summary["expected"] == 7).all()                     # format B has no challenges column
    assert summary["share"].isna().all() and (summary["completeness_na"] == "national_summary").all()
    md = comp[comp["unit_code"] == "MD"].iloc[0]
    assert (md["format"], md["given"], md["expected"]) == ("report", 6, 8)
    assert pd.isna(md["share"]) and md["completeness_na"] == "national_level"
    uy = ind.unit_year(s2022, 2022).set_index("code")
    assert uy["completeness"].isna().all() and (uy["completeness_na"] == "national_summary").all()


def test_2022_inferred_status_and_partial_participants(s2022):
    uy = ind.unit_year(s2022, 2022)
    inferred = set(uy.loc[uy["status_inferred"] == True, "code"])  # noqa: E712
    assert inferred == set(fx.NOT_REPORTED_2022)
    assert not uy["members_trained_partial"].any()              # no commission gives trainings
    per = ind.periods(s2022, 2022, 2022)
    assert per.loc[per["kind"] == "training", ["start_date_precision", "end_date_precision"]].values.tolist() == [
        ["month", "month"], ["month", "month"]]
    assert set(per["source_lang"]) == {"en"}


def test_2022_details(s2022):
    assert ind.years(s2022) == [2022]
    assert len(ind.topics(s2022, 2022)) == fx.N_TOPICS_2022
    p = ind.partners(s2022, 2022)
    assert len(p) == 8 and set(p["kind"]) == {"ngo"} and set(p["unit_code"]) == {"MD"}
    assert len(ind.challenges(s2022, 2022)) == 18
    per = ind.periods(s2022, 2022, 2022)
    assert rows(per, ["kind", "start_date", "end_date", "count", "participants"]) == [
        ("training", pd.Timestamp("2022-07-01"), pd.Timestamp("2022-10-31"), 5, 125),
        ("training", pd.Timestamp("2022-10-01"), pd.Timestamp("2022-12-31"), 4, None),
        ("campaign", pd.Timestamp("2022-10-17"), pd.Timestamp("2022-10-23"), None, None)]
    und = ind.undated_activities(s2022, 2022, 2022)
    assert rows(und, ["year", "unit_code", "type", "activities", "approximate"]) == [
        (2022, "MD", "information", 500, True)]
    assert ind.activities_timeline(s2022, 2022, 2022).empty
    assert ind.sessions_per_quarter(s2022, 2022, 2022).empty           # the summary has no dates
    assert rows(ind.sessions_per_year(s2022, 2022, 2022), ["year", "sessions"]) == [(2022, 29)]
    assert rows(ind.victims(s2022, 2022, []), ["count"]) == [(27,)]
    assert rows(ind.victims(s2022, 2022, ["unit_code"]), ["unit_code", "count"]) == [("MD", 27)]
    for dim in ("sex", "age_group", "exploitation", "status", "unit_code"):
        assert ind.victim_breakdown_reported(s2022, 2022, dim) is False
    a = ind.assistance(s2022, 2022)
    assert list(a["type"]) == ["legal", "medical", "psychological", "housing"]
    assert a["provided"].all() and a["count"].isna().all()
    assert ind.last_import(s2022) == dt.datetime(2023, 2, 1, 9, 5)


# =============================================================================== multi-year (synthetic)
#
# Cahul MD-CA   2021: 2 sessions; activities information 1 + media 1 (+ training 1, not counted),
#                     participants 30+12 = 42; training 1 row (count 1, 4 trained); victims 3+2 = 5;
#                     partners ngo 1 + IO 1; 1 challenge                         -> met, 8/8 given
#               2022: (v1 superseded); Sessions sheet present but empty -> 0; activities
#                     awareness 1 + information 1 + undated information 10 (approx) = 12 approx,
#                     participants 50+20 = 70; no Trainings sheet -> NA; victims 6; Partners
#                     sheet present, empty -> 0; no Challenges sheet -> NA     -> 5/8 given
#               2023: reported = no                                          -> not_reported, 0
# Ungheni MD-UN 2021: nothing                                                -> not_reported
#               2022: 3 sessions; information 2 (one row, count 2) + media 1 = 3, participants 15;
#                     training row count 2 with no participants -> trainings 2, members NA;
#                     victims 1; 1 ngo; 2 challenges                          -> met, 7/8 given
#               2023: 1 session; victims 4; other sheets absent                -> met, 2/8 given
# national MD   2022: undated information ~100; campaign Fighting TIP Week; victims 10

COLS = ["code", "reporting_status", "sessions", "information_activities", "information_activities_approx",
        "participants", "trainings", "members_trained", "victims", "ngo_partners", "challenges", "completeness"]
EXPECTED_UY = {
    2021: [("MD-CA", "met", 2, 2, False, 42, 1, 4, 5, 1, 1, 1.0),
           ("MD-UN", "not_reported", None, None, False, None, None, None, None, None, None, 0.0)],
    2022: [("MD-CA", "reported_no_sessions", 0, 12, True, 70, None, None, 6, 0, None, 0.625),
           ("MD-UN", "met", 3, 3, False, 15, 2, None, 1, 1, 2, 0.875)],
    2023: [("MD-CA", "not_reported", None, None, False, None, None, None, None, None, None, 0.0),
           ("MD-UN", "met", 1, None, False, None, None, None, 4, None, None, 0.25)],
}
NATIONAL_MULTI_2022 = [
    ("sessions", 3, 2, None, 3, False),
    ("information_activities", 15, 2, 100, 115, True),
    ("participants", 85, 2, None, 85, False),
    ("trainings", 2, 1, None, 2, False),
    ("members_trained", None, 0, None, None, False),
    ("victims", 7, 2, 10, 17, False),
    ("ngo_partners", 1, 2, None, 1, False),
    ("challenges", 2, 1, None, 2, False),
]


@pytest.mark.parametrize("year", [2021, 2022, 2023])
def test_multi_unit_year(multi, year):
    uy = ind.unit_year(multi, year)
    assert rows(uy[uy["code"].isin(["MD-CA", "MD-UN"])], COLS) == EXPECTED_UY[year]
    others = uy[~uy["code"].isin(["MD-CA", "MD-UN"])]
    assert len(others) == 33 and (others["reporting_status"] == "not_reported").all()
    assert others["reported"].isna().all() and (others["completeness"] == 0).all()


def test_multi_years_and_current_only(multi):
    assert ind.years(multi) == [2021, 2022, 2023]
    uy = ind.unit_year(multi, 2022).set_index("code")
    assert uy.at["MD-CA", "file_name"] == "cahul_2022.xlsx"    # not the superseded v1 (1 session)


def test_multi_national_never_spread(multi):
    assert rows(ind.national(multi, 2022), ["indicator", "districts_sum", "districts_reporting", "national_level",
                                            "total", "approximate"]) == NATIONAL_MULTI_2022
    uy = ind.unit_year(multi, 2022)
    assert uy["victims"].sum() == 7 and uy["information_activities"].sum() == 15   # MD's 10 and ~100 stay at MD


def test_multi_sheet_present_vs_absent(multi):
    uy = ind.unit_year(multi, 2022).set_index("code")
    assert uy.at["MD-CA", "sessions"] == 0 and uy.at["MD-CA", "ngo_partners"] == 0    # present, no rows
    assert pd.isna(uy.at["MD-CA", "trainings"]) and pd.isna(uy.at["MD-CA", "challenges"])  # absent


def test_multi_change(multi):
    ch = ind.change(multi, 2022).set_index("code")
    ca, un = ch.loc["MD-CA"], ch.loc["MD-UN"]
    assert (ca["sessions_prev"], ca["sessions_change"]) == (2, -2)
    assert (ca["information_activities_change"], ca["participants_change"]) == (10, 28)
    assert (ca["victims_prev"], ca["victims_change"], ca["ngo_partners_change"]) == (5, 1, -1)
    assert pd.isna(ca["trainings_change"]) and pd.isna(ca["challenges_change"])
    assert all(pd.isna(un[f"{i}_change"]) for i in ind.NUMERIC)           # 2021 not reported
    assert ca["reporting_status_prev"] == "met"
    ch23 = ind.change(multi, 2023).set_index("code")
    assert (ch23.at["MD-UN", "sessions_change"], ch23.at["MD-UN", "victims_change"]) == (-2, 3)
    assert all(pd.isna(ch23.at["MD-CA", f"{i}_change"]) for i in ind.NUMERIC)
    assert len(ch23) == 35


def test_multi_streaks(multi):
    st = ind.reporting_streaks(multi, 2021, 2023).set_index("code")
    assert tuple(st.loc["MD-CA"]) == (1, 2)   # 2023 not reported; 2022 no sessions; 2021 met
    assert tuple(st.loc["MD-UN"]) == (0, 0)
    assert tuple(st.loc["MD-AN"]) == (3, 3) and len(st) == 35
    st22 = ind.reporting_streaks(multi, 2021, 2022).set_index("code")
    assert tuple(st22.loc["MD-CA"]) == (0, 1) and tuple(st22.loc["MD-UN"]) == (0, 0)
    assert tuple(st22.loc["MD-AN"]) == (2, 2)


def test_multi_completeness(multi):
    c = ind.completeness(multi, 2023)
    assert rows(c, ["unit_code", "format", "given", "expected", "share", "reported"]) == [
        ("MD-CA", "report", 0, 8, 0.0, False), ("MD-UN", "report", 2, 8, 0.25, True)]
    c22 = ind.completeness(multi, 2022)
    assert rows(c22, ["unit_code", "given", "share", "completeness_na"]) == [
        ("MD", 2, None, "national_level"), ("MD-CA", 5, 0.625, None), ("MD-UN", 7, 0.875, None)]


def test_multi_activities(multi):
    a = ind.activities(multi, 2022, 2022)
    assert list(a.columns) == ["unit_code", "year", "date", "end_date", "type", "target_group", "participants",
                               "campaign", "description", "count", "approximate", "date_precision",
                               "end_date_precision", "source_lang"]
    assert len(a) == 6 and a["count"].sum() == 115
    assert len(ind.activities(multi, 2021, 2023, units=["MD-UN"])) == 2
    assert len(ind.activities(multi, 2021, 2022, units="MD-CA")) == 6


def test_multi_timeline_month_and_week(multi):
    m = ind.activities_timeline(multi, 2022, 2022, freq="M", by="type")
    assert rows(m, ["period", "type", "activities"]) == [
        (pd.Timestamp("2022-02-01"), "information", 2),
        (pd.Timestamp("2022-10-01"), "awareness_campaign", 1),
        (pd.Timestamp("2022-10-01"), "information", 1),
        (pd.Timestamp("2022-10-01"), "media", 1)]
    w = ind.activities_timeline(multi, 2022, 2022, freq="W", by="type")
    assert rows(w, ["period", "type", "activities"]) == [       # weeks start on Monday
        (pd.Timestamp("2022-02-14"), "information", 2),
        (pd.Timestamp("2022-10-17"), "awareness_campaign", 1),
        (pd.Timestamp("2022-10-17"), "information", 1),
        (pd.Timestamp("2022-10-17"), "media", 1)]
    tg = ind.activities_timeline(multi, 2022, 2022, freq="M", by="target_group")
    assert rows(tg, ["period", "target_group", "activities"]) == [
        (pd.Timestamp("2022-02-01"), "parents", 2), (pd.Timestamp("2022-10-01"), "general_public", 1),
        (pd.Timestamp("2022-10-01"), "teachers", 1), (pd.Timestamp("2022-10-01"), "youth", 1)]
    both = ind.activities_timeline(multi, 2021, 2022, freq="M", by="type", units=["MD-CA"])
    assert rows(both, ["period", "type", "activities"]) == [
        (pd.Timestamp("2021-03-01"), "information", 1), (pd.Timestamp("2021-03-01"), "media", 1),
        (pd.Timestamp("2021-07-01"), "training", 1), (pd.Timestamp("2022-10-01"), "awareness_campaign", 1),
        (pd.Timestamp("2022-10-01"), "information", 1)]
    with pytest.raises(ValueError):
        ind.activities_timeline(multi, 2022, 2022, freq="D")


def test_multi_undated(multi):
    und = ind.undated_activities(multi, 2021, 2023)
    assert rows(und, ["year", "unit_code", "type", "activities", "approximate"]) == [
        (2022, "MD", "information", 100, True), (2022, "MD-CA", "information", 10, True)]
    assert len(ind.undated_activities(multi, 2021, 2023, units=["MD-UN"])) == 0


def test_multi_sessions_quarter_and_year(multi):
    q = ind.sessions_per_quarter(multi, 2021, 2023)
    assert rows(q, ["quarter", "sessions"]) == [("2021Q1", 1), ("2021Q3", 1), ("2022Q1", 1), ("2022Q2", 1),
                                               ("2022Q4", 1), ("2023Q1", 1)]   # superseded 2022-06-06 left out
    assert rows(ind.sessions_per_quarter(multi, 2022, 2022, units=["MD-CA"]), ["quarter", "sessions"]) == []
    y = ind.sessions_per_year(multi, 2021, 2023)
    assert rows(y, ["year", "sessions"]) == [(2021, 2), (2022, 3), (2023, 1)]
    assert rows(ind.sessions_per_year(multi, 2021, 2023, units=["MD-CA"]), ["year", "sessions"]) == [
        (2021, 2), (2022, 0), (2023, None)]


def test_multi_periods(multi):
    p = ind.periods(multi, 2021, 2023)
    assert rows(p, ["kind", "name", "start_date", "end_date", "unit_code", "count", "participants", "organisers"]) == [
        ("training", "NRM", pd.Timestamp("2021-05-10"), pd.Timestamp("2021-05-11"), "MD-CA", 1, 4, "IOM"),
        ("training", "Online safety", pd.Timestamp("2022-09-01"), pd.Timestamp("2022-09-30"), "MD-UN", 2, None,
         "La Strada"),
        ("campaign", "Fighting TIP Week", pd.Timestamp("2022-10-17"), pd.Timestamp("2022-10-23"), "MD", None, None,
         None)]


def test_multi_victims(multi):
    assert rows(ind.victims(multi, 2022, ["unit_code"]), ["unit_code", "count"]) == [
        ("MD", 10), ("MD-CA", 6), ("MD-UN", 1)]
    assert rows(ind.victims(multi, 2022, ["sex"]), ["sex", "count"]) == [("F", 1), ("M", 6), ("unknown", 10)]
    assert rows(ind.victims(multi, 2022, ["sex", "age_group"]), ["sex", "age_group", "count"]) == [
        ("F", "adult", 1), ("M", "adult", 6), ("unknown", "unknown", 10)]
    assert rows(ind.victims(multi, 2022, ["sex"], units=["MD-CA", "MD-UN"]), ["sex", "count"]) == [("F", 1), ("M", 6)]
    assert rows(ind.victims(multi, 2022, []), ["count"]) == [(17,)]
    assert rows(ind.victims(multi, 2021, ["age_group", "status"]), ["age_group", "status", "count"]) == [
        ("adult", "victim", 3), ("child", "presumed_victim", 2)]
    with pytest.raises(ValueError):
        ind.victims(multi, 2022, ["name"])


def test_multi_victim_cells_and_breakdown_reported(multi):
    cells = ind.victim_cells(multi, 2023)
    assert rows(cells, list(cells.columns)) == [("MD-UN", "unknown", "unknown", "unknown", "unknown", 4)]
    assert ind.victim_breakdown_reported(multi, 2022, "sex") is True
    assert ind.victim_breakdown_reported(multi, 2022, "unit_code") is True
    assert ind.victim_breakdown_reported(multi, 2023, "sex") is False
    assert ind.victim_breakdown_reported(multi, 2021, "status") is True


def test_multi_assistance(multi):
    a = ind.assistance(multi, 2021)
    # legal 3+2 given on both rows; medical "yes" without counts; psychological 0 and blank;
    # housing blank and 1
    assert rows(a, ["type", "count", "provided"]) == [
        ("legal", 5, True), ("medical", None, True), ("psychological", None, False), ("housing", None, True)]
    none = ind.assistance(multi, 2023, units=["MD-CA"])
    assert none["count"].isna().all() and not none["provided"].any()


def test_multi_unit_profile(multi):
    p = ind.unit_profile(multi, "MD-CA", 2022)
    assert set(p) >= {"summary", "sessions", "topics", "activities", "trainings", "victims", "partners",
                      "challenges", "submissions"}
    assert rows(p["summary"], ["code", "reporting_status", "sessions", "victims", "completeness"]) == [
        ("MD-CA", "reported_no_sessions", 0, 6, 0.625)]
    assert p["sessions"].empty and p["trainings"].empty and len(p["activities"]) == 3
    assert rows(p["victims"], ["dimension", "category", "count"]) == [
        ("sex", "M", 6), ("age_group", "adult", 6), ("exploitation", "labour", 6), ("status", "victim", 6)]
    sub = p["submissions"]
    assert rows(sub, ["file_name", "status"]) == [("cahul_2022.xlsx", "current"), ("cahul_2022_v1.xlsx", "superseded")]
    assert {"sha256", "imported_at", "imported_by"} <= set(sub.columns)
    md = ind.unit_profile(multi, "MD", 2022)
    assert rows(md["summary"], ["code", "victims", "information_activities"]) == [("MD", 10, 100)]
    assert len(md["campaigns"]) == 1
    empty = ind.unit_profile(multi, "MD-AN", 2022)
    assert rows(empty["summary"], ["code", "reporting_status", "completeness"]) == [("MD-AN", "not_reported", 0.0)]
    assert empty["victims"].empty and empty["submissions"].empty


def test_multi_topics_partners_challenges(multi):
    t = ind.topics(multi, 2022)
    assert rows(t, ["unit_code", "topic", "source"]) == [("MD-UN", "plan", "session"), ("MD-UN", "report", "session")]
    assert rows(ind.partners(multi, 2021), ["unit_code", "organisation", "kind"]) == [
        ("MD-CA", "AO Alpha", "ngo"), ("MD-CA", "IOM", "international_organisation")]
    assert rows(ind.challenges(multi, 2022, units=["MD-UN"]), ["text", "category"]) == [
        ("turnover", "staff"), ("no budget", "money")]
    assert ind.challenges(multi, 2022, units=["MD-CA"]).empty


def test_frames_carry_the_victim_cells(multi):
    uy = ind.unit_year(multi, 2022)
    info = uy.attrs[ind.VICTIMS_ATTR]
    assert info["year"] == 2022 and sum(c[-1] for c in info["cells"]) == 17
    assert ind.change(multi, 2022).attrs[ind.VICTIMS_PREV_ATTR]["year"] == 2021
    assert ind.victims(multi, 2022, ["sex"], units=["MD-CA"]).attrs[ind.VICTIMS_ATTR]["units"] == ("MD-CA",)
    from tipdash import privacy
    assert (ind.VICTIMS_ATTR, ind.VICTIMS_PREV_ATTR) == (privacy.ATTR, privacy.ATTR_PREV)


def test_empty_database(tmp_path):
    db = tmp_path / "empty.duckdb"
    with store_mod.write(db):
        pass
    s = store_mod.Store(db)
    assert ind.years(s) == [] and ind.last_import(s) is None
    uy = ind.unit_year(s, 2022)
    assert len(uy) == 35 and (uy["reporting_status"] == "not_reported").all()
    nat = ind.national(s, 2022)
    assert nat["total"].isna().all() and (nat["districts_reporting"] == 0).all()
