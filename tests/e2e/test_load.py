"""Load: 20 browser sessions reading the map while an import commits (127.0.0.1 only).

One Chromium with 20 pages (20 Streamlit sessions at a time) reloads the map page in rounds for
at least DURATION seconds: round 0 before the import; in round 1, with the 20 loads in flight,
the CLI imports, in one strict batch, reports for the 7 districts that had not reported for
2022; then rounds after it. Every load must show the page without an
exception and the old or the new figure: "28 of 35" before the publish, "35 of 35" after it
(the batch is published with one atomic rename, so nothing in between), and every page of the
last round the new one. The figures are printed and written to tests/e2e/artifacts/load.json.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import make_report_workbook, report_sheets
from tests.e2e.conftest import ARTIFACTS, ROOT, _is_local, serve

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 20
DURATION = 20.0        # seconds of reading, at least; the rounds in progress then finish
NOT_REPORTED_2022 = ["Anenii Noi", "Briceni", "Gagauzia", "Hincesti", "Ialoveni", "Nisporeni", "Ocnita"]
OLD, NEW = "28 of 35", "35 of 35"
SEEN = """() => {
  if (document.querySelector("[data-testid='stException']")) return "exception";
  const v = Array.from(document.querySelectorAll("[data-testid='stMetricValue']")).map(e => e.innerText.trim())
    .find(t => / of 35$/.test(t));
  return v || false;
}"""


@pytest.fixture(scope="module")
def load_server(tmp_path_factory):
    from tipdash import ingest

    d = tmp_path_factory.mktemp("load")
    db = d / "tipdash.duckdb"
    assert ingest.init_db(db).ok
    cfg = d / "config"
    cfg.mkdir()
    files = [make_report_workbook(d / "batch", name=f"{n.replace(' ', '_')}_2022.xlsx", **report_sheets(n, 2022))
             for n in NOT_REPORTED_2022]
    log = d / "streamlit.log"
    with serve(db, cfg, log) as url:
        yield url, db, files, log


def test_twenty_sessions_read_while_an_import_commits(browser, load_server, tmp_path):
    url, db, files, log = load_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    seen: list[str] = []                  # a listener, not a route: routing every request through
    ctx.on("request", lambda req: seen.append(req.url))   # Python would slow 20 pages down 2-3x
    pages = [ctx.new_page() for _ in range(SESSIONS)]
    loads: list[dict] = []
    rounds: list[float] = []
    proc, window = None, {}              # window: import start / end, seconds since t0
    out_path = tmp_path / "import.out"
    t0 = time.monotonic()

    def now() -> float:
        return time.monotonic() - t0

    def run_import() -> None:
        nonlocal proc
        window["start"] = now()
        with open(out_path, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tipdash", "import", *map(str, files), "--db", str(db), "--strict",
                 "--user", "load-test"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        threading.Thread(target=lambda: (proc.wait(), window.setdefault("end", now())), daemon=True).start()

    try:
        while True:
            r0 = now()
            starts = []
            for i, pg in enumerate(pages):   # 20 loads in flight at once
                if proc is None and len(rounds) == 1 and i == SESSIONS // 2:
                    run_import()             # round 1: the batch commits while its 20 loads are in flight
                starts.append(now())
                pg.goto(f"{url}/?lang=en", wait_until="commit")
            for i, pg in enumerate(pages):
                shown = pg.wait_for_function(SEEN, timeout=120_000).json_value()
                loads.append({"round": len(rounds), "page": i, "start": round(starts[i], 2), "end": round(now(), 2),
                              "seconds": round(now() - starts[i], 2), "shown": shown})
            rounds.append(round(now() - r0, 2))
            last = loads[-SESSIONS:]
            if now() >= DURATION and "end" in window and all(x["start"] > window["end"] for x in last):
                break
    finally:
        if proc is not None:
            proc.wait(timeout=120)
        ctx.close()
    seconds = [x["seconds"] for x in loads]
    before = [x for x in loads if x["end"] < window["start"]]
    after = [x for x in loads if x["start"] > window["end"]]
    during = [x for x in loads if x not in before and x not in after]
    summary = {
        "sessions": SESSIONS, "rounds": len(rounds), "page_loads": len(loads), "total_seconds": round(now(), 1),
        "round_seconds": rounds,
        "load_seconds": {"median": statistics.median(seconds), "p90": sorted(seconds)[int(0.9 * (len(seconds) - 1))],
                         "max": max(seconds)},
        "import_seconds": [round(window["start"], 1), round(window["end"], 1)],
        "loads": {"before_import": len(before), "during_import": len(during), "after_import": len(after)},
        "shown": {k: sum(1 for x in loads if x["shown"] == k) for k in sorted({str(x["shown"]) for x in loads})},
        "shown_during_import": {k: sum(1 for x in during if x["shown"] == k)
                                for k in sorted({str(x["shown"]) for x in during})},
        "exceptions": sum(1 for x in loads if x["shown"] == "exception"),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print("\nload:", json.dumps(summary))

    out = out_path.read_text()
    assert proc.returncode == 0 and out.count(": imported") == len(files), out
    assert summary["exceptions"] == 0
    assert {x["shown"] for x in loads} <= {OLD, NEW}, summary["shown"]
    assert before and all(x["shown"] == OLD for x in before)
    assert after and all(x["shown"] == NEW for x in after)
    assert "Traceback" not in Path(log).read_text(errors="replace")
    assert not [u for u in seen if not _is_local(u)]
