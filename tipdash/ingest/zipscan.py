"""The ZIP container of an xlsx/ods: size, member count and ratio checks, streaming inflate.

Every member is inflated here with a byte budget and a CRC check (so a lying header is caught),
and its XML is handed to `tipdash.ingest.xmlscan` before any parser sees the file.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib

from tipdash.ingest.limits import (
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_SHEETS,
    MAX_UNCOMPRESSED,
    RATIO_MIN_SIZE,
    ReadError,
    _bomb,
    _Budget,
    _corrupt,
    _mb,
    _Scan,
    _SheetScan,
    _short,
)
from tipdash.ingest.xmlscan import (
    _defused_parser,
    _FastSheetScan,
    _feed_parser,
    _OdsContentHandler,
    _parse_small,
    _XlsxSheetHandler,
    _XmlGuard,
)

#: Control parts we parse whole ([Content_Types].xml, workbook.xml, rels, manifest).
_MAX_CONTROL_PART = 5 * 1024 * 1024
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"

_MEDIA_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg",
               ".wdp", ".jfif", ".ico", ".bin", ".ttf", ".odttf", ".otf", ".woff")
_ODS_MIMES = {
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet-template",
}


def _scan_zip(name: str, data: bytes) -> _Scan:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as e:  # noqa: BLE001 - zipfile raises many kinds on garbage
        raise _corrupt(name, f"damaged ZIP container ({_short(e)})") from None
    if len(infos) > MAX_MEMBERS:
        raise _bomb(name, f"the ZIP has {len(infos)} parts (limit {MAX_MEMBERS})")
    if not infos:
        raise ReadError(name, "not a spreadsheet (content looks like an empty ZIP archive)")
    seen: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in seen:
            raise _corrupt(name, f"duplicate part {info.filename!r} in the ZIP")
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > RATIO_MIN_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _bomb(
                name,
                f"part {info.filename!r} is compressed {info.file_size // max(info.compress_size, 1)}:1 "
                f"(limit {MAX_RATIO}:1)",
            )
        if info.flag_bits & 0x1:
            raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _corrupt(name, f"part {info.filename!r} uses an unsupported compression method")
    if total > MAX_UNCOMPRESSED:
        raise _bomb(name, f"the workbook would expand to {_mb(total)} (limit {_mb(MAX_UNCOMPRESSED)})")

    by_name = {i.filename: i for i in infos}
    if "[Content_Types].xml" in by_name:
        kind = "xlsx"
    elif "mimetype" in by_name:
        kind = "ods"
    else:
        raise ReadError(
            name,
            "not a spreadsheet (content looks like a ZIP archive that is neither an Excel "
            "(.xlsx) nor an OpenDocument (.ods) file)",
        )

    budget = _Budget(name)
    if kind == "xlsx":
        return _scan_ooxml(name, data, infos, by_name, budget)
    return _scan_ods(name, data, infos, by_name, budget)


def _member_chunks(name: str, data: bytes, info: zipfile.ZipInfo, budget: _Budget):
    """Yield the inflated bytes of one member, never more than its declared size."""
    off = info.header_offset
    if off < 0 or off + 30 > len(data) or data[off:off + 4] != _ZIP_MAGIC:
        raise _corrupt(name, f"part {info.filename!r}: bad local header")
    n, m = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + n + m
    end = start + info.compress_size
    if end > len(data):
        raise _corrupt(name, f"part {info.filename!r} is truncated")
    comp = memoryview(data)[start:end]
    if budget is None:
        budget = _Budget(name)
    declared = info.file_size
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != declared:
            raise _corrupt(name, f"part {info.filename!r}: sizes disagree")
        for i in range(0, len(comp), _OUT_CHUNK):
            chunk = bytes(comp[i:i + _OUT_CHUNK])
            budget.take(len(chunk))
            crc = zlib.crc32(chunk, crc)
            produced += len(chunk)
            yield chunk
    else:
        d = zlib.decompressobj(-15)
        pos = 0
        try:
            while not d.eof:
                if d.unconsumed_tail:
                    inp = d.unconsumed_tail
                elif pos < len(comp):
                    inp = comp[pos:pos + _IN_CHUNK]
                    pos += len(inp)
                else:
                    inp = b""
                out = d.decompress(inp, _OUT_CHUNK)
                if not out:
                    if not inp:
                        break
                    continue
                produced += len(out)
                if produced > declared:
                    raise _bomb(name, f"part {info.filename!r} inflates beyond its declared size")
                budget.take(len(out))
                crc = zlib.crc32(out, crc)
                yield out
        except zlib.error as e:
            raise _corrupt(name, f"part {info.filename!r}: {_short(e)}") from None
        if not d.eof:
            raise _corrupt(name, f"part {info.filename!r} is truncated")
    if produced != declared or (crc & 0xFFFFFFFF) != info.CRC:
        raise _corrupt(name, f"part {info.filename!r} fails its checksum")


def _is_media(part: str) -> bool:
    return part.lower().endswith(_MEDIA_EXTS)


def _looks_xml(part: str, first_chunk: bytes) -> bool:
    """XML parts are what calamine parses; embedded files (an .xlsx, a PDF) are left alone."""
    if part.lower().endswith((".xml", ".rels", ".vml")):
        return True
    head = first_chunk[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<", b"\xff\xfe", b"\xfe\xff"))


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


def _read_member(name, data, info, budget, guard=None) -> bytes:
    if info.file_size > _MAX_CONTROL_PART:
        raise _corrupt(name, f"part {info.filename!r} is unusually large")
    out = []
    for chunk in _member_chunks(name, data, info, budget):
        if guard is not None:
            guard.feed(chunk)
        out.append(chunk)
    return b"".join(out)


def _scan_ooxml(name, data, infos, by_name, budget) -> _Scan:
    control = {}
    for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        info = by_name.get(part)
        if info is not None:
            raw = _read_member(name, data, info, budget, _XmlGuard(name, part, info.file_size, True))
            control[part] = _parse_small(name, part, raw)
    _check_content_types(name, control)
    part_to_sheet = _sheet_parts(name, control)
    scans = []
    for info in infos:
        part = info.filename
        if part in control or part.endswith("/"):
            continue
        scan = _scan_part(name, data, info, budget, part_to_sheet)
        if scan is not None and scan.name is not None:
            scans.append(scan)
    return _Scan("xlsx", [s for s in scans if s.name is not None])


def _check_content_types(name: str, control: dict) -> None:
    """A workbook (xlsx, xlsm, template), not a Word/PowerPoint file or an .xlsb."""
    ctypes = " ".join(
        (el.get("ContentType") or "") for el in control["[Content_Types].xml"].iter()
    ).lower()
    if "spreadsheetml.sheet.main" not in ctypes and "sheet.macroenabled.main" not in ctypes and \
            "spreadsheetml.template.main" not in ctypes and "template.macroenabled.main" not in ctypes:
        if "sheet.binary.macroenabled.main" in ctypes:
            raise ReadError(name, "Excel binary workbooks (.xlsb) are not supported: save it as .xlsx")
        if "wordprocessingml" in ctypes:
            raise ReadError(name, "not a spreadsheet (content looks like a Word document)")
        if "presentationml" in ctypes:
            raise ReadError(name, "not a spreadsheet (content looks like a PowerPoint presentation)")
        raise ReadError(name, "not a spreadsheet (an Office file without a workbook)")
    if "xl/workbook.xml" not in control:
        raise _corrupt(name, "the workbook part xl/workbook.xml is missing")


def _sheet_parts(name: str, control: dict) -> dict[str, str]:
    """Part -> sheet name, in workbook order (what calamine follows)."""
    rels = {}
    if "xl/_rels/workbook.xml.rels" in control:
        for el in control["xl/_rels/workbook.xml.rels"].iter():
            if _local(el.tag) == "Relationship" and el.get("Id"):
                rels[el.get("Id")] = _resolve_target(el.get("Target") or "")
    part_to_sheet = {}
    order = []
    for el in control["xl/workbook.xml"].iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            sname = el.get("name") or ""
            order.append(sname)
            if rid in rels:
                part_to_sheet.setdefault(rels[rid], sname)
    if len(order) > MAX_SHEETS:
        raise ReadError(name, f"too many sheets ({len(order)}; limit {MAX_SHEETS})")
    return part_to_sheet


def _scan_part(name, data, info, budget, part_to_sheet: dict[str, str]) -> _SheetScan | None:
    """Inflate one member under the XML guard; for an XML part, its cell range (None otherwise)."""
    part = info.filename
    guard = fast = None
    for chunk in _member_chunks(name, data, info, budget):
        if guard is None:
            xml = part in part_to_sheet or (not _is_media(part) and _looks_xml(part, chunk))
            guard = _XmlGuard(name, part, info.file_size, strict=xml)
            if xml:
                # every XML part, not only the recognised sheets: a part calamine would read
                # as a sheet cannot slip through a target we failed to resolve
                fast = _FastSheetScan(name, part, budget)
        guard.feed(chunk)
        if fast is not None:
            fast.feed(chunk)
    if fast is None:
        return None
    scan = fast.finish()
    if scan is None:
        # Something the byte scan does not model exactly (cells or rows without a position,
        # error cells, formulas without a cached value): parse the part with defusedxml.
        budget.cells -= fast.counted
        handler = _XlsxSheetHandler(name, part, budget)
        parser = _defused_parser(handler)
        for chunk in _member_chunks(name, data, info, None):
            _feed_parser(name, part, parser, chunk, False)
        _feed_parser(name, part, parser, b"", True)
        handler.finish()
        scan = handler.scan
    scan.part = part
    scan.name = part_to_sheet.get(part)
    return scan


def _resolve_target(target: str) -> str:
    t = target.replace("\\", "/")
    if t.startswith("/"):
        t = t[1:]
    else:
        t = "xl/" + t
    return posixpath.normpath(t)


def _scan_ods(name, data, infos, by_name, budget) -> _Scan:
    mime = _read_member(name, data, by_name["mimetype"], budget).decode("ascii", "replace").strip()
    if mime not in _ODS_MIMES:
        if "opendocument.text" in mime:
            raise ReadError(name, "not a spreadsheet (content looks like an OpenDocument text document)")
        if "opendocument.presentation" in mime:
            raise ReadError(name, "not a spreadsheet (content looks like an OpenDocument presentation)")
        raise ReadError(name, f"not a spreadsheet (an OpenDocument file of type {mime[:80]!r})")
    if "content.xml" not in by_name:
        raise _corrupt(name, "content.xml is missing")
    scans = []
    for info in infos:
        part = info.filename
        if part == "mimetype" or part.endswith("/"):
            continue
        media = _is_media(part) or part.lower().startswith(("pictures/", "thumbnails/"))
        guard = None
        handler = parser = None
        if part == "content.xml":
            handler = _OdsContentHandler(name, budget)
            parser = _defused_parser(handler)
        for chunk in _member_chunks(name, data, info, budget):
            if guard is None:
                xml = part == "content.xml" or (not media and _looks_xml(part, chunk))
                guard = _XmlGuard(name, part, info.file_size, strict=xml)
            guard.feed(chunk)
            if parser is not None:
                _feed_parser(name, part, parser, chunk, False)
        if parser is not None:
            _feed_parser(name, part, parser, b"", True)
            scans = handler.sheets
    if len(scans) > MAX_SHEETS:
        raise ReadError(name, f"too many sheets ({len(scans)}; limit {MAX_SHEETS})")
    return _Scan("ods", scans)
