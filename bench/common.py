"""Helpers shared by the benchmark scripts: child processes, statistics, memory, the machine."""
from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(extra)
    return env


def run_child(script: str, *args: str, timeout: float | None = None, **env: str) -> dict:
    """Run bench/<script> in a fresh interpreter; it prints one JSON object as its last stdout line."""
    proc = subprocess.run([PY, str(BENCH / script), *map(str, args)], cwd=ROOT, env=child_env(**env),
                          capture_output=True, text=True, timeout=timeout)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{script} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1])


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(values: list[float], digits: int = 1) -> dict:
    """Median, min, max and the runs (rounded)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "runs": []}
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits), "runs": [round(v, digits) for v in values]}


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set size (VmHWM) of a process, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def self_hwm_mb() -> float | None:
    return vm_hwm_mb(os.getpid())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _version(pkg: str) -> str | None:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 ** 2, 1)
    except OSError:
        pass
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = None
    try:
        chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True,
                                  timeout=20).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "cores": os.cpu_count(), "memory_gb": mem, "cpu": cpu, "platform": platform.platform(),
        "python": platform.python_version(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "versions": {p: _version(p) for p in ("streamlit", "duckdb", "pandas", "plotly", "openpyxl",
                                              "python-calamine", "xlsxwriter", "playwright", "pyarrow")},
        "chromium": chromium,
    }


class Clock:
    """Wall-clock budget of the whole benchmark."""

    def __init__(self, budget_s: float):
        self.start = time.monotonic()
        self.budget_s = budget_s

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    @property
    def left(self) -> float:
        return self.budget_s - self.elapsed
