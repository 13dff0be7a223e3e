"""calamine: open a checked workbook, read its sheets, normalise the cell values.

Callers run the safety scan first (`zipscan` / `ole2`); its findings (error cells,
formulas without a cached value) are merged into the values here.
"""

from __future__ import annotations

import io
import math

from tipdash.ingest.limits import (
    _MAX_WARNINGS,
    MAX_CELLS,
    MAX_SHEETS,
    ReadError,
    _corrupt,
    _norm_float,
    _Scan,
    _short,
)


def _open_calamine(name: str, data: bytes):
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise ReadError(name, "password-protected or encrypted workbook (remove the password and save again)") from None
    except Exception as e:  # noqa: BLE001
        raise _corrupt(name, _short(e)) from None
    except BaseException as e:  # pyo3 PanicException derives from BaseException
        if type(e).__name__ == "PanicException":
            raise _corrupt(name, "the reader failed on this file") from None
        raise


def _close(cw) -> None:
    try:
        cw.close()
    except Exception:  # noqa: BLE001
        pass


def _read_calamine(name: str, data: bytes, scan: _Scan):
    cw = _open_calamine(name, data)
    warnings: list[str] = []
    try:
        sheet_names = list(cw.sheet_names)
        if len(sheet_names) > MAX_SHEETS:
            raise ReadError(name, f"too many sheets ({len(sheet_names)}; limit {MAX_SHEETS})")
        if scan.by_index:
            info = {sheet_names[i]: s for i, s in enumerate(scan.sheets) if i < len(sheet_names)}
        else:
            info = {s.name: s for s in scan.sheets}
        sheets: dict[str, list[list[object]]] = {}
        total = 0
        for sname in sheet_names:
            if sname in sheets:
                raise _corrupt(name, f"two sheets are named {sname!r}")
            try:
                sh = cw.get_sheet_by_name(sname)
                end = sh.end
                if end is not None:
                    total += (end[0] + 1) * (end[1] + 1)
                    if total > MAX_CELLS:
                        raise ReadError(name, f"workbook too large: more than {MAX_CELLS:,} cells in use")
                raw = sh.to_python(skip_empty_area=False) if end is not None else []
            except ReadError:
                raise
            except Exception as e:  # noqa: BLE001
                raise _corrupt(name, f"sheet {sname!r}: {_short(e)}") from None
            except BaseException as e:
                if type(e).__name__ == "PanicException":
                    raise _corrupt(name, f"sheet {sname!r}: the reader failed") from None
                raise
            s = info.get(sname)
            rows = [[_norm(v) for v in row] for row in raw]
            if s is not None:
                for (r, c), text in s.errors.items():
                    if r < len(rows) and c < len(rows[r]):
                        rows[r][c] = text
                if s.uncached:
                    warnings.append(
                        f"sheet {sname!r}: formula cells without a saved result read as blank "
                        f"({', '.join(s.uncached[:5])}{', …' if len(s.uncached) > 5 else ''}); "
                        "open the file in Excel or LibreOffice and save it again"
                    )
            sheets[sname] = _trim(rows)
        return sheets, warnings[:_MAX_WARNINGS]
    finally:
        _close(cw)


def _norm(v):
    t = type(v)
    if t is str:
        v = v.strip()
        return v or None
    if t is float:
        if not math.isfinite(v):
            return None
        return _norm_float(v)
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
