"""The benchmark's baseline (bench/bare_page.py) draws what the tipdash page drew: the same
figures, grids, editable grids and static tables, the same text and the same widgets (kind, label,
options), computed beforehand. ``page_vs_bare`` is only a fair ratio while that holds, so it is
checked here on real pages (the seed database), not assumed."""
from __future__ import annotations

import collections
import pickle
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import bench_module
from tests.web.test_pages import TIMEOUT, db, run  # noqa: F401 -- db: the module's database fixture

ROOT = Path(__file__).resolve().parents[2]
BARE = str(ROOT / "bench" / "bare_page.py")
LAYOUT = {"tab", "expander", "popover", "flex_container"}


@pytest.fixture(scope="module")
def pages_bench():
    return bench_module("pages_bench")


def kinds(pages_bench, at: AppTest) -> collections.Counter:
    """How many elements of each kind a run drew (an editable grid counted apart from a grid)."""
    out = collections.Counter()
    for e in pages_bench.elements(at):
        kind = getattr(e, "type", None) or type(e).__name__
        if kind == "dataframe" and e.editing_mode != "read_only":
            kind = "data_editor"
        out[kind] += 1
    return out


@pytest.mark.parametrize("page", ["victims", "import", "about", "our_report"])
def test_the_bare_page_draws_what_the_page_drew(db, pages_bench, tmp_path, monkeypatch, page):  # noqa: F811
    at = run(page, role="admin")
    drawn = kinds(pages_bench, at)
    path = tmp_path / "bare.pkl"
    path.write_bytes(pickle.dumps(pages_bench.content(at)))
    monkeypatch.setenv("BENCH_BARE", str(path))

    bare = AppTest.from_file(BARE, default_timeout=TIMEOUT).run()
    assert not bare.exception, [e.value for e in bare.exception]
    # left out: the page's own component (<html lang>), which only the page can mount, and layout
    # (tabs, expanders, menus, empty containers: the bare page draws the content flat)
    assert kinds(pages_bench, bare) == collections.Counter(
        {k: n for k, n in drawn.items() if k not in {"bidi_component", *LAYOUT}})
    def menus(t):
        return sorted((s.label or "-", tuple(s.options)) for s in [*t.selectbox, *t.multiselect])
    assert menus(bare) == menus(at)

    narrow = AppTest.from_file(BARE, default_timeout=TIMEOUT)
    narrow.query_params["only"] = "figures_tables"
    narrow.run()
    left = kinds(pages_bench, narrow)
    assert set(left) <= {"plotly_chart", "dataframe", "data_editor", "table"}
    assert all(left[k] == drawn[k] for k in ("plotly_chart", "dataframe", "data_editor", "table"))
