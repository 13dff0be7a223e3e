"""Script run time of every page with AppTest, cold and warm, against a bare page drawing the same
precomputed figures and tables. Run in a fresh process with TIPDASH_DB set:

    pages_bench.py RUNS WORKDIR

Prints one JSON object: per page (and per extra view of ``VIEWS``, e.g. ``map+profile``; only those
named in $BENCH_PAGES when it is set) the cold/warm run times (ms), the bare page's warm time, the bytes
of every element the page sends (serialised protobuf, as Streamlit puts it on the websocket) and
the map figure's JSON size. WORKDIR receives `bare_<page>.pkl` (the precomputed content) and
`map_figure.json` (for the browser benchmark).
"""
from __future__ import annotations

import json
import os
import pickle
import sys
import time
from pathlib import Path

from common import ROOT, self_hwm_mb, summary

os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")

from streamlit.testing.v1 import AppTest  # noqa: E402

APP = str(ROOT / "app.py")
BARE = str(ROOT / "bench" / "bare_page.py")
TIMEOUT = 300
WARM_RUNS = 21                # warm runs cost milliseconds: enough of them for a steady median


#: views beside the pages' default ones: name -> (page, session state set before the first run).
#: The views across years (issue 11) are measured like the pages: a unit's history in the map's
#: profile, the change against a base year, a unit on the Across years page, the district x year
#: table of victims (privacy from each year's base), the national statistics by sex.
VIEWS: dict[str, tuple[str, dict]] = {
    "map+profile": ("map", {"profile_unit": "MD-CA"}),
    "map+change": ("map", {"map_mode": "change"}),
    "trends+unit": ("trends", {"trends_unit": "MD-CA"}),
    "trends+victims": ("trends", {"indicator": "victims"}),
    "victims+sex": ("victims", {"nat_view": "sex"}),
}


def pages() -> list[str]:
    from tipdash import web

    return list(web.PAGES)


def targets() -> list[tuple[str, str, dict]]:
    """(name, page, session state): every page as it opens, then the extra views."""
    return [(p, p, {}) for p in pages()] + [(name, page, state) for name, (page, state) in VIEWS.items()]


def elements(at: AppTest) -> list:
    """Every element (leaf node with a proto) of the rendered tree, main area and sidebar."""
    out, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children:
            stack.extend(children.values())
        elif getattr(node, "proto", None) is not None:
            out.append(node)
    return out


def proto_bytes(at: AppTest) -> int:
    return sum(e.proto.ByteSize() for e in elements(at))


def clear_caches() -> None:
    import streamlit as st

    from tipdash.web import cache

    st.cache_data.clear()
    st.cache_resource.clear()
    cache.clear()                 # the process's own caches (queries, shared figures and tables)


def errors(at: AppTest) -> list[str]:
    return [str(e.value)[:500] for e in at.exception]


