"""The ZIP container is parsed by tipdash alone and strictly (issue 15, D1): every file here is
built in the test. The first one aborted the whole server before: archive B (a report whose
Challenges sheet has cells at A1 and XFD1048576) followed by archive A (a valid report) whose
end record has a wrong comment length — Python's zipfile vetted A, calamine's zip crate read B
and allocated a 17·10⁹-cell grid."""
from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import make_summary_csv, report_sheets
from tipdash.ingest import read
from tipdash.ingest.read import ReadError, read_file

ROOT = Path(__file__).resolve().parents[2]


def report_bytes(unit="Cahul", year=2022, far_cell=False) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in report_sheets(unit, year).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    if far_cell:
        wb["Challenges"].cell(row=1048576, column=16384, value="far away")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def eocd_at(data: bytes) -> int:
    return data.rfind(b"PK\x05\x06")


def with_comment_len(data: bytes, n: int) -> bytes:
    e = eocd_at(data)
    return data[:e + 20] + struct.pack("<H", n) + data[e + 22:]


def two_archives() -> bytes:
    """Archive B (far cell) followed by archive A (valid) whose EOCD comment length is 7, not 0."""
    b, a = report_bytes(far_cell=True), report_bytes("Orhei")
    return b + with_comment_len(a, 7)


def read_error(name: str, data: bytes) -> str:
    with pytest.raises(ReadError) as ei:
        read_file(name, data)
    return ei.value.message


def test_each_archive_alone_is_read_by_tipdash():
    assert read_file("a.xlsx", report_bytes("Orhei")).sheets["Commission"][0] == ["Unit", "Orhei"]
    # archive B on its own: our reader refuses the far cell without allocating the grid
    assert "sheet 'Challenges' has a value in cell XFD1048576, beyond column GR" in \
        read_error("b.xlsx", report_bytes(far_cell=True))


def test_two_archives_with_a_wrong_comment_length_are_refused():
    msg = read_error("evil.xlsx", two_archives())
    assert "end-of-archive record does not end the file" in msg


