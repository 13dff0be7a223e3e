"""The national statistical series (format C, data/national/): well-formed, and true to its sources.

Stdlib `csv` only, no tipdash imports: the data must hold up before any importer reads it. NBS
values are compared with the verbatim provenance copy in data/national/sources/.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

NATIONAL = Path(__file__).resolve().parent.parent / "data" / "national"
SERIES = NATIONAL / "national_series.csv"
SOURCES = NATIONAL / "sources.csv"
NBS_COPY = NATIONAL / "sources" / "nbs_sdg_16-2-2.csv"

SERIES_HEADER = ["year", "indicator", "breakdown", "value", "unit", "source", "note"]
SOURCES_HEADER = ["source", "publisher", "title", "url", "licence", "accessed", "note"]
UNIT_OF = {"victims_identified": "persons", "victims_identified_share": "percent",
           "victims_identified_rate": "per_100k"}
NOTE_CODES = {"provisional", "inconsistent_breakdown", "rate_count_mismatch", "sources_differ"}
ISO_DESTINATIONS = {"MD", "RU", "DE", "PL", "TR", "IT", "PT", "ES", "CY", "RO", "GR", "CZ"}
DIMENSIONS = {  # in the order a combined breakdown must follow
    "sex": {"female", "male"},
    "age": {"child", "adult"},
    "exploitation": {"sexual", "labour", "begging", "mixed", "surrogacy", "criminal_activities", "organ_removal"},
    "destination": ISO_DESTINATIONS | {"other"},
    "residence": {"urban", "rural", "abroad", "no_fixed_residence"},
    "education": {"higher", "incomplete_higher", "specialised_secondary", "secondary", "incomplete_secondary",
                  "primary", "other", "illiterate"},
}
DIM_ORDER = list(DIMENSIONS)

# NBS column -> (dimension, {NBS label: category}); the mapping documented in data/national/README.md
NBS_COLUMNS = {
    "Sex": ("sex", {"Men": "male", "Women": "female"}),
    "Groups of persons": ("age", {"Adults": "adult", "Children": "child"}),
    "Countries of destination": ("destination", {
        "Republic of Moldova": "MD", "Russian Federation": "RU", "Germany": "DE", "Poland": "PL", "Turkey": "TR",
        "Italy": "IT", "Portugal": "PT", "Spain": "ES", "Cyprus": "CY", "Romania": "RO", "Greece": "GR",
        "Czech": "CZ", "Other": "other"}),
    "Forms of exploitation": ("exploitation", {
        "Sexual": "sexual", "Work": "labour", "Begging": "begging", "Mixt": "mixed", "Surrogate": "surrogacy",
        "Engaging in criminal activities": "criminal_activities",
        "Sampling of human organs, tissues or cells": "organ_removal"}),
    "Area of residence": ("residence", {
        "Urban": "urban", "Rural": "rural", "Resident of another country": "abroad",
        "Person with no permanent place of residence": "no_fixed_residence"}),
    "Level of education": ("education", {
        "Higher education": "higher", "Incomplete higher education": "incomplete_higher",
        "Specialized secondary education": "specialised_secondary", "Secondary education": "secondary",
        "Incomplete secondary education": "incomplete_secondary", "Primary education": "primary",
        "Other level of education": "other", "Illiterate": "illiterate"}),
}
NBS = "nbs_sdg_16_2_2"


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def breakdown_problem(breakdown: str) -> str | None:
    """Why a breakdown is malformed, or None."""
    if breakdown == "total":
        return None
    seen: list[str] = []
    for part in breakdown.split("&"):
        dim, sep, cat = part.partition(":")
        if not sep or dim not in DIMENSIONS:
            return f"unknown dimension in {part!r}"
        if cat not in DIMENSIONS[dim]:
            return f"unknown {dim} category {cat!r}"
        seen.append(dim)
    if seen != sorted(set(seen), key=DIM_ORDER.index):
        return "dimensions repeated or out of order"
    return None


def row_problems(rows: list[dict[str, str]], source_ids: set[str]) -> list[str]:
    """Every violation of the format-C rules (docs/FORMATS.md §C), as 'row N: column: value: why'."""
    out: list[str] = []
    keys: Counter = Counter()
    for n, r in enumerate(rows, start=2):
        def bad(col: str, why: str) -> None:
            out.append(f"row {n}: {col}: {r.get(col)!r}: {why}")
        if not re.fullmatch(r"\d{4}", r["year"]) or not 2011 <= int(r["year"]) <= 2025:
            bad("year", "not a year in 2011-2025")
        if r["indicator"] not in UNIT_OF:
            bad("indicator", "unknown indicator")
        elif r["unit"] != UNIT_OF[r["indicator"]]:
            bad("unit", f"unit of {r['indicator']} is {UNIT_OF[r['indicator']]}")
        if (why := breakdown_problem(r["breakdown"])) is not None:
            bad("breakdown", why)
        if not re.fullmatch(r"\d+(\.\d+)?", r["value"]):
            bad("value", "not a number >= 0")
        elif r["unit"] == "persons" and not r["value"].isdigit():
            bad("value", "a count must be an integer")
        elif r["unit"] == "percent" and float(r["value"]) > 100:
            bad("value", "a share above 100 %")
        if r["source"] not in source_ids:
            bad("source", "not defined in sources.csv")
        if r["note"] and not set(r["note"].split(";")) <= NOTE_CODES:
            bad("note", "unknown note code")
        keys[(r["year"], r["indicator"], r["breakdown"], r["source"])] += 1
    out += [f"duplicate {k}" for k, c in keys.items() if c > 1]
    return out


@pytest.fixture(scope="module")
def series() -> list[dict[str, str]]:
    header, rows = read(SERIES)
    assert header == SERIES_HEADER
    return rows


@pytest.fixture(scope="module")
def sources() -> dict[str, dict[str, str]]:
    header, rows = read(SOURCES)
    assert header == SOURCES_HEADER
    ids = [r["source"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate source id"
    return {r["source"]: r for r in rows}


def one(series, year: int, indicator: str, breakdown: str = "total") -> dict[str, str]:
    found = [r for r in series if r["year"] == str(year) and r["indicator"] == indicator
             and r["breakdown"] == breakdown]
    assert len(found) == 1, (year, indicator, breakdown, found)
    return found[0]


# ------------------------------------------------------------------ well-formed

def test_every_row_follows_the_format(series, sources):
    assert len(series) > 300
    assert row_problems(series, set(sources)) == []


def test_the_checks_reject_bad_rows(sources):
    good = {"year": "2022", "indicator": "victims_identified", "breakdown": "total", "value": "150",
            "unit": "persons", "source": "tip_2023", "note": ""}
    bad_rows = [dict(good, year="2010"), dict(good, indicator="victims"), dict(good, unit="per_100k"),
                dict(good, breakdown="age:child&sex:female"), dict(good, breakdown="sex:woman"),
                dict(good, value="-1"), dict(good, value="1.5"), dict(good, value=""),
                dict(good, source="tip_1999"), dict(good, note="estimated")]
    problems = row_problems(bad_rows, set(sources))
    assert [p.split(":")[1].strip() for p in problems if p.startswith("row ")] == [
        "year", "indicator", "unit", "breakdown", "breakdown", "value", "value", "value", "source", "note"]
    assert row_problems([good, dict(good)], set(sources)) == [
        "duplicate ('2022', 'victims_identified', 'total', 'tip_2023')"]


def test_sources_are_defined_used_and_licensed(series, sources):
    assert {r["source"] for r in series} == set(sources)
    for sid, s in sources.items():
        assert re.fullmatch(r"[a-z0-9_]+", sid)
        assert s["publisher"] and s["title"] and s["licence"], sid
        assert s["url"].startswith(("http://", "https://")), sid
        assert s["accessed"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["accessed"]), sid
    assert sources[NBS]["licence"].startswith("MIT")
    assert all(s["licence"].startswith("US government work, public domain")
               for sid, s in sources.items() if sid.startswith("tip_"))
    assert all("figures quoted from the article" in s["licence"]
               for sid, s in sources.items() if sid in {"curentul_2013_stats", "eapmp_thb_week", "tip_2025"})


def test_no_cell_could_be_read_as_a_formula_or_uses_cedilla():
    for path in (SERIES, SOURCES):
        text = path.read_text(encoding="utf-8")
        assert not set("şţŞŢ") & set(text), path
        for row in csv.reader(text.splitlines()):
            assert not [c for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")], (path, row)


# ------------------------------------------------------------------ true to the NBS file

def nbs_expected() -> dict[tuple[str, str], str]:
    """(year, breakdown) -> value for every non-empty value of the NBS copy."""
    header, rows = read(NBS_COPY)
    assert header == ["Year", *NBS_COLUMNS, "Value"]
    out = {}
    for r in rows:
        if not r["Value"].strip():
            continue
        parts = [f"{dim}:{labels[r[col]]}" for col, (dim, labels) in NBS_COLUMNS.items() if r[col]]
        assert len(parts) <= 1, r
        key = (r["Year"], parts[0] if parts else "total")
        assert key not in out, key
        out[key] = r["Value"]
    return out


def test_nbs_rows_are_exactly_the_non_empty_values_of_the_copy(series):
    expected = nbs_expected()
    mine = [r for r in series if r["source"] == NBS]
    assert len(mine) == len(expected) == 312
    assert {(r["year"], r["breakdown"]): r["value"] for r in mine} == expected
    assert all(r["indicator"] == "victims_identified_rate" and r["unit"] == "per_100k" for r in mine)
    assert {r["year"] for r in mine} == {str(y) for y in range(2014, 2026)}  # 2010-2013 are empty


def test_nbs_spot_values(series):
    assert one(series, 2022, "victims_identified_rate")["value"] == "6.1"
    assert one(series, 2014, "victims_identified_rate", "sex:female")["value"] == "12"
    assert one(series, 2019, "victims_identified_rate", "destination:GR")["value"] == "3.3"
    assert one(series, 2023, "victims_identified_rate", "exploitation:criminal_activities")["value"] == "2.1"
    assert one(series, 2025, "victims_identified_rate", "residence:rural")["value"] == "3.06"
    assert one(series, 2025, "victims_identified_rate", "education:incomplete_secondary")["value"] == "0.58"


def test_nbs_flags(series):
    total_2025 = one(series, 2025, "victims_identified_rate")
    assert total_2025["value"] == "4.5" and "provisional" in total_2025["note"].split(";")
    assert all("provisional" in r["note"].split(";") for r in series if r["year"] == "2025")
    assert "provisional" not in {c for r in series if r["year"] != "2025" for c in r["note"].split(";")}
    for sex, value in (("male", "2"), ("female", "1.5")):
        row = one(series, 2025, "victims_identified_rate", f"sex:{sex}")
        assert row["value"] == value and "inconsistent_breakdown" in row["note"].split(";")
    rate_2021 = one(series, 2021, "victims_identified_rate")
    assert rate_2021["value"] == "13.9" and rate_2021["note"] == "rate_count_mismatch"
    flagged = {(r["year"], r["indicator"], r["breakdown"]) for r in series if "rate_count_mismatch" in r["note"]}
    assert flagged == {(y, i, "total") for y in ("2021", "2024")
                       for i in ("victims_identified", "victims_identified_rate")}


# ------------------------------------------------------------------ true to the reports and articles

@pytest.mark.parametrize("year,value,source", [
    (2011, "154", "greta_2016"), (2012, "290", "greta_2016"), (2013, "262", "greta_2016"),
    (2014, "264", "greta_2016"), (2015, "310", "greta_2016"), (2016, "232", "tip_2018"),
    (2017, "249", "tip_2018"), (2018, "364", "tip_2020"), (2019, "341", "tip_2020"), (2020, "138", "tip_2022"),
    (2021, "312", "tip_2023"), (2022, "150", "tip_2023"), (2023, "167", "tip_2025"), (2024, "149", "tip_2025")])
def test_identified_victims_per_year(series, year, value, source):
    row = one(series, year, "victims_identified")
    assert (row["value"], row["unit"], row["source"]) == (value, "persons", source)


def test_breakdowns_as_published(series):
    def v(year, breakdown, indicator="victims_identified"):
        return one(series, year, indicator, breakdown)["value"]
    assert [v(2014, f"exploitation:{e}") for e in ("sexual", "labour", "begging", "criminal_activities")] == [
        "116", "91", "53", "4"]
    assert (v(2014, "age:child"), v(2014, "age:adult")) == ("26", "238")
    assert [v(2013, b) for b in ("sex:female&age:adult", "sex:male&age:adult", "sex:female&age:child",
                                 "sex:male&age:child")] == ["153", "80", "21", "8"]
    assert [v(y, "destination:MD") for y in range(2011, 2016)] == ["30", "25", "34", "33", "97"]
    assert v(2014, "destination:RU") == "134"
    assert [v(2021, f"age:child&exploitation:{e}") for e in ("sexual", "labour", "mixed")] == ["11", "20", "1"]
    assert (v(2022, "exploitation:sexual"), v(2022, "exploitation:labour"), v(2022, "age:child")) == (
        "53", "97", "44")
    adults_2018 = one(series, 2018, "victims_identified", "age:adult")
    assert (adults_2018["value"], adults_2018["note"]) == ("305", "sources_differ")


def test_shares_only_where_no_count_is_published(series):
    shares = {(r["year"], r["breakdown"]): r["value"] for r in series if r["indicator"] == "victims_identified_share"}
    assert shares == {("2011", "exploitation:labour"): "29", ("2015", "exploitation:sexual"): "45",
                      ("2015", "exploitation:labour"): "44", ("2015", "exploitation:begging"): "9"}
    counts = {(r["year"], r["breakdown"]) for r in series if r["indicator"] == "victims_identified"}
    assert not set(shares) & counts


def test_nothing_derived(series):
    """Values the research notes mark (D) are not data: 2013 sex totals, 2018 adults by subtraction."""
    counts = {(r["year"], r["breakdown"]) for r in series if r["indicator"] == "victims_identified"}
    assert ("2013", "sex:female") not in counts and ("2013", "sex:male") not in counts
    assert one(series, 2018, "victims_identified", "age:adult")["value"] != "304"
    assert {r["year"] for r in series} <= {str(y) for y in range(2011, 2026)}
