"""One timed run, in a fresh process: `import_once.py tipdash DB FILES_LIST` imports every workbook
listed (one path a line) into the new database DB with `ingest.import_paths`;
`import_once.py openpyxl - FILES_LIST` reads them with pandas + openpyxl only. Prints JSON."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from common import self_hwm_mb


def main(mode: str, db: str, listing: str) -> dict:
    paths = [Path(p) for p in Path(listing).read_text(encoding="utf-8").split("\n") if p]
    if mode == "openpyxl":
        import pandas as pd

        t = time.perf_counter()
        rows = 0
        for p in paths:
            rows += sum(len(df) for df in pd.read_excel(p, engine="openpyxl", sheet_name=None).values())
        return {"seconds": time.perf_counter() - t, "files": len(paths), "rows": rows,
                "bytes": sum(p.stat().st_size for p in paths), "peak_rss_mb": self_hwm_mb()}
    import pyarrow  # noqa: F401 - as pandas is for openpyxl above: modules loaded before the timer
    from tipdash import ingest
    from tipdash.ingest import load  # noqa: F401 - ingest loads it (DuckDB, pandas) on first use

    target = Path(db)
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    t = time.perf_counter()
    report = ingest.import_paths(paths, target, user="bench")
    seconds = time.perf_counter() - t
    errors = [str(p) for p in report.problems if p.severity == "error"]
    return {"seconds": seconds, "files": len(paths), "rows": sum(f.rows for f in report.files),
            "imported": sum(f.status == "imported" for f in report.files), "ok": report.ok,
            "errors": errors[:10], "warnings": sum(p.severity != "error" for p in report.problems),
            "bytes": sum(p.stat().st_size for p in paths), "db_bytes": target.stat().st_size,
            "peak_rss_mb": self_hwm_mb()}


if __name__ == "__main__":
    print(json.dumps(main(*sys.argv[1:4])))
