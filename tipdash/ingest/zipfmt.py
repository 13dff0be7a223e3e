"""The ZIP container of an xlsx/ods, parsed by us and nobody else, strictly.

Two ZIP parsers can disagree about which bytes form the archive (Python's ``zipfile`` and the
Rust ``zip`` crate picked different end records in the same file: one vetted archive A, the
other read archive B). tipdash therefore reads the members itself (``zipscan``) from the
records parsed here, and accepts only the one layout every parser agrees on:

- exactly one end-of-central-directory record, ending the file (its comment length matches);
- the central directory directly before it, holding exactly the entries it announces;
- the first local header at offset 0, each member's data followed directly by the next local
  header (or by the central directory), so no bytes hide before, between or over members;
- each local header agreeing with its central entry (name, method, sizes, checksum);
- no second end-record signature outside the members' compressed data; no ZIP64, multi-disk
  or encrypted archives.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from tipdash.ingest.limits import MAX_MEMBERS, MAX_RATIO, MAX_UNCOMPRESSED, RATIO_MIN_SIZE, ReadError, _bomb, \
    _corrupt, _mb

EOCD_SIG = b"PK\x05\x06"
CEN_SIG = b"PK\x01\x02"
LOC_SIG = b"PK\x03\x04"
DESC_SIG = b"PK\x07\x08"
_EOCD = struct.Struct("<4sHHHHIIH")                  # 22 bytes
_CEN = struct.Struct("<4sHHHHHHIIIHHHHHII")          # 46 bytes
_LOC = struct.Struct("<4sHHHHHIIIHH")                # 30 bytes
STORED, DEFLATED = 0, 8


@dataclass(frozen=True)
class Member:
    """One member: where its compressed bytes are and what they must inflate to."""
    name: str
    method: int
    flags: int
    crc: int
    csize: int
    usize: int
    offset: int           # of the local header
    start: int            # of the compressed data
    end: int              # just after the data and its data descriptor, if any


def members(name: str, data: bytes) -> list[Member]:
    """The members of the ZIP in ``data``, in file order, after every layout check."""
    eocd = _end_record(name, data)
    count, cd_size, cd_off = eocd
    if count > MAX_MEMBERS:
        raise _bomb(name, "parts", n={"plural": "parts", "n": count}, limit=MAX_MEMBERS)
    entries = _central_directory(name, data, count, cd_off, cd_size)
    if not entries:
        raise ReadError(name, "read.not_spreadsheet", kind="empty_zip")
    _check_sizes(name, entries)
    out = _check_layout(name, data, entries, cd_off)
    _check_single_end(name, data, out, len(data) - 22 - _comment_len(data))
    return out


def _comment_len(data: bytes) -> int:
    return struct.unpack_from("<H", data, len(data) - 2)[0] if len(data) >= 22 else 0


def _end_record(name: str, data: bytes) -> tuple[int, int, int]:
    """(entries, central directory size, offset) of the one end record that ends the file."""
    if len(data) < 22:
        raise _corrupt(name, "zip_no_end")
    lo = max(0, len(data) - 22 - 0xFFFF)
    ends = [pos for pos in _signatures(data, lo)
            if struct.unpack_from("<H", data, pos + 20)[0] + pos + 22 == len(data)]
    if not ends:
        raise _corrupt(name, "zip_end_not_last")
    if len(ends) > 1:
        raise _corrupt(name, "zip_end_in_comment")
    found = ends[0]
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_off, clen = _EOCD.unpack_from(data, found)
    if EOCD_SIG in data[found + 22:]:
        raise _corrupt(name, "zip_end_in_comment")
    if 0xFFFF in (n_disk, n_total) or 0xFFFFFFFF in (cd_size, cd_off) or data[found - 20:found - 16] == b"PK\x06\x07":
        raise _corrupt(name, "zip64")
    if disk or cd_disk or n_disk != n_total:
        raise _corrupt(name, "zip_multidisk")
    if cd_off + cd_size != found:
        raise _corrupt(name, "zip_cd_gap")
    return n_total, cd_size, cd_off


def _signatures(data: bytes, lo: int) -> list[int]:
    """Offsets of every end-record signature from ``lo`` on that leaves room for a record."""
    out, pos = [], data.find(EOCD_SIG, lo)
    while pos != -1 and pos + 22 <= len(data):
        out.append(pos)
        pos = data.find(EOCD_SIG, pos + 1)
    return out


def _central_directory(name: str, data: bytes, count: int, cd_off: int, cd_size: int) -> list[Member]:
    pos, end = cd_off, cd_off + cd_size
    entries: list[Member] = []
    seen: set[str] = set()
    for _ in range(count):
        if pos + 46 > end or data[pos:pos + 4] != CEN_SIG:
            raise _corrupt(name, "zip_bad_entry")
        (_sig, _made, _need, flags, method, _t, _d, crc, csize, usize, nlen, xlen, clen, disk, _ia, _ea,
         off) = _CEN.unpack_from(data, pos)
        raw = data[pos + 46:pos + 46 + nlen]
        pos += 46 + nlen + xlen + clen
        if pos > end:
            raise _corrupt(name, "zip_bad_entry")
        part = raw.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        if part in seen:
            raise _corrupt(name, "zip_duplicate", part=part[:80])
        seen.add(part)
        if flags & 0x41:
            raise ReadError(name, "read.password")
        if 0xFFFFFFFF in (csize, usize, off) or disk:
            raise _corrupt(name, "zip64")
        if method not in (STORED, DEFLATED):
            raise _corrupt(name, "zip_method", part=part[:80])
        entries.append(Member(part, method, flags, crc, csize, usize, off, 0, 0))
    if pos != end:
        raise _corrupt(name, "zip_bad_entry")
    return entries


def _check_sizes(name: str, entries: list[Member]) -> None:
    total = 0
    for m in entries:
        total += m.usize
        if m.usize > RATIO_MIN_SIZE and m.usize > MAX_RATIO * max(m.csize, 1):
            raise _bomb(name, "ratio", part=m.name[:80], ratio=m.usize // max(m.csize, 1), limit=MAX_RATIO)
        if m.method == STORED and m.csize != m.usize:
            raise _corrupt(name, "zip_local", part=m.name[:80])
    if total > MAX_UNCOMPRESSED:
        raise _bomb(name, "total", size=_mb(total), limit=_mb(MAX_UNCOMPRESSED))


def _check_layout(name: str, data: bytes, entries: list[Member], cd_off: int) -> list[Member]:
    """Members back to back from offset 0 to the central directory; local = central header."""
    out = []
    pos = 0
    for m in sorted(entries, key=lambda e: e.offset):
        if m.offset < pos:
            raise _corrupt(name, "zip_overlap", part=m.name[:80])
        if m.offset > pos:
            if pos == 0:
                raise _corrupt(name, "zip_gap_first", n={"plural": "bytes", "n": m.offset})
            raise _corrupt(name, "zip_gap", n={"plural": "bytes", "n": m.offset - pos}, part=m.name[:80])
        start = _local_header(name, data, m)
        end = start + m.csize
        if end > cd_off:
            raise _corrupt(name, "zip_overlap", part=m.name[:80])
        if m.flags & 0x8:
            end = _descriptor(name, data, m, end, cd_off)
        out.append(Member(m.name, m.method, m.flags, m.crc, m.csize, m.usize, m.offset, start, end))
        pos = end
    if pos != cd_off:
        raise _corrupt(name, "zip_gap_cd", n={"plural": "bytes", "n": cd_off - pos})
    return out


def _local_header(name: str, data: bytes, m: Member) -> int:
    if m.offset + 30 > len(data) or data[m.offset:m.offset + 4] != LOC_SIG:
        raise _corrupt(name, "zip_local", part=m.name[:80])
    (_sig, _need, flags, method, _t, _d, crc, csize, usize, nlen, xlen) = _LOC.unpack_from(data, m.offset)
    raw = data[m.offset + 30:m.offset + 30 + nlen]
    extra = data[m.offset + 30 + nlen:m.offset + 30 + nlen + xlen]
    if raw.decode("utf-8" if flags & 0x800 else "cp437", "replace") != m.name:
        raise _corrupt(name, "zip_local_name", part=m.name[:80])
    if method != m.method or (flags & 0x49) != (m.flags & 0x49):
        raise _corrupt(name, "zip_local", part=m.name[:80])
    if 0xFFFFFFFF in (csize, usize):
        csize, usize = _zip64_local_sizes(extra, csize, usize)
    if not flags & 0x8 and (crc, csize, usize) != (m.crc, m.csize, m.usize):
        raise _corrupt(name, "zip_local", part=m.name[:80])
    return m.offset + 30 + nlen + xlen


def _zip64_local_sizes(extra: bytes, csize: int, usize: int) -> tuple[int, int]:
    """The real sizes a ZIP64 extra field gives for a local header that says 0xFFFFFFFF."""
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, i)
        body = extra[i + 4:i + 4 + size]
        if tag == 1:
            vals = [struct.unpack_from("<Q", body, k)[0] for k in range(0, len(body) - 7, 8)]
            if usize == 0xFFFFFFFF and vals:
                usize = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            break
        i += 4 + size
    return csize, usize


def _descriptor(name: str, data: bytes, m: Member, end: int, limit: int) -> int:
    """The data descriptor after a member written in streaming mode; it must repeat the
    central entry's checksum and sizes."""
    pos = end + 4 if data[end:end + 4] == DESC_SIG else end
    if pos + 12 > limit or struct.unpack_from("<III", data, pos) != (m.crc, m.csize, m.usize):
        raise _corrupt(name, "zip_local", part=m.name[:80])
    return pos + 12


def _check_single_end(name: str, data: bytes, mems: list[Member], eocd: int) -> None:
    """No second end-record signature anywhere outside the members' compressed data (where any
    byte sequence can occur): a parser searching for it elsewhere would see another archive."""
    spans = [(0, mems[0].offset)] + [(m.offset, m.start) for m in mems] + \
        [(m.start + m.csize, m.end) for m in mems] + [(mems[-1].end, eocd)]
    for a, b in spans:
        if b > a and data.find(EOCD_SIG, max(0, a - 3), b) != -1:
            raise _corrupt(name, "zip_two_ends")
