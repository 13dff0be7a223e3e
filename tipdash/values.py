"""Single values as every layer reads them: the one home of "is this value missing?".

Blank means "not reported" everywhere in tipdash (0 is a reported zero): ``None``, ``NaN``,
``pd.NA`` and ``NaT`` are missing; text, bytes and booleans never are. The small coercions below
(figure, text, timestamp) build on that one test so that no module writes its own.
"""
from __future__ import annotations

import decimal
import numbers
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT (scalars only; a list or an array is not missing)."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, bool)):
        return False
    try:
        res = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return bool(res) if isinstance(res, bool) or getattr(res, "ndim", 1) == 0 else False


def is_bool(value: Any) -> bool:
    """A Python boolean, or a scalar whose type is named ``bool_`` (numpy 1's boolean). Numpy 2
    names its boolean type ``bool``, so a numpy 2 boolean is not caught -- as in the download
    code this came from; DataFrame rows (``itertuples``, ``tolist``) hold Python booleans."""
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def is_number(value: Any) -> bool:
    """A real number (int, float, Decimal, numpy scalar) -- not a boolean, not complex."""
    return isinstance(value, (numbers.Number, decimal.Decimal)) and not isinstance(value, bool) \
        and not isinstance(value, complex)


def to_int(value: Any) -> int | None:
    """A whole figure, None when missing."""
    return None if is_missing(value) else int(value)


def clean_text(value: Any) -> str:
    """Text with its runs of white space collapsed; "" when missing."""
    return "" if is_missing(value) else " ".join(str(value).split())


def to_timestamp(value: Any) -> pd.Timestamp | None:
    """A pandas Timestamp, None when missing."""
    return None if is_missing(value) else pd.Timestamp(value)


_CONTROLS = {c: None for c in [*range(0x00, 0x20), *range(0x7f, 0xa0)]}


def drop_controls(text: str, keep: str = "\t\n\r") -> str:
    """``text`` without C0/C1 control characters (ESC, BEL, NUL ...) except those in ``keep``:
    stored free text reaches terminals (the CLI, a ``cat``-ed note) and spreadsheets."""
    table = {k: v for k, v in _CONTROLS.items() if chr(k) not in keep} if keep else _CONTROLS
    return text.translate(table)


def text_hash(value: Any) -> str:
    """The key of a free text in the translations table: SHA-256 of its NFC form with white
    space collapsed (so the text as imported and as shown find the same row)."""
    import hashlib
    import unicodedata

    return hashlib.sha256(unicodedata.normalize("NFC", clean_text(value)).encode("utf-8")).hexdigest()