def timed_run(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    return (time.perf_counter() - t) * 1000


def content(at: AppTest) -> dict:
    """What the page drew, for the bare page to draw again without computing anything: the
    figures and tables as the same kind of element (``st.plotly_chart``; a grid, ``st.dataframe``;
    an editable grid, ``st.data_editor`` with its rows mode; a static table, ``st.table``), each
    serialised again at every run as the page does; every other element (text, headings, alerts,
    metrics, in the main area and the sidebar) as the protobuf the page sent, which the bare page
    only enqueues again; the widgets as the protobuf too, from which the bare page draws the same
    widget (kind, label, options, default)."""
    figs, frames, tables, editors, others, widgets = [], [], [], [], [], []
    for e in elements(at):
        kind = getattr(e, "type", None) or type(e).__name__
        if kind == "plotly_chart":
            figs.append({"spec": e.proto.spec, "config": e.proto.config})
        elif kind in ("dataframe", "arrow_data_frame", "table"):
            try:
                value = e.value
            except Exception:  # noqa: BLE001 -- a table AppTest cannot decode is left out
                continue
            mode = getattr(e, "editing_mode", "read_only") if kind != "table" else "read_only"
            if kind == "table":
                tables.append(value)
            elif mode != "read_only":
                editors.append((value, _ROWS_MODE.get(mode, "fixed")))
            else:
                frames.append(value)
        elif _FIELD.get(e.proto.DESCRIPTOR.full_name):
            field = _FIELD[e.proto.DESCRIPTOR.full_name]
            (widgets if getattr(e.proto, "id", "") else others).append((field, e.proto.SerializeToString()))
    return {"figures": figs, "frames": frames, "tables": tables, "editors": editors, "elements": others,
            "widgets": widgets}


def _element_fields() -> dict[str, str]:
    """protobuf message type -> the field of Streamlit's Element that carries it (one each)."""
    from streamlit.proto.Element_pb2 import Element

    return {f.message_type.full_name: f.name for f in Element.DESCRIPTOR.oneofs_by_name["type"].fields}


_FIELD = _element_fields()


#: AppTest's editing_mode -> st.data_editor's num_rows
_ROWS_MODE = {"fixed": "fixed", "dynamic": "dynamic", "add": "add", "delete": "delete"}


class _ServerLike:
    """AppTest as a server runs a script, for the timed runs of both apps.

    At every run AppTest makes a new ScriptCache (a server compiles a script once) and resets
    ``PagesManager.uses_pages_directory``: an app with a ``pages/`` folder (tipdash, not the bare
    page) then goes through Streamlit's old pages-folder mode at every run, running the page
    script first and the whole app again after ``st.rerun`` (``web.page_guard``). A server leaves
    that mode at the first ``st.navigation`` of the process. Inside this context every AppTest
    run keeps one ScriptCache and, once the app has called ``st.navigation``, stays out of it."""

    def __enter__(self):
        from streamlit.runtime import pages_manager
        from streamlit.runtime.scriptrunner.script_cache import ScriptCache
        from streamlit.testing.v1 import app_test, local_script_runner

        cache = ScriptCache()
        base = pages_manager.PagesManager

        class PagesManager(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if _ServerLike.navigated:
                    base.uses_pages_directory = False

        self._saved = app_test.ScriptCache, app_test.PagesManager, local_script_runner.ScriptCache
        app_test.ScriptCache = local_script_runner.ScriptCache = lambda: cache
        app_test.PagesManager = PagesManager
        return self

    def __exit__(self, *exc) -> None:
        from streamlit.testing.v1 import app_test, local_script_runner

        app_test.ScriptCache, app_test.PagesManager, local_script_runner.ScriptCache = self._saved


_ServerLike.navigated = False


def sign_in(at: AppTest) -> None:
    """Sign the session in as the bench admin (BENCH_USER in $TIPDASH_CONFIG_DIR/users.toml), the
    role that sees every page; without BENCH_USER the pages run anonymously."""
    user = os.environ.get("BENCH_USER")
    if not user:
        return
    from tipdash.web import auth as web_auth

    at.session_state[web_auth.USER] = user
    at.session_state[web_auth.ROLE] = "admin"
    at.session_state[web_auth.AT] = time.time()
    at.session_state[web_auth.VIA] = "password"


def bench_page(page: str, runs: int, workdir: Path, name: str | None = None, state: dict | None = None) -> dict:
    with _ServerLike():
        return _bench_page(page, runs, workdir, name or page, state)


def _bench_page(page: str, runs: int, workdir: Path, name: str, state: dict | None) -> dict:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()                                           # lands on the default page (map)
    if page != "map":
        at.switch_page(f"pages/{page}.py").run()
    _ServerLike.navigated = True                       # app.py has called st.navigation
    res: dict = {"errors": errors(at)}
    cold = []
    for _ in range(runs):
        clear_caches()
        cold.append(timed_run(at))
    timed_run(at)                                      # one more to be sure every cache is filled
    got = content(at)
    bare_path = workdir / f"bare_{name.replace('+', '_')}.pkl"
    bare_path.write_bytes(pickle.dumps(got))
    os.environ["BENCH_BARE"] = str(bare_path)
    bt, bf = AppTest.from_file(BARE, default_timeout=TIMEOUT), AppTest.from_file(BARE, default_timeout=TIMEOUT)
    bf.query_params["only"] = "figures_tables"
    for b in (bt, bf):
        b.run()
        b.run()
    warm, bare, bare_ft = [], [], []
    for _ in range(max(runs, WARM_RUNS)):              # interleaved: load on the machine hits all three
        warm.append(timed_run(at))
        bare.append(timed_run(bt))
        bare_ft.append(timed_run(bf))
    res["errors"] += errors(at)
    res["cold_ms"], res["warm_ms"], res["bare_warm_ms"] = summary(cold), summary(warm), summary(bare)
    res["bare_figures_tables_warm_ms"] = summary(bare_ft)
    res["payload_bytes"] = proto_bytes(at)
    res["elements"] = len(elements(at))
    res["figures"], res["tables"] = len(got["figures"]), sum(len(got[k]) for k in ("frames", "tables", "editors"))
    if name == "map" and got["figures"]:
        spec = got["figures"][0]["spec"]
        res["map_figure_json_bytes"] = len(spec.encode("utf-8"))
        (workdir / "map_figure.json").write_text(json.dumps(got["figures"][0]), encoding="utf-8")
    res["bare_errors"] = errors(bt)
    res["bare_payload_bytes"] = proto_bytes(bt)
    res["vs_bare"] = _ratio(res["warm_ms"], res["bare_warm_ms"])
    res["vs_bare_figures_tables"] = _ratio(res["warm_ms"], res["bare_figures_tables_warm_ms"])
    res["bare_elements"] = len(elements(bt))
    return res


def _ratio(page: dict, bare: dict) -> float | None:
    return round(page["median"] / bare["median"], 2) if bare["median"] else None


def main(runs: int, workdir: str) -> dict:
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    out = {"pages": {}}
    only = set(filter(None, os.environ.get("BENCH_PAGES", "").split(",")))
    for name, page, state in targets():
        if only and name not in only:
            continue
        try:
            out["pages"][name] = bench_page(page, runs, work, name, state)
        except Exception as exc:  # noqa: BLE001 -- one broken page must not hide the others
            out["pages"][name] = {"errors": [f"{type(exc).__name__}: {exc}"[:500]]}
    out["peak_rss_mb"] = self_hwm_mb()
    return out


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
