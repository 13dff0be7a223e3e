"""Many readers at once: tipdash's pages and the bare page under N concurrent websocket sessions,
and the readers while an admin uploads a hostile file. Run in a fresh process:

    load_bench.py DB WORKDIR [--ns 1,10,25,50] [--duration 20] [--parts load,hostile]

(`TIPDASH_CONFIG_DIR`, `BENCH_USER` and `BENCH_PASSWORD` name the admin account run.py made.)
Prints one JSON object (the `load` part of results.json). Everything runs on 127.0.0.1.

1. `streamlit run app.py` against DB. One session per language opens every public page twice;
   the second run's figures and tables (as sent on the websocket) become the bare page's content
   for that view, so the baseline draws exactly what the page drew.
2. `streamlit run bench/bare_page.py` with that content (``?view=`` picks the page's).
3. For each N: N sessions on tipdash for `duration` seconds, then N sessions on the bare page,
   the same plan (session i reads in language i mod 3 and walks the pages from its own offset).
4. Hostile upload, per kind of file, on a fresh tipdash server: 10 readers for `duration` seconds
   (idle), then 10 readers for `duration` seconds while a signed-in admin session uploads the
   file to the Import page and has it validated again and again (the strict box toggled, so the
   page does not reuse its last report).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_files  # noqa: E402
from common import ROOT  # noqa: E402
from loadgen import Server, hold, summary  # noqa: E402

from tools.stclient import Session  # noqa: E402

QUERIES = ("", "lang=ru", "lang=en")     # "" = Romanian, the default
HOSTILE_N = 10


def public_pages() -> list[str]:
    """The pages an anonymous visitor may open (the readers' pages)."""
    from tipdash import auth, web

    return [p for p in web.PAGES if auth.PAGE_PERMISSION.get(p) == "view_public"]


def _page_name(page: str) -> str:
    return "" if page == "map" else page            # the default page's url path is ""


def _capture(run) -> dict:
    """The figures (JSON spec, config) and tables (DataFrames: ``st.dataframe`` grids and
    ``st.table`` ones) a run sent."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    figs, frames, tables = [], [], []
    for kind, el in run.elements:
        if kind == "plotly_chart":
            figs.append({"spec": el.spec, "config": el.config})
        elif kind in ("dataframe", "table") and el.arrow_data.data:
            (tables if kind == "table" else frames).append(convert_arrow_bytes_to_pandas_df(el.arrow_data.data))
    return {"figures": figs, "frames": frames, "tables": tables}


def warm_and_capture(url: str, pages: list[str], queries=QUERIES) -> tuple[dict, dict]:
    """Every (page, query) opened twice in one session per query: first and warm run times, and
    the bare page's content per view."""
    views, times = {}, {}
    for q in queries:
        with Session(url, timeout=600) as s:
            for p in pages:
                first = s.rerun(page=_page_name(p), query=q)
                warm = s.rerun(page=_page_name(p), query=q)
                name = view_name(p, q)
                times[name] = {"first_s": round(first.seconds, 3), "warm_s": round(warm.seconds, 3),
                               "ok": first.ok and warm.ok, "bytes": warm.bytes}
                views[name] = _capture(warm)
    return views, times


def view_name(page: str, query: str) -> str:
    return f"{page}?{query}" if query else page


def plans(n: int, pages: list[str], queries=QUERIES, *, bare: bool = False) -> list[list[tuple[str, str, str]]]:
    """Session i reads in language i mod len(queries) and walks the pages (from its own offset:
    hold() starts session i at view i). Views are labelled by page, on both servers."""
    out = []
    for i in range(n):
        q = queries[i % len(queries)]
        if bare:
            out.append([("", urlencode({"view": view_name(p, q)}), p) for p in pages])
        else:
            out.append([(_page_name(p), q, p) for p in pages])
    return out


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    keep = ("TIPDASH_DB", "TIPDASH_CONFIG_DIR")
    return {k: os.environ[k] for k in keep if k in os.environ} | (extra or {})


def bench_load(work: Path, ns: list[int], duration: float) -> dict:
    pages = public_pages()
    res: dict = {"pages": pages, "queries": list(QUERIES), "duration_s": duration, "by_n": {}}
    with Server("app.py", _env(), work / "logs" / "load_app.log") as app:
        t = time.monotonic()
        views, times = warm_and_capture(app.url, pages)
        res["warm_up"] = {"seconds": round(time.monotonic() - t, 1), "views": times}
        bare_path = work / "bare_views.pkl"
        bare_path.write_bytes(pickle.dumps({"views": views}))
        with Server("bench/bare_page.py", _env({"BENCH_BARE": str(bare_path)}),
                    work / "logs" / "load_bare.log") as bare:
            with Session(bare.url, timeout=600) as s:
                for p in plans(len(QUERIES), pages, bare=True):
                    for page, q, _ in p:
                        s.rerun(page=page, query=q)
            for n in ns:
                # tipdash, bare, bare, tipdash: a load on the machine that grows or fades during
                # the four windows hits both alike
                got: dict[str, list] = {"tipdash": [], "bare": []}
                for label in ("tipdash", "bare", "bare", "tipdash"):
                    srv, is_bare = (bare, True) if label == "bare" else (app, False)
                    got[label].append(hold(srv, plans(n, pages, bare=is_bare), duration / 2))
                row = {label: summary(w) for label, w in got.items()}
                for label in row:
                    _log(f"load N={n} {label}: p50 {row[label]['p50_s']} s, p95 {row[label]['p95_s']} s, "
                         f"{row[label]['runs']} runs, {row[label]['errors']} errors, "
                         f"CPU {row[label]['server']['cpu_pct']} %, RSS {row[label]['server']['rss_mb_max']} MB")
                tp, bp = row["tipdash"]["p95_s"], row["bare"]["p95_s"]
                row["p95_vs_bare"] = round(tp / bp, 2) if tp and bp else None
                res["by_n"][str(n)] = row
            res["bare_peak_rss_mb"] = _round(bare.hwm_mb())
        res["peak_rss_mb"] = _round(app.hwm_mb())
    return res


# ---------------------------------------------------------------------------- hostile upload

def admin_session(url: str) -> Session:
    """A session signed in with the bench admin account through the sidebar form, on the Import page."""
    from tipdash.web import auth as web_auth

    s = Session(url, timeout=900)
    s.rerun(page="", query="")
    s.open(web_auth.FORM_OPEN)
    s.set(web_auth.FORM_USER, os.environ["BENCH_USER"])
    s.set(web_auth.FORM_PASSWORD, os.environ["BENCH_PASSWORD"])
    s.click(web_auth.FORM_SUBMIT)
    run = s.rerun(page="import")
    if not run.ok or "upload" not in s.widgets:
        raise RuntimeError(f"the admin session did not reach the Import page: {run.text[:500]}")
    return s


def _uploader(s: Session, name: str, data: bytes, log: list[dict]):
    """The admin's side of the hostile window: upload, then have the file validated again until
    the end of the window (the strict box toggled each time, so the page cannot reuse its report).
    A run still going when the readers stop is logged as unfinished by ``_unfinished``."""
    def go(end: float) -> None:
        strict = False
        log.append({"what": "upload", "started": time.monotonic()})
        try:
            _done(log, s.upload("upload", name, data, mime="text/csv"))
            while time.monotonic() < end:
                strict = not strict
                s.set("import_strict", strict)
                log.append({"what": "revalidate", "started": time.monotonic()})
                _done(log, s.rerun())
        except Exception as exc:  # noqa: BLE001 -- a timeout or the server stopping under it
            if "seconds" not in log[-1]:
                log[-1].update(seconds=round(time.monotonic() - log[-1]["started"], 2),
                               error=f"{type(exc).__name__}: {exc}"[:300])
    return go


def _done(log: list[dict], run) -> None:
    """What one validation run showed: its time and the alert it ended with."""
    alerts = [el.body for kind, el in run.elements if kind == "alert"]
    log[-1].update(seconds=round(time.monotonic() - log[-1]["started"], 2), ok=run.ok,
                   alert=(alerts[0] if alerts else "")[:200])


def _unfinished(log: list[dict], t0: float) -> list[dict]:
    """The admin's runs relative to the window's start; one still running is marked unfinished."""
    out = []
    for x in log:
        y = {k: v for k, v in x.items() if k != "started"}
        y["started_s"] = round(x["started"] - t0, 2)
        if "seconds" not in x:
            y.update(unfinished=True, seconds=round(time.monotonic() - x["started"], 2))
        out.append(y)
    return out


def bench_hostile(work: Path, duration: float) -> dict:
    pages = public_pages()
    res: dict = {"readers": HOSTILE_N, "duration_s": duration, "kinds": {}}
    for kind in hostile_files.KINDS:
        name, data, what = hostile_files.make(kind)
        with Server("app.py", _env(), work / "logs" / f"hostile_{kind}.log") as app:
            warm_and_capture(app.url, pages)
            admin = admin_session(app.url)
            idle = summary([hold(app, plans(HOSTILE_N, pages), duration)])
            log: list[dict] = []
            t0 = time.monotonic()
            under = summary([hold(app, plans(HOSTILE_N, pages), duration, during=_uploader(admin, name, data, log))])
            log = _unfinished(log, t0)
            admin.close()
            ip, hp = idle["p95_s"], under["p95_s"]
            res["kinds"][kind] = {"file": name, "what": what, "bytes": len(data), "idle": idle, "upload": under,
                                  "admin_runs": log, "p95_vs_idle": round(hp / ip, 2) if ip and hp else None,
                                  "peak_rss_mb": _round(app.hwm_mb())}
            _log(f"hostile {kind}: readers p95 idle {ip} s, under upload {hp} s; admin runs "
                 f"{[(x['what'], x['seconds'], 'unfinished' if x.get('unfinished') else x.get('alert')) for x in log]}")
    return res


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def _log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("workdir")
    ap.add_argument("--ns", default="1,10,25,50")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds each load window lasts")
    ap.add_argument("--parts", default="load,hostile")
    args = ap.parse_args(argv)
    os.environ["TIPDASH_DB"] = str(Path(args.db).resolve())
    os.chdir(ROOT)
    work = Path(args.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    parts = set(args.parts.split(","))
    out: dict = {"machine_cores": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    t = time.monotonic()
    if "load" in parts:
        out.update(bench_load(work, [int(x) for x in args.ns.split(",")], args.duration))
    if "hostile" in parts:
        out["hostile_upload"] = bench_hostile(work, args.duration)
    out["elapsed_s"] = round(time.monotonic() - t, 1)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


if __name__ == "__main__":
    print(json.dumps(main()))
