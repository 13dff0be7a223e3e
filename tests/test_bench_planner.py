"""bench/run.py's Planner: which scales and how many import runs `make bench` measures within its
budget. The plan is simulated on a clock that advances by the seconds each step took in the last
measurements on the 2-core machine, so these tests run in milliseconds."""
from __future__ import annotations

import pytest

from tests.conftest import bench_module


@pytest.fixture(scope="module")
def run():
    return bench_module("run")


class FakeClock:
    def __init__(self, budget_s: float):
        self.budget_s, self.elapsed = budget_s, 0.0

    @property
    def left(self) -> float:
        return self.budget_s - self.elapsed


#: measured on the 2-core machine (bench/results.json of 5ba519f, 20 years, budget 22 min):
#: 1,390,321 fact rows imported at 63,301 rows/s (21.96 s a run), openpyxl on the 35-file sample
#: 5.45 s a run, national series + pages + browser 136 s, load 274.9 s; rows per scale from the
#: synthetic manifest (2000 activities a unit); generating 20 years of workbooks ~50 s (2.4 s a
#: year). The smaller scales' measurements are taken as long as the 20 years' (an upper bound).
TODAY = {"rows": {1: 70_535, 5: 346_573, 20: 1_390_321}, "rows_per_s": 63_301, "start_s": 1.5,
         "openpyxl_s": 5.45, "pages_s": 136.0, "load_s": 274.9, "synth_s": 50.0}


def simulate(run, budget_min: float, figures: dict, scales=(1, 5, 20)) -> tuple[dict[int, int], float]:
    """(import runs per measured scale, seconds used) of run.main's plan, each step costing what
    ``figures`` say (the steps of run.main, bench_import and bench_scale, in their order)."""
    cfg = run.CONFIGS["full"]
    clock = FakeClock(budget_min * 60)
    clock.elapsed += figures["synth_s"]
    planner = run.Planner(clock, list(scales), figures["rows"], run.LOAD_GUESS_S)
    measured: dict[int, int] = {}
    for scale in run.scale_order(list(scales)):
        if not planner.fits_scale(scale):
            continue
        largest = scale == max(scales)
        target = cfg["big_runs"] if largest else cfg["runs"]
        runs, wall, t0 = 0, 0.0, clock.elapsed
        for i in range(max(target, cfg["runs"])):
            if i < target and (runs == 0 or planner.fits_another_run(scale)):
                seconds = figures["rows"][scale] / figures["rows_per_s"]
                clock.elapsed += seconds + figures["start_s"]
                wall += seconds + figures["start_s"]
                planner.rate = figures["rows"][scale] / seconds
                runs += 1
            elif i < target:
                target = runs                         # the planner stopped the import runs
            clock.elapsed += figures["openpyxl_s"] + 1.0
        clock.elapsed += figures["pages_s"]
        planner.overhead[scale] = clock.elapsed - t0 - wall
        if largest:
            clock.elapsed += figures["load_s"]
        measured[scale] = runs
    return measured, clock.elapsed


def test_default_plan_measures_20_years_first_then_5_and_1_with_todays_rates(run):
    measured, used = simulate(run, run.DEFAULT_BUDGET_MIN, TODAY)
    assert list(measured) == [20, 5, 1]
    assert measured == {20: 3, 5: 5, 1: 5}                  # every target run
    assert used <= run.DEFAULT_BUDGET_MIN * 60
    assert run.DEFAULT_BUDGET_MIN <= 18                       # + make setup within the 20 minutes


def test_a_slow_machine_keeps_20_years_and_drops_smaller_scales_or_runs(run):
    """Twice as slow: the 20-year scale is still measured (first, at least one import run); what
    does not fit is left out rather than overrunning the budget by more than one step."""
    slow = dict(TODAY, rows_per_s=TODAY["rows_per_s"] / 2, openpyxl_s=11.0, pages_s=272.0, load_s=550.0)
    measured, used = simulate(run, run.DEFAULT_BUDGET_MIN, slow)
    assert next(iter(measured)) == 20 and measured[20] >= 1
    assert len(measured) < 3 or min(measured.values()) < 5
    assert used <= run.DEFAULT_BUDGET_MIN * 60 + 272.0 + 11.0


def test_projections_use_the_nearest_larger_measured_scale(run):
    clock = FakeClock(1000)
    planner = run.Planner(clock, [1, 5, 20], TODAY["rows"], 300.0)
    assert planner.import_s(20) == 0.0 and planner.overhead_s(20) == run.OVERHEAD_GUESS_S + 300.0
    planner.rate = 50_000
    planner.overhead[20] = 120.0
    assert planner.overhead_s(5) == 120.0 and planner.overhead_s(20) == 420.0
    assert planner.import_s(5) == pytest.approx(346_573 / 50_000 + run.IMPORT_START_S)
    assert planner.reserve_s(5) == pytest.approx(planner.import_s(1) + 120.0)
    planner.overhead[5] = 80.0
    assert planner.overhead_s(1) == 80.0 and planner.reserve_s(5) == pytest.approx(planner.import_s(1) + 80.0)
    planner.overhead[1] = 60.0
    assert planner.reserve_s(20) == 0.0
