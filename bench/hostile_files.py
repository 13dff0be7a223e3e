"""Hostile uploads for the load benchmark (SYNTHETIC, seeded): files an attacker with an admin
account, or a broken export, could hand the Import page. Each is a format-B summary CSV under the
10 MB upload limit, made to cost the validator as much as possible (security review D4):

- ``unknown_units``: 230 000 rows whose unit names match no commission (each a fuzzy-matching
  candidate and a problem row);
- ``wide_header``: a header of 10^6 distinct column names (mapping each against the expected ones).
"""
from __future__ import annotations

import random

MAX_UPLOAD = 10 * 2**20
HEADER = ("unit,year,reported,sessions,information_activities,participants,trainings,members_trained,"
          "victims,ngo_partners")


def unknown_units(rows: int = 230_000, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    lines = [HEADER]
    for i in range(rows):
        name = "".join(rnd.choice(letters) for _ in range(8)).capitalize()
        lines.append(f"{name} {i},2022,yes,{rnd.randint(0, 9)},{rnd.randint(0, 99)},{rnd.randint(0, 999)},1,2,0,1")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _b36(i: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        i, r = divmod(i, 36)
        out = digits[r] + out
        if not i:
            return out


def wide_header(columns: int = 1_000_000) -> bytes:
    head = ",".join(f"x{_b36(i)}" for i in range(columns))
    return (head + "\nCahul,2022,yes\n").encode("utf-8")


KINDS = {
    "unknown_units": ("SYNTHETIC_hostile_unknown_units.csv", unknown_units,
                      "230 000 rows of unknown unit names (format B CSV)"),
    "wide_header": ("SYNTHETIC_hostile_wide_header.csv", wide_header,
                    "a header of 1 000 000 distinct column names (format B CSV)"),
}


def make(kind: str) -> tuple[str, bytes, str]:
    """(file name, bytes, description) of one hostile file; always under the upload limit."""
    name, build, what = KINDS[kind]
    data = build()
    assert len(data) < MAX_UPLOAD, (kind, len(data))
    return name, data, what
