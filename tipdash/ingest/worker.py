"""The worker process that reads and validates files (``python -m tipdash.ingest.worker``).

It runs at lower CPU priority (nice 10) under an address-space limit (RLIMIT_AS, 1 GiB) and
a per-file CPU limit, with no core dumps, so that a file that crashes a reader or allocates
without bound costs only this process: the parent (`pool`) sees it die, rejects the file with
one line and starts another worker.

Protocol on stdin/stdout, frames of an 8-byte little-endian length then the bytes: the parent
sends a JSON header ``{"name", "size"}`` then the file's bytes; the worker answers with two JSON
frames, ``meta`` and ``facts`` (`check`). Nothing but JSON goes back.

``TIPDASH_TEST_WORKER_HOOK`` (tests only; set in the server's environment, so never reachable
from an upload): ``abort:<file name>`` calls ``os.abort()`` and ``alloc:<file name>`` allocates
2 GiB when that file arrives; ``sleep:<file name>`` sleeps for 120 s.
"""
from __future__ import annotations

import json
import os
import resource
import struct
import sys
import time

MEMORY_LIMIT = 1 << 30
CPU_SECONDS_PER_FILE = 120
HOOK_ENV = "TIPDASH_TEST_WORKER_HOOK"
_LEN = struct.Struct("<Q")


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        os.nice(10)
    except OSError:
        pass


def _cpu_budget() -> None:
    """The CPU limit counts from now (a backstop: the parent enforces the wall-time limit)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime) + 1
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    soft = spent + CPU_SECONDS_PER_FILE
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _peak_mb() -> float:
    """This process's own peak resident memory (VmHWM: getrusage would count the parent's memory
    at fork time, which exec inherits)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _read_exact(f, n: int) -> bytes | None:
    parts, got = [], 0
    while got < n:
        b = f.read(n - got)
        if not b:
            return None
        parts.append(b)
        got += len(b)
    return b"".join(parts)


def _send(f, payload: bytes) -> None:
    f.write(_LEN.pack(len(payload)))
    f.write(payload)


def _hook(spec: str, name: str) -> None:
    action, _, target = spec.partition(":")
    if not spec or target != name:
        return
    if action == "abort":
        os.abort()
    if action == "alloc":
        bytearray(2 << 30)
    if action == "sleep":
        time.sleep(120)


def _answer(name: str, data: bytes, hook: str) -> tuple[dict, dict]:
    from tipdash.ingest.check import check_file

    try:
        _hook(hook, name)
        return check_file(name, data)
    except MemoryError:
        return {"fatal": "memory"}, {}
    except RecursionError:
        return {"fatal": "internal", "detail": "the file is nested too deeply"}, {}
    except Exception as exc:  # noqa: BLE001 - a bug must reach the user as one line, not a traceback
        return {"fatal": "internal", "detail": f"{type(exc).__name__}: {exc}"[:300]}, {}


def main() -> int:
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    sys.stdout = sys.stderr                    # only frames go to the parent
    _limit()
    from tipdash.ingest.plain import dumps      # imported under the limit: they count against it
    import tipdash.ingest.check  # noqa: F401

    hook = os.environ.get(HOOK_ENV, "")
    while True:
        head = _read_exact(inp, _LEN.size)
        if head is None:
            return 0
        req = json.loads(_read_exact(inp, _LEN.unpack(head)[0]) or b"{}")
        data = _read_exact(inp, int(req.get("size", 0)))
        if data is None:
            return 0
        _cpu_budget()
        meta, facts = _answer(str(req.get("name", "")), data, hook)
        del data
        meta["peak_rss_mb"] = _peak_mb()
        try:
            body = dumps(facts)
        except MemoryError:
            meta, body = {"fatal": "memory", "peak_rss_mb": meta["peak_rss_mb"]}, b"{}"
        _send(out, dumps(meta))
        _send(out, body)
        out.flush()
        if "fatal" in meta:
            return 0                           # a fresh worker for the next file


if __name__ == "__main__":
    sys.exit(main())
