"""tipdash.privacy: single figures, lines (checked against brute force), and an audit of every
view the app allows on a SYNTHETIC data set: every published figure becomes an equation or an
interval over the victim cells, and for every suppressed figure (and every small count any
view could show) we exhibit a second set of cells that satisfies all published figures but
gives it a different value -- so no view combination pins it down."""
from __future__ import annotations

import itertools
import random
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from tests import fixtures_db as fx
from tipdash import indicators as ind
from tipdash import privacy as P
from tipdash import store as store_mod
from tipdash.privacy.lines import _ranges

DIMS = P.DIMS
UNIVERSE = {  # every category a reader could think of (tipdash/vocab.py)
    "sex": ("F", "M", "unknown"),
    "age_group": ("child", "adult", "unknown"),
    "exploitation": ("sexual", "labour", "begging", "criminal_activities", "organ_removal", "other", "unknown"),
    "status": ("victim", "presumed_victim", "unknown"),
}


@pytest.fixture(autouse=True)
def _default_threshold(monkeypatch):
    monkeypatch.delenv(P.ENV, raising=False)


# =============================================================================== single figures

def test_threshold_and_label(monkeypatch):
    assert P.threshold() == 5 and P.label() == "<5" and P.label(3) == "<3"
    monkeypatch.setenv(P.ENV, "10")
    assert P.threshold() == 10 and P.label() == "<10"
    assert P.protect_value(7) == "<10" and P.protect_value(10) == 10
    monkeypatch.setenv(P.ENV, "ten")
    with pytest.raises(ValueError):
        P.threshold()
    monkeypatch.setenv(P.ENV, "0")
    with pytest.raises(ValueError):
        P.threshold()


@pytest.mark.parametrize("raw, shown", [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (27, 27)])
def test_protect_value(raw, shown):
    assert P.protect_value(raw) == shown
    assert P.protect_value(np.int64(raw)) == shown


@pytest.mark.parametrize("na", [None, pd.NA, float("nan")])
def test_na_stays_na(na):
    assert P.protect_value(na) is na
    df = pd.DataFrame({"code": ["A", "B"], "victims": pd.array([None, 12], dtype="Int64")})
    out = P.protect_units(df)
    assert pd.isna(out.at[0, "victims"]) and out.at[1, "victims"] == 12


def test_is_suppressed():
    assert P.is_suppressed("<5") and P.is_suppressed("x") and P.is_suppressed(P.label(12))
    assert not any(P.is_suppressed(v) for v in (0, 5, None, "5", pd.NA))


# =============================================================================== lines

def brute_range(values, status, total_published, t=5):
    """Min and max of every suppressed cell over all integer completions (primary 1..t-1,
    secondary >= t) consistent with the published cells and total."""
    sup = [i for i, s in enumerate(status) if s != P.PUB]
    k = sum(v for v, s in zip(values, status) if s != P.PUB)
    cands = [range(1, t) if status[i] == P.PRIMARY else range(t, max(t, k) + 1) for i in sup]
    seen = defaultdict(set)
    for combo in itertools.product(*cands):
        if total_published and sum(combo) != k:
            continue
        for i, v in zip(sup, combo):
            seen[i].add(v)
    return {i: (min(v), max(v)) for i, v in seen.items()}


def test_lines_against_brute_force():
    rng = random.Random(20240601)
    checked = 0
    for _ in range(400):
        n = rng.randint(2, 6)
        values = [rng.choice([0, 1, 1, 2, 3, 4, 5, 5, 6, 7, 9, 14]) for _ in range(n)]
        if sum(values) < 5:
            continue
        status, total_status = P.protect_lines([values])
        status = status[0]
        assert all((s == P.PRIMARY) == (1 <= v <= 4) or s == P.SECOND for v, s in zip(values, status))
        assert all(v > 0 for v, s in zip(values, status) if s == P.SECOND)   # complements are non-zero
        if total_status != P.PUB:
            continue
        if sum(1 for s in status if s != P.PUB) > 5:
            continue
        brute = brute_range(values, status, True)
        ours, _ = _ranges([values], [status], total_status, 5)
        for i, (lo, hi) in brute.items():
            assert hi > lo, (values, status, i)                       # never pinned
            assert ours[(0, i)] == (lo, hi), (values, status)         # the interval formula is exact
            assert lo <= values[i] <= hi
        checked += 1
    assert checked > 150


