"""Reading and validating a batch in worker processes (`worker`): the parent never parses a file.

Up to ``JOBS`` workers run at once (the machine has two cores), each reused for the next file of
the batch (starting one costs ~0.2 s). A file gets ``WALL_SECONDS``; a worker that dies (a reader
crash, the 1 GiB memory limit), sends something that is not a well-formed answer or runs out of
time is killed, the file is rejected with one line ("could not be read safely: …") and the next
file gets a fresh worker. Answers are JSON (`plain`), parsed here, never unpickled.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

ROOT = Path(__file__).resolve().parents[2]
JOBS = 2
WALL_SECONDS = 60.0
MAX_META = 64 << 20                        # bytes of a worker's answer (problems are capped far below)
MAX_FACTS = 512 << 20
_LEN = struct.Struct("<Q")
#: bytes of each pipe to a worker (Linux's default is 64 KiB): a worker's answer (~0.4 MB for a
#: report of 2000 activities) fits whole, so the worker goes on to the next file without waiting
#: for the parent's reader thread to get the GIL once per 64 KiB
PIPE_BYTES = 1 << 20
#: answers that may wait for the caller: enough for the workers to go on while the caller writes
#: a batch of rows to the database (~0.5 s, ~30 files of 2000 rows), within a bound on memory
AHEAD = 64
AHEAD_BYTES = 64 << 20
#: the largest peak memory a worker of this process reported (MB): what the benchmarks record
PEAK_MB = [0.0]


@dataclass
class Answer:
    """What came back for one file: ``meta`` (parsed) and ``facts`` (raw JSON), or ``failure``
    (a message code and its parameters)."""
    meta: dict | None = None
    facts: bytes = b""
    failure: tuple[str, dict] | None = None


class _Gone(Exception):
    """The worker died, timed out or broke the protocol: a message code and parameters."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


class _Worker:
    def __init__(self):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
               "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen([sys.executable, "-m", "tipdash.ingest.worker"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):     # above /proc/sys/fs/pipe-max-size: keep the default
                fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self.buf = bytearray()                     # read from the worker, not yet taken

    # Each system call below gives up the GIL and must get it back from the writing thread
    # (up to 5 ms when that thread is busy) while the worker waits: a request goes in one write,
    # an answer is read in as few reads as the pipe allows.

    def ask(self, name: str, data: bytes, deadline: float) -> Answer:
        head = json.dumps({"name": name, "size": len(data)}).encode()
        try:
            self.proc.stdin.write(b"".join((_LEN.pack(len(head)), head, data)))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self.death() from None
        meta = self.frame(deadline, MAX_META)
        facts = self.frame(deadline, MAX_FACTS)
        from tipdash.ingest.plain import Malformed, loads
        try:
            parsed = loads(meta)
        except Malformed:
            raise _Gone("unsafe.malformed") from None
        if not isinstance(parsed, dict):
            raise _Gone("unsafe.malformed")
        return Answer(parsed, facts)

    def frame(self, deadline: float, limit: int) -> bytes:
        n = _LEN.unpack(self.read(_LEN.size, deadline))[0]
        if n > limit:
            raise _Gone("unsafe.malformed")
        return self.read(n, deadline)

    def read(self, n: int, deadline: float) -> bytes:
        """``n`` bytes of the answer (what is in the pipe beyond them is kept for the next frame:
        a worker sends nothing before it is asked, so it is this answer's)."""
        fd = self.proc.stdout.fileno()
        buf = self.buf
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _Gone("unsafe.timeout", seconds=round(WALL_SECONDS))
            b = os.read(fd, max(n - len(buf), PIPE_BYTES))
            if not b:
                raise self.death()
            buf += b
        out = bytes(memoryview(buf)[:n])
        del buf[:n]
        return out

    def death(self) -> _Gone:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return _Gone("unsafe.no_answer")
        if code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            return _Gone("unsafe.crashed", signal=sig)
        return _Gone("unsafe.stopped", status=code)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass




def check_all(items: Sequence[tuple[str, Callable[[], bytes]]], jobs: int = JOBS) -> list[Answer]:
    """One Answer per (name, load) of ``items``, in order. ``load`` gives the file's bytes (it may
    raise OSError, which becomes the file's failure)."""
    return list(check_iter(items, jobs))


def check_iter(items: Sequence[tuple[str, Callable[[], bytes]]], jobs: int = JOBS, ahead: int = AHEAD,
               ahead_bytes: int = AHEAD_BYTES):
    """The Answers in order, each as soon as it is ready (so the caller can write file 1 while
    the workers read files 2 and 3); at most ``ahead`` answers, and past the first one at most
    ``ahead_bytes`` of them, wait for the caller."""
    answers: dict[int, Answer] = {}
    held = [0]                                  # bytes of the answers waiting
    cond = threading.Condition()
    todo = iter(range(len(items)))
    stop = threading.Event()

    def run() -> None:
        worker = None
        try:
            while not stop.is_set():
                with cond:
                    while (len(answers) >= ahead or answers and held[0] >= ahead_bytes) and not stop.is_set():
                        cond.wait(0.5)
                    i = next(todo, None)
                if i is None or stop.is_set():
                    return
                try:
                    worker, answer = _one(worker, *items[i])
                except Exception as exc:  # noqa: BLE001 - a bug here rejects the file, never hangs the batch
                    worker, answer = None, Answer(failure=("internal", {"detail": f"{type(exc).__name__}: {exc}"[:200]}))
                with cond:
                    answers[i] = answer
                    held[0] += len(answer.facts)
                    cond.notify_all()
        finally:
            if worker is not None:
                worker.kill()

    threads = [threading.Thread(target=run, daemon=True) for _ in range(max(1, min(jobs, len(items))))]
    for t in threads:
        t.start()
    try:
        for i in range(len(items)):
            with cond:
                while i not in answers and any(t.is_alive() for t in threads):
                    cond.wait(0.5)
                answer = answers.pop(i, None)
                held[0] -= len(answer.facts) if answer is not None else 0
                cond.notify_all()
            yield answer if answer is not None else Answer(failure=("unsafe.no_answer", {}))
    finally:
        stop.set()
        with cond:
            cond.notify_all()
        for t in threads:
            t.join()


def _one(worker: _Worker | None, name: str, load: Callable[[], bytes]) -> tuple[_Worker | None, Answer]:
    try:
        data = load()
    except OSError as exc:
        return worker, Answer(failure=("file.cannot_open", {"reason": str(exc.strerror or exc)}))
    if worker is None:
        worker = _Worker()
    try:
        answer = worker.ask(name, data, time.monotonic() + WALL_SECONDS)
    except _Gone as exc:
        worker.kill()
        return None, Answer(failure=(exc.code, exc.params))
    peak = answer.meta.get("peak_rss_mb")
    if isinstance(peak, (int, float)) and peak > PEAK_MB[0]:
        PEAK_MB[0] = float(peak)
    fatal = answer.meta.get("fatal")
    if fatal is not None:
        worker.kill()
        if fatal == "memory":
            return None, Answer(meta=answer.meta, failure=("unsafe.memory", {}))
        return None, Answer(meta=answer.meta, failure=("internal", {"detail": str(answer.meta.get("detail", ""))[:200]}))
    return worker, answer
