""""Our report": a commission's annual report edited in place (streamlit side of tipdash.reports).

The form's content lives in the session as the last loaded version (``base``) plus what the
editors changed; every run turns it into format-A sheets and runs the importer's validator
(``reports.content.validate``), so every problem shows under its field or table while typing.
Saving and submitting happen in the script run (the content exists only there), each after
``web_auth.recheck`` (the session checked again) and ``drafts.authorise`` (the unit checked
against users.toml again): a commission account never reads or writes another unit.
"""
from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import streamlit as st

from tipdash import auth, i18n, store, units, vocab
from tipdash.i18n import formats
from tipdash.reports import content as rc
from tipdash.reports import drafts
from tipdash.web import auth as web_auth
from tipdash.web.cache import db_key, db_path, get_store, shared
from tipdash.web.state import lang, sort_units, t, unit_name

_VOCAB_KINDS = ("type", "target_group", "sex", "age_group", "exploitation", "status", "kind")


def unit_and_year() -> tuple[str | None, int]:
    """The unit this session files for (a commission account: its own, from users.toml; an
    admin: chosen) and the reporting year (default: last year)."""
    this_year = dt.date.today().year
    years = list(range(this_year, 2014, -1))
    if web_auth.role() == auth.COMMISSION:
        unit = auth.user_unit(web_auth.user())
    else:
        codes = sort_units(u.code for u in units.commission_units())
        unit = st.selectbox(t("report.unit"), codes, format_func=unit_name, key="report_unit")
    year = st.selectbox(t("report.year"), years, index=1, key="report_year")
    return unit, int(year)


def _keys(unit: str, year: int) -> dict[str, str]:
    k = f"{unit}:{year}"
    return {"base": f"_rep_base:{k}", "version": f"_rep_version:{k}", "gen": f"_rep_gen:{k}",
            "msg": f"_rep_msg:{k}"}


def load_state(unit: str, year: int, force: bool = False) -> tuple[dict, int, drafts.Draft | None]:
    """(content the editors start from, the version it is, the draft in the database now)."""
    ss, k = st.session_state, _keys(unit, year)
    draft = shared("table", "draft", lambda: drafts.load(get_store(), unit, year), *db_key(), unit, year)
    if force or k["base"] not in ss:       # the session's own copy: the draft read is shared
        ss[k["base"]] = copy.deepcopy(draft.content) if draft else rc.empty()
        ss[k["version"]] = draft.version if draft else 0
        ss[k["gen"]] = ss.get(k["gen"], 0) + 1
    return ss[k["base"]], ss[k["version"]], draft


def year_lock(year: int) -> tuple[bool, dict | None]:
    """``drafts.locked`` once per published database (a lock or unlock publishes a new one)."""
    return shared("table", "report_lock", lambda: drafts.locked(get_store(), year), *db_key(), year)


def generation(unit: str, year: int) -> int:
    """Bumped whenever the editors must start again from a new base (their widget keys change)."""
    return st.session_state.get(_keys(unit, year)["gen"], 0)


@web_auth.privileged("file_report", "report_reload")
def reload(unit: str, year: int) -> None:
    """Callback of "Load the saved version" (after a refused save: someone else saved meanwhile)."""
    try:
        drafts.authorise(web_auth.user(), web_auth.role(), unit)
    except drafts.Forbidden:
        return
    load_state(unit, year, force=True)


def replace_base(unit: str, year: int, content: dict, version: int | None = None) -> None:
    """Start the editors again from ``content`` (an uploaded workbook, the saved version)."""
    ss, k = st.session_state, _keys(unit, year)
    ss[k["base"]] = rc.normalise(content)
    if version is not None:
        ss[k["version"]] = version
    ss[k["gen"]] = ss.get(k["gen"], 0) + 1


def message(unit: str, year: int, kind: str | None = None, text: str | None = None):
    """Set (kind, text) to show once, or pop it (no arguments)."""
    key = _keys(unit, year)["msg"]
    if kind is None:
        return st.session_state.pop(key, None)
    st.session_state[key] = (kind, text)
    return None


# ------------------------------------------------------------------------------ problems

def problems_by_place(problems) -> dict[tuple, list]:
    """(section, row index | None, field | None) -> problems; ("report", None, None) for the rest."""
    out: dict[tuple, list] = {}
    for p in problems:
        if p.code == "commission.reported_blank_yes":
            continue                                   # the form always says yes or no
        place = rc.locate(p) or ("report", None, None)
        out.setdefault(place, []).append(p)
    return out