def test_one_suppressed_unit_gets_the_smallest_non_zero_complement():
    df = pd.DataFrame({"code": list("ABCDE"), "victims": [3, 0, 7, 12, 30]})
    out = P.protect_units(df, national_total=52)
    assert list(out["victims"]) == ["<5", 0, "x", 12, 30]
    assert out.attrs[P.TOTAL_ATTR] == 52


def test_pair_that_would_pin_gets_a_third_cell():
    # 1 + 5: the total leaves 1 <= A <= 4 and B >= 5 with A + B = 6 -> A = 1; take 6 instead of 5
    df = pd.DataFrame({"code": list("ABCD"), "victims": [1, 5, 6, 30]})
    assert list(P.protect_units(df)["victims"]) == ["<5", 5, "x", 30]
    # two cells summing to 2 pin each other: suppress another one
    df = pd.DataFrame({"code": list("ABCD"), "victims": [1, 1, 20, 30]})
    out = list(P.protect_units(df)["victims"])
    assert out[:2] == ["<5", "<5"] and out[2] == "x" and out[3] == 30


def test_all_cells_small_suppress_the_total():
    df = pd.DataFrame({"code": list("ABCDE"), "victims": [1, 1, 1, 1, 1]})
    out = P.protect_units(df)
    assert list(out["victims"]) == ["<5"] * 5 and out.attrs[P.TOTAL_ATTR] == "x"


def test_small_total_withholds_everything():
    df = pd.DataFrame({"code": list("ABCD"), "victims": [1, 1, 0, 2]})
    out = P.protect_units(df)
    assert list(out["victims"]) == ["x"] * 4 and out.attrs[P.TOTAL_ATTR] == "<5"


def test_zero_stays_zero_and_threshold_override(monkeypatch):
    df = pd.DataFrame({"code": list("ABC"), "victims": [0, 7, 9]})
    assert list(P.protect_units(df)["victims"]) == [0, 7, 9]
    monkeypatch.setenv(P.ENV, "8")
    out = P.protect_units(df)
    assert out.at[0, "victims"] == 0 and out.at[1, "victims"] == "<8" and out.at[2, "victims"] == "x"


def test_protect_breakdown_local():
    df = pd.DataFrame({"sex": ["F", "M", "unknown"], "count": [2, 9, 20]})
    out = P.protect_breakdown(df, total=31)
    assert list(out["count"]) == ["<5", "x", 20] and out["count"].dtype == object
    long = pd.DataFrame({"dimension": ["sex", "sex", "age_group"], "category": ["F", "M", "adult"],
                         "count": [3, 6, 9]})
    out = P.protect_breakdown(long)
    assert list(out["count"]) == ["<5", "x", 9]


def test_protect_national_local():
    nat = pd.DataFrame({"indicator": ["sessions", "victims"], "districts_sum": [10, 47],
                        "national_level": [None, 3], "total": [10, 50]})
    out = P.protect_national(nat).set_index("indicator")
    assert out.loc["victims"].tolist() == ["x", "<5", 50]       # 50 - 47 would give the 3 away
    assert out.loc["sessions"].tolist() == [10, None, 10] or pd.isna(out.loc["sessions", "national_level"])


# =============================================================================== synthetic data

UNITS = ("MD", "MD-BA", "MD-CA", "MD-CU", "MD-SO", "MD-UN")


