"""The blank commission report workbook (format A of docs/FORMATS.md).

`write_template(year, out)` writes an .xlsx with an `Instructions` sheet (Romanian and English;
it also holds the lists the dropdowns use, and the importer ignores it), the `Commission`
sheet (field/value pairs in A/B, the year filled in) and one sheet per table with English
headers in row 1 (the Romanian header is the cell's comment), frozen header rows and
dropdowns for every controlled vocabulary. Imported unchanged it is an "empty report";
filled in, it imports as it is.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from tipdash import units, vocab

ROWS = 1000                                    # rows with dropdowns and formats
SHEET_ORDER = ("sessions", "topics", "activities", "campaigns", "trainings", "victims", "partners",
               "challenges", "conclusions", "context")

# sheet -> field -> kind of cell: text | date | count | <vocab name> | yesno | assist
KINDS = _KINDS = {
    "sessions": {"date": "date", "topics": "text", "participants": "count"},
    "topics": {"topic": "text"},
    "activities": {"date": "date", "end_date": "date", "type": "type", "target_group": "target_group",
                   "participants": "count", "campaign": "text", "description": "text", "count": "count",
                   "approximate": "yesno"},
    "campaigns": {"name": "text", "start_date": "date", "end_date": "date", "description": "text"},
    "trainings": {"title": "text", "start_date": "date", "end_date": "date", "organisers": "text",
                  "participants": "count", "count": "count"},
    "victims": {"sex": "sex", "age_group": "age_group", "exploitation": "exploitation", "status": "status",
                "count": "count", "referred_to": "text", "legal": "assist", "medical": "assist",
                "psychological": "assist", "housing": "assist"},
    "partners": {"organisation": "text", "kind": "kind", "cooperation": "text"},
    "challenges": {"text": "text", "category": "text"},
    "conclusions": {"text": "text"},
    "context": {"text": "text"},
}
_WIDTH = {"text": 40, "date": 13, "count": 12, "yesno": 13, "assist": 14}

_SHEET_HELP = {
    "commission": ("Unitatea (din listă), anul, data prezentării, cine a întocmit raportul și dacă comisia a "
                   "raportat (da/nu). Obligatorie.",
                   "Unit (from the list), year, date submitted, who prepared the report and whether the "
                   "commission reported (yes/no). Required."),
    "sessions": ("Un rând pentru fiecare ședință de lucru: data, subiectele, numărul de participanți.",
                 "One row per working session: date, topics, number of participants."),
    "topics": ("Subiecte discutate care nu țin de o singură ședință (opțional).",
               "Meeting topics not tied to one session (optional)."),
    "activities": ("Un rând pentru fiecare activitate de informare/sensibilizare. Un rând poate reprezenta mai "
                   "multe activități (coloana Număr); doar un astfel de rând poate rămâne fără dată. "
                   "Aproximativ = da când cifrele sunt estimate.",
                   "One row per information/awareness activity. A row may stand for several activities "
                   "(Count column); only such a row may leave the date blank. Approximate = yes when the "
                   "figures are estimates."),
    "campaigns": ("Perioadele campaniilor (de ex. Săptămâna de combatere a traficului).",
                  "Campaign periods (e.g. the week against trafficking)."),
    "trainings": ("Instruirile la care au participat membrii comisiei: tema, perioada, organizatorii, "
                  "participanții, numărul de ateliere. Când se cunoaște doar luna, scrieți-o ca text: "
                  "iulie 2022 sau 2022-07.",
                  "Trainings attended by commission members: title, period, organisers, participants, "
                  "number of workshops. When only the month is known, write it as text: July 2022 or "
                  "2022-07."),
    "victims": ("DOAR cifre agregate, fără date personale (nume, IDNP, data nașterii, adresă, telefon). "
                "Asistența: un număr (≤ Număr), „da” dacă a fost acordată fără a fi numărată, sau gol.",
                "Aggregate counts ONLY, no personal data (name, IDNP, birth date, address, phone). "
                "Assistance: a number (≤ Count), \"yes\" when given but not counted, or blank."),
    "partners": ("Organizațiile cu care a cooperat comisia și tipul lor.",
                 "Organisations the commission cooperated with, and their kind."),
    "challenges": ("Provocările și necesitățile comisiei, câte una pe rând.",
                   "The commission's challenges and needs, one per row."),
    "conclusions": ("Concluziile autorului raportului, câte una pe rând, în ordinea lor (opțional).",
                    "The report author's own conclusions, one per row, in their order (optional)."),
    "context": ("Contextul raportului (scopul, planurile și strategiile la care se referă), câte o frază pe "
                "rând (opțional).",
                "The report's context (its purpose, the plans and strategies it refers to), one sentence "
                "per row (optional)."),
}


def unit_choices() -> list[str]:
    """The dropdown of units: the Romanian names of the 35 commission units + the national level."""
    names = sorted((u.name_ro for u in units.commission_units()), key=vocab.norm)
    return names + [units.official_name(units.NATIONAL)]


def _lists() -> dict[str, list[str]]:
    out = {"unit": unit_choices(), "yesno": ["da", "nu", "yes", "no"],
           "assist": ["da", "nu", "yes", "no"]}
    for name in ("type", "target_group", "sex", "age_group", "exploitation", "status", "kind"):
        out[name] = vocab.labels(name, "ro")
    return out


def write_template(year: int, out: str | os.PathLike) -> Path:
    """Write the blank report workbook for `year` to `out` (an .xlsx path); returns the path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    wb.set_properties({"title": f"tipdash: raport anual al comisiei teritoriale / commission annual report {year}",
                       "author": "tipdash", "comments": "Format A (docs/FORMATS.md)"})
    fmt = {
        "bold": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                               "valign": "top"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "date": wb.add_format({"num_format": "dd.mm.yyyy"}),
        "hint": wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"}),
    }
    refs = _instructions(wb, fmt, year)
    _commission_sheet(wb, fmt, year, refs)
    for key in SHEET_ORDER:
        _data_sheet(wb, fmt, year, refs, key)
    wb.close()
    return out


