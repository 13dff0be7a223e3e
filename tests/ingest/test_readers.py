"""Tests for tipdash.readers: every file, hostile or not, is built here in the test."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tipdash.ingest import csvread, limits, read
from tipdash.ingest.read import (
    MAX_BYTES,
    ReadError,
    Workbook,
    merged_header_cells,
    parse_number,
    read_file,
    read_path,
    sha256,
)

ROOT = Path(__file__).resolve().parents[2]

# --- builders ------------------------------------------------------------------------------------


def xlsx_bytes(build) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    build(wb)
    wb.close()
    return buf.getvalue()


def simple_xlsx(rows, sheet="Summary") -> bytes:
    def build(wb):
        ws = wb.add_worksheet(sheet)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)

    return xlsx_bytes(build)


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy a ZIP, replacing or adding members."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for n, body in (add or {}).items():
            dst.writestr(n, body)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def ods_bytes(tables_xml: str, mimetype="application/vnd.oasis.opendocument.spreadsheet",
              content: str | None = None) -> bytes:
    """A minimal valid ODS: mimetype first and stored, content.xml, manifest."""
    if content is None:
        content = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<office:document-content {ODS_NS} office:version="1.2"><office:body><office:spreadsheet>'
            + tables_xml
            + "</office:spreadsheet></office:body></office:document-content>"
        )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return b.getvalue()


def ods_cell(v=None, **kw) -> str:
    attrs = "".join(f' {k.replace("__", ":").replace("_", "-")}="{val}"' for k, val in kw.items())
    if v is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(v, str):
        return f'<table:table-cell office:value-type="string"{attrs}><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="float" office:value="{v}"{attrs}><text:p>{v}</text:p></table:table-cell>'


# Minimal BIFF8 writer inside a minimal OLE2 container (no xls writer is installed).


def _rec(t: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HH", t, len(payload)) + payload


def _bof(dt: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 0x06))


def xls_bytes(sheets, *, dims=None, extra_globals=b"", merged=None) -> bytes:
    """sheets: [(name, [(row, col, value)])]; value: str, number, bool, ("err", code),
    ("date", serial), ("formula", cached number or ("err", code))."""
    glob = _bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
    for _ in range(4):
        glob += _rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + bytes([5, 1])
                     + "Arial".encode("utf-16-le"))
    for i in range(17):  # 15 style XFs, one cell XF, one date XF (builtin format 14)
        glob += _rec(0x00E0, struct.pack("<HHH", 0, 14 if i == 16 else 0, 0xFFF5 if i < 15 else 1) + bytes(14))
    glob += extra_globals
    subs = []
    for idx, (name, cells) in enumerate(sheets):
        s = _bof(0x0010)
        if dims is not None:
            s += _rec(0x0200, struct.pack("<IIHHH", *dims, 0))
        elif cells:
            s += _rec(0x0200, struct.pack("<IIHHH", 0, max(r for r, _, _ in cells) + 1, 0,
                                          max(c for _, c, _ in cells) + 1, 0))
        for r, c, v in cells:
            if isinstance(v, bool):
                s += _rec(0x0205, struct.pack("<HHHBB", r, c, 15, int(v), 0))
            elif isinstance(v, (int, float)):
                s += _rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v)))
            elif isinstance(v, str):
                s += _rec(0x0204, struct.pack("<HHHHB", r, c, 15, len(v), 1) + v.encode("utf-16-le"))
            elif v[0] == "err":
                s += _rec(0x0205, struct.pack("<HHHBB", r, c, 15, v[1], 1))
            elif v[0] == "date":
                s += _rec(0x0203, struct.pack("<HHHd", r, c, 16, float(v[1])))
            elif v[0] == "formula":  # =1/0
                cached = v[1]
                if isinstance(cached, tuple):
                    fv = struct.pack("<BBBBBBH", 2, 0, cached[1], 0, 0, 0, 0xFFFF)
                else:
                    fv = struct.pack("<d", float(cached))
                rgce = b"\x1e" + struct.pack("<H", 1) + b"\x1e" + struct.pack("<H", 0) + b"\x06"
                s += _rec(0x0006, struct.pack("<HHH", r, c, 15) + fv + struct.pack("<HIH", 0, 0, len(rgce)) + rgce)
        if merged and idx == 0:
            s += _rec(0x00E5, struct.pack("<H", len(merged)) + b"".join(struct.pack("<HHHH", *m) for m in merged))
        s += _rec(0x000A)
        subs.append((name, s))
    bs_len = sum(4 + 8 + 2 * len(n) for n, _ in subs)
    off = len(glob) + bs_len + 4
    bss = b""
    for name, s in subs:
        bss += _rec(0x0085, struct.pack("<IBBBB", off, 0, 0, len(name), 1) + name.encode("utf-16-le"))
        off += len(s)
    return ole2_bytes({"Workbook": glob + bss + _rec(0x000A) + b"".join(s for _, s in subs)})


def ole2_bytes(streams: dict[str, bytes]) -> bytes:
    """Minimal OLE2 v3 compound file; every stream padded to >= 4096 bytes (no mini stream)."""
    SEC, END, FREE, FATS, NOS = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    datas = [streams[n] + b"\0" * max(0, 4096 - len(streams[n])) for n in names]
    nsec = [-(-len(d) // SEC) for d in datas]
    ndir = -(-(len(names) + 1) // 4)
    nfat = 1
    while nfat * 128 < nfat + ndir + sum(nsec):
        nfat += 1
    fat = [FATS] * nfat
    dir_start = len(fat)
    for i in range(ndir):
        fat.append(dir_start + i + 1 if i < ndir - 1 else END)
    starts = []
    for n in nsec:
        st = len(fat)
        starts.append(st)
        fat.extend(st + i + 1 if i < n - 1 else END for i in range(n))
    fat += [FREE] * (nfat * 128 - len(fat))

    def dirent(name, typ, child, start, size, right=NOS):
        nm = name.encode("utf-16-le") + b"\0\0"
        return (nm.ljust(64, b"\0") + struct.pack("<HBBIII", len(nm), typ, 1, NOS, right, child)
                + bytes(36) + struct.pack("<II", start, size) + bytes(4))

    ents = [dirent("Root Entry", 5, 1, END, 0)]
    for i, n in enumerate(names):
        ents.append(dirent(n, 2, NOS, starts[i], len(datas[i]), right=i + 2 if i + 1 < len(names) else NOS))
    while len(ents) % 4:
        ents.append(bytes(64) + struct.pack("<HBBIII", 0, 0, 0, NOS, NOS, NOS) + bytes(48))
    difat = list(range(nfat)) + [FREE] * (109 - nfat)
    hdr = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
           + struct.pack("<9I", 0, nfat, dir_start, 0, 4096, END, 0, END, 0) + struct.pack("<109I", *difat))
    out = hdr + struct.pack(f"<{len(fat)}I", *fat) + b"".join(ents)
    for d in datas:
        out += d.ljust(-(-len(d) // SEC) * SEC, b"\0")
    return out


def raw_zip(members) -> bytes:
    """A ZIP written byte by byte: members = [(name, payload, method, crc, declared_size)]."""
    out = b""
    central = b""
    for name, payload, method, crc, size in members:
        nb = name.encode()
        off = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, crc, len(payload), size, len(nb), 0)
        out += nb + payload
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0, crc,
                               len(payload), size, len(nb), 0, 0, 0, 0, 0, off) + nb
    eocd = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return out + central + eocd


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def isolated_read(tmp_path, name: str, data: bytes, timeout=120) -> dict:
    """read_path in a fresh interpreter under a 3 GB address-space limit, reporting the outcome
    and the peak memory growth: a failing guard aborts the child, not the test run."""
    f = tmp_path / name
    f.write_bytes(data)
    code = r"""