def synthetic_cells(seed: int = 7) -> dict[int, list[tuple]]:
    """SYNTHETIC victim cells (not real data): a designed year with complements in every line,
    two random years with many small counts, one year of five single victims (the total has to
    be suppressed) and one year whose total is below the threshold.
    Returns {year: [(unit, sex, age_group, exploitation, status, count)]}."""
    rng = random.Random(seed)
    out: dict[int, list[tuple]] = {2019: [
        ("MD", "unknown", "unknown", "unknown", "unknown", 12),
        ("MD-CA", "F", "adult", "sexual", "victim", 3), ("MD-CA", "M", "adult", "labour", "victim", 9),
        ("MD-UN", "F", "child", "sexual", "presumed_victim", 1),
        ("MD-CU", "unknown", "unknown", "unknown", "unknown", 25),
        ("MD-BA", "unknown", "unknown", "unknown", "unknown", 0),
        ("MD-SO", "F", "adult", "labour", "victim", 6)]}
    cats = {"sex": ("F", "M", "unknown"), "age_group": ("child", "adult", "unknown"),
            "exploitation": ("sexual", "labour", "begging", "unknown"), "status": ("victim", "presumed_victim")}
    for year in (2020, 2021):
        cells = []
        for unit in UNITS:
            kind = rng.choices(["na", "zero", "summary", "report"], [1, 1, 3, 5])[0]
            if kind == "zero":
                cells.append((unit, "unknown", "unknown", "unknown", "unknown", 0))
            elif kind == "summary":
                cells.append((unit, "unknown", "unknown", "unknown", "unknown", rng.choice([1, 2, 4, 5, 6, 11])))
            elif kind == "report":
                for _ in range(rng.randint(1, 3)):
                    cells.append((unit, *(rng.choice(cats[d]) for d in DIMS), rng.choice([1, 1, 2, 3, 5, 6, 8])))
        out[year] = cells
    out[2022] = [(u, "unknown", "unknown", "unknown", "unknown", 1) for u in UNITS[1:]]
    out[2023] = [("MD-CA", "F", "adult", "sexual", "victim", 1), ("MD-UN", "M", "adult", "labour", "victim", 2),
                 ("MD-SO", "unknown", "unknown", "unknown", "unknown", 0)]
    return out


def unit_subsets():
    yield None
    for k in (1, 2, 3):
        yield from itertools.combinations(UNITS, k)


BYS = [(["unit_code"] if u else []) + list(d)
       for u in (False, True) for k in (0, 1, 2) for d in itertools.combinations(DIMS, k)]


def enumerate_views(bases):
    """Every (year, unit filter, breakdown, with/without total) view of the bases: 5 x 42 x 22 x 2."""
    figs, n_views = [], 0
    for year, b in bases.items():
        for units in unit_subsets():
            for by in BYS:
                for with_total in (False, True):
                    n_views += 1
                    for f in b.view_figures(by, units, with_total):
                        figs.append((year, f.units, f.dims, f.value))
    return figs, n_views


