"""A load generator that speaks Streamlit's own websocket protocol (tools/stclient.py), and the
server it measures: ``streamlit run`` on 127.0.0.1 with its CPU and memory sampled from /proc.

    with Server("app.py", env) as srv:
        window = hold(srv, plans, duration=20)   # len(plans) sessions at once, for 20 s
        print(summary([window]))                 # p50/p95/p99, errors, CPU, RSS

A *plan* is one session's list of ``(page, query, label)`` views (the label names the view in
the figures per view); the session cycles through it as fast
as the server answers (closed loop, no think time: every session always has one run in
flight, the most a browser tab can ask for). A run is timed from the rerun message to the
``script_finished`` message; it is an error when the script raised, the page was not found, the
run did not finish within the timeout or the connection failed. Runs still in flight when the
time is up are waited for and counted ("drain").
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, child_env, free_port

sys.path.insert(0, str(ROOT))
from tools.stclient import Session  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------- the server

def _stat(pid: int) -> tuple[float, float] | None:
    """(own CPU seconds, CPU seconds of children it waited for) of a process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    f = raw[raw.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / TICK, (int(f[13]) + int(f[14])) / TICK


def _rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    except OSError:
        return 0.0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def tree(pid: int) -> list[int]:
    """The process and every live descendant (an import worker, say)."""
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


class Server:
    """``streamlit run SCRIPT`` on a free port of 127.0.0.1 (context manager), sampled every
    ``interval`` seconds: CPU seconds of the process tree, RSS of the server process and of the
    tree. ``mark()`` starts a measurement; ``since(mark)`` says what happened after it."""

    def __init__(self, script: str, env: dict[str, str], log: Path, *, interval: float = 0.25):
        self.script, self.env, self.log, self.interval = script, env, log, interval
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._samples: list[tuple[float, float, float, float]] = []   # t, cpu s, rss MB, tree rss MB
        self._stop = threading.Event()
        self._dead_children_cpu = 0.0
        self._live: dict[int, float] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> "Server":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", self.script, "--server.headless", "true",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=ROOT, env=child_env(**self.env), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{self.script} did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.25)
        threading.Thread(target=self._sample_loop, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server and its children (live ones and reaped ones)."""
        with self._lock:
            return self._cpu_s()

    def _cpu_s(self) -> float:
        own = _stat(self.proc.pid)
        if own is None:
            return self._samples[-1][1] if self._samples else 0.0
        live = {}
        for p in tree(self.proc.pid)[1:]:
            st = _stat(p)
            if st:
                live[p] = st[0] + st[1]
        # a child that ended between samples counts with its last reading (if it was not reaped
        # by the server, its time never reaches cutime)
        gone = sum(v for p, v in self._live.items() if p not in live)
        self._dead_children_cpu += gone
        self._live = live
        return own[0] + max(own[1], self._dead_children_cpu) + sum(live.values())

    def _sample_loop(self) -> None:
        while not self._stop.is_set() and self.proc.poll() is None:
            pids = tree(self.proc.pid)
            self._samples.append((time.monotonic(), self.cpu_s(), _rss_mb(self.proc.pid),
                                  sum(_rss_mb(p) for p in pids)))
            self._stop.wait(self.interval)

    def hwm_mb(self) -> float | None:
        from common import vm_hwm_mb

        return vm_hwm_mb(self.proc.pid)

    def mark(self) -> tuple[float, float]:
        return time.monotonic(), self.cpu_s()

    def since(self, mark: tuple[float, float]) -> dict:
        """CPU % (100 = one core busy) and the largest RSS seen after ``mark``."""
        t0, c0 = mark
        t1, c1 = time.monotonic(), self.cpu_s()
        window = [s for s in self._samples if s[0] >= t0]
        return {"cpu_pct": round(100 * (c1 - c0) / max(t1 - t0, 1e-9), 1),
                "cpu_s": round(c1 - c0, 1),
                "rss_mb_max": round(max((s[2] for s in window), default=_rss_mb(self.proc.pid)), 1),
                "tree_rss_mb_max": round(max((s[3] for s in window), default=0.0), 1),
                "rss_mb_end": round(_rss_mb(self.proc.pid), 1)}


# ---------------------------------------------------------------------------- the sessions

@dataclass
class Result:
    """One script run as a session saw it."""

    view: str
    start: float
    seconds: float
    error: str | None = None
    bytes: int = 0


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def _run_error(run) -> str | None:
    if run.page_not_found:
        return "page not found"
    if not run.ok:
        return "exception" if any(k == "exception" for k, _ in run.elements) else f"status {run.status}"
    return None


def _visitor(url: str, plan: list[tuple[str, str, str]], offset: int, ready: threading.Barrier, end: list[float],
             out: list[Result], timeout: float) -> None:
    """One session: connect, wait for the others, then run the plan's views in a loop until the end."""
    try:
        s = Session(url, timeout=timeout, light=True)
    except Exception as exc:  # noqa: BLE001 -- a refused connection is an error of the run, not a crash
        out.append(Result("connect", time.monotonic(), 0.0, f"connect: {type(exc).__name__}: {exc}"[:200]))
        with contextlib.suppress(threading.BrokenBarrierError):
            ready.wait()
        return
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    k = offset
    try:
        while time.monotonic() < end[0]:
            page, query, label = plan[k % len(plan)]
            k += 1
            t = time.monotonic()
            try:
                run = s.rerun(page=page, query=query)
            except Exception as exc:  # noqa: BLE001 -- timeout or a dropped connection
                out.append(Result(label, t, time.monotonic() - t, f"{type(exc).__name__}: {exc}"[:200]))
                break
            out.append(Result(label, t, run.seconds, _run_error(run), run.bytes))
    finally:
        with contextlib.suppress(Exception):
            s.close()


def hold(server: Server, plans: list[list[tuple[str, str, str]]], duration: float, *, timeout: float = 300.0,
         during=None) -> dict:
    """``len(plans)`` sessions at once on ``server`` for ``duration`` seconds (then the runs in
    flight finish). ``during(end_time)``, if given, runs in its own thread meanwhile (an admin
    uploading a file, say). Returns the raw window: ``results``, ``seconds`` (wall time, drain
    included), ``server`` (CPU, RSS: ``Server.since``), ``client_cpu_s`` (this process's CPU)."""
    n = len(plans)
    out: list[Result] = []
    end = [float("inf")]
    ready = threading.Barrier(n + 1)
    threads = [threading.Thread(target=_visitor, daemon=True,
                                args=(server.url, plans[i], i, ready, end, out, timeout)) for i in range(n)]
    for th in threads:
        th.start()
    ready.wait()                                       # every session connected (or failed to)
    mark = server.mark()
    client0 = os.times()
    t0 = time.monotonic()
    end[0] = t0 + duration
    side = None
    if during is not None:
        side = threading.Thread(target=during, args=(end[0],), daemon=True)
        side.start()
    for th in threads:
        th.join(timeout=duration + timeout + 30)
    t1 = time.monotonic()
    srv = server.since(mark)
    client1 = os.times()
    if side is not None:
        side.join(timeout=5)                           # the side job is not waited for beyond that
    return {"results": out, "seconds": t1 - t0, "duration": duration, "server": srv,
            "client_cpu_s": (client1.user - client0.user) + (client1.system - client0.system)}


def summary(windows: list[dict]) -> dict:
    """The figures of one or more windows of the same load, pooled (see ``figures``): CPU % over
    their total time, the largest RSS seen."""
    results = [r for w in windows for r in w["results"]]
    wall = sum(w["seconds"] for w in windows)
    res = figures(results, wall, sum(w["duration"] for w in windows))
    cpu = sum(w["server"]["cpu_s"] for w in windows)
    res["server"] = {"cpu_pct": round(100 * cpu / max(wall, 1e-9), 1), "cpu_s": round(cpu, 1),
                     "rss_mb_max": max(w["server"]["rss_mb_max"] for w in windows),
                     "tree_rss_mb_max": max(w["server"]["tree_rss_mb_max"] for w in windows)}
    res["client_cpu_pct"] = round(100 * sum(w["client_cpu_s"] for w in windows) / max(wall, 1e-9), 1)
    res["windows"] = len(windows)
    return res


def figures(results: list[Result], wall: float, duration: float) -> dict:
    """p50/p95/p99 of the runs' seconds (errors included: a slow failure is slow), per view too."""
    secs = [r.seconds for r in results if r.view != "connect"]
    errors = [r for r in results if r.error]
    kinds: dict[str, int] = {}
    for r in errors:
        kinds[r.error] = kinds.get(r.error, 0) + 1
    by_view: dict[str, dict] = {}
    for view in sorted({r.view for r in results if r.view != "connect"}):
        vs = [r.seconds for r in results if r.view == view]
        by_view[view] = {"runs": len(vs), "p50_s": _r(percentile(vs, 50)), "p95_s": _r(percentile(vs, 95)),
                         "errors": sum(1 for r in results if r.view == view and r.error)}
    return {"runs": len(secs), "errors": len(errors), "error_kinds": kinds,
            "p50_s": _r(percentile(secs, 50)), "p95_s": _r(percentile(secs, 95)), "p99_s": _r(percentile(secs, 99)),
            "max_s": _r(max(secs, default=None)), "runs_per_s": round(len(secs) / max(wall, 1e-9), 2),
            "duration_s": duration, "drain_s": round(max(0.0, wall - duration), 1),
            "kb_per_run": round(sum(r.bytes for r in results) / max(len(secs), 1) / 1024, 1),
            "by_view": by_view}


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 3)