import json, resource, sys, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
from tipdash.ingest import read
import python_calamine
raw = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
res = {"error": None, "kind": None}
try:
    wb = read.read_file(sys.argv[2], raw)
    res["kind"] = wb.kind
    res["cells"] = sum(len(r) for rows in wb.sheets.values() for r in rows)
except read.ReadError as e:
    res["error"] = e.message
res["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
res["rss_growth_mb"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps(res))
"""
    p = subprocess.run([sys.executable, "-c", code, str(f), name], capture_output=True, text=True,
                       timeout=timeout, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode == 0, f"child died (rc={p.returncode}): {p.stderr[-2000:]}"
    return json.loads(p.stdout.strip().splitlines()[-1])


def err(name: str, data: bytes) -> str:
    with pytest.raises(ReadError) as ei:
        read_file(name, data)
    assert ei.value.file == name
    assert str(ei.value) == f"{name}: {ei.value.message}"
    return ei.value.message


# --- API -----------------------------------------------------------------------------------------


def test_contract_basics():
    assert MAX_BYTES == 10 * 1024 * 1024
    e = ReadError("a.xlsx", "boom")
    assert isinstance(e, ValueError) and e.file == "a.xlsx" and e.message == "boom"
    assert str(e) == "a.xlsx: boom"
    assert sha256(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    wb = read_file("x.xlsx", simple_xlsx([["unit", "year"], ["Bălţi", 2024]]))
    assert isinstance(wb, Workbook) and wb.file == "x.xlsx" and wb.kind == "xlsx"
    assert wb.sheets == {"Summary": [["unit", "year"], ["Bălţi", 2024]]}
    assert wb.warnings == []


def test_read_path(tmp_path):
    p = tmp_path / "sinteza.csv"
    p.write_bytes("unitatea;anul\nCahul;2024\n".encode())
    wb = read_path(p)
    assert wb.file == "sinteza.csv" and wb.kind == "csv"
    assert wb.sheets == {"sinteza": [["unitatea", "anul"], ["Cahul", "2024"]]}
    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK\x03\x04" + bytes(MAX_BYTES))
    with pytest.raises(ReadError, match="too large"):
        read_path(big)
    with pytest.raises(ReadError, match="cannot open"):
        read_path(tmp_path / "missing.xlsx")


# --- xlsx values ---------------------------------------------------------------------------------


def test_xlsx_value_types():
    def build(wb):
        ws = wb.add_worksheet("Activities")
        d = wb.add_format({"num_format": "yyyy-mm-dd"})
        dt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        ws.write(0, 0, "  Date ")
        ws.write(0, 1, 3)
        ws.write(0, 2, 3.5)
        ws.write(0, 3, True)
        ws.write_number(0, 4, 1e20)
        ws.write_datetime(1, 0, datetime.datetime(2024, 3, 5), d)
        ws.write_datetime(1, 1, datetime.datetime(2024, 3, 5, 13, 45), dt)
        ws.write_formula(2, 0, "=1/0", None, "#DIV/0!")
        ws.write_formula(2, 1, "=B1*2", None, 6)
        ws.write_string(2, 2, "=SUM(A1)")
        ws.write_formula(2, 3, "=NA()", None, "#N/A")
        ws.write_formula(2, 4, '="a"&"b"', None, "ab")
        ws.write_string(3, 0, "   ")
        ws.write_blank(5, 0, None, d)  # formatted blank far down: trimmed away
        wb.add_worksheet("Empty")

    wb = read_file("a.xlsx", xlsx_bytes(build))
    rows = wb.sheets["Activities"]
    assert rows == [
        ["Date", 3, 3.5, True, 100000000000000000000],
        [datetime.date(2024, 3, 5), datetime.datetime(2024, 3, 5, 13, 45), None, None, None],
        ["#DIV/0!", 6, "=SUM(A1)", "#N/A", "ab"],
    ]
    assert type(rows[0][1]) is int and type(rows[0][2]) is float and rows[0][3] is True
    assert wb.sheets["Empty"] == []


def test_xlsx_positions_kept_and_rectangular():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Comisia"
    ws["B3"] = "Unitatea"
    ws["C3"] = "Cahul"
    ws["B5"] = "Anul"
    ws["D9"] = None
    buf = io.BytesIO()
    wb.save(buf)
    rows = read_file("c.xlsx", buf.getvalue()).sheets["Comisia"]
    assert rows == [[None] * 3, [None] * 3, [None, "Unitatea", "Cahul"], [None] * 3, [None, "Anul", None]]


def test_xlsx_formula_without_cached_value_warns():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sinteza"
    ws.append(["unit", "victims"])
    ws.append(["Cahul", "=1+2"])
    buf = io.BytesIO()
    wb.save(buf)
    out = read_file("s.xlsx", buf.getvalue())
    assert out.sheets["Sinteza"] == [["unit", "victims"], ["Cahul", None]]
    assert out.warnings == [("read.uncached", {"sheet": "Sinteza", "cells": "B2"})]


def test_xlsx_error_cells_from_openpyxl_and_inline_strings():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "#DIV/0!"  # openpyxl stores this as an error cell (t="e")
    ws["B1"] = "text"
    buf = io.BytesIO()
    wb.save(buf)
    assert read_file("e.xlsx", buf.getvalue()).sheets["Sheet"] == [["#DIV/0!", "text"]]


def test_embedded_files_and_svg_with_dtd_are_left_alone():
    data = simple_xlsx([["unit", "year"], ["Cahul", 2024]])
    inner = simple_xlsx([["embedded"]])  # compressed bytes: may contain anything
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    pdf = b"%PDF-1.4\n" + os.urandom(20000) + b"<c r=\"XFD1048576\"><c>"
    out = read_file("e.xlsx", rezip(data, add={"xl/embeddings/Microsoft_Excel_Worksheet.xlsx": inner,
                                               "xl/media/image1.svg": svg, "xl/embeddings/doc.pdf": pdf}))
    assert out.sheets["Summary"] == [["unit", "year"], ["Cahul", 2024]]


def test_kind_is_decided_by_content_not_name():
    data = simple_xlsx([["a"]])
    assert read_file("upload.xls", data).kind == "xlsx"
    assert read_file("upload.csv", data).kind == "xlsx"
    assert read_file("upload", data).kind == "xlsx"


def test_merged_header_cells_xlsx():
    def build(wb):
        ws = wb.add_worksheet("Victims")
        ws.merge_range("A1:B1", "Victims")
        ws.merge_range("C1:C2", "Count")
        ws.merge_range("A4:B4", "not header")

    data = xlsx_bytes(build)
    assert sorted(merged_header_cells("v.xlsx", data, "Victims")) == ["A1:B1", "C1:C2"]
    assert merged_header_cells("v.xlsx", data, "Nope") == []
    assert merged_header_cells("v.csv", b"a,b\n1,2\n", "v") == []


def test_xlsx_cells_without_positions_use_exact_parser():
    # Some generators omit r="…" on rows and cells; positions are then sequential.
    data = simple_xlsx([["a", "b"], ["c", "d"]])
    sheet = member(data, "xl/worksheets/sheet1.xml")
    stripped = re.sub(rb' (?:r|spans)="[^"]*"', b"", sheet)
    out = read_file("n.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": stripped}))
    assert out.sheets["Summary"] == [["a", "b"], ["c", "d"]]


# --- ods -----------------------------------------------------------------------------------------


def test_ods_values_errors_repeats_and_merges():
    t = (
        '<table:table table:name="Foaie 1">'
        '<table:table-row>'
        + ods_cell("Unitatea", table__number_columns_spanned="2")
        + "<table:covered-table-cell/>"
        + ods_cell("Anul")
        + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2">'
        '<table:table-cell table:number-columns-repeated="3"/></table:table-row>'
        "<table:table-row>"
        + ods_cell(3)
        + ods_cell(3.5)
        + '<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>'
        '<table:table-cell office:value-type="date" office:date-value="2024-03-05"><text:p>05.03.2024</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=2+2" office:value-type="float" office:value="4"><text:p>4</text:p></table:table-cell>'
        + ods_cell("=SUM(A1)")
        + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2">'
        + ods_cell(1, table__number_columns_repeated="2")
        + "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table>"
        '<table:table table:name="Gol"/>'
    )
    data = ods_bytes(t)
    wb = read_file("r.ods", data)
    assert wb.kind == "ods"
    assert wb.sheets["Foaie 1"] == [
        ["Unitatea", None, "Anul", None, None, None, None],
        [None] * 7,
        [None] * 7,
        [3, 3.5, True, datetime.date(2024, 3, 5), "#DIV/0!", 4, "=SUM(A1)"],
        [1, 1, None, None, None, None, None],
        [1, 1, None, None, None, None, None],
    ]
    assert wb.sheets["Gol"] == []
    assert merged_header_cells("r.ods", data, "Foaie 1") == ["A1:B1"]


def test_ods_other_opendocument_types_refused():
    data = ods_bytes('<table:table table:name="x"/>', mimetype="application/vnd.oasis.opendocument.text")
    assert "OpenDocument text" in err("t.ods", data)


# --- xls -----------------------------------------------------------------------------------------


def test_xls_values_errors_dates_merges():
    cells = [
        (0, 0, "Unitatea"), (0, 1, "Anul"),
        (1, 0, "Ştefan Vodă"), (1, 1, 2024), (1, 2, 3.5), (1, 3, True),
        (2, 0, ("err", 0x07)), (2, 1, ("date", 45356)), (2, 2, ("formula", ("err", 0x2A))),
        (2, 3, ("formula", 6)), (2, 4, "=SUM(A1)"),
    ]
    data = xls_bytes([("Foaie1", cells), ("Gol", [])], merged=[(0, 0, 0, 1), (3, 4, 0, 0)])
    wb = read_file("vechi.xls", data)
    assert wb.kind == "xls"
    assert wb.sheets["Foaie1"] == [
        ["Unitatea", "Anul", None, None, None],
        ["Ştefan Vodă", 2024, 3.5, True, None],
        ["#DIV/0!", datetime.date(2024, 3, 5), "#N/A", 6, "=SUM(A1)"],
    ]
    assert wb.sheets["Gol"] == []
    assert merged_header_cells("vechi.xls", data, "Foaie1") == ["A1:B1"]


def test_xls_filepass_is_password_protected():
    data = xls_bytes([("S", [(0, 0, "x")])], extra_globals=_rec(0x002F, struct.pack("<H", 1) + bytes(52)))
    assert "password-protected" in err("p.xls", data)


# --- size and magic bytes ------------------------------------------------------------------------


def test_size_limit_before_parsing_and_empty_file():
    assert "too large" in err("big.xlsx", b"PK\x03\x04" + bytes(MAX_BYTES))
    assert "too large" in err("big.csv", b"a" * (MAX_BYTES + 1))
    assert err("empty.xlsx", b"") == "empty file"
    assert err("empty.csv", b"") == "empty file"


@pytest.mark.parametrize(
    "name,data,looks",
    [
        ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
        ("report.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(64), "a PNG image"),
        ("report.xlsx", "unitatea,anul\nCahul,2024\n".encode(), "text"),
        ("report.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "an HTML page"),
        ("report.csv", b"%PDF-1.4\n" + bytes(range(256)), "a PDF document"),
        ("report.ods", b"\xff\xd8\xff\xe0" + bytes(32), "a JPEG image"),
    ],
)
def test_renamed_files_are_not_spreadsheets(name, data, looks):
    msg = err(name, data)
    assert msg.startswith("not a spreadsheet (content looks like " + looks)


def test_ole2_named_xlsx_is_encrypted_ooxml():
    data = ole2_bytes({"EncryptionInfo": b"\x04\x00\x04\x00" + bytes(100), "EncryptedPackage": bytes(5000)})
    assert err("parola.xlsx", data) == "password-protected or encrypted workbook (remove the password and save again)"


def test_ole2_macros_refused_and_bad_mini_stream_is_corrupt(tmp_path):
    data = ole2_bytes({"Workbook": bytes(5000), "_VBA_PROJECT_CUR": bytes(5000)})
    assert "macros" in err("m.xls", data)
    # a workbook stream said to be small (so read from the mini stream) but there is none,
    # starting at a sector 256 GB away: calamine would allocate that much
    small = bytearray(xls_bytes([("S", [(0, 0, "x")])]))
    entry = 512 * 2 + 128  # directory sector 1, second entry
    struct.pack_into("<II", small, entry + 116, 0xFFFFFFF0 >> 2, 100)
    res = isolated_read(tmp_path, "s.xls", bytes(small))
    assert res["error"] and res["error"].startswith("corrupt or unreadable workbook")


def test_ole2_word_document_refused():
    data = ole2_bytes({"WordDocument": bytes(5000)})
    assert "Word document" in err("doc.xls", data)


def test_zip_that_is_not_a_workbook():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("photo.txt", "hello")
    assert "neither an Excel" in err("a.xlsx", b.getvalue())
    docx = rezip(simple_xlsx([["a"]]), {"[Content_Types].xml": (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.document.main+xml"/></Types>')})
    assert "Word document" in err("a.xlsx", docx)


# --- corrupt -------------------------------------------------------------------------------------


def test_truncated_and_garbage_zips_are_corrupt():
    data = simple_xlsx([["unit", "year"], ["Cahul", 2024]] * 50)
    assert err("t.xlsx", data[: len(data) // 2]).startswith("corrupt or unreadable workbook: ")
    assert err("g.xlsx", b"PK\x03\x04" + os.urandom(3000)).startswith("corrupt or unreadable workbook: ")
    # flip one byte inside a deflated member: checksum or inflate error
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    off = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    bad = data[:off] + bytes([data[off] ^ 0xFF]) + data[off + 1:]
    assert err("c.xlsx", bad).startswith("corrupt or unreadable workbook: ")


def test_ole2_broken_chains_are_corrupt_not_fatal(tmp_path):
    data = bytearray(xls_bytes([("S", [(0, 0, "x")])]))
    fat = 512  # FAT sector 0 follows the 512-byte header; the stream starts at sector 2
    loop = bytearray(data)
    n = len(data) // 512 - 1  # sectors
    struct.pack_into("<I", loop, fat + 4 * (n - 1), 2)  # last sector of the stream points back
    far = bytearray(data)
    struct.pack_into("<I", far, fat + 4 * 2, 0x7FFFFFF0)  # a sector 1 TB into the file
    for blob in (loop, far):
        res = isolated_read(tmp_path, "x.xls", bytes(blob))
        assert res["error"] and res["error"].startswith("corrupt or unreadable workbook")


# --- zip bombs -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """A real xlsx whose sheet inflates to 1 GiB of zeros (~1 MB compressed)."""
    good = simple_xlsx([["a"]])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with z.open(info.filename, "w", force_zip64=True) as f:
                    zeros = bytes(1 << 20)
                    for _ in range(1024):
                        f.write(zeros)
            else:
                z.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def test_zip_bomb_refused_with_small_memory(tmp_path, gigabyte_bomb):
    assert len(gigabyte_bomb) < 2 * 1024 * 1024
    res = isolated_read(tmp_path, "bomb.xlsx", gigabyte_bomb)
    print(f"\nzip bomb: {res}")
    assert "zip bomb" in res["error"]
    assert res["rss_growth_mb"] < 100
    assert res["traced_peak_mb"] < 100


def test_zip_bomb_limits_each_rule():
    # ratio: 8 MB of one byte, compressed ~1000:1
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"a" * (8 << 20))
    assert "compressed" in err("r.xlsx", b.getvalue()) and "zip bomb" in err("r.xlsx", b.getvalue())
    # member count
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        for i in range(limits.MAX_MEMBERS + 1):
            z.writestr(f"x/{i}.xml", "<a/>")
    assert "parts" in err("m.xlsx", b.getvalue())
    # declared total over the cap, each member with an innocent ratio (80:1)
    filler = os.urandom(512 * 1024)
    members = [(f"p{i}.xml", filler, 8, 0, 40 << 20) for i in range(3)]
    msg = err("t.xlsx", raw_zip([("[Content_Types].xml", b"<Types/>", 0, zlib.crc32(b"<Types/>"), 8)] + members))
    assert "would expand to 120.0 MB" in msg and "zip bomb" in msg


def test_lying_zip_header_is_caught_while_inflating(tmp_path):
    """A member that claims 64 KiB (with the CRC of its first 64 KiB) but inflates to 256 MiB."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = comp.compress(head)
    spaces = b" " * (1 << 20)
    for _ in range(256):
        payload += comp.compress(spaces)
    payload += comp.flush()
    claimed = 64 * 1024
    prefix_crc = zlib.crc32(head + spaces[: claimed - len(head)])
    ct = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sheet.main+xml"/></Types>')
    wbx = b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    data = raw_zip([
        ("[Content_Types].xml", ct, 0, zlib.crc32(ct), len(ct)),
        ("xl/workbook.xml", wbx, 0, zlib.crc32(wbx), len(wbx)),
        ("xl/worksheets/sheet1.xml", payload, 8, prefix_crc, claimed),
    ])
    assert len(data) < 2 * 1024 * 1024  # passes the central-directory checks (ratio < 100:1)
    msg = err("lie.xlsx", data)
    assert "declared size" in msg and "zip bomb" in msg
    res = isolated_read(tmp_path, "lie.xlsx", data)
    print(f"\nlying-header bomb: {res}")
    assert res["error"] == msg
    assert res["rss_growth_mb"] < 100 and res["traced_peak_mb"] < 100


# --- XML bombs -----------------------------------------------------------------------------------

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    + b"]>\n"
)