class Audit:
    """One year's published figures as constraints over the cells (unit x 4 categories)."""

    def __init__(self, b: P.VictimBase, figures):
        self.b, self.t = b, b.t
        self.keys = [(u, *c) for u in b.units for c in itertools.product(*(UNIVERSE[d] for d in DIMS))]
        self.index = {k: i for i, k in enumerate(self.keys)}
        self.coord = [np.array([k[p] for k in self.keys], dtype=object) for p in range(5)]
        self.x = np.array([b.cells.get(k, 0) for k in self.keys], dtype=np.int64)
        labels: dict[tuple, object] = {}
        for units, dims, value in figures:
            key = (frozenset(units), tuple(sorted(dims)))
            assert labels.setdefault(key, value) == value or (pd.isna(value) and pd.isna(labels[key])), \
                f"inconsistent views: {key} shown as {labels[key]!r} and {value!r}"
        # the categories the views list tell that the other categories are 0 nationally
        for d in DIMS:
            for c in UNIVERSE[d]:
                if c not in b.categories[d]:
                    labels.setdefault((frozenset(b.units), ((d, c),)), 0)
        self.labels = {k: v for k, v in labels.items() if not pd.isna(v)}
        self.masks = {k: self.mask(*k) for k in self.labels}
        exact = [(k, v) for k, v in self.labels.items() if not P.is_suppressed(v)]
        self.E = np.array([self.masks[k] for k, _ in exact], dtype=bool).reshape(len(exact), len(self.keys))
        self.e_val = np.array([v for _, v in exact], dtype=np.int64)
        self.E64 = self.E.astype(np.int64)
        designated = {(frozenset([u]), ()) for u in b.units} | {(frozenset(b.units), ())}
        designated |= {(frozenset(b.units), ((d, c),)) for d in DIMS for c in b.categories[d]}
        self.designated = designated
        bounds = []
        for k, v in self.labels.items():
            if v == P.label(self.t):
                bounds.append((self.masks[k], 1, self.t - 1))
            elif v == P.SECONDARY and not b.withheld and k in designated:
                bounds.append((self.masks[k], self.t, 10 ** 9))     # a complement is non-zero, not small
        self.B = np.array([m for m, _, _ in bounds], dtype=np.int64).reshape(len(bounds), len(self.keys))
        self.lo = np.array([lo for _, lo, _ in bounds], dtype=np.int64)
        self.hi = np.array([hi for _, _, hi in bounds], dtype=np.int64)
        sig = defaultdict(list)
        for i in range(len(self.keys)):
            sig[self.E[:, i].tobytes()].append(i)
        self.classes = list(sig.values())
        self.free = sig.get(np.zeros(len(exact), bool).tobytes(), [])   # cells in no exact figure

    def mask(self, units, dims):
        m = np.isin(self.coord[0], list(units))
        for n, v in dims:
            m &= self.coord[1 + DIMS.index(n)] == v
        return m

    def consistent(self, x) -> bool:
        if (x < 0).any() or (len(self.e_val) and not np.array_equal(self.E64 @ x, self.e_val)):
            return False
        v = self.B @ x
        return bool(((v >= self.lo) & (v <= self.hi)).all())

    def _moves(self, x, target):
        """Single moves of one victim between cells that every exact figure treats alike (or
        adding/removing one in a cell no exact figure covers) which change the target."""
        vals = self.B @ x
        for cls in self.classes:
            inside = [i for i in cls if target[i]]
            outside = [i for i in cls if not target[i]]
            if not inside or not outside:
                continue
            for srcs, dsts, step in ((inside, outside, -1), (outside, inside, +1)):
                dsts = np.array(dsts)
                for s in srcs:
                    if x[s] <= 0:
                        continue
                    new = vals[:, None] - self.B[:, [s]] + self.B[:, dsts]
                    ok = ((new >= self.lo[:, None]) & (new <= self.hi[:, None])).all(axis=0)
                    if ok.any():
                        yield s, int(dsts[np.argmax(ok)]), step
        for i in self.free:
            if target[i]:
                for delta in (+1, -1):
                    if x[i] + delta >= 0:
                        new = vals + delta * self.B[:, i]
                        if ((new >= self.lo) & (new <= self.hi)).all():
                            yield (i if delta < 0 else None), (i if delta > 0 else None), delta

    def swaps(self) -> list[dict[int, int]]:
        """Compound moves that keep every exact figure: two occupied cells exchange some of their
        coordinates (unit, sex, age, exploitation, status), one victim each. Every one-way
        margin stays the same; the others are checked."""
        out = []
        vals = self.B @ self.x
        occupied = [i for i in range(len(self.keys)) if self.x[i] > 0]
        for i, j in itertools.combinations(occupied, 2):
            ki, kj = self.keys[i], self.keys[j]
            diff = [p for p in range(5) if ki[p] != kj[p]]
            for r in range(1, len(diff)):
                for sub in itertools.combinations(diff, r):
                    ni = tuple(kj[p] if p in sub else ki[p] for p in range(5))
                    nj = tuple(ki[p] if p in sub else kj[p] for p in range(5))
                    if ni not in self.index or nj not in self.index:
                        continue
                    d: dict[int, int] = defaultdict(int)
                    for c, v in ((i, -1), (j, -1), (self.index[ni], 1), (self.index[nj], 1)):
                        d[c] += v
                    d = {c: v for c, v in d.items() if v}
                    idx, coef = np.array(list(d)), np.array(list(d.values()))
                    if len(self.e_val) and (self.E64[:, idx] @ coef).any():
                        continue
                    new = vals + self.B[:, idx] @ coef
                    if ((new >= self.lo) & (new <= self.hi)).all():
                        x = self.x.copy()
                        x[idx] += coef
                        assert self.consistent(x)
                        out.append(d)
        return out

    def witnessed_range(self, target, swaps) -> tuple[int, int]:
        """min and max of the target over the true cells and the consistent cell sets one move
        (single move, add/remove, or swap) away from them."""
        v0 = int(target @ self.x)
        seen = {v0}
        for s, d, step in self._moves(self.x, target):
            seen.add(v0 + step)
            if len(seen) == 3:
                break
        for d in swaps:
            delta = sum(v for c, v in d.items() if target[c])
            if delta:
                seen.add(v0 + delta)
        return min(seen), max(seen)