def test_two_archives_refused_by_the_cli_without_harm(tmp_path):
    """The import that aborted the process (rc 134) is one clear line, exit 1, DB unchanged."""
    evil = tmp_path / "zip_two_archives_far_cell.xlsx"
    evil.write_bytes(two_archives())
    db = tmp_path / "t.duckdb"
    base = make_summary_csv(tmp_path, [["Orhei", 2022, "yes", 2, None, None, None, None, None, None]])
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "tipdash", "import", str(base), "--db", str(db)], check=True,
                   env=env, cwd=ROOT, capture_output=True, timeout=120)
    before = db.read_bytes()
    for extra in ([], ["--dry-run"]):
        t = time.monotonic()
        p = subprocess.run([sys.executable, "-m", "tipdash", "import", str(evil), "--db", str(db), "--lang", "en", *extra],
                           env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "end-of-archive record" in lines[0], p.stderr
        assert lines[0].startswith(f"{evil}:::: ")
        assert "Traceback" not in p.stderr + p.stdout
        assert time.monotonic() - t < 60
        assert db.read_bytes() == before


def rebuilt(data: bytes, *, prefix=b"", gap_after: str | None = None, gap=b"", fix_offsets=True) -> bytes:
    """Copy a ZIP byte by byte, with bytes before the first member or after one member; the
    central directory offsets shifted to match (as `zip -A` does for a self-extractor)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    cd_off = struct.unpack_from("<I", data, eocd_at(data) + 16)[0]
    out, shift, ends = bytearray(prefix), len(prefix), {}
    bounds = [i.header_offset for i in infos] + [cd_off]
    moved = {}
    for info, nxt in zip(infos, bounds[1:]):
        moved[info.header_offset] = info.header_offset + shift
        out += data[info.header_offset:nxt]
        if info.filename == gap_after:
            out += gap
            shift += len(gap)
        ends[info.filename] = len(out)
    cd = bytearray(data[cd_off:eocd_at(data)])
    pos = 0
    while pos < len(cd):
        n, m, k = struct.unpack_from("<HHH", cd, pos + 28)
        off = struct.unpack_from("<I", cd, pos + 42)[0]
        if fix_offsets:
            struct.pack_into("<I", cd, pos + 42, moved[off])
        pos += 46 + n + m + k
    new_cd_off = len(out)
    out += cd
    end = bytearray(data[eocd_at(data):])
    struct.pack_into("<I", end, 16, new_cd_off)
    return bytes(out + end)


def test_layout_rules_each_with_a_clear_message():
    good = report_bytes()
    assert rebuilt(good) == good
    assert "before the first part" in read_error("x.xlsx", rebuilt(good, prefix=b"PK\x03\x04" + bytes(60)))
    assert "between parts" in read_error("x.xlsx", rebuilt(good, gap_after="xl/workbook.xml", gap=b"\0" * 9))
    assert "does not end the file" in read_error("x.xlsx", good + b"trailing bytes")
    assert "does not end the file" in read_error("x.xlsx", with_comment_len(good, 3))
    # archive A appended to archive B with a correct end record: A's offsets point into B
    b, a = report_bytes(far_cell=True), report_bytes("Orhei")
    assert "tampered" in read_error("x.xlsx", b + a) or "central directory" in read_error("x.xlsx", b + a)
    # a second end record hidden in the comment, or in a central directory entry's comment
    eocd = b"PK\x05\x06" + bytes(18)
    commented = good[:eocd_at(good) + 20] + struct.pack("<H", len(eocd)) + eocd
    assert "second end-of-archive record" in read_error("x.xlsx", commented)
    commented = good[:eocd_at(good) + 20] + struct.pack("<H", len(eocd) + 1) + eocd + b"x"
    assert "second end-of-archive record" in read_error("x.xlsx", commented)


def test_second_end_record_in_a_central_entry_comment():
    good = report_bytes()
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            if info.filename == "xl/workbook.xml":
                copy.comment = b"PK\x05\x06" + bytes(18)
            z.writestr(copy, src.read(info.filename), zipfile.ZIP_DEFLATED)
    assert "more than one end-of-archive record" in read_error("x.xlsx", out.getvalue())


def test_overlapping_and_mismatched_members():
    good = report_bytes()
    zf = zipfile.ZipFile(io.BytesIO(good))
    first, second = sorted(zf.infolist(), key=lambda i: i.header_offset)[:2]
    cd_off = struct.unpack_from("<I", good, eocd_at(good) + 16)[0]
    # the second central entry points at the first local header: two entries share bytes
    pos, cd = cd_off, bytearray(good)
    while cd[pos:pos + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", cd, pos + 28)
        if bytes(cd[pos + 46:pos + 46 + n]).decode() == second.filename:
            struct.pack_into("<I", cd, pos + 42, first.header_offset)
        pos += 46 + n + m + k
    assert "overlaps" in read_error("x.xlsx", bytes(cd))
    # a local header naming another part than its central entry
    renamed = bytearray(good)
    name_at = first.header_offset + 30
    renamed[name_at] = ord("Y") if renamed[name_at] != ord("Y") else ord("Z")
    assert "local header names another part" in read_error("x.xlsx", bytes(renamed))


class _Unseekable(io.RawIOBase):
    def __init__(self):
        self.buf = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.buf += b
        return len(b)


def test_streamed_zip_with_data_descriptors_is_read():
    """Writers that stream (sizes after the data, in a data descriptor) are legitimate."""
    good = report_bytes()
    src = zipfile.ZipFile(io.BytesIO(good))
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            with z.open(info.filename, "w") as f:
                f.write(src.read(info.filename))
    streamed = bytes(sink.buf)
    assert b"PK\x07\x08" in streamed
    assert read_file("s.xlsx", streamed).sheets == read_file("g.xlsx", good).sheets


def test_the_reader_never_uses_calamine_for_zip(monkeypatch):
    import python_calamine

    def boom(*a, **k):
        raise AssertionError("calamine must not read a ZIP")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", boom)
    assert read.read_file("a.xlsx", report_bytes()).kind == "xlsx"