def test_billion_laughs_in_workbook_xml(tmp_path):
    data = simple_xlsx([["a"]])
    wbxml = member(data, "xl/workbook.xml")
    bomb = rezip(data, {"xl/workbook.xml": LAUGHS + re.sub(rb"^<\?xml[^>]*>\s*", b"", wbxml).replace(
        b"<sheets>", b"<sheets>&lol9;", 1)})
    assert err("b.xlsx", bomb).startswith("XML entity expansion (possible XML bomb)")
    res = isolated_read(tmp_path, "b.xlsx", bomb)
    print(f"\nxml bomb (workbook.xml): {res}")
    assert res["error"].startswith("XML entity expansion (possible XML bomb)")
    assert res["rss_growth_mb"] < 100 and res["traced_peak_mb"] < 100


def test_billion_laughs_in_sheet_and_ods_content():
    data = simple_xlsx([["a"]])
    sheet = member(data, "xl/worksheets/sheet1.xml")
    body = re.sub(rb"^<\?xml[^>]*>\s*", b"", sheet).replace(b"<sheetData>", b"<sheetData>&lol9;", 1)
    assert err("s.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": LAUGHS + body})).startswith(
        "XML entity expansion (possible XML bomb)")
    # a DTD in any part (here sharedStrings) is refused too, even without entities
    ss = member(data, "xl/sharedStrings.xml")
    dtd = rezip(data, {"xl/sharedStrings.xml": ss.replace(b"?>", b'?><!DOCTYPE sst SYSTEM "http://x/y.dtd">', 1)})
    assert err("d.xlsx", dtd).startswith("XML entity expansion (possible XML bomb)")
    content = (LAUGHS.decode() + f'<office:document-content {ODS_NS}><office:body><office:spreadsheet>'
               '<table:table table:name="x"><table:table-row><table:table-cell office:value-type="string">'
               "<text:p>&lol9;</text:p></table:table-cell></table:table-row></table:table>"
               "</office:spreadsheet></office:body></office:document-content>")
    assert err("o.ods", ods_bytes("", content=content)).startswith("XML entity expansion (possible XML bomb)")


