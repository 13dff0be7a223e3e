"""An OpenDocument spreadsheet read from its checked archive: the mimetype, then content.xml
with expat (set up by defusedxml), values and repeats, bounded by the sheet limits."""
from __future__ import annotations

import datetime as dt
import math
import re

from tipdash.ingest.grid import Grid
from tipdash.ingest.limits import MAX_COLUMNS, MAX_SHEETS, ReadError, _corrupt, _norm_float, col_letter
from tipdash.ingest.text import strip_controls
from tipdash.ingest.xmlscan import _defused_parser, _feed_parser
from tipdash.ingest.zipscan import Archive

_ODS_MIMES = {"application/vnd.oasis.opendocument.spreadsheet",
              "application/vnd.oasis.opendocument.spreadsheet-template"}
_DURATION = re.compile(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")


def read_ods(name: str, archive: Archive):
    """(sheets, merged refs per sheet, warnings) of the spreadsheet in ``archive``."""
    mime = archive.read("mimetype", strict_xml=False).decode("ascii", "replace").strip()
    if mime not in _ODS_MIMES:
        if "opendocument.text" in mime:
            raise ReadError(name, "read.not_spreadsheet", kind="odt")
        if "opendocument.presentation" in mime:
            raise ReadError(name, "read.not_spreadsheet", kind="odp")
        raise ReadError(name, "read.ods_type", type=mime[:80])
    if not archive.has("content.xml"):
        raise _corrupt(name, "no_content_xml")
    handler = _Content(name, archive.budget)
    parser = _defused_parser(handler)
    for chunk in archive.chunks("content.xml", True):
        _feed_parser(name, "content.xml", parser, chunk, False)
    _feed_parser(name, "content.xml", parser, b"", True)
    archive.rest()
    sheets, merged = {}, {}
    for sname, grid, refs in handler.sheets:
        if sname in sheets:
            raise _corrupt(name, "two_sheets", sheet=sname)
        sheets[sname], merged[sname] = grid.rows(), refs
    return sheets, merged, []


def _int(attrs: dict, local: str) -> int:
    try:
        n = int(attrs.get(local) or 1)
    except ValueError:
        return 1
    return n if n > 0 else 1


class _Content:
    """content.xml: every top-level table's cells."""

    def __init__(self, name: str, budget):
        self.name, self.budget = name, budget
        self.sheets: list[tuple[str, Grid, list]] = []
        self.depth = 0
        self.grid: Grid | None = None
        self.merged: list[str] = []
        self.row = 0
        self.row_rep = 1
        self.row_vals: list | None = None
        self.col = 0
        self.cell: dict | None = None
        self.paras: list | None = None
        self.note = 0

    def start(self, tag, attrs):
        local = tag[tag.rfind("}") + 1:]
        if local == "table":
            self.depth += 1
            if self.depth == 1:
                sname, _ = strip_controls((_named(attrs).get("name") or "").strip())
                self.grid = Grid(self.name, sname or f"Sheet{len(self.sheets) + 1}", self.budget)
                self.merged, self.row = [], 0
            return
        if self.depth != 1:
            return
        if local == "table-row":
            self.row_rep = _int(_named(attrs), "number-rows-repeated")
            self.row_vals, self.col = [], 0
        elif local in ("table-cell", "covered-table-cell") and self.row_vals is not None:
            self.start_cell(local, _named(attrs), attrs)
        elif self.cell is not None:
            self.cell_part(local, _named(attrs))

    def start_cell(self, local: str, a: dict, attrs) -> None:
        types = [attrs[i + 1] for i in range(0, len(attrs), 2) if attrs[i].endswith("value-type")]
        self.cell = {"rep": _int(a, "number-columns-repeated"), "types": types, "a": a}
        self.paras = []
        if local == "table-cell" and self.row == 0:
            cs, rs = _int(a, "number-columns-spanned"), _int(a, "number-rows-spanned")
            if cs > 1 or rs > 1:
                self.merged.append(f"{col_letter(self.col)}1:{col_letter(min(self.col + cs - 1, 16383))}{rs}")

    def cell_part(self, local: str, a: dict) -> None:
        if local == "annotation":
            self.note += 1
        elif self.note:
            return
        elif local == "p" or local == "h":
            self.paras.append([])
        elif self.paras:
            if local == "s":
                self.paras[-1].append(" " * min(_int(a, "c"), 1000))
            elif local == "tab":
                self.paras[-1].append("\t")
            elif local == "line-break":
                self.paras[-1].append("\n")

    def end(self, tag):
        local = tag[tag.rfind("}") + 1:]
        if local == "table":
            if self.depth == 1 and self.grid is not None:
                self.sheets.append((self.grid.sheet, self.grid, self.merged))
                if len(self.sheets) > MAX_SHEETS:
                    raise ReadError(self.name, "read.too_many_sheets", n=len(self.sheets), limit=MAX_SHEETS)
                self.grid = None
            self.depth -= 1
        elif self.depth != 1:
            return
        elif local == "annotation" and self.cell is not None:
            self.note -= 1
        elif local in ("table-cell", "covered-table-cell") and self.cell is not None:
            self.end_cell()
        elif local == "table-row" and self.row_vals is not None:
            self.end_row()

    def end_cell(self) -> None:
        cell, self.cell = self.cell, None
        rep = cell["rep"]
        value = self.value(cell)
        if value is not None:
            last = min(self.col + rep, MAX_COLUMNS + 1)
            self.row_vals.extend((c, value) for c in range(self.col, last))
        self.col += rep

    def end_row(self) -> None:
        vals, self.row_vals = self.row_vals, None
        if vals:
            for k in range(self.row_rep):
                for c, v in vals:
                    self.grid.put(self.row + k, c, v)
        self.row += self.row_rep

    def data(self, text):
        if self.cell is not None and self.paras and not self.note:
            self.paras[-1].append(text)

    def value(self, cell: dict):
        types, a = cell["types"], cell["a"]
        text = "\n".join("".join(p) for p in self.paras).strip() if self.paras else ""
        if "error" in types:
            return text or "#ERROR"
        vtype = types[0] if types else None
        try:
            if vtype in ("float", "percentage", "currency"):
                return _number(a.get("value"))
            if vtype == "date":
                return _date(a.get("date-value") or "")
            if vtype == "time":
                return _time(a.get("time-value") or "")
            if vtype == "boolean":
                return (a.get("boolean-value") or "").strip().lower() == "true"
        except ValueError:
            raise _corrupt(self.name, "cell_ods", cell=f"{self.grid.sheet}!{col_letter(self.col)}{self.row + 1}",
                           value=str(vtype)[:20]) from None
        if vtype == "string" and a.get("string-value") is not None:
            text = a.get("string-value").strip()
        return text or None


def _named(attrs) -> dict:
    out = {}
    for i in range(0, len(attrs), 2):
        k = attrs[i]
        out.setdefault(k[k.rfind("}") + 1:], attrs[i + 1])
    return out


def _number(text: str | None):
    s = (text or "").strip()
    if _NUMBER.fullmatch(s):
        return _norm_float(float(s))
    if s.lower() in ("nan", "inf", "-inf", "infinity", "-infinity"):
        return float(s.lower().replace("infinity", "inf"))
    raise ValueError(s)


def _date(text: str):
    stamp = dt.datetime.fromisoformat(text.strip().rstrip("Z"))
    return stamp.date() if "T" not in text and stamp.time() == dt.time() else stamp


def _time(text: str):
    m = _DURATION.fullmatch(text.strip())
    if not m or text.strip() in ("P", "PT", ""):
        raise ValueError(text)
    d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
    total = ((d * 24 + h) * 60 + mi) * 60 + s
    if text.strip().startswith("-"):
        total = -total
    if 0 <= total < 86400 and math.isfinite(total):
        secs = int(round(total)) % 86400
        return dt.time(secs // 3600, secs // 60 % 60, secs % 60)
    return dt.timedelta(seconds=total)
