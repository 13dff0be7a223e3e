"""calamine, for legacy .xls only: open a workbook the OLE2/BIFF scan (`ole2`) has checked, read
its sheets and merged ranges in one session, normalise the cell values.

The scan's findings (error cells) are merged into the values here. xlsx and ods are read by
tipdash itself (`xlsxbook`, `odsbook`): calamine never sees a ZIP.
"""

from __future__ import annotations

import io

from tipdash.ingest.grid import bounded
from tipdash.ingest.limits import MAX_SHEETS, ReadError, _Budget, _corrupt, _norm_float, _Scan, \
    _short, col_letter
from tipdash.ingest.text import strip_controls


def _open_calamine(name: str, data: bytes):
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise ReadError(name, "read.password") from None
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, "reader", detail=_short(e)) from None
    except BaseException as e:  # pyo3 PanicException derives from BaseException
        if type(e).__name__ == "PanicException":
            raise _corrupt(name, "reader", detail="the reader failed on this file") from None
        raise


def _close(cw) -> None:
    try:
        cw.close()
    except Exception:  # noqa: BLE001
        pass


def _read_calamine(name: str, data: bytes, scan: _Scan):
    """(sheets, merged refs per sheet, warnings) of a checked .xls file."""
    cw = _open_calamine(name, data)
    budget = _Budget(name)
    try:
        sheet_names = list(cw.sheet_names)
        if len(sheet_names) > MAX_SHEETS:
            raise ReadError(name, "read.too_many_sheets", n=len(sheet_names), limit=MAX_SHEETS)
        info = {sheet_names[i]: s for i, s in enumerate(scan.sheets) if i < len(sheet_names)}
        sheets: dict[str, list[list[object]]] = {}
        merged: dict[str, list[str]] = {}
        for sname in sheet_names:
            clean_name, _ = strip_controls(sname.strip())
            if clean_name in sheets:
                raise _corrupt(name, "two_sheets", sheet=clean_name)
            raw, refs = _sheet(name, cw, sname)
            s = info.get(sname)
            rows = [[_norm(v) for v in row] for row in raw]
            if s is not None:
                for (r, c), text in s.errors.items():
                    if r < len(rows) and c < len(rows[r]):
                        rows[r][c] = text
            sheets[clean_name] = bounded(name, clean_name, _trim(rows), budget)
            merged[clean_name] = refs
        return sheets, merged, []
    finally:
        _close(cw)


def _sheet(name: str, cw, sname: str):
    try:
        sh = cw.get_sheet_by_name(sname)
        raw = sh.to_python(skip_empty_area=False) if sh.end is not None else []
        ranges = sh.merged_cell_ranges or []
    except ReadError:
        raise
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, "reader_sheet", sheet=sname, detail=_short(e)) from None
    except BaseException as e:
        if type(e).__name__ == "PanicException":
            raise _corrupt(name, "reader_sheet", sheet=sname, detail="the reader failed") from None
        raise
    refs = [f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}" for (r0, c0), (r1, c1) in ranges]
    return raw, refs


def _norm(v):
    t = type(v)
    if t is str:
        v = v.strip()
        return v or None
    if t is float:
        return _norm_float(v)                  # NaN and INF stay: the validation refuses them by cell
    return v


def _trim(rows: list[list[object]]) -> list[list[object]]:
    last = len(rows)
    while last and all(v is None for v in rows[last - 1]):
        last -= 1
    rows = rows[:last]
    width = 0
    for row in rows:
        for j in range(len(row) - 1, width - 1, -1):
            if row[j] is not None:
                width = j + 1
                break
    out = []
    for row in rows:
        if len(row) >= width:
            out.append(row[:width])
        else:
            out.append(row + [None] * (width - len(row)))
    return out