def _line(p, lg: str, row: int | None, field: str | None) -> str:
    text = p.text(lg)
    if row is not None:
        column = t(f"report.col.{field}") if field else (p.column or "")
        text = t("report.problem_row", row=row + 1, column=column, message=text)
    if p.where:
        text += " " + t("report.problem_cell", cell=p.where)
    return text


def show_problems(found: list, row: int | None = None, field: str | None = None) -> None:
    lg = lang()
    for p in found:
        (st.error if p.is_error else st.warning)(_line(p, lg, row, field), icon=":material/error:"
                                                 if p.is_error else ":material/warning:")


# ------------------------------------------------------------------------------ the form

def commission_fields(head: dict, disabled: bool, gen: int) -> tuple[dict, dict]:
    """The Commission sheet's fields, and a place right under each for its problems."""
    out, slots = {}, {}
    c1, c2 = st.columns(2)
    for i, f in enumerate(rc.COMMISSION_FIELDS):
        box = c1 if i % 2 == 0 else c2
        with box:
            key = f"rep_head_{f}_{gen}"
            if f in ("reported", "language"):
                out[f] = _choice(f, head.get(f), key, disabled)
            else:
                out[f] = st.text_input(t(f"report.field.{f}"), value=head.get(f) or "", key=key, max_chars=4000,
                                       disabled=disabled, placeholder="dd.mm.yyyy" if f == "submitted_on" else None)
            slots[f] = st.container()
    return out, slots


def _choice(field: str, value, key: str, disabled: bool) -> str:
    """Reported (yes/no) or the texts' language: the widget shows words, the content keeps codes
    (the words are the options themselves, so the widget needs no format function)."""
    codes = ["yes", "no"] if field == "reported" else list(i18n.LANGS)
    words = [t(f"report.answer.{c}") if field == "reported" else t(f"report.lang.{c}") for c in codes]
    current = value if value in codes else ("yes" if field == "reported" else lang())
    label = t(f"report.field.{field}")
    if field == "reported":
        chosen = st.radio(label, words, index=codes.index(current), horizontal=True, key=key, disabled=disabled)
    else:
        chosen = st.selectbox(label, words, index=codes.index(current), key=key, disabled=disabled)
    return codes[words.index(chosen)] if chosen in words else current


def _columns(section: str, lg: str) -> dict:
    """The section's column settings in ``lg``, made once per server (``st.data_editor`` copies
    them; a dropdown column formats every option of its vocabulary when it is made)."""
    return shared("table", "report_columns", lambda: {f: _column(section, f, lg) for f in rc.fields(section)},
                  section, lg)


def _column(section: str, field: str, lg: str):
    kind = rc.kind(section, field)
    label = i18n.t(f"report.col.{field}", lg)
    if kind in _VOCAB_KINDS:
        return st.column_config.SelectboxColumn(label, options=list(vocab.codes(kind)),
                                                format_func=lambda c, k=kind: i18n.vocab_label(k, c, lg))
    if kind == "yesno":
        return st.column_config.SelectboxColumn(label, options=["yes", "no"],
                                                format_func=lambda o: i18n.t(f"report.answer.{o}", lg))
    if kind == "count":
        return st.column_config.NumberColumn(label, step=1, format="%d")
    if kind == "date":
        return st.column_config.TextColumn(label, help=i18n.t("report.date_help", lg), max_chars=20)
    return st.column_config.TextColumn(label, max_chars=4000)


def _frame(section: str, rows: list[dict]) -> tuple[pd.DataFrame, list[dict]]:
    """The section's rows as the editor's frame, typed, and that frame's rows as the form reads
    them; shared by content (``st.data_editor`` copies what it is given), so an unchanged
    section is not rebuilt at every run."""
    def build():
        df = _typed_frame(section, rows)
        return df, _records(df)
    return shared("table", "report_frame", build, section, rows)


def _records(df: pd.DataFrame) -> list[dict]:
    return [{f: (None if pd.isna(v) else v) for f, v in r.items()} for r in df.to_dict("records")]


def _has_edits(key: str) -> bool:
    """Whether the editor ``key`` holds changes (its state: edited, added and deleted rows);
    without any it gives back the frame it was given."""
    state = st.session_state.get(key)
    return not isinstance(state, dict) or any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def _typed_frame(section: str, rows: list[dict]) -> pd.DataFrame:
    cols = rc.fields(section)
    df = pd.DataFrame(rows, columns=list(cols))
    for f in cols:
        kind = rc.kind(section, f)
        df[f] = df[f].astype("Int64") if kind == "count" else df[f].astype("string")
    return df


