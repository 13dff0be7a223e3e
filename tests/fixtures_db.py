"""Small DuckDB databases for the indicators and privacy tests, written straight into the schema
tables through ``store.write()`` (no importer involved).

* ``build_2022(db)``  -- the 2022 seed as the importer will store it: 35 format-B rows (from
  the informative note) + the national-level format-A report of unit 'MD'.
* ``build_multi(db)`` -- SYNTHETIC: two commissions (Cahul MD-CA, Ungheni MD-UN) over
  2021-2023 with dated sessions/activities and victims breakdowns, a superseded submission and
  a national-level report; expected values are worked out by hand in tests/indicators/test_indicators.py.
* ``Writer`` -- helpers to add imports, submissions and fact rows.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from tipdash import store

D = dt.date

# --------------------------------------------------------------------------- 2022 (the note)

NOT_REPORTED_2022 = ("MD-AN", "MD-BR", "MD-GA", "MD-HI", "MD-IA", "MD-NI", "MD-OC")
SESSIONS_2022 = {  # informative note 2022, section I
    "MD-CT": 1, "MD-CR": 1, "MD-RI": 1, "MD-CL": 1,
    "MD-BS": 2, "MD-CU": 2, "MD-DU": 2, "MD-OR": 2, "MD-SV": 2, "MD-ST": 2, "MD-TE": 2,
    "MD-DR": 3,
    "MD-CM": 4, "MD-SD": 4,
    "MD-BA": 0, "MD-CA": 0, "MD-CS": 0, "MD-DO": 0, "MD-ED": 0, "MD-FA": 0, "MD-FL": 0,
    "MD-GL": 0, "MD-LE": 0, "MD-RE": 0, "MD-SI": 0, "MD-SO": 0, "MD-TA": 0, "MD-UN": 0,
}
N_TOPICS_2022, N_PARTNERS_2022, N_CHALLENGES_2022 = 7, 8, 18


class Writer:
    """Adds rows inside one ``store.write()`` connection; ids come from the schema's sequence."""

    def __init__(self, con):
        self.con = con
        self._row = 0

    def import_(self, file_name: str, fmt: str, at: dt.datetime, by: str = "test", synthetic=False) -> int:
        iid = store.next_id(self.con)
        self.con.execute(
            "INSERT INTO imports (import_id, file_name, sha256, size_bytes, format, imported_at, imported_by, "
            "synthetic) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [iid, file_name, f"sha-{iid:04d}", 1000, fmt, at, by, synthetic])
        return iid

    def submission(self, import_id: int, unit: str, year: int, fmt: str, reported: bool | None,
                   status: str = "current", sheets: tuple[str, ...] | None = None,
                   superseded_by: int | None = None) -> int:
        sid = store.next_id(self.con)
        self.con.execute(
            "INSERT INTO submissions (submission_id, import_id, unit_code, year, format, sheet, row_no, "
            "reported, status, superseded_by, sheets) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sid, import_id, unit, year, fmt, "Commission" if fmt == "report" else "Summary", 1, reported,
             status, superseded_by, ",".join(sheets) if sheets is not None else None])
        return sid

    def rows(self, table: str, sid: int, cols: tuple[str, ...], rows: list[tuple], sheet: str | None = None):
        if not rows:
            return
        sheet = sheet or table.capitalize()
        names = ("submission_id", "sheet", "row_no", *cols)
        self.con.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [(sid, sheet, i + 2, *r) for i, r in enumerate(rows)])

    def summary(self, sid: int, row_no: int, sessions=None, information_activities=None, approx=False,
                participants=None, trainings=None, members_trained=None, victims=None, ngo_partners=None,
                source="commission_report", status_inferred=False):
        self.con.execute(
            "INSERT INTO summary (submission_id, sheet, row_no, sessions, information_activities, "
            "information_activities_approx, participants, trainings, members_trained, victims, ngo_partners, "
            "source, status_inferred) VALUES (?, 'Summary', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sid, row_no, sessions, information_activities, approx, participants, trainings,
             members_trained, victims, ngo_partners, source, status_inferred])


ACT = ("date", "end_date", "type", "target_group", "participants", "campaign", "description", "count",
       "approximate")
TRN = ("title", "start_date", "end_date", "organisers", "participants", "count")
VIC = ("sex", "age_group", "exploitation", "status", "count", "referred_to", "legal", "medical",
       "psychological", "housing", "legal_provided", "medical_provided", "psychological_provided",
       "housing_provided")
SES = ("date", "topics", "participants")


def victim_row(sex, age, expl, status, count, legal=None, medical=None, psychological=None, housing=None,
               provided=(None, None, None, None), referred_to=None):
    return (sex, age, expl, status, count, referred_to, legal, medical, psychological, housing, *provided)


