"""Characters that never belong in stored text: C0 controls except tab and newline, DEL, C1
controls, and the bidi embedding/override/isolate marks (U+202A–U+202E, U+2066–U+2069) that can
make text display differently from what it says. OOXML ``_x001B_`` escapes decode to such
characters, so they are caught here too."""
from __future__ import annotations

import re

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(s: str) -> tuple[str, bool]:
    """``s`` without those characters, and whether any was removed."""
    if CONTROLS.search(s) is None:
        return s, False
    return CONTROLS.sub("", s), True