def section_editor(section: str, rows: list[dict], none: bool, disabled: bool, gen: int) -> tuple[list, bool]:
    """One section: the table edited in place (dropdowns from the vocabularies) and, when it has
    no rows, "nothing to report" (zero) as opposed to "not reported"."""
    st.subheader(t(f"report.section.{section}"))
    if section == "victims":
        st.caption(t("report.victims_note"))
    key = f"rep_ed_{section}_{gen}"
    frame, records = _frame(section, rows)
    edited = st.data_editor(frame, key=key, num_rows="dynamic", hide_index=True, disabled=disabled,
                            width="stretch", placeholder="", column_config=_columns(section, lang()))
    out = _records(edited) if _has_edits(key) else [dict(r) for r in records]
    zero = False
    if not any(any(v is not None and v != "" for v in r.values()) for r in out):
        zero = st.checkbox(t("report.none"), value=none, key=f"rep_none_{section}_{gen}", disabled=disabled,
                           help=t("report.none_help"))
    return out, zero


def form(base: dict, places_of, disabled: bool, gen: int) -> dict:
    """Draw the whole form from ``base``; return the content as edited now. ``places_of(content)``
    validates a content and gives its problems by place (drawn under each field and table)."""
    st.header(t("report.details"))
    head_box = st.container()
    content = {"commission": {}, "sections": {}, "none": []}
    tables = {}
    for s in rc.SECTIONS:
        box = st.container()
        with box:
            rows, zero = section_editor(s, base["sections"].get(s, []), s in base["none"], disabled, gen)
        tables[s] = box
        content["sections"][s] = rows
        if zero:
            content["none"].append(s)
    with head_box:
        content["commission"], slots = commission_fields(base["commission"], disabled, gen)
    places = places_of(content)
    for f, slot in slots.items():
        with slot:
            show_problems(places.get(("commission", None, f), []))
    with head_box:
        show_problems(places.get(("commission", None, None), []) + places.get(("report", None, None), []))
    for s, box in tables.items():
        with box:
            for (sec, row, field), found in sorted(places.items(), key=lambda kv: (kv[0][1] or -1, kv[0][2] or "")):
                if sec == s:
                    show_problems(found, row, field)
    return content


# ------------------------------------------------------------------------------ actions

def allowed_here(unit: str) -> bool:
    """The session (checked again) may still file for ``unit`` (users.toml read again)."""
    if not web_auth.recheck("file_report", "file_report"):
        return False
    try:
        drafts.authorise(web_auth.user(), web_auth.role(), unit)
    except drafts.Forbidden:
        web_auth.audited("refused", f"file_report {unit}: not this account's unit")
        st.error(t("report.forbidden"))
        return False
    return True


def _when(ts) -> str:
    return formats.day(ts, lang()) + (f" {ts:%H:%M} UTC" if ts is not None else "")


def save(unit: str, year: int, content: dict, base_version: int, submit: bool = False):
    """Save (or submit) after the checks; the outcome is kept for the next run's message."""
    if not allowed_here(unit):
        return None
    try:
        if submit:
            draft, report = drafts.submit(db_path(), unit, year, content, web_auth.user(), base_version, lang())
        else:
            draft, report = drafts.save(db_path(), unit, year, content, web_auth.user(), base_version), None
    except drafts.DraftConflict as exc:
        cur = exc.current
        message(unit, year, "error", t("report.conflict", user=cur.saved_by or "?", version=cur.version,
                                         at=_when(cur.saved_at)))
        return None
    except drafts.YearLocked:
        message(unit, year, "error", t("report.year_locked"))
        return None
    except store.StoreBusy:
        message(unit, year, "error", t("page.import.busy"))
        return None
    st.session_state[_keys(unit, year)["version"]] = draft.version
    st.session_state[_keys(unit, year)["base"]] = draft.content
    if report is None:
        message(unit, year, "success", t("report.saved", version=draft.version))
    elif report.ok:
        done = [r for r in report.files if r.status == "imported"]
        message(unit, year, "success", t("report.submitted", id=done[0].import_id) if done
                else t("report.unchanged"))
    else:
        message(unit, year, "error", t("report.submit_refused"))
    return draft


def status_lines(draft, lock_info) -> None:
    if lock_info is not None:
        st.warning(t("report.locked", year=int(lock_info["year"]), at=_when(lock_info["changed_at"])),
                   icon=":material/lock:")
    if draft is None:
        st.caption(t("report.no_draft"))
        return
    st.caption(t("report.draft_status", version=draft.version, at=_when(draft.saved_at),
                 user=web_auth.code_span(draft.saved_by or "")))
    if draft.submitted_version:
        st.caption(t("report.submitted_status", version=draft.submitted_version, at=_when(draft.submitted_at),
                     user=web_auth.code_span(draft.submitted_by or "")))

