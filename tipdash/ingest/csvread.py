"""CSV files: encoding detection (BOMs, UTF-16, cp1250 vs cp1251), separator choice, cell cap."""

from __future__ import annotations

import csv
import io
import re

from tipdash.ingest.grid import too_long, too_wide
from tipdash.ingest.limits import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, ReadError, _short


def _decode_text(name: str, data: bytes) -> str:
    enc = None
    if data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        enc = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif b"\x00" in data:
        sample = data[:65536]
        half = max(1, len(sample) // 2)
        odd = sample[1::2].count(0) / half
        even = sample[0::2].count(0) / half
        if odd > 0.3 and even < 0.05:
            enc = "utf-16-le"
        elif even > 0.3 and odd < 0.05:
            enc = "utf-16-be"
        else:
            raise ReadError(name, "read.not_spreadsheet", kind="nul_bytes")
    if enc is not None:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            raise ReadError(name, "read.csv_decode", encoding=enc.upper()) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_8bit(data)
    if "\x00" in text:
        raise ReadError(name, "read.not_spreadsheet", kind="nul_bytes")
    ctrl = sum(1 for ch in text[:65536] if ch < " " and ch not in "\t\r\n\f")
    if ctrl > max(2, len(text[:65536]) // 100):
        raise ReadError(name, "read.not_spreadsheet", kind="binary")
    return text


_RE_WORD = re.compile(r"[^\W\d_]+")


def _implausible_words(text: str, enc: str) -> int:
    """Words that would not be written in this encoding's language(s)."""
    bad = 0
    for w in _RE_WORD.findall(text):
        non_ascii = sum(1 for ch in w if ord(ch) > 127)
        if not non_ascii:
            continue
        if enc == "cp1251":
            cyr = sum(1 for ch in w if "\u0400" <= ch <= "\u04ff")
            if cyr and cyr != len(w):  # Cyrillic mixed with Latin inside one word
                bad += 1
        elif non_ascii >= 2 and non_ascii * 2 > len(w):
            # Romanian words carry a diacritic or two among plain letters; a word made mostly
            # of accented letters is Cyrillic text decoded with the wrong code page.
            bad += 1
    return bad


def _decode_8bit(data: bytes) -> str:
    """Romanian Excel (cp1250) or Russian Excel (cp1251) CSV: pick the plausible one."""
    candidates = {}
    for enc in ("cp1250", "cp1251"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            pass
    if not candidates:
        return data.decode("cp1250", errors="replace")
    if len(candidates) == 1:
        return next(iter(candidates.values()))
    scores = {enc: _implausible_words(t, enc) for enc, t in candidates.items()}
    return candidates["cp1251"] if scores["cp1251"] < scores["cp1250"] else candidates["cp1250"]


def _delimiter_score(sample: str, delim: str):
    try:
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if any(x.strip() for x in r)]
    except csv.Error:
        return (False, 0.0, 0)
    rows = rows[:200]
    if len(rows) > 1:
        rows = rows[:-1] if len(sample) >= 65536 else rows  # last row of a cut sample may be partial
    if not rows:
        return (False, 0.0, 0)
    counts: dict[int, int] = {}
    for r in rows:
        counts[len(r)] = counts.get(len(r), 0) + 1
    modal, freq = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return (modal > 1, freq / len(rows), modal)


def _choose_delimiter(sample: str) -> str:
    """The separator giving the most consistent column count (at least 2 columns).

    Ties go to csv.Sniffer's answer, except that ';' beats ',': Romanian and Russian Excel write
    ';'-separated files whose numbers carry decimal commas, which can look just as consistent.
    """
    scores = {d: _delimiter_score(sample, d) for d in (";", "\t", ",")}
    top = max(scores.values())
    if not top[0]:
        return ","  # one column
    tied = [d for d in scores if scores[d] == top]
    if len(tied) > 1 and ";" not in tied:
        try:
            sniffed = csv.Sniffer().sniff(sample, delimiters="".join(tied)).delimiter
        except csv.Error:
            sniffed = None
        if sniffed in tied:
            return sniffed
    return tied[0]


def _read_csv(name: str, data: bytes, sheet: str = "") -> list[list[object]]:
    text = _decode_text(name, data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = None
    m = re.match(r"sep=(.)[ \t]*\r?\n", text[:16], re.IGNORECASE)
    if m:
        delim = m.group(1)
        text = text[m.end():]
    if delim is None:
        delim = _choose_delimiter(text[:65536])
    too_large = ReadError(name, "read.csv_too_many_cells", cells=MAX_CELLS)
    rows: list[list[object]] = []
    blank = 0  # blank lines not yet known to be inside the data (trailing ones are dropped)
    width = 0
    try:
        for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            cells = [v.strip() or None for v in r]
            while cells and cells[-1] is None:
                cells.pop()
            if not cells:
                blank += 1
                continue
            if len(cells) > MAX_COLUMNS:
                raise too_wide(name, sheet, len(rows) + blank, MAX_COLUMNS)
            if len(rows) + blank >= MAX_ROWS:
                raise too_long(name, sheet, len(rows) + blank)
            w = max(width, len(cells))
            if (len(rows) + blank + 1) * w > MAX_CELLS:
                raise too_large
            if blank:
                rows.extend([] for _ in range(blank))
                blank = 0
            rows.append(cells)
            width = w
    except csv.Error as e:
        raise ReadError(name, "read.csv_malformed", detail=_short(e)) from None
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return rows