def _instructions(wb, fmt: dict, year: int) -> dict[str, str]:
    """The Instructions sheet, and the lists the dropdowns read: list name -> cell range."""
    bold, title, wrap = fmt["bold"], fmt["title"], fmt["wrap"]
    ins = wb.add_worksheet(vocab.sheet_label("instructions"))
    ins.set_column(0, 0, 22)
    ins.set_column(1, 2, 60, wrap)
    ins.write(0, 0, f"Raport anual al Comisiei teritoriale pentru combaterea traficului de ființe umane — {year}",
              title)
    ins.write(1, 0, f"Annual report of the Territorial Commission for combating trafficking in human beings — {year}",
              title)
    general = (
        ("Cum se completează", "How to fill in"),
        ("Completați foaia Commission (unitatea, anul, dacă ați raportat) și apoi foile cu date. Nu redenumiți "
         "foile și coloanele și nu uniți celule. O celulă goală înseamnă „nu s-a raportat”; 0 înseamnă zero. "
         "Datele: zz.ll.aaaa. Numerele: întregi, fără text. Alegeți valorile din listele derulante.",
         "Fill in the Commission sheet (unit, year, whether you reported) and then the data sheets. Do not "
         "rename sheets or columns and do not merge cells. A blank cell means \"not reported\"; 0 means zero. "
         "Dates: dd.mm.yyyy. Numbers: whole numbers, no text. Pick values from the dropdown lists."),
    )
    ins.write_row(3, 1, general[0], bold)
    ins.write_row(4, 1, general[1], wrap)
    r = 6
    ins.write_row(r, 0, ("Foaia / Sheet", "Română", "English"), bold)
    for key in ("commission", *SHEET_ORDER):
        r += 1
        ins.write(r, 0, f"{vocab.sheet_label(key)} / {vocab.sheet_label(key, 'ro')}")
        ins.write_row(r, 1, _SHEET_HELP[key], wrap)
    lists = _lists()
    refs: dict[str, str] = {}
    first_col = 5
    for k, (name, values) in enumerate(lists.items()):
        c = first_col + k
        ins.write(5, c, f"list: {name}", bold)
        ins.write_column(6, c, values)
        ins.set_column(c, c, 24)
        col = xl_col_to_name(c)
        refs[name] = f"={ins.get_name()}!${col}$7:${col}${6 + len(values)}"
    return refs


