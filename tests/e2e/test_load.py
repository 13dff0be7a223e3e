"""Load: 20 sessions reading the map while an import commits (127.0.0.1 only).

Twenty websocket sessions (tools/stclient.py: what a browser tab says to the server, without
the browser, so the figures measure the server and not twenty Chromium pages on the same cores)
rerun the map page in rounds for at least DURATION seconds: round 0 before the import; in
round 1, with the 20 runs in flight, the CLI imports, in one strict batch, reports for the 7
districts that had not reported for 2022; then rounds after it. Every run must finish without
an exception and show the old or the new figure: "28 of 35" before the publish, "35 of 35"
after it (the batch is published with one atomic rename, so nothing in between), and every run
of the last round the new one. One Chromium page then checks that a browser sees the same.
The figures are printed and written to tests/e2e/artifacts/load.json. (The benchmark's load
figures, 1 to 50 sessions beside the bare page: bench/load_bench.py.)
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
from tests.e2e.conftest import ARTIFACTS, ROOT, _is_local, serve, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 20
DURATION = 20.0        # seconds of reading, at least; the rounds in progress then finish
NOT_REPORTED_2022 = ["Anenii Noi", "Briceni", "Gagauzia", "Hincesti", "Ialoveni", "Nisporeni", "Ocnita"]
OLD, NEW = "28 of 35", "35 of 35"
QUERY = "lang=en&year=2022"


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


def _shown(run) -> str:
    if not run.ok:
        return "exception" if any(k == "exception" for k, _ in run.elements) else f"status {run.status}"
    return next((x for x in run.texts if x.endswith(" of 35")), "no figure")


def test_twenty_sessions_read_while_an_import_commits(load_server, tmp_path):
    from tools.stclient import Session

    url, db, files, log = load_server
    sessions = [Session(url, timeout=120) for _ in range(SESSIONS)]
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
                 "--user", "load-test", "--lang", "en"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        threading.Thread(target=lambda: (proc.wait(), window.setdefault("end", now())), daemon=True).start()

    def read(i: int, s) -> None:
        start = now()
        try:
            shown = _shown(s.rerun("", QUERY))
        except Exception as exc:  # noqa: BLE001 -- a timeout or a dropped connection is a finding
            shown = f"error: {type(exc).__name__}"
        loads.append({"round": len(rounds), "session": i, "start": round(start, 2), "end": round(now(), 2),
                      "seconds": round(now() - start, 2), "shown": shown})

    try:
        while True:
            r0 = now()
            threads = [threading.Thread(target=read, args=(i, s)) for i, s in enumerate(sessions)]
            for i, th in enumerate(threads):         # 20 runs in flight at once
                if proc is None and len(rounds) == 1 and i == SESSIONS // 2:
                    run_import()                      # round 1: the batch commits while its runs are in flight
                th.start()
            for th in threads:
                th.join(timeout=180)
            rounds.append(round(now() - r0, 2))
            last = loads[-SESSIONS:]
            if now() >= DURATION and "end" in window and all(x["start"] > window["end"] for x in last):
                break
    finally:
        if proc is not None:
            proc.wait(timeout=120)
        for s in sessions:
            s.close()
    seconds = [x["seconds"] for x in loads]
    before = [x for x in loads if x["end"] < window["start"]]
    after = [x for x in loads if x["start"] > window["end"]]
    during = [x for x in loads if x not in before and x not in after]
    summary = {
        "sessions": SESSIONS, "client": "websocket (tools/stclient.py)", "rounds": len(rounds),
        "page_runs": len(loads), "total_seconds": round(now(), 1), "round_seconds": rounds,
        "run_seconds": {"median": statistics.median(seconds), "p90": sorted(seconds)[int(0.9 * (len(seconds) - 1))],
                        "max": max(seconds)},
        "import_seconds": [round(window["start"], 1), round(window["end"], 1)],
        "runs": {"before_import": len(before), "during_import": len(during), "after_import": len(after)},
        "shown": {k: sum(1 for x in loads if x["shown"] == k) for k in sorted({str(x["shown"]) for x in loads})},
        "shown_during_import": {k: sum(1 for x in during if x["shown"] == k)
                                for k in sorted({str(x["shown"]) for x in during})},
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print("\nload:", json.dumps(summary))

    out = out_path.read_text()
    assert proc.returncode == 0 and out.count(": imported") == len(files), out
    assert len(loads) == SESSIONS * len(rounds)
    assert {x["shown"] for x in loads} <= {OLD, NEW}, summary["shown"]
    assert before and all(x["shown"] == OLD for x in before)
    assert after and all(x["shown"] == NEW for x in after)
    assert "Traceback" not in Path(log).read_text(errors="replace")


def test_a_browser_sees_what_the_sessions_see(browser, load_server):
    """One Chromium page loads the map and shows the figure a websocket session reads (the new one
    after the test above, the old one when this test runs alone)."""
    from tools.stclient import Session

    url, _, _, log = load_server
    with Session(url, timeout=120) as s:
        expected = _shown(s.rerun("", QUERY))
    assert expected in (OLD, NEW)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    seen: list[str] = []
    ctx.on("request", lambda req: seen.append(req.url))
    try:
        pg = ctx.new_page()
        pg.goto(f"{url}/?{QUERY}")
        wait_idle(pg, timeout=120_000)
        values = [v.strip() for v in pg.locator("[data-testid='stMetricValue']").all_inner_texts()]
        assert expected in values, values
        assert not pg.locator("[data-testid='stException']").count()
    finally:
        ctx.close()
    assert not [u for u in seen if not _is_local(u)]
    assert "Traceback" not in Path(log).read_text(errors="replace")
