"""Checks of the XML parts inside an xlsx/ods while they are read: a byte-level guard (no DTD,
sane encoding and counts) over every chunk, and expat parsers set up by defusedxml (DTDs and
entities raise) for the readers in `xlsxbook`, `xlsxsheet` and `odsbook`.
"""

from __future__ import annotations

import re

from defusedxml.common import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from defusedxml.ElementTree import fromstring as _defused_fromstring

from tipdash.ingest.limits import MAX_CELLS, ReadError, _corrupt, _short

_XML_BOMB = "XML entity expansion (possible XML bomb)"
_RE_DTD = re.compile(rb"<!(?i:doctype|entity)")
_RE_COUNT = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"']\s*(\d+)")
_RE_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
_OK_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}


class _XmlGuard:
    """Byte-level checks on an XML part, fed chunk by chunk: no DTD, sane encoding and counts."""

    def __init__(self, name: str, part: str, size: int, strict: bool):
        self.name, self.part, self.strict = name, part, strict
        self.count_limit = max(size, MAX_CELLS)
        self.tail = b""
        self.first = True
        self.head = 0

    def feed(self, chunk: bytes) -> None:
        if self.first:
            self.first = False
            head = chunk[:4096]
            if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
                if self.strict:
                    raise ReadError(self.name, "read.xml_encoding", encoding="UTF-16", part=self.part[:80])
                self.strict = False
            m = _RE_ENCODING.match(head.lstrip(b"\xef\xbb\xbf"))
            if m and self.strict and m.group(1).decode("ascii", "replace").lower() not in _OK_ENCODINGS:
                raise ReadError(self.name, "read.xml_encoding", encoding=m.group(1).decode("ascii", "replace")[:40],
                                part=self.part[:80])
        if (b"<!" in chunk and _RE_DTD.search(chunk)) or _RE_DTD.search(self.tail + chunk[:16]):
            if self.strict:                                # a DTD (also one cut across two chunks)
                raise ReadError(self.name, "read.xml_bomb", part=self.part[:80])
        if self.strict and self.head < 65536:
            # counts that size allocations (sst uniqueCount …) sit in the root element, at the start
            head = chunk[:65536 - self.head]
            if b"ount" in head:
                for m in _RE_COUNT.finditer(head):
                    if int(m.group(1)) > self.count_limit:
                        raise _corrupt(self.name, "count", n=int(m.group(1)), part=self.part[:80])
            self.head += len(head)
        self.tail = chunk[-16:]


def _defused_parser(handler) -> object:
    """An expat parser set up by defusedxml (DTDs and entities raise) with our fast handlers."""
    p = DefusedXMLParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    px = p.parser
    px.StartElementHandler = handler.start
    px.EndElementHandler = handler.end
    px.CharacterDataHandler = handler.data
    return p


def _feed_parser(name: str, part: str, parser, chunk: bytes, final: bool) -> None:
    try:
        parser.parser.Parse(chunk, final)
    except DefusedXmlException:
        raise ReadError(name, "read.xml_bomb", part=part[:80]) from None
    except (ReadError, MemoryError):
        raise
    except Exception as e:  # noqa: BLE001 - expat errors
        raise _corrupt(name, "xml", part=part[:80], detail=_short(e)) from None


def _parse_small(name: str, part: str, raw: bytes):
    try:
        return _defused_fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        raise ReadError(name, "read.xml_bomb", part=part[:80]) from None
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, "xml", part=part[:80], detail=_short(e)) from None