def build_2022(db_path) -> Path:
    """The 2022 seed: summary rows for the 35 commissions, transcribed from the national note (the 7
    non-reporting ones inferred) + the national-level report ('MD', English text, month periods)."""
    db_path = Path(db_path)
    with store.write(db_path) as con:
        w = Writer(con)
        iid = w.import_("2022_summary.csv", "summary", dt.datetime(2023, 2, 1, 9, 0))
        codes = sorted(NOT_REPORTED_2022 + tuple(SESSIONS_2022))
        for i, code in enumerate(codes):
            reported = code not in NOT_REPORTED_2022
            sid = w.submission(iid, code, 2022, "summary", reported)
            w.summary(sid, i + 2, sessions=SESSIONS_2022.get(code) if reported else None, source="national_note",
                      status_inferred=not reported)
        nid = w.import_("2022_national.xlsx", "report", dt.datetime(2023, 2, 1, 9, 5))
        sid = w.submission(nid, "MD", 2022, "report", True)
        con.execute("UPDATE submissions SET source_lang = 'en' WHERE submission_id = ?", [sid])
        w.rows("topics", sid, ("topic",), [(f"topic {i + 1}",) for i in range(N_TOPICS_2022)])
        w.rows("activities", sid, ACT, [(None, None, "information", None, None, None,
                                         "Activities for informing the general public", 500, True)])
        w.rows("campaigns", sid, ("name", "start_date", "end_date", "description"),
               [("Fighting TIP Week", D(2022, 10, 17), D(2022, 10, 23), "week against trafficking")])
        w.rows("trainings", sid, TRN + ("start_date_precision", "end_date_precision"), [
            ("Identifying human trafficking cases (mixed migration flows)", D(2022, 7, 1), D(2022, 10, 31),
             "State Chancellery; CI La Strada; War Child Holland", 125, 5, "month", "month"),
            ("National Referral Mechanism", D(2022, 10, 1), D(2022, 12, 31), "NSAA; MLSP; IOM", None, 4, "month",
             "month")])
        w.rows("victims", sid, VIC, [victim_row("unknown", "unknown", "unknown", "unknown", 27,
                                                provided=(True, True, True, True),
                                                referred_to="competent institutions")])
        w.rows("partners", sid, ("organisation", "kind", "cooperation"),
               [(f"NGO {i + 1}", "ngo", "assistance and reintegration") for i in range(N_PARTNERS_2022)])
        w.rows("challenges", sid, ("text", "category"),
               [(f"challenge {i + 1}", None) for i in range(N_CHALLENGES_2022)])
    return db_path


# --------------------------------------------------------------------------- multi-year (synthetic)

