"""The ZIP container of an xlsx/ods: members inflated by us, in a streaming way, once.

`zipfmt` has checked the layout. Each member is inflated here with a byte budget and a CRC
check (so a lying header is caught), never beyond its declared size, and every XML part goes
through the byte-level guard of `xmlscan` while it is read. The spreadsheet readers (`xlsxbook`,
`odsbook`) consume the same chunks: no other parser ever sees the archive.
"""
from __future__ import annotations

import zlib

from tipdash.ingest.limits import ReadError, _bomb, _Budget, _corrupt, _short
from tipdash.ingest.xmlscan import _XmlGuard
from tipdash.ingest.zipfmt import STORED, Member, members

#: Control parts we parse whole ([Content_Types].xml, workbook.xml, rels, styles, manifest).
MAX_CONTROL_PART = 5 * 1024 * 1024
_IN_CHUNK = 64 * 1024
_OUT_CHUNK = 1024 * 1024

_MEDIA_EXTS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg",
               ".wdp", ".jfif", ".ico", ".bin", ".ttf", ".odttf", ".otf", ".woff")


class Archive:
    """The checked members of one ZIP, read at most once each."""

    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data
        self.members = members(name, data)
        self.by_name = {m.name: m for m in self.members}
        self.budget = _Budget(name)
        self.done: set[str] = set()
        self.taken: dict[str, int] = {}

    def has(self, part: str) -> bool:
        return part in self.by_name

    def chunks(self, part: str, strict_xml: bool | None = None, again: bool = False):
        """The inflated chunks of ``part``, each passed through the XML guard first.
        ``strict_xml`` None: decided from the part's name and first bytes. ``again``: a second
        reading of the same part (its bytes are counted once in the budget)."""
        m = self.by_name[part]
        if part in self.done and not again:
            raise _corrupt(self.name, "part_twice", part=part[:80])
        self.budget.used -= self.taken.pop(part, 0)
        self.done.add(part)
        guard = None
        for chunk in inflate(self.name, self.data, m, self.budget):
            self.taken[part] = self.taken.get(part, 0) + len(chunk)
            if guard is None:
                strict = strict_xml if strict_xml is not None else (not is_media(part) and looks_xml(part, chunk))
                guard = _XmlGuard(self.name, part, m.usize, strict=strict)
            guard.feed(chunk)
            yield chunk

    def read(self, part: str, strict_xml: bool = True) -> bytes:
        """A whole (small) part."""
        if self.by_name[part].usize > MAX_CONTROL_PART:
            raise _corrupt(self.name, "part_large", part=part[:80])
        return b"".join(self.chunks(part, strict_xml))

    def rest(self) -> None:
        """Inflate and check every member not read yet (checksums, budget, XML guard)."""
        for m in self.members:
            if m.name not in self.done and not m.name.endswith("/"):
                for _ in self.chunks(m.name):
                    pass


def inflate(name: str, data: bytes, m: Member, budget: _Budget):
    """Yield the inflated bytes of one member, never more than its declared size."""
    comp = memoryview(data)[m.start:m.start + m.csize]
    declared = m.usize
    produced = 0
    crc = 0
    if m.method == STORED:
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
                    raise _bomb(name, "inflates", part=m.name[:80])
                budget.take(len(out))
                crc = zlib.crc32(out, crc)
                yield out
        except zlib.error as e:
            raise _corrupt(name, "inflate", part=m.name[:80], detail=_short(e)) from None
        if not d.eof:
            raise _corrupt(name, "truncated", part=m.name[:80])
    if produced != declared or (crc & 0xFFFFFFFF) != m.crc:
        raise _corrupt(name, "checksum", part=m.name[:80])


def is_media(part: str) -> bool:
    return part.lower().endswith(_MEDIA_EXTS)


def looks_xml(part: str, first_chunk: bytes) -> bool:
    """XML parts are checked strictly; embedded files (an .xlsx, a PDF) are left alone."""
    if part.lower().endswith((".xml", ".rels", ".vml")):
        return True
    head = first_chunk[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<", b"\xff\xfe", b"\xfe\xff"))


def kind_of(name: str, archive: Archive) -> str:
    if archive.has("[Content_Types].xml"):
        return "xlsx"
    if archive.has("mimetype"):
        return "ods"
    raise ReadError(name, "read.not_spreadsheet", kind="zip_other")