def test_utf16_xml_part_refused():
    data = simple_xlsx([["a"]])
    sheet = member(data, "xl/worksheets/sheet1.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    bad = rezip(data, {"xl/worksheets/sheet1.xml": sheet.encode("utf-16")})
    assert "UTF-16" in err("u.xlsx", bad)


# --- calamine allocation guards (each of these aborts the process without the guard) ------------


def test_far_away_cell_xlsx(tmp_path):
    def build(wb):
        ws = wb.add_worksheet("S")
        ws.write(0, 0, "a")
        ws.write(1048575, 16383, "z")

    data = xlsx_bytes(build)
    assert len(data) < 10_000
    res = isolated_read(tmp_path, "far.xlsx", data)
    assert "'S'" in res["error"] and "XFD1048576" in res["error"] and "at most 200 columns" in res["error"]
    assert res["rss_growth_mb"] < 100


def test_shared_string_count_xlsx(tmp_path):
    data = simple_xlsx([["a"], ["b"]])
    ss = re.sub(rb'count="\d+" uniqueCount="\d+"', b'count="4000000000" uniqueCount="4000000000"',
                member(data, "xl/sharedStrings.xml"))
    res = isolated_read(tmp_path, "sst.xlsx", rezip(data, {"xl/sharedStrings.xml": ss}))
    assert "implausible count" in res["error"]


def test_repeated_valued_cells_ods(tmp_path):
    t = ('<table:table table:name="B"><table:table-row table:number-rows-repeated="100000">'
         + ods_cell(1, table__number_columns_repeated="1000") + "</table:table-row></table:table>")
    data = ods_bytes(t)
    assert len(data) < 2000
    res = isolated_read(tmp_path, "rep.ods", data)
    assert "beyond column GR: a sheet may use at most 200 columns" in res["error"]
    t = ('<table:table table:name="B"><table:table-row table:number-rows-repeated="1000000">'
         + ods_cell(1, table__number_columns_repeated="10") + "</table:table-row></table:table>")
    res = isolated_read(tmp_path, "rep.ods", ods_bytes(t))
    assert "a sheet may have at most 100,000 rows" in res["error"] and res["rss_growth_mb"] < 200


def test_xls_far_cell_dimensions_and_sst(tmp_path):
    far = xls_bytes([("S", [(0, 0, "a"), (65535, 65534, "z")])])
    assert "too large" in isolated_read(tmp_path, "far.xls", far)["error"]
    dims = xls_bytes([("S", [(0, 0, "a")])], dims=(0, 0xFFFFFFFF, 0, 0xFFFF))
    assert "too large" in isolated_read(tmp_path, "dims.xls", dims)["error"]
    sst = _rec(0x00FC, struct.pack("<ii", 1, 0x7FFFFFFF) + struct.pack("<HB", 1, 0) + b"a")
    res = isolated_read(tmp_path, "sst.xls", xls_bytes([("S", [(0, 0, "a")])], extra_globals=sst))
    assert "shared string" in res["error"]


def test_many_sheets_of_cells_share_one_budget():
    # 3 sheets x 2M cells each: every sheet alone is fine, together they are not
    def build(wb):
        for i in range(3):
            ws = wb.add_worksheet(f"S{i}")
            ws.write(0, 0, 1)
            ws.write(19999, 99, 1)

    assert "too large" in err("m.xlsx", xlsx_bytes(build))


# --- CSV -----------------------------------------------------------------------------------------

RO_ROWS = "unitatea;anul;victime\nBălţi;2024;12,5\nŞtefan Vodă;2023;~500\nFăleşti;2024;\n"
RU_ROWS = "единица;год;жертвы\nБельцы;2024;12\nКишинёв;2023;7\nКомрат;2024;3\n"


@pytest.mark.parametrize(
    "encoded",
    [
        RO_ROWS.encode("utf-8"),
        b"\xef\xbb\xbf" + RO_ROWS.encode("utf-8"),
        RO_ROWS.encode("utf-16"),  # BOM, native order
        b"\xff\xfe" + RO_ROWS.encode("utf-16-le"),
        b"\xfe\xff" + RO_ROWS.encode("utf-16-be"),
        RO_ROWS.encode("cp1250"),
        RO_ROWS.replace(";", "\t").encode("utf-16-le"),  # no BOM
    ],
)
def test_csv_encodings_romanian(encoded):
    wb = read_file("sinteza_2024.csv", encoded)
    assert wb.kind == "csv"
    assert list(wb.sheets) == ["sinteza_2024"]
    assert wb.sheets["sinteza_2024"] == [
        ["unitatea", "anul", "victime"],
        ["Bălţi", "2024", "12,5"],
        ["Ştefan Vodă", "2023", "~500"],
        ["Făleşti", "2024", None],
    ]


def test_csv_cp1251_russian_vs_cp1250():
    wb = read_file("ru.csv", RU_ROWS.encode("cp1251"))
    assert wb.sheets["ru"][0] == ["единица", "год", "жертвы"]
    assert wb.sheets["ru"][2][0] == "Кишинёв"
    # short texts, one word each way
    assert read_file("a.csv", "Bălţi\n".encode("cp1250")).sheets["a"] == [["Bălţi"]]
    assert read_file("b.csv", "Бельцы\n".encode("cp1251")).sheets["b"] == [["Бельцы"]]
    assert read_file("c.csv", "ŞTEFAN VODĂ;Căuşeni\n".encode("cp1250")).sheets["c"] == [["ŞTEFAN VODĂ", "Căuşeni"]]


def test_csv_encoding_scores():
    ro = "Comisia teritorială pentru combaterea traficului de fiinţe umane, Bălţi şi Făleşti"
    ru = "Территориальная комиссия по борьбе с торговлей людьми"
    for text, enc in ((ro, "cp1250"), (ru, "cp1251")):
        raw = text.encode(enc)
        other = "cp1251" if enc == "cp1250" else "cp1250"
        right = csvread._implausible_words(raw.decode(enc), enc)
        wrong = csvread._implausible_words(raw.decode(other), other)
        assert right < wrong, (text, right, wrong)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("a,b,c\n1,2,3\n", [["a", "b", "c"], ["1", "2", "3"]]),
        ("a;b;c\n1;2,5;3\n", [["a", "b", "c"], ["1", "2,5", "3"]]),
        ("a\tb\n1,5\t2\n", [["a", "b"], ["1,5", "2"]]),
        ('a,b\n"x, y","multi\nline"\n', [["a", "b"], ["x, y", "multi\nline"]]),
        ("sep=;\na;b\n1;2\n", [["a", "b"], ["1", "2"]]),
        ("a;b;c\n1;2\n\n\n", [["a", "b", "c"], ["1", "2", None]]),
        ("  a ; b \n =1+2 ;  \n", [["a", "b"], ["=1+2", None]]),
        ("single\ncolumn\n", [["single"], ["column"]]),
        ("1,5;2\n3,5;4\n", [["1,5", "2"], ["3,5", "4"]]),  # tie: ';' with decimal commas
        ("a,b;c\n1,2;3\n", [["a,b", "c"], ["1,2", "3"]]),
        ("a;b\n1;2\n3;4;5;6\n", [["a", "b", None, None], ["1", "2", None, None], ["3", "4", "5", "6"]]),
    ],
)
def test_csv_separators_and_shapes(text, expected):
    assert read_file("x.csv", text.encode()).sheets["x"] == expected


