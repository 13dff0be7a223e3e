"""Cell values and results as plain JSON data, both ways: what the worker process sends back is
parsed as JSON and checked, never unpickled (a worker that a hostile file took over could send
anything; JSON cannot make the parent run code)."""
from __future__ import annotations

import datetime as dt
import json
import math


class Malformed(ValueError):
    """The worker's answer is not what a worker sends."""


def value(v):
    """A cell value (or a message parameter) as JSON data."""
    if v is None or isinstance(v, (str, bool, int)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"float": repr(v)}
    if isinstance(v, dt.datetime):
        return {"datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"date": v.isoformat()}
    if isinstance(v, dt.time):
        return {"time": v.isoformat()}
    if isinstance(v, dt.timedelta):
        return {"seconds": v.total_seconds()}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    if isinstance(v, dict):
        return {"dict": {str(k): value(x) for k, x in v.items()}}
    return str(v)


_BACK = {"float": float, "datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat,
         "time": dt.time.fromisoformat, "seconds": lambda s: dt.timedelta(seconds=float(s))}


def unvalue(v):
    """The inverse of :func:`value` (Malformed for anything it never writes)."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, list):
        return [unvalue(x) for x in v]
    if isinstance(v, dict) and len(v) == 1:
        (k, x), = v.items()
        if k == "dict" and isinstance(x, dict):
            return {str(a): unvalue(b) for a, b in x.items()}
        if k in _BACK and isinstance(x, (str, int, float)):
            try:
                return _BACK[k](x)
            except (TypeError, ValueError):
                pass
    raise Malformed("unexpected value")


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(raw: bytes):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as e:
        raise Malformed(str(e)[:100]) from None


def need(obj, kind, what: str):
    """``obj`` if it is of type ``kind`` (None allowed when kind is a tuple holding type(None))."""
    if not isinstance(obj, kind) or (kind is int and isinstance(obj, bool)):
        raise Malformed(f"{what}: expected {kind}")
    return obj
