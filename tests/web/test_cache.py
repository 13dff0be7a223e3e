"""The server's caches (tipdash.web.cache): what a warm page reuses must be the same as what it
would build, for every session, language and database version.

- ``fingerprint`` tells frames apart by values, index, dtypes and attrs, and sequences by kind;
- ``Memo`` is bounded (least recently used out) and emptied by ``clear``;
- ``data`` hands out copies: a page changing its frame changes nobody else's;
- a newly published database is read at the next call (the keys hold ``store.version``);
- shared figures and tables follow the session's language (AppTest: ro, then en, then ro).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import make_report_workbook, synthetic_report_sheets

ROOT = Path(__file__).resolve().parents[2]


def test_fingerprint_compares_content():
    from tipdash.web.cache import fingerprint

    a = pd.DataFrame({"code": ["MD-CA", "MD-BA"], "n": [1, 2]})
    assert fingerprint(a, "ro") == fingerprint(a.copy(), "ro")
    assert fingerprint(a, "ro") != fingerprint(a, "en")
    changed = a.copy()
    changed.loc[1, "n"] = 3
    assert fingerprint(a) != fingerprint(changed)
    assert fingerprint(a) != fingerprint(a.astype({"n": "float64"}))
    assert fingerprint(a) != fingerprint(a.iloc[::-1])
    tagged = a.copy()
    tagged.attrs["tipdash.victims"] = {"year": 2022}
    assert fingerprint(a) != fingerprint(tagged)
    assert fingerprint([1, 2]) != fingerprint((1, 2)) and fingerprint(1) != fingerprint("1")
    assert fingerprint({"a": 1, "b": 2}) == fingerprint({"b": 2, "a": 1})


def test_memo_is_bounded_and_cleared():
    from tipdash.web import cache

    m = cache.Memo(2)
    built = []

    def build(k):
        built.append(k)
        return k * 10

    assert [m.get(k, lambda k=k: build(k)) for k in (1, 2, 1, 3)] == [10, 20, 10, 30]
    assert built == [1, 2, 3]                    # 1 came from the map the second time
    m.get(2, lambda: build(2))                   # 2 was the least recently used: it was dropped
    assert built == [1, 2, 3, 2]
    cache.clear()
    m.get(3, lambda: build(3))
    assert built == [1, 2, 3, 2, 3]


@pytest.fixture
def db(tmp_path, monkeypatch):
    from tipdash import ingest

    path = tmp_path / "tipdash.duckdb"
    assert ingest.init_db(path).ok
    monkeypatch.setenv("TIPDASH_DB", str(path))
    monkeypatch.setenv("TIPDASH_CONFIG_DIR", str(tmp_path / "config"))
    return path


def test_data_hands_out_copies_and_follows_the_published_database(db, tmp_path):
    from tipdash import ingest
    from tipdash.web import cache

    uy = cache.data("unit_year", 2022)
    reported = int((uy["reporting_status"] != "not_reported").sum())
    uy["reporting_status"] = "changed by a page"          # a page writing to its frame ...
    del uy["code"]
    again = cache.data("unit_year", 2022)                  # ... changes no other page's
    assert "code" in again.columns and "changed by a page" not in set(again["reporting_status"])
    assert int((again["reporting_status"] != "not_reported").sum()) == reported

    wb = make_report_workbook(tmp_path, name="SYNTHETIC_anenii_noi_2022.xlsx",
                              **synthetic_report_sheets("Anenii Noi", 2022))
    assert ingest.import_paths([wb], db, user="test").ok
    after = cache.data("unit_year", 2022)                  # a new file: read again, no clear()
    assert int((after["reporting_status"] != "not_reported").sum()) == reported + 1


def test_shared_figures_and_tables_follow_the_language(db):
    """The same session switches ro -> en -> ro: the map legend and the table's headers follow
    (the shared objects are keyed by language, never handed to a session of another one)."""
    from tipdash import i18n

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    seen = {}
    for lang in ("ro", "en", "ro"):
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception, at.exception
        spec = at.get("plotly_chart")[0].proto.spec
        headers = list(at.dataframe[0].value.columns)
        seen.setdefault(lang, (spec, headers))
        assert (spec, headers) == seen[lang]                # ro again: the same figure and table
        assert i18n.t("page.map.legend.not_reported", lang) in [tr["name"] for tr in json.loads(spec)["data"]]
    assert seen["ro"][0] != seen["en"][0] and seen["ro"][1] != seen["en"][1]



GRID = """
import pandas as pd
import streamlit as st
from tipdash.web.tables import shared_styler

df = pd.DataFrame({"2021": ["3", "—", "<5"], "2022": ["12", "0", "7"]}, index=["Cahul", "Bălți", "Soroca"])
css = df.map(lambda v: "background-color: #dbe9f6" if v.isdigit() else "")
styled = df.style.set_uuid("t").apply(lambda _: css, axis=None)
if st.session_state.get("shared"):
    styled = st.session_state.setdefault("_kept", shared_styler(styled))
st.dataframe(styled, key="grid")
"""


def _grid(tmp_path, shared: bool) -> list[bytes]:
    """What ``st.dataframe(styler)`` sends at two runs (AppTest), the Styler plain or shared."""
    script = tmp_path / f"grid_{shared}.py"
    script.write_text(GRID, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["shared"] = shared
    sent = []
    for _ in range(2):
        at.run()
        assert not at.exception
        sent.append(at.dataframe[0].proto.SerializeToString())
    return sent


def test_a_shared_styler_sends_what_a_plain_one_sends(tmp_path):
    """tables.shared_styler (styles, the frame's Arrow bytes and the display texts made once):
    the grid gets exactly the bytes a plain Styler gives, at every run."""
    plain, shared = _grid(tmp_path, False), _grid(tmp_path, True)
    assert plain[0] == plain[1] == shared[0] == shared[1]


def test_a_shared_stylers_arrow_is_made_once_and_other_frames_each_time():
    from streamlit import dataframe_util
    from streamlit.elements.lib import pandas_styler_utils
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from tipdash.web import tables

    to_arrow = dataframe_util.convert_pandas_df_to_arrow_bytes
    assert getattr(to_arrow, "_tipdash", False)          # the wrapper is installed over streamlit's
    df = pd.DataFrame({"2021": ["3", "—"]}, index=["Cahul", "Bălți"])
    kept = tables.shared_styler(df.style.set_uuid("u"))
    assert to_arrow(kept.data) is to_arrow(kept.data)    # made once
    other = df.copy()
    assert to_arrow(other) == to_arrow(other) and to_arrow(other) is not to_arrow(other)
    protos = [ArrowData(), ArrowData()]
    for proto in protos:
        pandas_styler_utils.marshall_styler(proto, kept, "uuid")
    styles = kept._translate(False, False)
    assert styles[tables._DISPLAY] == protos[0].styler.display_values == protos[1].styler.display_values