def test_csv_binary_refused():
    assert "NUL" in err("x.csv", b"a,b\n1,\x002\n\x00\x00\x01\x02\x03")
    assert "binary" in err("y.csv", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50)


def test_csv_cell_cap(monkeypatch):
    monkeypatch.setattr(csvread, "MAX_CELLS", 1000)  # the limit as the CSV reader sees it
    assert "too large" in err("wide.csv", b"," * 190 + b"x\n" * 6)  # 6 rows x 191 columns
    assert "too large" in err("tall.csv", b"a\n" * 1001)
    assert len(read_file("fits.csv", b"a\n" * 1000).sheets["fits"]) == 1000
    # trailing blank lines cost nothing and are dropped
    assert read_file("ok.csv", b"a;b\n" + b"\n" * 300_000).sheets["ok"] == [["a", "b"]]


# --- parse_number --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12", 12), (" 12 ", 12), ("1 234", 1234), ("1\u00a0234", 1234), ("1 234 567", 1234567),
        ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("12,5", 12.5), ("12.5", 12.5), ("12,0", 12),
        ("1.234.567", 1234567), ("1,234,567", 1234567), ("-3", -3), ("0", 0), ("0,25", 0.25),
        ("1 234,5", 1234.5), (3.0, 3), (7, 7), (2.5, 2.5),
        ("~500", None), ("around 500", None), ("circa 500", None), ("", None), ("   ", None),
        (None, None), ("12%", None), ("1e3", None), ("12 34", None), ("1.23.4", None), ("abc", None),
        ("1,2,3", None), ("1.234,5,6", None), (True, None), (float("nan"), None), ("-", None), (",5", None),
    ],
)
def test_parse_number(text, expected):
    got = parse_number(text)
    assert got == expected and type(got) is type(expected)


# --- speed ---------------------------------------------------------------------------------------


def test_5000_row_xlsx_speed():
    def build(wb):
        ws = wb.add_worksheet("Activities")
        d = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, ["Date", "End date", "Type", "Target group", "Participants", "Campaign",
                            "Description", "Count", "Approximate"])
        for r in range(1, 5001):
            ws.write_datetime(r, 0, datetime.datetime(2024, 1, 1) + datetime.timedelta(days=r % 365), d)
            ws.write_datetime(r, 1, datetime.datetime(2024, 1, 2) + datetime.timedelta(days=r % 365), d)
            ws.write_row(r, 2, ["information", "pupils_students", r % 300, f"campaign {r % 10}",
                                f"Informare despre traficul de fiinţe umane nr. {r}", 1, "no"])

    data = xlsx_bytes(build)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        wb = read_file("big.xlsx", data)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(f"\n5000-row xlsx ({len(data) // 1024} KB): median read_file {med * 1000:.0f} ms")
    rows = wb.sheets["Activities"]
    assert len(rows) == 5001 and rows[1][0] == datetime.date(2024, 1, 2) and rows[5000][4] == 5000 % 300
    assert med < 3.0