def _commission_sheet(wb, fmt: dict, year: int, refs: dict[str, str]) -> None:
    bold, hint = fmt["bold"], fmt["hint"]
    com = wb.add_worksheet(vocab.sheet_label("commission"))
    com.set_column(0, 0, 18, bold)
    com.set_column(1, 1, 40)
    com.set_column(2, 2, 70, hint)
    fields = [("unit", None, "Alegeți unitatea din listă / choose the unit from the list"),
              ("year", year, f"Anul de raportare / reporting year (2000–{dt.date.today().year})"),
              ("submitted_on", None, "Data prezentării raportului, zz.ll.aaaa / date submitted, dd.mm.yyyy"),
              ("prepared_by", None, "Numele și funcția / name and position"),
              ("reported", None, "da = comisia raportează activitatea; nu = nu a raportat / "
                                 "yes = the commission reports; no = it did not report"),
              ("language", None, "Limba textelor: ro, ru sau en (gol = ro) / language of the texts: "
                                 "ro, ru or en (blank = ro)"),
              ("contact_name", None, "Opțional: secretarul comisiei (nume) / optional: the commission's secretary"),
              ("contact_email", None, "Opțional: e-mailul secretarului / optional: the secretary's e-mail"),
              ("contact_phone", None, "Opțional: telefonul secretarului / optional: the secretary's phone")]
    for i, (fld, value, help_text) in enumerate(fields):
        com.write(i, 0, vocab.header_label("commission", fld))
        com.write_comment(i, 0, vocab.header_label("commission", fld, "ro"))
        if value is not None:
            com.write(i, 1, value)
        com.write(i, 2, help_text)
    com.data_validation(0, 1, 0, 1, {"validate": "list", "source": refs["unit"], "error_type": "warning",
                                     "error_message": "Alegeți din listă / choose from the list"})
    com.data_validation(1, 1, 1, 1, {"validate": "integer", "criteria": "between", "minimum": 2000,
                                     "maximum": 2100, "error_type": "stop"})
    com.data_validation(2, 1, 2, 1, {"validate": "date", "criteria": ">=", "value": dt.date(year, 1, 1),
                                     "error_type": "warning"})
    com.write_comment(2, 1, "zz.ll.aaaa / dd.mm.yyyy")
    com.data_validation(4, 1, 4, 1, {"validate": "list", "source": refs["yesno"], "error_type": "stop"})
    com.activate()


def _data_sheet(wb, fmt: dict, year: int, refs: dict[str, str], key: str) -> None:
    """One data sheet: the header row (Romanian in the comments) and, for ROWS rows, the formats
    and dropdowns of each column."""
    bold, date_fmt = fmt["bold"], fmt["date"]
    ws = wb.add_worksheet(vocab.sheet_label(key))
    ws.freeze_panes(1, 0)
    ws.set_row(0, 30)
    for j, (fld, kind) in enumerate(_KINDS[key].items()):
        ws.write(0, j, vocab.header_label(key, fld), bold)
        ws.write_comment(0, j, f"{vocab.header_label(key, fld, 'ro')}", {"x_scale": 1.2})
        ws.set_column(j, j, _WIDTH.get(kind, 24), date_fmt if kind == "date" else None)
        _validation(ws, j, fld, kind, key, year, refs)


def _validation(ws, j: int, fld: str, kind: str, key: str, year: int, refs: dict[str, str]) -> None:
    rng = (1, j, ROWS, j)
    if kind == "date":
        ws.data_validation(*rng, {"validate": "date", "criteria": "between",
                                  "minimum": dt.date(year, 1, 1), "maximum": dt.date(year, 12, 31),
                                  "error_type": "warning",
                                  "error_message": f"O dată din {year}, zz.ll.aaaa / a date in {year}"})
    elif kind == "count":
        ws.data_validation(*rng, {"validate": "integer", "criteria": ">=",
                                  "value": 1 if fld == "count" and key != "victims" else 0,
                                  "error_type": "stop",
                                  "error_message": "Un număr întreg / a whole number"})
    elif kind in refs:
        ws.data_validation(*rng, {"validate": "list", "source": refs[kind],
                                  "error_type": {"yesno": "stop", "assist": "information"}.get(
                                      kind, "warning"),
                                  "error_message": "Alegeți din listă / choose from the list"})


def template_bytes(year: int) -> bytes:
    """The blank workbook of ``year`` as bytes (the Import page's download)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_template(int(year), Path(tmp) / "template.xlsx").read_bytes()
