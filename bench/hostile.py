"""Hostile files against the CLI (issue 15): each shape of the security review, generated here
(SYNTHETIC), imported with ``python -m tipdash import FILE --dry-run`` in a fresh process; wall
time, the outcome and peak memory (the CLI process and its largest worker) go to
``bench/results.json`` under ``hostile``.

    .venv/bin/python bench/hostile.py            # every shape (~2 min on 2 cores)
    .venv/bin/python bench/hostile.py --only f1  # one of them
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out" / "hostile"
sys.path.insert(0, str(ROOT))

_CHILD = r"""
import json, sys, time
from tipdash import cli
from tipdash.ingest import pool
t = time.perf_counter()
rc = cli.main(sys.argv[1:])
wall = time.perf_counter() - t
hwm = next(int(ln.split()[1]) for ln in open("/proc/self/status") if ln.startswith("VmHWM:"))
print("@@" + json.dumps({"rc": rc, "seconds": round(wall, 2), "parent_peak_rss_mb": round(hwm / 1024, 1),
      "worker_peak_rss_mb": pool.PEAK_MB[0]}), file=sys.stderr)
"""


def tiny_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A minimal xlsx written directly (inline strings, numbers)."""
    from tests.ingest.test_hostile import tiny_xlsx as build
    p = OUT / "_tmp.xlsx"
    build(p, sheets)
    return p.read_bytes()


def report(activities: list[list]) -> dict:
    from tests.conftest import ACTIVITIES_HEADER, report_sheets
    sheets = report_sheets("Orhei", 2022)
    sheets["Activities"] = [ACTIVITIES_HEADER, *activities]
    sheets["Commission"] = [[k, "SYNTHETIC hostile test" if k == "Prepared by" else v]
                            for k, v in sheets["Commission"]]
    return sheets


def summary_rows(n: int, unit: str) -> str:
    head = "unit,year,reported,sessions,information_activities,participants,trainings,members_trained,victims," \
           "ngo_partners\n"
    return head + "".join(f"{unit} {i},2022,yes,1,,,,,,\n" for i in range(n))


def two_archives() -> bytes:
    from tests.ingest.test_zip_container import two_archives as build
    return build()


def big_valid() -> bytes:
    """A valid report of ~10 MB: 99 000 activity rows with long, hardly compressible descriptions."""
    r = random.Random(1)
    letters = "abcdefghijklmnopqrstuvwxyzăâîșț "
    rows = [[f"{r.randint(1, 28):02d}.{r.randint(1, 12):02d}.2022", None, "informare", "tineri", r.randint(5, 300),
             None, "SYNTHETIC " + "".join(r.choices(letters, k=92)), 1, None] for _ in range(99_000)]
    return tiny_xlsx(report(rows))


def far_cell() -> bytes:
    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("S")
    ws.write(0, 0, "a")
    ws.write(1048575, 16383, "z")
    wb.close()
    return buf.getvalue()


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(1024):
                f.write(bytes(1 << 20))
    return buf.getvalue()


def long_text() -> bytes:
    text = "".join(random.Random(1).choices("abcdefghij klmnopqrstuvwxyz", k=6_000_000))
    sheets = report([["17.10.2022", None, "informare", None, 5, None, "SYNTHETIC", 1, None]])
    sheets["Challenges"] = [["Challenge or need", "Category"], [text, "r"]]
    return tiny_xlsx(sheets)


SHAPES = {
    "d1_two_archives_far_cell.xlsx": two_archives,
    "f1_header_1e6_columns.csv": lambda: (",".join(f"c{i}" for i in range(1_000_000)) + "\nCahul,2022\n").encode(),
    "f4_semicolons_2x1e6.csv": lambda: ((";".join(["abcd"] * 1_000_000) + "\n") * 2).encode(),
    "e3_unknown_units_230k.csv": lambda: summary_rows(230_000, "SYNTHETIC Nowhere").encode(),
    "e3b_unknown_units_99k.csv": lambda: summary_rows(99_000, "SYNTHETIC Nowhere").encode(),
    "e2_duplicate_rows_330k.xlsx": lambda: tiny_xlsx(report(
        [["17.10.2022", None, "informare", None, 5, None, "SYNTHETIC", 1, None]] * 330_000)),
    "e2b_duplicate_rows_99k.xlsx": lambda: tiny_xlsx(report(
        [["17.10.2022", None, "informare", None, 5, None, "SYNTHETIC", 1, None]] * 99_000)),
    "far_cell_xfd1048576.xlsx": far_cell,
    "zip_bomb_1gib.xlsx": zip_bomb,
    "text_6e6_chars.xlsx": long_text,
    "valid_report_99k_rows.xlsx": big_valid,
}


def run(path: Path, dry_run: bool = True) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    db = OUT / "import.duckdb"
    for stale in OUT.glob("import.duckdb*"):
        stale.unlink()
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _CHILD, "import", str(path), *(["--dry-run"] if dry_run else []),
                        "--lang", "en", "--db", str(db)], capture_output=True, text=True, cwd=ROOT, env=env,
                       timeout=600)
    stats = next(json.loads(ln[2:]) for ln in p.stderr.splitlines() if ln.startswith("@@"))
    lines = [ln for ln in p.stderr.splitlines() if not ln.startswith("@@")]
    return {"bytes": path.stat().st_size, **stats, "process_seconds": round(time.perf_counter() - t, 2),
            "answer": (lines[0] if lines else p.stdout.strip().splitlines()[-1])[:300],
            "problem_lines": len(lines), "traceback": "Traceback" in p.stderr}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, build in SHAPES.items():
        if args.only and not name.startswith(args.only):
            continue
        path = OUT / name
        path.write_bytes(build())
        out[name] = run(path)
        print(name, json.dumps(out[name], ensure_ascii=False), flush=True)
        if name.startswith("valid_"):
            out[name + " (import)"] = run(path, dry_run=False)
            print(name + " (import)", json.dumps(out[name + " (import)"], ensure_ascii=False), flush=True)
    results = BENCH / "results.json"
    data = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    data.setdefault("hostile", {}).update(out)
    data["hostile_notes"] = ("python -m tipdash import FILE --dry-run (the valid file also without --dry-run, "
                             "into a fresh database) in a fresh process; seconds = import "
                             "command (interpreter start excluded), process_seconds = whole process; "
                             "worker_peak_rss_mb = largest worker (RLIMIT_AS 1 GiB), parent = the CLI. "
                             f"Load average at the end: {os.getloadavg()}")
    results.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
