"""OLE2 (xls) files: the compound-file structure and the BIFF cell records, checked before
calamine walks them (it sizes buffers from these headers and aborts the process on failure)."""

from __future__ import annotations

import struct

from tipdash.ingest.limits import (
    MAX_CELLS,
    MAX_SHEETS,
    ReadError,
    _Budget,
    _corrupt,
    _Scan,
    _SheetScan,
)

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_DIFSECT = 0xFFFFFFFC
_RESERVED = 0xFFFFFFFA

_XLS_ERRORS = {
    0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
    0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA",
}


def _scan_ole2(name: str, data: bytes) -> _Scan:
    """Validate the compound file as calamine will walk it, then the BIFF cell records."""
    cf = _Compound(name, data)
    entries = cf.directory()
    wb_entry = _workbook_entry(name, entries)
    return _scan_biff(name, cf.workbook_stream(entries[0], wb_entry))


class _Compound:
    """An OLE2 compound file as calamine reads it: the header, the FAT (through the DIFAT) and
    the sector chains, each checked against the file's size before it is followed."""

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data
        if len(data) < 512:
            raise self.bad("truncated OLE2 header")
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
            raise self.bad("invalid OLE2 header")
        self.ss = ss = 1 << shift
        if len(data) < ss:
            raise self.bad("truncated OLE2 header")
        self.nsec = -(-(len(data) - ss) // ss)
        dir_len, fat_len, self.dir_start = struct.unpack_from("<III", data, 40)
        self.minifat_start, self.minifat_len, difat_start, difat_len = struct.unpack_from("<IIII", data, 60)
        # calamine sizes buffers from these header fields before it reads anything
        if (fat_len > self.nsec or dir_len * ss > len(data) or difat_len > self.nsec
                or self.minifat_len > len(data) // 8192 + 1):
            raise self.bad("OLE2 header sizes exceed the file")
        self.fat = self._fat(difat_start)

    def bad(self, what: str) -> ReadError:
        return _corrupt(self.name, "xls", detail=what)

    def sector(self, sid: int) -> bytes:
        off = (sid + 1) * self.ss
        return self.data[off:off + self.ss].ljust(self.ss, b"\0")

    def _fat(self, difat_start: int) -> list[int]:
        """DIFAT: header entries then a chain of DIFAT sectors (calamine pops the last entry as next)."""
        ss, nsec = self.ss, self.nsec
        difat = list(struct.unpack_from("<109I", self.data, 76))
        sid = difat_start
        steps = 0
        while sid < _RESERVED:
            if sid >= nsec or steps > nsec:
                raise self.bad("invalid DIFAT chain")
            steps += 1
            difat.extend(struct.unpack(f"<{ss // 4}I", self.sector(sid)))
            sid = difat.pop()
        fat: list[int] = []
        for sid in difat:
            if sid < _DIFSECT:
                if sid >= nsec:
                    raise self.bad("FAT sector outside the file")
                fat.extend(struct.unpack(f"<{ss // 4}I", self.sector(sid)))
        return fat

    def chain(self, start: int, table: list[int], limit: int, what: str) -> list[int]:
        out = []
        sid = start
        while sid != _ENDOFCHAIN:
            if sid >= limit or sid >= len(table) or len(out) > limit:
                raise self.bad(f"invalid sector chain ({what})")
            out.append(sid)
            sid = table[sid]
        return out

    def read_chain(self, start: int, size: int, what: str) -> bytes:
        sids = self.chain(start, self.fat, self.nsec, what)
        return b"".join(self.sector(s) for s in sids)[:size] if size else b"".join(self.sector(s) for s in sids)

    def directory(self) -> list[tuple]:
        """(name, type, start sector, size) of every directory entry."""
        dirs_raw = self.read_chain(self.dir_start, 0, "directory")
        entries = []
        for i in range(0, len(dirs_raw) - 127, 128):
            e = dirs_raw[i:i + 128]
            nlen = struct.unpack_from("<H", e, 64)[0]
            ename = e[:max(0, min(nlen, 64) - 2)].decode("utf-16-le", "replace")
            etype = e[66]
            start = struct.unpack_from("<I", e, 116)[0]
            size = struct.unpack_from("<Q" if self.ss == 4096 else "<I", e, 120)[0]
            entries.append((ename, etype, start, size))
        if not entries:
            raise self.bad("empty OLE2 directory")
        return entries

    def workbook_stream(self, root: tuple, wb_entry: tuple) -> bytes:
        """The workbook stream, from the mini stream when it is small (calamine's rule)."""
        data = self.data
        if root[3] > len(data):
            raise self.bad("OLE2 mini stream larger than the file")
        ministream = b""
        minifat: list[int] = []
        if self.minifat_len > 0:
            ministream = self.read_chain(root[2], root[3], "mini stream")
            mf = self.read_chain(self.minifat_start, self.minifat_len * self.ss, "mini FAT")
            minifat = list(struct.unpack(f"<{len(mf) // 4}I", mf[: len(mf) // 4 * 4]))
        nmini = -(-len(ministream) // 64)

        _, _, start, size = wb_entry
        if size > len(data):
            raise self.bad("workbook stream larger than the file")
        if size < 4096:  # calamine's rule, whatever the header's cutoff says
            sids = self.chain(start, minifat, nmini, "workbook mini stream")
            return b"".join(ministream[s * 64:(s + 1) * 64] for s in sids)[:size]
        return self.read_chain(start, size, "workbook stream")


def _workbook_entry(name: str, entries: list[tuple]) -> tuple:
    """The workbook stream's entry; encrypted files, other Office files and macros refused."""
    names = {n for n, t, _, _ in entries if t in (1, 2)}
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        raise ReadError(name, "read.password")
    if "WordDocument" in names:
        raise ReadError(name, "read.not_spreadsheet", kind="word")
    if "PowerPoint Document" in names:
        raise ReadError(name, "read.not_spreadsheet", kind="powerpoint")
    if any(n == "_VBA_PROJECT_CUR" for n, _, _, _ in entries):
        raise ReadError(name, "read.macros")
    # calamine takes the first directory entry so named, whatever its type
    wb_entry = next((e for e in entries if e[0] == "Workbook"), None) or next(
        (e for e in entries if e[0] == "Book"), None)
    if wb_entry is None:
        raise ReadError(name, "read.not_spreadsheet", kind="ole2_no_workbook")
    return wb_entry


def _biff_records(stream: bytes, pos: int):
    n = len(stream)
    while pos + 4 <= n:
        typ, ln = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + ln > n:
            return
        yield typ, stream[pos + 4:pos + 4 + ln]
        pos += 4 + ln


def _scan_biff(name: str, stream: bytes) -> _Scan:
    budget = _Budget(name)
    positions = []
    for typ, rec in _biff_records(stream, 0):
        if typ == 0x002F:
            raise ReadError(name, "read.password")
        if typ == 0x00FC and len(rec) >= 8:
            unique = struct.unpack_from("<i", rec, 4)[0]
            if unique < 0 or unique > len(stream):
                raise _corrupt(name, "xls", detail="implausible shared string count")
        elif typ == 0x0085 and len(rec) >= 4:
            positions.append(struct.unpack_from("<I", rec, 0)[0])
        elif typ == 0x000A:
            break
    if len(positions) > MAX_SHEETS:
        raise ReadError(name, "read.too_many_sheets", n=len(positions), limit=MAX_SHEETS)
    scans = []
    for idx, pos in enumerate(positions):
        if pos >= len(stream):
            raise _corrupt(name, "xls", detail="a sheet points outside the workbook stream")
        s = _scan_sheet(name, stream, idx, pos)
        budget.add_cells(s.cells, f"#{idx + 1}")
        scans.append(s)
    return _Scan("xls", scans, by_index=True)


def _scan_sheet(name: str, stream: bytes, idx: int, pos: int) -> _SheetScan:
    """The cell range and error cells of the sheet whose BOF record is at ``pos``."""
    s = _SheetScan(name=str(idx))
    fmla = (0, 0)

    def cell(r, c):
        if r > s.max_row:
            s.max_row = r
        if c > s.max_col:
            s.max_col = c

    for typ, rec in _biff_records(stream, pos):
        if typ == 0x000A:
            break
        if typ == 0x0200:  # DIMENSIONS: calamine reserves rows*cols cells
            if len(rec) == 14:
                rf, rl, cf, cl = struct.unpack_from("<IIHH", rec, 0)
            elif len(rec) == 10:
                rf, rl, cf, cl = struct.unpack_from("<HHHH", rec, 0)
            else:
                continue
            if rl >= 1 and cl >= 1:
                rows = ((rl - 1 - rf) & 0xFFFFFFFF) + 1
                cols = ((cl - 1 - cf) & 0xFFFFFFFF) + 1
                if rows * cols > MAX_CELLS:
                    raise ReadError(name, "read.xls_declares", n={"plural": "cells", "n": rows * cols}, cells=MAX_CELLS)
            continue
        if typ in (0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, 0x0201, 0x00D6,
                   0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0406) and len(rec) >= 4:
            r, c = struct.unpack_from("<HH", rec, 0)
            cell(r, c)
            if typ == 0x0006:
                fmla = (r, c)
                if len(rec) >= 14 and rec[6] == 2 and rec[12:14] == b"\xff\xff":
                    s.errors[(r, c)] = _XLS_ERRORS.get(rec[8], "#ERROR")
            elif typ == 0x0205 and len(rec) >= 8 and rec[7] == 1:
                s.errors[(r, c)] = _XLS_ERRORS.get(rec[6], "#ERROR")
        elif typ in (0x00BD, 0x00BE) and len(rec) >= 6:
            r, c0 = struct.unpack_from("<HH", rec, 0)
            c1 = struct.unpack_from("<H", rec, len(rec) - 2)[0]
            step = 6 if typ == 0x00BD else 2
            cell(r, max(c0, c1, c0 + max(0, (len(rec) - 6) // step - 1)))
        elif typ == 0x0207:
            cell(*fmla)
    return s
