"""An xlsx workbook read from its checked archive: content types, workbook and relationships,
styles (which numbers are dates), shared strings, then each sheet in workbook order — every part
inflated once, checked while it is read (`zipscan`), and read by us (`xlsxsheet`)."""
from __future__ import annotations

import posixpath

from tipdash.ingest.limits import _MAX_WARNINGS, MAX_SHEETS, ReadError, _corrupt
from tipdash.ingest.text import strip_controls
from tipdash.ingest.xlsxcells import builtin_kind, format_kind
from tipdash.ingest.xlsxsheet import ExactSheet, ExactStrings, FastSheet, FastStrings, NotCanonical
from tipdash.ingest.xmlscan import _defused_parser, _feed_parser, _parse_small
from tipdash.ingest.zipscan import Archive

_REL_SHEET = "/worksheet"
_OTHER_SHEETS = ("/chartsheet", "/dialogsheet", "/macrosheet", "/xlMacrosheet")


def read_xlsx(name: str, archive: Archive):
    """(sheets, merged refs per sheet, warnings) of the workbook in ``archive``."""
    ct = _parse_small(name, "[Content_Types].xml", archive.read("[Content_Types].xml"))
    _check_content_types(name, ct, archive)
    if archive.has("_rels/.rels"):
        _parse_small(name, "_rels/.rels", archive.read("_rels/.rels"))
    wb = _parse_small(name, "xl/workbook.xml", archive.read("xl/workbook.xml"))
    rels = {}
    if archive.has("xl/_rels/workbook.xml.rels"):
        rels = _relationships(_parse_small(name, "xl/_rels/workbook.xml.rels",
                                           archive.read("xl/_rels/workbook.xml.rels")))
    listed, date1904 = _sheet_list(name, wb)
    kinds = _styles(name, archive, _part_of(rels, "/styles", "xl/styles.xml", archive))
    sst = _strings(name, archive, _part_of(rels, "/sharedStrings", "xl/sharedStrings.xml", archive))
    sheets: dict[str, list] = {}
    merged: dict[str, list] = {}
    warnings: list[str] = []
    for sname, rid in listed:
        part, kind = _target(name, sname, rid, rels, archive)
        if sname in sheets:
            raise _corrupt(name, "two_sheets", sheet=sname)
        if kind != _REL_SHEET:
            sheets[sname], merged[sname] = [], []
            continue
        reader = _sheet(name, archive, part, sname, sst, kinds, date1904)
        sheets[sname], merged[sname] = reader.grid.rows(), reader.merged
        if reader.uncached:
            refs = reader.uncached
            warnings.append(("read.uncached", {"sheet": sname,
                                               "cells": ", ".join(refs[:5]) + (", …" if len(refs) > 5 else "")}))
    archive.rest()
    return sheets, merged, warnings[:_MAX_WARNINGS]


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


def _check_content_types(name: str, root, archive: Archive) -> None:
    """A workbook (xlsx, xlsm, template), not a Word/PowerPoint file or an .xlsb."""
    ctypes = " ".join((el.get("ContentType") or "") for el in root.iter()).lower()
    if not any(k in ctypes for k in ("spreadsheetml.sheet.main", "sheet.macroenabled.main",
                                     "spreadsheetml.template.main", "template.macroenabled.main")):
        if "sheet.binary.macroenabled.main" in ctypes:
            raise ReadError(name, "read.xlsb")
        if "wordprocessingml" in ctypes:
            raise ReadError(name, "read.not_spreadsheet", kind="word")
        if "presentationml" in ctypes:
            raise ReadError(name, "read.not_spreadsheet", kind="powerpoint")
        raise ReadError(name, "read.not_spreadsheet", kind="office_no_workbook")
    if not archive.has("xl/workbook.xml"):
        raise _corrupt(name, "no_workbook_part")


