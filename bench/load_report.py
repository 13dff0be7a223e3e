"""The load benchmark's verdicts and table (bench/run.py prints them; load_bench.py measures)."""
from __future__ import annotations


def load_verdicts(load: dict, targets: dict) -> dict:
    """At the largest N measured (50 in the full run): no errors, p95 <= 2x the bare page's, RSS
    <= 1 GB; under a hostile upload the readers' p95 <= 2x their idle p95 (every kind of file)."""
    by_n = load.get("by_n") or {}
    if not by_n:
        return {}
    n = max(by_n, key=int)
    row = by_n[n]
    t = row["tipdash"]
    kinds = (load.get("hostile_upload") or {}).get("kinds") or {}
    out = {
        f"load N={n}: no errors": t["errors"] == 0,
        f"load N={n}: p95 <= 2x bare": None if row.get("p95_vs_bare") is None
        else row["p95_vs_bare"] <= targets["load_p95_vs_bare"],
        f"load N={n}: server RSS <= 1024 MB": max(t["server"]["rss_mb_max"], t["server"]["tree_rss_mb_max"])
        <= targets["load_rss_mb"],
    }
    if kinds:
        out["hostile upload (N=10): readers p95 <= 2x idle"] = all(
            k.get("p95_vs_idle") is not None and k["p95_vs_idle"] <= targets["hostile_p95_vs_idle"]
            and k["upload"]["errors"] == 0 for k in kinds.values())
    return out


def load_table(load: dict) -> list[str]:
    """N, p50/p95/p99, errors, server CPU and RSS: tipdash beside the bare page; hostile upload."""
    if not load.get("by_n"):
        return []
    lines = ["", f"load ({load.get('duration_s')} s per N and server, websocket sessions, no think time)",
             f"{'N':>4} {'server':8} {'runs':>6} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'errors':>6} "
             f"{'CPU %':>6} {'RSS MB':>7} {'p95 vs bare':>12}"]
    for n, row in load["by_n"].items():
        for label in ("tipdash", "bare"):
            r = row[label]
            lines.append(f"{n:>4} {label:8} {r['runs']:>6} {r['p50_s']:>7} {r['p95_s']:>7} {r['p99_s']:>7} "
                         f"{r['errors']:>6} {r['server']['cpu_pct']:>6} {r['server']['rss_mb_max']:>7} "
                         f"{row['p95_vs_bare'] if label == 'tipdash' else '':>12}")
    for kind, k in ((load.get("hostile_upload") or {}).get("kinds") or {}).items():
        lines.append(f"hostile {kind}: readers (N={load['hostile_upload']['readers']}) p95 idle "
                     f"{k['idle']['p95_s']} s, under upload {k['upload']['p95_s']} s "
                     f"(x{k['p95_vs_idle']}), errors {k['upload']['errors']}; admin runs "
                     + ", ".join(f"{x['what']} {x['seconds']} s" + (" (unfinished)" if x.get("unfinished") else "")
                                 for x in k["admin_runs"]))
    return lines
