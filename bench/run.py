"""`make bench`: tipdash at scale — import, pages, map, memory — each figure beside its baseline.

    .venv/bin/python bench/run.py [--quick] [--budget-min 18] [--out bench/out]

Writes bench/results.json and prints a short table. See bench/README.md for what is measured and how.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from common import BENCH, ROOT, Clock, machine, median, run_child, summary  # noqa: E402
from load_report import load_table, load_verdicts  # noqa: E402

RESULTS = BENCH / "results.json"
TARGETS = {"import_vs_openpyxl": 5.0, "page_warm_ms": 250.0, "page_vs_bare": 2.0,
           "map_payload_bytes": 200_000, "peak_rss_mb": 1024.0,
           "load_n": 50, "load_p95_vs_bare": 2.0, "load_rss_mb": 1024.0, "hostile_p95_vs_idle": 2.0}
CONFIGS = {
    # scales = year counts; the largest is "the" scale of the top-level figures; the load
    # benchmark runs at the largest scale only (load_ns sessions, load_s seconds a window)
    "full": {"scales": [1, 5, 20], "activities": 2000, "runs": 5, "big_runs": 3, "sample": 35,
             "load_ns": [1, 10, 25, 50], "load_s": 20},
    "quick": {"scales": [1, 2], "activities": 200, "runs": 5, "big_runs": 3, "sample": 35,
              "load_ns": [1, 10], "load_s": 6},
}
FIRST_YEAR = 2005
SEED = 1
# Before a scale's figures are measured, the planner uses these, measured at 20 years on the
# 2-core machine (bench/results.json of 5ba519f: 502.5 s in all, of which load 274.9 s, import
# runs 63.9 s, openpyxl 5 x 5.45 s, national series + pages + browser 136 s):
OVERHEAD_GUESS_S = 165.0          # a scale's measurements but the import runs and the load (openpyxl included)
LOAD_GUESS_S = 300.0              # the load benchmark (full configuration), at the largest scale only
IMPORT_START_S = 1.5              # a fresh interpreter and its workers, per import run
DEFAULT_BUDGET_MIN = 18.0         # make bench: within 20 minutes with `make setup` (bench/README.md)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------- data

def synth_data(out: Path, years: int, activities: int, jobs: int) -> dict:
    """The synthetic workbooks (reused when bench/out already holds the same ones)."""
    from tipdash.ingest import synth

    manifest_path = out / synth.MANIFEST
    if manifest_path.exists():
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        same = (old.get("seed"), old.get("years"), old.get("activities_per_unit"), old.get("first_year"),
                len(old.get("units", []))) == (SEED, years, activities, FIRST_YEAR, 35)
        if same and all((out / f["file"]).exists() for f in old["files"]):
            log(f"reusing {len(old['files'])} synthetic workbooks in {out}")
            return old | {"generate_s": None}
        shutil.rmtree(out)
    t = time.perf_counter()
    manifest = synth.generate(out, years=years, activities_per_unit=activities, seed=SEED,
                              first_year=FIRST_YEAR, jobs=jobs)
    manifest["generate_s"] = round(time.perf_counter() - t, 1)
    log(f"generated {len(manifest['files'])} workbooks ({manifest['rows']['activities']:,} activity rows, "
        f"{manifest['bytes'] / 2**20:.0f} MB) in {manifest['generate_s']} s")
    return manifest


def bench_account(config_dir: Path) -> dict[str, str]:
    """An admin account in a config folder of the benchmark's own ($TIPDASH_CONFIG_DIR), so the
    pages that need a role (import, audit) are measured signed in, with a fresh random password."""
    import secrets

    from tipdash import auth

    config_dir.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    auth.add_user("bench", "admin", password, path=config_dir / "users.toml")
    return {"TIPDASH_CONFIG_DIR": str(config_dir), "BENCH_USER": "bench", "BENCH_PASSWORD": password}


def files_for(manifest: dict, data_dir: Path, years: int) -> list[dict]:
    last = FIRST_YEAR + years - 1
    return [f | {"path": str(data_dir / f["file"])} for f in manifest["files"] if f["year"] <= last]


def write_listing(path: Path, files: list[dict]) -> Path:
    path.write_text("\n".join(f["path"] for f in files), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- one scale

def scale_order(scales: list[int]) -> list[int]:
    """The largest scale first (its figures are the headline ones), then the others, larger first."""
    return sorted(set(scales), reverse=True)


class Planner:
    """Decides which scales and how many import runs fit in the budget. The largest scale runs
    first; another import run or a smaller scale is started only if it fits with its measurements
    after it and, in reserve, one import run and the measurements of each smaller scale still to
    come. Projections use the rows/s of the last import run and the measured non-import seconds
    of the nearest larger scale (at most as long with fewer rows), else the guesses above."""

    def __init__(self, clock: Clock, scales: list[int], rows: dict[int, int], load_s: float = 0.0):
        self.clock, self.scales, self.rows, self.load_s = clock, scales, rows, load_s
        self.largest = max(scales)
        self.rate: float | None = None            # rows/s of the last import run
        self.overhead: dict[int, float] = {}      # measured non-import, non-load seconds per scale

    def import_s(self, scale: int) -> float:
        return self.rows[scale] / self.rate + IMPORT_START_S if self.rate else 0.0

    def overhead_s(self, scale: int) -> float:
        load = self.load_s if scale == self.largest else 0.0
        if scale in self.overhead:
            return self.overhead[scale] + load
        larger = [s for s in self.overhead if s > scale]
        if larger:
            return self.overhead[min(larger)] + load
        if self.overhead:
            return max(OVERHEAD_GUESS_S, self.overhead[max(self.overhead)] * 1.5) + load
        return OVERHEAD_GUESS_S + load

    def reserve_s(self, scale: int) -> float:
        """What the smaller scales still to measure need: one import run and their measurements each."""
        return sum(self.import_s(s) + self.overhead_s(s) for s in self.scales
                   if s < scale and s not in self.overhead)

    def fits_another_run(self, scale: int) -> bool:
        return self.clock.left > self.import_s(scale) + self.overhead_s(scale) + self.reserve_s(scale)

    def fits_scale(self, scale: int) -> bool:
        return self.rate is None or self.fits_another_run(scale)


def bench_import(files: list[dict], work: Path, cfg: dict, largest: bool, planner: Planner, scale: int,
                 with_openpyxl: bool) -> tuple[dict, dict | None]:
    """tipdash's import runs interleaved with the openpyxl baseline runs (so both see the same load
    on a shared machine). The import runs stop early when the budget says so (never below one)."""
    listing = write_listing(work / "files.txt", files)
    db = work / "tipdash.duckdb"
    target = cfg["big_runs"] if largest else cfg["runs"]
    sample = files if len(files) <= cfg["sample"] else random.Random(0).sample(files, cfg["sample"])
    sample_listing = write_listing(work / "openpyxl_sample.txt", sample)
    runs, base = [], []
    stop_import = False
    wall = 0.0                                  # the import runs' wall seconds (the planner's overhead is the rest)
    for i in range(max(target, cfg["runs"] if with_openpyxl else 0)):
        if i < target and not stop_import:
            if runs and not planner.fits_another_run(scale):
                stop_import = True
            else:
                t = time.monotonic()
                r = run_child("import_once.py", "tipdash", db, listing)
                wall += time.monotonic() - t
                if not r["ok"] or r["imported"] != len(files):
                    raise RuntimeError(f"import failed at {scale} years: {r['errors']}")
                runs.append(r)
                planner.rate = r["rows"] / r["seconds"]
                log(f"  import {scale}y run {len(runs)}: {r['seconds']:.1f} s, {planner.rate:,.0f} rows/s")
        if with_openpyxl:
            base.append(run_child("import_once.py", "openpyxl", "-", sample_listing))
    secs = [r["seconds"] for r in runs]
    rows = runs[0]["rows"]
    imp = {"seconds": summary(secs, 2), "runs": len(runs), "target_runs": target, "rows": rows,
           "rows_per_s": round(rows / median(secs)), "files": len(files),
           "bytes": runs[0]["bytes"], "db_bytes": runs[-1]["db_bytes"],
           "warnings": runs[0]["warnings"], "peak_rss_mb": round(max(r["peak_rss_mb"] or 0 for r in runs), 1),
           "runs_wall_s": round(wall, 1), "db": str(db)}
    if not with_openpyxl:
        return imp, None
    sample_s = median([r["seconds"] for r in base])
    total_bytes = sum(f["bytes"] for f in files)
    op = {"sample_files": len(sample), "files": len(files),
          "sample_seconds": summary([r["seconds"] for r in base], 2), "sample_bytes": base[0]["bytes"],
          "total_bytes": total_bytes, "extrapolated": len(sample) < len(files),
          "seconds": round(sample_s * total_bytes / base[0]["bytes"], 2), "runs": len(base),
          "peak_rss_mb": round(max(r["peak_rss_mb"] or 0 for r in base), 1)}
    return imp, op


def add_national_series(db: str) -> str:
    """The real national series (data/national, format C, 396 rows) in the pages' database, after
    the timed import: the Victims page draws it beside the SYNTHETIC commission figures."""
    from tipdash import ingest
    from tipdash.ingest.load import NATIONAL_FILES

    report = ingest.import_paths(list(NATIONAL_FILES), db, user="bench")
    if not report.ok:
        raise RuntimeError(f"the national series did not import: {report}")
    return "; ".join(str(f) for f in report.files)


def bench_scale(scale: int, files: list[dict], out: Path, cfg: dict, planner: Planner, largest: bool,
                only: set[str]) -> dict:
    work = out / f"{cfg['name']}_{scale}y"
    work.mkdir(parents=True, exist_ok=True)
    res: dict = {"years": scale, "files": len(files),
                 "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    t0 = time.monotonic()
    imp, op = bench_import(files, work, cfg, largest, planner, scale, "openpyxl" in only)
    res["import"] = imp
    res["national_series"] = add_national_series(imp["db"])
    res["import_s"] = imp["seconds"]["median"]
    res["import_rows_per_s"] = imp["rows_per_s"]
    if op:
        res["openpyxl"] = op
        res["import_vs_openpyxl"] = round(op["seconds"] / res["import_s"], 3)
        log(f"  openpyxl read alone: {op['seconds']:.1f} s ({'extrapolated from ' + str(op['sample_files']) + ' files' if op['extrapolated'] else 'all files'}); "
            f"tipdash import is {res['import_vs_openpyxl']}x that")
    env = {"TIPDASH_DB": imp["db"], "BENCH_LOGDIR": str(work / "logs"), **cfg["env"]}
    if "pages" in only:
        pg = run_child("pages_bench.py", cfg["runs"], work, **env)
        res["pages"] = pg["pages"]
        res["page_warm_ms"] = {p: v.get("warm_ms", {}).get("median") for p, v in pg["pages"].items()}
        res["page_cold_ms"] = {p: v.get("cold_ms", {}).get("median") for p, v in pg["pages"].items()}
        res["page_vs_bare"] = {p: v.get("vs_bare") for p, v in pg["pages"].items()}
        res["page_vs_bare_figures_tables"] = {p: v.get("vs_bare_figures_tables") for p, v in pg["pages"].items()}
        res["page_payload_bytes"] = {p: v.get("payload_bytes") for p, v in pg["pages"].items()}
        res["map_payload_bytes"] = pg["pages"].get("map", {}).get("map_figure_json_bytes")
        res["apptest_process_peak_rss_mb"] = round(pg["peak_rss_mb"] or 0, 1)
        for p, v in pg["pages"].items():
            if v.get("errors") or v.get("bare_errors"):
                log(f"  page {p}: errors {v.get('errors') or v.get('bare_errors')}")
        log(f"  pages warm ms {res['page_warm_ms']}; vs bare {res['page_vs_bare']}; "
            f"vs figures and tables only {res['page_vs_bare_figures_tables']}")
    map_json = work / "map_figure.json"
    if "browser" in only and map_json.exists():
        br = run_child("browser_bench.py", cfg["runs"], map_json, **env)
        res["browser"] = br
        res["browser_map_ms"] = br["map_ms"]["median"]
        res["browser_vs_bare"] = br["vs_bare"]
        res["peak_rss_mb"] = br["peak_rss_mb"]
        res["bare_peak_rss_mb"] = br["bare_peak_rss_mb"]
        res["browser_page_ws_bytes"] = {p: v["ws_bytes"] for p, v in br["pages"].items()}
        res["browser_page_ms"] = {p: v["ms_to_idle"] for p, v in br["pages"].items()}
        log(f"  browser map {res['browser_map_ms']:.0f} ms (bare {br['bare_map_ms']['median']:.0f} ms); "
            f"peak RSS {res['peak_rss_mb']} MB (bare {res['bare_peak_rss_mb']} MB)")
    elif "browser" in only:
        res["browser_skipped"] = "no map figure was captured from the map page"
    planner.overhead[scale] = time.monotonic() - t0 - imp["runs_wall_s"]
    res["measure_s"] = round(planner.overhead[scale], 1)     # what the planner projects from (bench/README.md)
    if "load" in only and largest:
        t1 = time.monotonic()
        log(f"  load: {cfg['load_ns']} sessions, {cfg['load_s']} s windows; hostile uploads")
        res["load"] = run_child("load_bench.py", imp["db"], work, "--ns", ",".join(map(str, cfg["load_ns"])),
                                "--duration", cfg["load_s"], **env)
        log(f"  load done in {time.monotonic() - t1:.0f} s")
    res["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return res


# ---------------------------------------------------------------------------- report

TOP_KEYS = ("import_s", "import_rows_per_s", "import_vs_openpyxl", "page_warm_ms", "page_cold_ms", "page_vs_bare",
            "page_vs_bare_figures_tables",
            "page_payload_bytes", "map_payload_bytes", "browser_map_ms", "browser_vs_bare", "browser_page_ws_bytes",
            "browser_page_ms",
            "peak_rss_mb", "bare_peak_rss_mb")


def verdicts(top: dict) -> dict:
    def le(v, t):
        return None if v is None else v <= t

    warm = top.get("page_warm_ms") or {}
    vs = top.get("page_vs_bare") or {}
    return {
        "import_vs_openpyxl >= 5": None if top.get("import_vs_openpyxl") is None
        else top["import_vs_openpyxl"] >= TARGETS["import_vs_openpyxl"],
        "page_warm_ms <= 250 (every page)": None if not warm else all(
            v is not None and v <= TARGETS["page_warm_ms"] for v in warm.values()),
        "page_vs_bare <= 2 (every page)": None if not vs else all(
            v is not None and v <= TARGETS["page_vs_bare"] for v in vs.values()),
        "map_payload_bytes <= 200 KB": le(top.get("map_payload_bytes"), TARGETS["map_payload_bytes"]),
        "peak_rss_mb <= 1024": le(top.get("peak_rss_mb"), TARGETS["peak_rss_mb"]),
        **load_verdicts(top.get("load") or {}, TARGETS),
    }


def table(results: dict) -> str:
    scales = results["scaling"]
    keys = list(scales)
    lines = [f"tipdash bench ({results['config']}): {', '.join(keys)} years; top-level figures at "
             f"{results.get('scale_years')} years", ""]
    head = f"{'figure':34}" + "".join(f"{k + 'y':>14}" for k in keys) + f"{'target':>12}"
    lines += [head, "-" * len(head)]

    def row(label, get, target="", fmt="{:,.0f}"):
        cells = []
        for k in keys:
            try:
                v = get(scales[k])
            except (KeyError, TypeError):
                v = None
            cells.append("—" if v is None else fmt.format(v))
        lines.append(f"{label:34}" + "".join(f"{c:>14}" for c in cells) + f"{target:>12}")

    row("load average (1 min) at start", lambda s: s["load_average_at_start"][0], fmt="{:.1f}")
    row("import s", lambda s: s["import_s"], fmt="{:,.1f}")
    row("import runs", lambda s: s["import"]["runs"], fmt="{}")
    row("import rows/s", lambda s: s["import_rows_per_s"])
    row("openpyxl read alone s", lambda s: s["openpyxl"]["seconds"], fmt="{:,.1f}")
    row("import vs openpyxl (x faster)", lambda s: s["import_vs_openpyxl"], ">= 5", "{:.2f}")
    pages = list(next((s["page_warm_ms"] for s in scales.values() if s.get("page_warm_ms")), {}) or {})
    for p in pages:
        row(f"page {p} warm ms", lambda s, p=p: s["page_warm_ms"][p], "<= 250", "{:,.0f}")
        row(f"page {p} cold ms", lambda s, p=p: s["page_cold_ms"][p], "", "{:,.0f}")
        row(f"page {p} vs bare", lambda s, p=p: s["page_vs_bare"][p], "<= 2", "{:.2f}")
        row(f"page {p} vs figures+tables", lambda s, p=p: s["page_vs_bare_figures_tables"][p], "", "{:.2f}")
        row(f"page {p} bytes (protobuf)", lambda s, p=p: s["page_payload_bytes"][p])
        row(f"page {p} browser ws bytes", lambda s, p=p: s["browser_page_ws_bytes"][p])
        row(f"page {p} browser switch ms", lambda s, p=p: s["browser_page_ms"][p])
    row("map figure JSON bytes", lambda s: s["map_payload_bytes"], "<= 200 KB")
    row("browser: nav -> map drawn ms", lambda s: s["browser_map_ms"])
    row("browser: bare map ms", lambda s: s["browser"]["bare_map_ms"]["median"])
    row("browser map vs bare", lambda s: s["browser_vs_bare"], "", "{:.2f}")
    row("peak RSS streamlit MB", lambda s: s["peak_rss_mb"], "<= 1024", "{:,.0f}")
    row("peak RSS bare page MB", lambda s: s["bare_peak_rss_mb"], "", "{:,.0f}")
    lines += load_table(results.get("load") or {})
    lines.append("")
    for k, v in results["targets_met"].items():
        lines.append(f"  {k}: {'met' if v else 'MISSED' if v is False else 'not measured'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke configuration (1 and 2 years × 200 activities)")
    ap.add_argument("--out", default=str(BENCH / "out"), help="work directory (synthetic data, databases)")
    ap.add_argument("--budget-min", type=float, default=DEFAULT_BUDGET_MIN,
                    help="wall-clock budget; import runs are reduced (never below one) to stay within it")
    ap.add_argument("--scales", default=None, help="comma-separated year counts (default 1,5,20; quick 1,2)")
    ap.add_argument("--only", default="openpyxl,pages,browser,load",
                    help="what to measure beside the import (comma-separated: openpyxl,pages,browser,load)")
    ap.add_argument("--jobs", type=int, default=2, help="processes generating the synthetic workbooks")
    ap.add_argument("--results", default=str(RESULTS))
    args = ap.parse_args(argv)

    name = "quick" if args.quick else "full"
    cfg = dict(CONFIGS[name], name=name)
    if args.scales:
        cfg["scales"] = sorted(int(x) for x in args.scales.split(","))
    only = set(args.only.split(",")) if args.only else set()
    clock = Clock(args.budget_min * 60)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"config": name, "params": {**cfg, "seed": SEED, "first_year": FIRST_YEAR, "units": 35,
                                                "budget_min": args.budget_min},
                     "machine": machine(), "git": git_state(), "scaling": {}, "notes": []}
    log(f"{name} configuration: scales {cfg['scales']} years × 35 units × {cfg['activities']} activities")
    data_dir = out / f"data_{name}"
    manifest = synth_data(data_dir, max(cfg["scales"]), cfg["activities"], args.jobs)
    results["synth"] = {"generate_s": manifest.get("generate_s"), "files": len(manifest["files"]),
                        "rows": manifest["rows"], "bytes": manifest["bytes"]}
    cfg["env"] = bench_account(out / "config")
    per_scale = {s: files_for(manifest, data_dir, s) for s in cfg["scales"]}
    rows = {s: sum(sum(f["rows"].values()) for f in fs) for s, fs in per_scale.items()}
    planner = Planner(clock, cfg["scales"], rows,
                      (LOAD_GUESS_S * cfg["load_s"] / CONFIGS["full"]["load_s"]) if "load" in only else 0.0)
    largest = max(cfg["scales"])
    for scale in scale_order(cfg["scales"]):
        if not planner.fits_scale(scale):
            reserve = planner.reserve_s(scale)
            msg = (f"{scale} years not measured: one import is projected at {planner.import_s(scale):.0f} s "
                   f"({rows[scale]:,} rows at {planner.rate:,.0f} rows/s) and the measurements after it at "
                   f"{planner.overhead_s(scale):.0f} s; with {planner.clock.left:.0f} s left of the "
                   f"{args.budget_min} min budget" + (f" and {reserve:.0f} s kept for the smaller scales"
                                                      if reserve else "") + ".")
            log(msg)
            results["notes"].append(msg)
            continue
        log(f"scale {scale} years: {len(per_scale[scale])} workbooks, {rows[scale]:,} fact rows")
        results["scaling"][str(scale)] = bench_scale(scale, per_scale[scale], out, cfg, planner,
                                                     scale == largest, only)
        _save(results, args.results)                   # partial results survive an interruption
    results["scaling"] = dict(sorted(results["scaling"].items(), key=lambda kv: int(kv[0])))
    done = [int(k) for k in results["scaling"]]
    if done:
        top_scale = max(done)
        top = results["scaling"][str(top_scale)]
        results["scale_years"] = top_scale
        for k in TOP_KEYS:
            results[k] = top.get(k)
        if "load" in top:
            results["load"] = top.pop("load") | {"scale_years": top_scale}
        results["import_runs"] = top["import"]["runs"]
    results["targets"] = TARGETS
    results["targets_met"] = verdicts(results)
    results["notes"] += notes(results, cfg)
    results["elapsed_s"] = round(clock.elapsed, 1)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    _save(results, args.results)
    print(table(results))
    log(f"done in {clock.elapsed / 60:.1f} min; results in {args.results}")
    return 0


def notes(results: dict, cfg: dict) -> list[str]:
    out = [
        "Every figure is the median of the runs listed beside it; the import at the largest scale uses "
        f"{cfg['big_runs']} runs (the slowest measurement), the others {cfg['runs']}. Fewer runs than "
        "that means the wall-clock budget cut them (see import.runs / target_runs).",
        "import_s: tipdash.ingest.import_paths of every workbook into a fresh database, timed in a fresh "
        "process (interpreter start and imports excluded: DuckDB, pandas and pyarrow are loaded before "
        "the timer, as pandas is for the openpyxl read).",
        f"import_vs_openpyxl = (pandas.read_excel(engine='openpyxl', sheet_name=None) time for the same "
        f"workbooks) / import_s; above 1 means tipdash's whole import is faster than that read alone. When "
        f"there are more than {cfg['sample']} workbooks, the openpyxl read is timed on a fixed random sample "
        f"of {cfg['sample']} (random.Random(0)) and extrapolated by bytes.",
        "page_*_ms: wall time of AppTest.run() on app.py switched to the page (app.py's navigation and "
        "sidebar included); names with '+' are views of a page (pages_bench.VIEWS: map+profile = a unit's "
        "history and profile open, map+change = change against the previous year, trends+unit, "
        "trends+victims = the district x year table of victims, victims+sex = the national statistics by "
        "sex). The pages' database also holds the real national series (data/national), imported after "
        "the timed import. Cold = after st.cache_data.clear() and st.cache_resource.clear() (the store "
        "handle is reopened; module-level caches and the OS page cache stay warm). Warm = the same page "
        "run again with every cache filled.",
        "page_vs_bare = page warm time / warm time of bench/bare_page.py drawing what the page drew, "
        "computed beforehand: its figures (st.plotly_chart of the page's figure JSON, built once), grids "
        "(st.dataframe), editable grids (st.data_editor) and static tables (st.table), serialised again "
        "at every run as the page does; its text, headings, alerts and metrics (main area and sidebar) "
        "enqueued as the protobufs the page sent; its widgets drawn again with the same kind, label, "
        "options and default (tests/web/test_bench_bare.py checks that the two draw the same elements). "
        "Not redrawn: the navigation, layout blocks and the page's <html lang> component. "
        "page_vs_bare_figures_tables = the same against the bare page drawing the figures and tables "
        "only (the narrower baseline of earlier results; no target). Both apps run in AppTest as a "
        "server runs them: one ScriptCache for all runs, and out of Streamlit's old pages/-folder mode "
        "once st.navigation has run (pages_bench._ServerLike). Warm runs: 21, interleaved.",
        "page_payload_bytes: serialised protobuf size of every element of the page (what Streamlit "
        "sends on the websocket, uncompressed); browser_page_ws_bytes: bytes actually received on the "
        "websocket in Chromium when opening the page directly (includes session set-up messages).",
        "map_payload_bytes: the map page's plotly figure as Streamlit serialises it (the PlotlyChart "
        "proto's JSON spec = fig.to_json()).",
        "browser_map_ms: fresh browser context, page.goto until maplibre reports the map loaded with "
        "its GeoJSON drawn (style and sources loaded, not moving, canvas present); the bare baseline is "
        "`streamlit run bench/bare_page.py` drawing the same figure JSON. Runs interleave app and bare.",
        "peak_rss_mb: VmHWM of the `streamlit run app.py` process after the browser visited the map "
        f"{2 + cfg['runs']} times and every page once; bare_peak_rss_mb the same for the bare page server.",
        "load (bench/load_bench.py, at the largest scale): `streamlit run app.py` and `streamlit run "
        "bench/bare_page.py` on 127.0.0.1, driven by N websocket sessions (tools/stclient.py: Streamlit's "
        "own BackMsg/ForwardMsg protobuf messages) in one client process, closed loop without think "
        "time: each session reruns the next public page (its language fixed: ro, ru or en by session) "
        "as soon as the previous run finished. A run's time is from the rerun message to the "
        "script_finished message. The bare page draws, per page and language, the figures and tables "
        "that page sent on the websocket (captured in the warm-up, when every view is opened twice). "
        f"Per N, four windows of {cfg.get('load_s')}/2 s in the order tipdash, bare, bare, tipdash, "
        "pooled; runs in flight at the end of a window finish and count (drain_s). CPU % is the "
        "server process tree's (100 = one core), RSS the server process's largest resident set "
        "sampled every 0.25 s; client_cpu_pct is the load generator's own CPU on the same machine.",
        "load.hostile_upload: per kind of file, a fresh tipdash server, 10 reader sessions for one "
        "window idle, then one window while a signed-in admin session uploads the file to the Import "
        "page through the uploader's own upload URL and has it validated again until the window ends "
        "(admin_runs: each validation's seconds and the alert it ended with; unfinished = still "
        "running when the readers stopped; the server is then stopped).",
        "The machine may be shared: machine.load_average_at_start/at_end and each scale's "
        "load_average_at_start/at_end give the 1/5/15-minute load averages; on a loaded machine every "
        "time grows, which is why each figure is paired with a baseline measured interleaved with it.",
    ]
    return out


def git_state() -> dict:
    """The commit measured and whether the working tree had changes."""
    import subprocess

    def git(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(status) if status is not None else None}


def _save(results: dict, path: str) -> None:
    Path(path).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
