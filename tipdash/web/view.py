"""The view's state -- year, indicator, units, profile, map mode, timeline and victims choices --
kept canonical (codes and years, in ``st.session_state[name]``) apart from the widgets that show it,
and written to the URL at the end of every run, so that a link restores exactly the same view.

Why: a keyed widget keeps its identity when its label or option texts change, but the browser
holds the *formatted* option it showed, so after a language switch the old text no longer matches
any option and the widget fell back to its default (ro -> ru -> en lost the indicator and the
units). Here each widget's key carries the language (``indicator@ru``): a language switch draws a
new widget, seeded from the canonical value, with every label in the new language at once; a
change by the user is copied back to the canonical value by the widget's callback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

import streamlit as st

from tipdash import i18n

_SHOWN = "_view_shown"      # names drawn by this run (their values go to the URL)
_SEEDED = "_view_seeded"    # names already read from the URL once in this session
_MISSING = object()


@dataclass(frozen=True)
class Spec:
    """How one piece of the view goes to and from the URL."""
    param: str
    kind: str = "str"          # str | int | list (comma-separated) | pair (two years)
    default: Any = None        # not written to the URL when the value equals it


SPECS: dict[str, Spec] = {
    "year": Spec("year", "int"),
    "years": Spec("years", "pair"),
    "indicator": Spec("indicator", default="sessions"),
    "units": Spec("units", "list", default=()),
    "profile_unit": Spec("profile"),
    "map_mode": Spec("mode", default="level"),
    "map_base": Spec("base", "int"),
    "tl_freq": Spec("freq", default="M"),
    "tl_by": Spec("split", default="type"),
    "v_tab": Spec("tab"),
    "trends_unit": Spec("unit"),
}
#: the order of the parameters in a link
ORDER = ("lang", *(s.param for s in SPECS.values()))


def url_values(param: str) -> list[str]:
    try:
        return list(st.query_params.get_all(param))
    except Exception:  # noqa: BLE001 -- a malformed URL must never break the page
        return []


def parse(kind: str, raw: list[str]) -> Any:
    """URL values -> a value (ValueError when they cannot be one)."""
    if not raw:
        raise ValueError("empty")
    if kind == "int":
        return int(raw[-1])
    if kind == "list":
        return [p.strip() for r in raw for p in r.split(",") if p.strip()]
    if kind == "pair":
        parts = [int(p) for r in raw for p in r.replace("-", ",").split(",") if p.strip()]
        if len(parts) != 2:
            raise ValueError("not two years")
        return (parts[0], parts[1])
    return raw[-1].strip()


def dump(kind: str, value: Any) -> list[str]:
    if kind == "list":
        return [",".join(value)] if value else []
    if kind == "pair":
        return [str(value[0]), str(value[1])]
    return [str(value)]


def from_url(name: str) -> tuple[bool, Any, list[str]]:
    """(present, parsed value or None, raw) of a name's URL value, the first time it is asked for in
    this session (later runs keep the canonical value: the URL is written from it)."""
    seeded = st.session_state.setdefault(_SEEDED, set())
    if name in seeded:
        return False, None, []
    seeded.add(name)
    spec = SPECS[name]
    raw = url_values(spec.param)
    if not raw:
        return False, None, []
    try:
        return True, parse(spec.kind, raw), raw
    except ValueError:
        return True, None, raw


def get(name: str, default: Any = None) -> Any:
    return st.session_state.get(name, default)


def put(name: str, value: Any) -> None:
    """Set a canonical value from a callback (a map click): its widgets follow on the next run."""
    st.session_state[name] = value
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(f"{name}@")]:
        st.session_state.pop(key, None)


def widget_key(name: str, lang: str) -> str:
    return f"{name}@{lang}"


def _copy_back(name: str, key: str) -> None:
    st.session_state[name] = st.session_state.get(key)


def bound(name: str, make: Callable[..., Any], value: Any, lang: str, *, show: bool = True, variant: str = "",
          also_default: bool = False, **kwargs) -> Any:
    """Draw a widget for the canonical ``name`` (``make(key=..., on_change=..., **kwargs)``, no
    default: it is seeded through session state) and return its value. ``value`` is the valid
    canonical value the caller resolved; ``show`` False keeps it out of the URL; ``variant`` is
    whatever else changes the option texts (the year, for the indicator list): a new widget too;
    ``also_default`` passes ``value=`` too (a range slider is read back as a range only then)."""
    st.session_state[name] = value
    key = widget_key(name, lang) + (f"@{variant}" if variant else "")
    if st.session_state.get(key, _MISSING) != value:
        st.session_state[key] = value
    if show:
        st.session_state.setdefault(_SHOWN, []).append(name)
    if also_default:
        kwargs["value"] = value
    out = make(key=key, on_change=_copy_back, args=(name, key), **kwargs)
    st.session_state[name] = st.session_state.get(key, out)
    return st.session_state[name]


def mark_shown(name: str) -> None:
    """A value this page shows without a widget of ours (it still belongs in the link)."""
    st.session_state.setdefault(_SHOWN, []).append(name)


def begin_run() -> None:
    st.session_state[_SHOWN] = []


def params(lang: str) -> dict[str, list[str]]:
    """The link's parameters: the language and what this run drew, defaults left out."""
    out: dict[str, list[str]] = {"lang": [lang]}
    for name in dict.fromkeys(st.session_state.get(_SHOWN, [])):
        spec = SPECS[name]
        value = st.session_state.get(name)
        if value is None or value == spec.default or (spec.kind == "list" and tuple(value) == spec.default):
            continue
        out[spec.param] = dump(spec.kind, value)
    return out


def write_url(lang: str) -> dict[str, list[str]]:
    """Bring the address bar to this run's view (only the parameters that differ are touched)."""
    want = params(lang)
    # a parameter not read yet (a page not opened yet) stays: the first run may be another page's
    seeded = st.session_state.get(_SEEDED, set())
    managed = {s.param for n, s in SPECS.items() if n in seeded}
    for param in managed - set(want):
        if param in st.query_params:
            del st.query_params[param]
    for param, values in want.items():
        if param != "lang" and url_values(param) != values:
            st.query_params[param] = values if len(values) > 1 else values[0]
    return want


def link(lang: str, page_url: str | None = None, only: Sequence[str] | None = None,
         extra: dict[str, Any] | None = None) -> str:
    """A link to this view (``only``: these parameters and the language; ``extra``: added ones)."""
    want = params(lang)
    if only is not None:
        want = {k: v for k, v in want.items() if k == "lang" or k in only}
    for k, v in (extra or {}).items():
        want[k] = [str(v)]
    base = page_url if page_url is not None else (st.context.url or "")
    pairs = [(k, v) for k in sorted(want, key=lambda p: ORDER.index(p) if p in ORDER else 99) for v in want[k]]
    return f"{base}?{urlencode(pairs, safe=',')}"


def share_box(box, lang: str) -> None:
    """The link to this view in a copyable field (Streamlit's code block: its copy button works
    offline), drawn into ``box`` at the end of the run, when every part of the view is known."""
    url = link(lang)
    with box:
        st.caption(i18n.t("share.link_label", lang))
        st.code(url, language=None, wrap_lines=True)
