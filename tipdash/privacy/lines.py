"""Single figures and lines: the threshold, the labels ("<5", "x"), and the suppression of lines of
cells that share one published total (primary, then complementary until every hidden cell keeps at
least two possible values)."""
from __future__ import annotations

import os

from tipdash.values import is_missing

ENV = "TIPDASH_SUPPRESS_THRESHOLD"
DEFAULT_THRESHOLD = 5
SECONDARY = "x"                      # complementary suppression / withheld figure
DIMS = ("sex", "age_group", "exploitation", "status")
NATIONAL = "MD"
ATTR = "tipdash.victims"             # set by tipdash.indicators: {"year", "cells", "units"}
ATTR_PREV = "tipdash.victims_prev"   # the previous year's cells (indicators.change)
TOTAL_ATTR = "tipdash.total"         # the protected total of a protected frame

PUB, PRIMARY, SECOND, WITHHELD = "published", "primary", "secondary", "withheld"
_INF = 10 ** 12


def threshold() -> int:
    """Counts below this (and above 0) are suppressed; $TIPDASH_SUPPRESS_THRESHOLD overrides 5."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return DEFAULT_THRESHOLD
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ENV}={raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{ENV}={raw!r} must be at least 1")
    return value


def label(threshold: int | None = None) -> str:
    """What a primary-suppressed count shows: "<5"."""
    return f"<{threshold_of(threshold)}"


def threshold_of(t: int | None) -> int:
    """``t``, or the configured :func:`threshold` when None."""
    return threshold() if t is None else int(t)


def protect_value(n, threshold: int | None = None):
    """One figure on its own: 1..threshold-1 -> "<5"; 0 stays 0; NA stays NA; an already
    protected label is returned as is."""
    if is_missing(n) or is_suppressed(n):
        return n
    v = int(n)
    t = threshold_of(threshold)
    return label(t) if 1 <= v < t else v


def is_suppressed(v) -> bool:
    """True for "<5" and "x"."""
    return isinstance(v, str) and (v == SECONDARY or v.startswith("<"))


def _box(status: str, t: int) -> tuple[int, int]:
    """What a reader knows about a suppressed cell from its label and the rule."""
    return (1, t - 1) if status == PRIMARY else (t, _INF)


def _ranges(lines, status, total_status, t):
    """Feasible values of each suppressed cell and of the total, given the published cells,
    the total (if published) and the label bounds. Lines are independent given the total, and
    within a line (cells in boxes, fixed sum) every integer in the interval is reachable, so the
    intervals are exact."""
    total = sum(lines[0]) if lines else 0
    tlo, thi = (total, total) if total_status == PUB else _box(total_status, t)
    parts = []
    for vals, sts in zip(lines, status):
        pub = sum(v for v, s in zip(vals, sts) if s == PUB)
        sup = [i for i, s in enumerate(sts) if s != PUB]
        lo = sum(_box(sts[i], t)[0] for i in sup)
        hi = sum(_box(sts[i], t)[1] for i in sup)
        tlo, thi = max(tlo, pub + lo), min(thi, pub + hi)
        parts.append((pub, sup, lo, hi))
    cells = {}
    for li, (pub, sup, lo, hi) in enumerate(parts):
        for i in sup:
            blo, bhi = _box(status[li][i], t)
            cells[(li, i)] = (max(blo, tlo - pub - (hi - bhi)), min(bhi, thi - pub - (lo - blo)))
    return cells, (tlo, thi)


def _safe(rng: tuple[int, int], box: tuple[int, int]) -> bool:
    """At least two possible values (or as many as the label itself allows)."""
    return rng[1] > rng[0] or box[1] == box[0]


def protect_lines(lines: list[list[int]], t: int | None = None,
                  fixed: list[set[int]] | None = None) -> tuple[list[list[str]], str]:
    """Suppression status of every cell of lines that all sum to the same published total.

    ``fixed[l]``: cells of line l that may not be chosen as complements (shown elsewhere).
    Returns (status per cell: published/primary/secondary/withheld, status of the total).
    """
    t = threshold_of(t)
    lines = [[int(v) for v in line] for line in lines]
    if not lines:
        return [], PUB
    total = sum(lines[0])
    if any(sum(line) != total for line in lines):
        raise ValueError("lines must have the same total")
    if 1 <= total < t:
        return [[WITHHELD] * len(line) for line in lines], PRIMARY
    fixed = fixed or [set() for _ in lines]
    status = [[PRIMARY if 1 <= v < t else PUB for v in line] for line in lines]
    total_status = PUB

    def unsafe_lines():
        cells, trange = _ranges(lines, status, total_status, t)
        bad = {li for (li, i), rng in cells.items() if not _safe(rng, _box(status[li][i], t))}
        if total_status != PUB and not _safe(trange, _box(total_status, t)):
            bad |= {li for li, sts in enumerate(status) if all(s == PUB for s in sts)}
        return bad

    while True:
        bad = sorted(unsafe_lines())
        if not bad:
            return status, total_status
        restart = progress = False
        for li in bad:
            cands = sorted((i for i, v in enumerate(lines[li])
                            if v > 0 and status[li][i] == PUB and i not in fixed[li]),
                           key=lambda i: (lines[li][i], i))
            if not cands:
                if total_status == PUB:
                    total_status = SECOND
                    restart = True
                    break
                continue  # the other lines' complements may free this one
            progress = True
            chosen = cands[0]
            for i in cands:  # the smallest complement that makes the line safe, else the smallest
                status[li][i] = SECOND
                if li not in unsafe_lines():
                    chosen = i
                    status[li][i] = PUB
                    break
                status[li][i] = PUB
            status[li][chosen] = SECOND
        if not restart and not progress:
            raise RuntimeError("cannot protect these lines")  # pragma: no cover


def show(value: int, status: str, t: int):
    """What a cell of this status shows: the figure, "<5" or "x"."""
    if status == PUB:
        return label(t) if 1 <= value < t else int(value)
    return label(t) if status == PRIMARY else SECONDARY