@pytest.fixture(scope="module")
def synthetic():
    cells = synthetic_cells()
    return cells, {y: P.VictimBase(c) for y, c in cells.items()}


def test_synthetic_data_covers_the_hard_cases(synthetic):
    _, bases = synthetic
    assert bases[2022].total_status == P.SECOND                 # five 1s: the total goes
    assert bases[2023].withheld                                  # total 3: only "<5" is shown
    statuses = {s for b in bases.values() for _, _, s in b.suppressed()}
    assert {P.PRIMARY, P.SECOND, P.WITHHELD} <= statuses
    lines = {line for line, _, s in bases[2019].suppressed() if s == P.SECOND}
    assert lines == {"unit", "age_group", "exploitation", "status"}


def test_no_view_combination_pins_a_suppressed_or_small_figure(synthetic):
    _, bases = synthetic
    figs, n_views = enumerate_views(bases)
    assert 3000 <= n_views <= 10000
    by_year = defaultdict(list)
    for year, units, dims, value in figs:
        by_year[year].append((units, dims, value))
    report = []
    for year, b in bases.items():
        audit = Audit(b, by_year[year])
        assert audit.consistent(audit.x), "the true cells must satisfy every published figure"
        targets = {k: m for k, m in audit.masks.items()
                   if (k in audit.designated and P.is_suppressed(audit.labels[k])) or 1 <= int(m @ audit.x) < b.t}
        for i, k in enumerate(audit.keys):                        # single cells too
            if 1 <= audit.x[i] < b.t:
                m = np.zeros(len(audit.keys), bool)
                m[i] = True
                targets[("cell", k)] = m
        swaps = audit.swaps()
        for key, m in targets.items():
            if not m.any():
                continue
            lo, hi = audit.witnessed_range(m, swaps)
            report.append((year, key, audit.labels.get(key), int(m @ audit.x), lo, hi))
            assert hi > lo, f"{year} {key} ({audit.labels.get(key)}) is determined: {lo}"
    assert len(report) > 100


def test_the_audit_catches_a_leak(synthetic):
    """Publishing one more exact figure -- the sum of a suppressed unit and a published one,
    as a view protected on its own would -- pins the suppressed unit, and the audit says so."""
    _, bases = synthetic
    b = bases[2019]
    figs = [(f.units, f.dims, f.value) for f in b.view_figures(["unit_code"], None, True)]
    audit = Audit(b, figs)
    un = audit.mask(frozenset(["MD-UN"]), ())
    assert audit.labels[(frozenset(["MD-UN"]), ())] == "<5"
    lo, hi = audit.witnessed_range(un, audit.swaps())
    assert hi > lo
    leaky = Audit(b, figs + [(frozenset(["MD-UN", "MD-CU"]), (), 26)])   # 1 + 25, "not small"
    assert leaky.consistent(leaky.x)
    assert leaky.witnessed_range(un, leaky.swaps()) == (1, 1)


def test_change_column_is_protected_with_both_years():
    df = pd.DataFrame({"code": list("ABC"), "victims": [3, 9, 20], "victims_prev": [8, 2, 20],
                       "victims_change": [-5, 7, 0]})
    out = P.protect_units(df, col="victims_change")
    assert list(out["victims"]) == ["<5", "x", 20] and list(out["victims_prev"]) == ["x", "<5", 20]
    assert list(out["victims_change"]) == ["x", "x", 0]


def test_views_are_read_from_one_base(synthetic):
    """The same figure gets the same label in every view (checked while enumerating), and exact
    sums over several units are shown only when they follow from the base."""
    _, bases = synthetic
    b = bases[2020]
    for units in unit_subsets():
        v = b.figure(units)
        s = b._units(units)
        if not P.is_suppressed(v) and not pd.isna(v) and s & b._supp_units and not b.withheld:
            assert b._supp_units <= s and b.total_status == P.PUB


# =============================================================================== end to end

@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory, synthetic):
    cells, bases = synthetic
    db = fx.write_cells(tmp_path_factory.mktemp("db") / "synthetic.duckdb", cells)
    return store_mod.Store(db), bases


