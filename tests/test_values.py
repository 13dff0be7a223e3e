"""tipdash.values: the one answer to "is this value missing?" and the coercions built on it."""
from __future__ import annotations

import decimal

import numpy as np
import pandas as pd
import pytest

from tipdash import values


@pytest.mark.parametrize("v", [None, float("nan"), np.nan, pd.NA, pd.NaT, np.datetime64("NaT"), np.float64("nan")])
def test_missing(v):
    assert values.is_missing(v)


@pytest.mark.parametrize("v", [0, 0.0, "", "x", b"", False, np.False_, np.int64(0), [None], (None,),
                               pd.Timestamp("2022-01-01"), decimal.Decimal("1"), "<5"])
def test_not_missing(v):
    """0 is a reported zero, text and booleans are values, a list is never one missing value."""
    assert not values.is_missing(v)


def test_booleans_and_numbers():
    assert values.is_bool(True) and values.is_bool(False) and not values.is_bool(1) and not values.is_bool("true")
    assert all(values.is_number(v) for v in (1, 1.5, decimal.Decimal("2"), np.int64(3), np.float32(4)))
    assert not any(values.is_number(v) for v in (True, np.True_, "1", 1j, None))


def test_coercions():
    assert values.to_int(3.0) == 3 and values.to_int(pd.NA) is None and values.to_int(np.int64(7)) == 7
    assert values.clean_text("  a \n  b\t") == "a b" and values.clean_text(None) == "" and values.clean_text(5) == "5"
    assert values.to_timestamp("2022-10-01") == pd.Timestamp(2022, 10, 1) and values.to_timestamp(pd.NaT) is None
