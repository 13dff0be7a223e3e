"""Every output channel is safe (security review D5, D8, D12, D14): CSV opened by Romanian/Russian
Excel (which splits a double-clicked .csv on ';'), the CLI's TSV (`tipdash audit`, `tipdash history`),
the informative note's Markdown, and the Timeline's period labels (Plotly)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import make_report_workbook, report_sheets
from tipdash import exports, note, store
from tipdash.note import md as note_md
from tipdash.note.model import Bullets, Document, Paragraph, Table

ROOT = Path(__file__).resolve().parent.parent
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
BLANKS = " \u00a0\"\r\n"
#: cell texts that try to start a new cell with a formula once a spreadsheet splits on ';' (or ',')
PAYLOADS = [
    "x;=cmd|' /C calc'!A0;",                      # the review's sign-in name (D5)
    ";=1+1", "a;+1+1", "a; -2+3", "a;@SUM(1)", "a;\uff1d1+1",
    'a;"=HYPERLINK(""http://evil.example"",""x"")"',
    "a,=1+1", "a\n=1+1", "a\r\n@SUM(1)", "a;\n=1+1", "a\t=1+1",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
]
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _excel_cells(text: str) -> list[str]:
    """Every cell a ';'-separated reading can produce: Python's csv reader (quote aware, as Excel)
    and a naive split of every line (in case a spreadsheet keeps less of the quoting)."""
    cells = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for c in row]
    cells += [c for line in re.split(r"\r\n|\r|\n", text) for c in line.split(";")]
    return cells


def _formula_like(cell: str) -> bool:
    return cell.lstrip(BLANKS).startswith(TRIGGERS)


def test_csv_for_semicolon_excel_never_starts_a_cell_with_a_formula():
    df = pd.DataFrame({"who": PAYLOADS, "n": list(range(len(PAYLOADS)))})
    data = exports.to_csv(df, {"lang": "en", "view": "audit", "source": "a;=1+1 source"})
    text = data.decode("utf-8-sig")
    bad = [c for c in _excel_cells(text) if _formula_like(c)]
    assert not bad, bad
    # the comma reading keeps every value (escaped), and pandas reads it without options
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", skiprows=1)
    assert back["n"].tolist() == list(range(len(PAYLOADS)))
    for raw, got in zip(PAYLOADS, back["who"]):
        assert got.replace("'", "") == raw.replace("'", ""), (raw, got)


def test_csv_quotes_every_text_field_and_no_number():
    df = pd.DataFrame({"code": ["MD-BA"], "sessions": [2], "delta": [-3], "when": [pd.Timestamp("2022-10-17")]})
    lines = exports.to_csv(df, {"lang": "en"}).decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith('"Source: ')
    assert lines[1] == '"code","sessions","delta","when"'
    assert lines[2] == '"MD-BA",2,-3,2022-10-17'


def test_csv_drops_control_characters():
    payload = "\x1b]0;PWNED\x07\x1b[2J\x1b[31mred\x00\x9b1m"
    data = exports.to_csv(pd.DataFrame({"challenge": [payload, "line1\nline2"]}), {"lang": "en"})
    text = data.decode("utf-8-sig")
    assert not CONTROL.search(text), repr(text)
    assert "]0;PWNED" in text and "line1\nline2" in text   # the printable text and line breaks stay


# ---------------------------------------------------------------------------- CLI TSV

def _cli(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tipdash", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def _assert_safe_tsv(out: str, columns: int) -> list[list[str]]:
    lines = out.split("\n")
    assert lines[-1] == "", repr(out[-40:])
    rows = [line.split("\t") for line in lines[:-1]]
    assert {len(r) for r in rows} == {columns}, rows          # no tab or line break inside a cell
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if CONTROL.search(c)]
    assert not [c for c in cells if _formula_like(c)], [c for c in cells if _formula_like(c)]
    return rows


def test_cli_audit_escapes_what_it_prints(tmp_db, tmp_path):
    with store.write(tmp_db) as con:
        store.audit(con, "=cmd|' /C calc'!A0", "import", "@SUM(1)\tx\n=2", "ab" * 32)
    names = ["@SUM(1)", '=HYPERLINK("http://evil.example","x")', "x;=cmd|' /C calc'!A0;",
             "a\tb\x1b[31mred", "+1\r\n-2"]
    for name in names:
        store.log_event(tmp_db, name, "sign_in_failed", "wrong user name or password")
    res = _cli("audit", "--db", str(tmp_db))
    assert res.returncode == 0, res.stderr
    rows = _assert_safe_tsv(res.stdout, 5)
    assert rows[0] == ["at", "who", "action", "detail", "sha256"]
    who = {r[1] for r in rows[1:]}
    assert "'@SUM(1)" in who and "'=HYPERLINK(\"http://evil.example\",\"x\")" in who
    assert "a b[31mred" in who                               # tab -> space, ESC dropped


def test_cli_history_escapes_file_names(tmp_db, tmp_path):
    from tipdash import ingest

    wb = make_report_workbook(tmp_path, name="=HYPERLINK(1).xlsx", **report_sheets("Cahul", 2022))
    assert ingest.import_paths([wb], tmp_db, user="@admin").ok
    res = _cli("history", "--db", str(tmp_db))
    assert res.returncode == 0, res.stderr
    rows = _assert_safe_tsv(res.stdout, len(res.stdout.split("\n")[0].split("\t")))
    header = rows[0]
    assert rows[1][header.index("file_name")] == "'=HYPERLINK(1).xlsx"
    assert rows[1][header.index("imported_by")] == "'@admin"


# ---------------------------------------------------------------------------- the note's Markdown

HTML_PAYLOADS = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "<a href=javascript:alert(3)>x</a>",
                 '<iframe src="//127.0.0.1:18599/x"></iframe>', "<http://127.0.0.1:18599/auto>", "AT&T &amp; co"]


def test_markdown_escapes_html_and_drops_control_characters():
    doc = Document(lang="en", year=2022, title="<b>t</b>", subtitle="s & s",
                   blocks=[Paragraph(HTML_PAYLOADS[0]), Bullets(HTML_PAYLOADS[1:]),
                           Table(["<h>"], [["<td>x</td> \x1b]0;PWNED\x07"]]),
                           Paragraph("\x1b[2J\x1b[31mred\x9b")])
    md = note_md.to_markdown(doc).decode("utf-8")
    assert not re.search(r"<[A-Za-z/!?]", md), md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "AT&amp;T &amp;amp; co" in md                     # & itself escaped: an entity stays literal
    assert not CONTROL.search(md), repr(md)
    assert "]0;PWNED" in md and "red" in md


def test_note_md_of_imported_payloads_has_no_raw_tag(tmp_db, tmp_path):
    from tipdash import ingest

    sheets = report_sheets("Cahul", 2023)
    sheets["Challenges"] = [["Challenge or need", "Category"]] + [[p, "resources"] for p in HTML_PAYLOADS]
    sheets["Partners"] = [["Organisation", "Kind", "Cooperation"], ["<b>La Strada</b>", "ONG", "<i>x</i>"]]
    wb = make_report_workbook(tmp_path, name="payload.xlsx", **sheets)
    assert ingest.import_paths([wb], tmp_db, user="test").ok
    md = note.render(store.Store(tmp_db), 2023, fmt="md", lang="en").decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in md         # the text is there, as text
    assert not re.search(r"<[A-Za-z/!?]", md), [line for line in md.splitlines() if "<" in line]


# ---------------------------------------------------------------------------- Timeline period labels (D14)

def test_plotly_text_escapes_only_what_plotly_reads_and_never_cuts_an_entity():
    from tipdash.web.charts import plotly_text

    name = '=HYPERLINK("http://evil.example","x") <b>bold</b> & more'
    assert plotly_text(name) == '=HYPERLINK("http://evil.example","x") &lt;b&gt;bold&lt;/b&gt; &amp; more'
    for cut in range(50, 70):
        text = "a" * (cut - 1) + "&<>" + "z" * 20
        label = plotly_text(text, limit=60)
        assert not re.search(r"&[a-z]*…", label), label       # no "&am…"
        assert label.endswith("…") and len(label.replace("&amp;", "&").replace("&lt;", "<")
                                            .replace("&gt;", ">")) <= 60


def test_period_groups_count_a_commission_once():
    from tipdash.web.charts import period_groups

    day = pd.Timestamp("2023-10-17")
    per = pd.DataFrame({"kind": ["campaign"] * 5, "name": ["Week"] * 5, "start_date": [day] * 5,
                        "end_date": [day + pd.Timedelta(days=6)] * 5,
                        "unit_code": ["MD-CA"] * 4 + ["MD-BL"], "count": pd.array([None] * 5, dtype="Int64")})
    g = period_groups(per)
    assert len(g) == 1 and g["units"].iloc[0] == ["MD-CA", "MD-BL"]
    assert pd.isna(g["count"].iloc[0])                        # campaigns give no count: not reported, not 0
    per["kind"], per["count"] = "training", pd.array([1, 2, None, None, 3], dtype="Int64")
    assert period_groups(per)["count"].iloc[0] == 6


def test_timeline_period_labels_are_not_double_escaped(tmp_path, monkeypatch):
    """The Timeline page itself (AppTest): a campaign with quotes and a tag, given 4 times by one
    commission, is one bar for one commission and shows its quotes as quotes."""
    from streamlit.testing.v1 import AppTest

    from tipdash import ingest

    name = 'Say "no" to <b>trafficking</b> & co'         # (a leading = would be a formula in openpyxl)
    sheets = report_sheets("Cahul", 2023)
    sheets["Campaigns"] = [sheets["Campaigns"][0]] + [[name, "17.10.2023", "23.10.2023", f"part {i}"] for i in range(4)]
    db = tmp_path / "t.duckdb"
    report = ingest.import_paths([make_report_workbook(tmp_path, name="c.xlsx", **sheets)], db, user="test")
    assert report.ok, [str(p) for p in report.problems]
    monkeypatch.setenv("TIPDASH_DB", str(db))
    monkeypatch.setenv("TIPDASH_CONFIG_DIR", str(tmp_path))
    from streamlit.runtime import pages_manager

    class _NoPagesFolder(type(Path())):      # as tests/web/test_pages.py: no "pages/ folder" mode
        def exists(self, *args, **kwargs):
            return False if self.name == "pages" else super().exists(*args, **kwargs)

    monkeypatch.setattr(pages_manager, "Path", _NoPagesFolder)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["year"] = "2023"
    at.run()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    periods = [s for s in specs if any(tr.get("type") == "bar" and tr.get("base") is not None for tr in s["data"])]
    assert periods, "no period chart"
    spec = json.dumps(periods[0], ensure_ascii=False)
    bars = [tr for tr in periods[0]["data"] if tr.get("type") == "bar"]
    data = json.dumps([[tr.get(k) for k in ("y", "hovertext", "customdata", "text")] for tr in bars],
                      ensure_ascii=False)                        # what the data put in (not Plotly's templates)
    assert "&quot;" not in spec and "<b>" not in data and "&amp;amp;" not in data
    assert 'Say \\"no\\" to &lt;b&gt;trafficking&lt;/b&gt; &amp; co' in data
    assert "territorial commissions" not in spec and "Cahul" in data
    labels = [y for tr in bars for y in tr["y"]]          # the label may carry the source-language marker
    assert sum(y.startswith('Say "no" to &lt;b&gt;trafficking&lt;/b&gt; &amp; co') for y in labels) == 1, bars