def test_app_paths_agree_with_the_base(synthetic_db):
    """unit_year / change / victims(by, units) / national / unit_profile through the protect_*
    functions give exactly the base's labels; their figures join the audit."""
    s, bases = synthetic_db
    figs = defaultdict(list)
    for year, b in bases.items():
        uy = P.protect_units(ind.unit_year(s, year))
        for code, v in zip(uy["code"], uy["victims"]):
            if code in b.unit_totals:
                assert v == b.unit_label(code), (year, code)
                figs[year].append((frozenset([code]), (), v))
            else:
                assert pd.isna(v)
        ch = P.protect_units(ind.change(s, year))
        for _, r in ch.iterrows():
            if not pd.isna(r["victims_change"]) and not P.is_suppressed(r["victims_change"]):
                assert not P.is_suppressed(r["victims"]) and not P.is_suppressed(r["victims_prev"])
                assert r["victims_change"] == r["victims"] - r["victims_prev"]
        for units in [None, *itertools.combinations(UNITS, 1), UNITS[1:3], UNITS[3:5]]:
            for by in (["unit_code"], ["sex"], ["age_group"], ["exploitation"], ["status"], ["sex", "status"]):
                raw = ind.victims(s, year, by, units=list(units) if units else None)
                out = P.protect_breakdown(raw, "count")
                for _, r in out.iterrows():
                    group = frozenset([r["unit_code"]]) if "unit_code" in by else b._units(units)
                    dims = tuple((d, r[d]) for d in by if d != "unit_code")
                    assert r["count"] == b.figure(group, **dict(dims)) or (
                        pd.isna(r["count"]) and pd.isna(b.figure(group, **dict(dims))))
                    figs[year].append((group, dims, r["count"]))
        nat = P.protect_national(ind.national(s, year)).set_index("indicator").loc["victims"]
        districts = frozenset(u for u in b.units if u != "MD")
        if districts:
            figs[year].append((districts, (), nat["districts_sum"]))
        assert nat["total"] == b.total_label()
        for code in UNITS if year in (2019, 2020) else ():
            prof = ind.unit_profile(s, code, year)
            out = P.protect_breakdown(prof["victims"], "count")
            for _, r in out.iterrows():
                figs[year].append((frozenset([code]), ((r["dimension"], r["category"]),), r["count"]))
    for year, b in bases.items():
        audit = Audit(b, figs[year])
        assert audit.consistent(audit.x)
        swaps = audit.swaps()
        for key, m in audit.masks.items():
            if 1 <= int(m @ audit.x) < b.t or (P.is_suppressed(audit.labels[key]) and key in audit.designated):
                lo, hi = audit.witnessed_range(m, swaps)
                assert hi > lo, (year, key)


def test_real_2022_is_not_suppressed(tmp_path):
    s = store_mod.Store(fx.build_2022(tmp_path / "seed.duckdb"))
    nat = P.protect_national(ind.national(s, 2022)).set_index("indicator").loc["victims"]
    assert nat["total"] == 27 and nat["national_level"] == 27 and pd.isna(nat["districts_sum"])
    uy = P.protect_units(ind.unit_year(s, 2022))
    assert uy["victims"].isna().all() and uy.attrs[P.TOTAL_ATTR] == 27


def test_multi_fixture_labels(tmp_path):
    s = store_mod.Store(fx.build_multi(tmp_path / "multi.duckdb"))
    uy = P.protect_units(ind.unit_year(s, 2022)).set_index("code")
    assert (uy.at["MD-CA", "victims"], uy.at["MD-UN", "victims"]) == ("x", "<5")   # 6 and 1
    sex = P.protect_breakdown(ind.victims(s, 2022, ["sex"]))
    assert list(zip(sex["sex"], sex["count"])) == [("F", "<5"), ("M", "x"), ("unknown", 10)]
    nat = P.protect_national(ind.national(s, 2022)).set_index("indicator").loc["victims"]
    assert (nat["districts_sum"], nat["national_level"], nat["total"]) == (7, 10, 17)
    ch = P.protect_units(ind.change(s, 2022)).set_index("code")
    assert (ch.at["MD-CA", "victims_prev"], ch.at["MD-CA", "victims_change"]) == (5, "x")
    a = P.protect_assistance(ind.assistance(s, 2021))
    assert a.set_index("type").at["legal", "count"] == 5
    a_unit = P.protect_assistance(ind.assistance(s, 2022, units=["MD-CA"]))
    assert a_unit["count"].isna().all()