def _relationships(root) -> dict[str, tuple[str, str]]:
    """rId -> (target part, relationship type)."""
    out = {}
    for el in root.iter():
        if _local(el.tag) == "Relationship" and el.get("Id"):
            out[el.get("Id")] = (_resolve_target(el.get("Target") or ""), el.get("Type") or "")
    return out


def _resolve_target(target: str) -> str:
    t = target.replace("\\", "/")
    t = t[1:] if t.startswith("/") else "xl/" + t
    return posixpath.normpath(t)


def _sheet_list(name: str, wb) -> tuple[list[tuple[str, str | None]], bool]:
    listed = []
    date1904 = False
    for el in wb.iter():
        local = _local(el.tag)
        if local == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            sname, _ = strip_controls((el.get("name") or "").strip())
            listed.append((sname or f"Sheet{len(listed) + 1}", rid))
        elif local == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in ("1", "true")
    if len(listed) > MAX_SHEETS:
        raise ReadError(name, "read.too_many_sheets", n=len(listed), limit=MAX_SHEETS)
    return listed, date1904


def _part_of(rels: dict, rel_type: str, default: str, archive: Archive) -> str | None:
    for part, kind in rels.values():
        if kind.endswith(rel_type) and archive.has(part):
            return part
    return default if archive.has(default) else None


def _target(name: str, sname: str, rid, rels: dict, archive: Archive) -> tuple[str, str]:
    """The part holding sheet ``sname`` and its kind; a missing one means a damaged workbook."""
    if rid not in rels:
        raise _corrupt(name, "sheet_no_relationship", sheet=sname)
    part, rel_type = rels[rid]
    kind = next((k for k in (_REL_SHEET, *_OTHER_SHEETS) if rel_type.endswith(k)), _REL_SHEET)
    if kind == _REL_SHEET and not archive.has(part):
        raise _corrupt(name, "sheet_part_missing", sheet=sname, part=part[:80])
    return part, kind


def _styles(name: str, archive: Archive, part: str | None) -> list:
    """Per cell style (xf) index: 'date', 'datetime', 'time', 'duration' or None."""
    if part is None:
        return []
    root = _parse_small(name, part, archive.read(part))
    custom = {}
    xfs = None
    for el in root.iter():
        local = _local(el.tag)
        if local == "numFmt":
            try:
                custom[int(el.get("numFmtId") or "")] = el.get("formatCode") or ""
            except ValueError:
                continue
        elif local == "cellXfs":
            xfs = el
    kinds = []
    for xf in (xfs if xfs is not None else []):
        try:
            fid = int(xf.get("numFmtId") or 0)
        except ValueError:
            fid = 0
        kinds.append(format_kind(custom[fid]) if fid in custom else builtin_kind(fid))
    return kinds


def _strings(name: str, archive: Archive, part: str | None) -> list:
    if part is None:
        return []
    fast = FastStrings(name)
    try:
        for chunk in archive.chunks(part, True):
            fast.feed(chunk)
        fast.finish()
        return fast.strings
    except NotCanonical:
        exact = ExactStrings(name)
        _exact(name, archive, part, exact)
        return exact.strings


def _sheet(name, archive: Archive, part: str, sname: str, sst, kinds, date1904):
    fast = FastSheet(name, sname, archive.budget, sst, kinds, date1904)
    try:
        for chunk in archive.chunks(part, True):
            fast.feed(chunk)
        fast.finish()
        return fast
    except NotCanonical:
        archive.budget.cells -= fast.grid.counted
        exact = ExactSheet(name, sname, archive.budget, sst, kinds, date1904)
        _exact(name, archive, part, exact)
        return exact


def _exact(name: str, archive: Archive, part: str, handler) -> None:
    """Read ``part`` again, from its first byte, with expat (the same bytes, checked again)."""
    parser = _defused_parser(handler)
    for chunk in archive.chunks(part, True, again=True):
        _feed_parser(name, part, parser, chunk, False)
    _feed_parser(name, part, parser, b"", True)
    handler.finish()