def build_multi(db_path) -> Path:
    """SYNTHETIC two-commission, three-year database (see tests/indicators/test_indicators.py for the
    hand-computed expectations)."""
    db_path = Path(db_path)
    with store.write(db_path) as con:
        w = Writer(con)
        at = dt.datetime(2024, 1, 10, 8, 0)

        # ---- Cahul (MD-CA)
        i = w.import_("cahul_2021.xlsx", "report", at, synthetic=True)
        s = w.submission(i, "MD-CA", 2021, "report", True,
                         sheets=("sessions", "activities", "trainings", "victims", "partners", "challenges"))
        w.rows("sessions", s, SES, [(D(2021, 3, 10), "annual plan", 9), (D(2021, 9, 15), "referral", 7)])
        w.rows("activities", s, ACT, [
            (D(2021, 3, 1), None, "information", "pupils_students", 30, None, "school talk", 1, False),
            (D(2021, 3, 15), None, "media", "general_public", None, None, "radio", 1, False),
            (D(2021, 7, 5), None, "training", "specialists", 12, None, "seminar", 1, False)])
        w.rows("trainings", s, TRN, [("NRM", D(2021, 5, 10), D(2021, 5, 11), "IOM", 4, 1)])
        w.rows("victims", s, VIC, [
            victim_row("F", "adult", "sexual", "victim", 3, legal=3, medical=None, psychological=0,
                       housing=None, provided=(True, True, False, None)),
            victim_row("F", "child", "labour", "presumed_victim", 2, legal=2, medical=None, psychological=None,
                       housing=1, provided=(True, True, None, True))])
        w.rows("partners", s, ("organisation", "kind", "cooperation"),
               [("AO Alpha", "ngo", "shelter"), ("IOM", "international_organisation", "funding")])
        w.rows("challenges", s, ("text", "category"), [("no materials", None)])

        old_i = w.import_("cahul_2022_v1.xlsx", "report", at + dt.timedelta(hours=1), synthetic=True)
        old = w.submission(old_i, "MD-CA", 2022, "report", True, status="superseded", sheets=("sessions",))
        w.rows("sessions", old, SES, [(D(2022, 6, 6), "draft", 5)])
        i = w.import_("cahul_2022.xlsx", "report", at + dt.timedelta(hours=2), synthetic=True)
        s = w.submission(i, "MD-CA", 2022, "report", True, sheets=("sessions", "activities", "victims", "partners"))
        con.execute("UPDATE submissions SET superseded_by = ? WHERE submission_id = ?", [s, old])
        w.rows("activities", s, ACT, [
            (D(2022, 10, 18), None, "awareness_campaign", "youth", 50, "Fighting TIP Week", "flash mob", 1, False),
            (D(2022, 10, 20), None, "information", "teachers", 20, None, "seminar for teachers", 1, False),
            (None, None, "information", "general_public", None, None, "leaflets, about 10 actions", 10, True)])
        w.rows("victims", s, VIC, [victim_row("M", "adult", "labour", "victim", 6)])

        i = w.import_("cahul_2023.xlsx", "report", at + dt.timedelta(hours=3), synthetic=True)
        w.submission(i, "MD-CA", 2023, "report", False)

        # ---- Ungheni (MD-UN)
        i = w.import_("ungheni_2022.xlsx", "report", at + dt.timedelta(hours=4), synthetic=True)
        s = w.submission(i, "MD-UN", 2022, "report", True,
                         sheets=("sessions", "activities", "trainings", "victims", "partners", "challenges"))
        w.rows("sessions", s, SES, [(D(2022, 2, 14), "plan", 8), (D(2022, 5, 20), None, 6),
                                    (D(2022, 11, 30), "report", None)])
        w.rows("activities", s, ACT, [
            (D(2022, 2, 14), None, "information", "parents", 15, None, "parents' meetings", 2, False),
            (D(2022, 10, 17), None, "media", "general_public", None, "Fighting TIP Week", "TV spot", 1, False)])
        w.rows("trainings", s, TRN, [("Online safety", D(2022, 9, 1), D(2022, 9, 30), "La Strada", None, 2)])
        w.rows("victims", s, VIC, [victim_row("F", "adult", "sexual", "victim", 1)])
        w.rows("partners", s, ("organisation", "kind", "cooperation"), [("AO Beta", "ngo", "hotline")])
        w.rows("challenges", s, ("text", "category"), [("turnover", "staff"), ("no budget", "money")])

        i = w.import_("ungheni_2023.xlsx", "report", at + dt.timedelta(hours=5), synthetic=True)
        s = w.submission(i, "MD-UN", 2023, "report", True, sheets=("sessions", "victims"))
        w.rows("sessions", s, SES, [(D(2023, 1, 10), "plan", 7)])
        w.rows("victims", s, VIC, [victim_row("unknown", "unknown", "unknown", "unknown", 4)])

        # ---- national level (MD), 2022
        i = w.import_("national_2022.xlsx", "report", at + dt.timedelta(hours=6), synthetic=True)
        s = w.submission(i, "MD", 2022, "report", True, sheets=("activities", "campaigns", "victims"))
        w.rows("activities", s, ACT, [(None, None, "information", "general_public", None, None,
                                       "around 100 information activities", 100, True)])
        w.rows("campaigns", s, ("name", "start_date", "end_date", "description"),
               [("Fighting TIP Week", D(2022, 10, 17), D(2022, 10, 23), None)])
        w.rows("victims", s, VIC, [victim_row("unknown", "unknown", "unknown", "unknown", 10)])
    return db_path


def write_cells(db_path, cells_by_year: dict[int, list[tuple]]) -> Path:
    """A database whose victims come from ``cells_by_year[year]`` = [(unit, sex, age, expl, status,
    count)], one format-A report per unit-year (used by the privacy end-to-end test)."""
    db_path = Path(db_path)
    with store.write(db_path) as con:
        w = Writer(con)
        for year, cells in sorted(cells_by_year.items()):
            by_unit: dict[str, list[tuple]] = {}
            for unit, *rest in cells:
                by_unit.setdefault(unit, []).append(tuple(rest))
            for unit, rows in sorted(by_unit.items()):
                i = w.import_(f"synthetic_{unit}_{year}.xlsx", "report", dt.datetime(year + 1, 1, 5), synthetic=True)
                s = w.submission(i, unit, year, "report", True, sheets=("victims",))
                w.rows("victims", s, VIC, [victim_row(*r) for r in rows if r[-1] > 0])
    return db_path
