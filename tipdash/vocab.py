"""Controlled vocabularies: canonical codes (stored in the DB) and the spellings accepted on import.

Every vocabulary accepts its codes and their English and Romanian labels in any case, with or
without diacritics, spaces or punctuation ("Elevi/studenți" = "elevi studenti" = "pupils_students").
The user-visible labels of the dashboard live in i18n (`vocab.<name>.<code>`); the EN/RO labels here
are the spellings the importer and the template use.

Also here: the yes/no parser and the sheet-name and header synonyms of docs/FORMATS.md.
"""
from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["VOCABS", "NAMES", "VocabError", "norm", "parse", "codes", "label", "labels", "parse_bool",
           "is_blank", "SHEETS", "HEADERS", "COMMISSION_FIELDS", "SUMMARY_HEADERS", "OPTIONAL_HEADERS",
           "sheet_key", "header_key", "personal_data_reason", "approx_number"]


class VocabError(ValueError):
    """A value that is not in a vocabulary (the message lists the accepted values)."""


def norm(text: object) -> str:
    """Lowercase, no diacritics, only letters and digits: the key every spelling is compared on."""
    return _norm(text if type(text) is str else str(text))


@functools.lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.strip().lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    # letters NFKD does not decompose
    s = s.translate(str.maketrans({"ı": "i", "ß": "ss", "ł": "l", "ø": "o", "đ": "d"}))
    return re.sub(r"[\W_]+", "", s)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and value != value)


# code -> (English label, Romanian label, *other accepted spellings)
_VOCABS: dict[str, dict[str, tuple[str, ...]]] = {
    "type": {
        "information": ("information", "informare", "informing", "information activity",
                        "activitate de informare", "activități de informare", "info", "informational"),
        "awareness_campaign": ("awareness campaign", "campanie de sensibilizare", "awareness",
                               "awareness raising", "awareness-raising campaign", "sensibilizare",
                               "campanie de informare și sensibilizare"),
        "training": ("training", "instruire", "trainings", "instruiri", "formare", "seminar", "workshop",
                     "atelier"),
        "raid_inspection": ("raid/inspection", "raid/inspecție", "raid", "inspection", "raids",
                            "inspecție", "inspectie", "control", "raid de control", "raid inspection"),
        "media": ("media", "mass-media", "media appearance", "apariție media", "emisiune", "tv", "radio",
                  "press", "presă"),
        "other": ("other", "altele", "alta", "altul", "alte"),
    },
    "target_group": {
        "pupils_students": ("pupils/students", "elevi/studenți", "pupils", "students", "elevi", "studenți",
                            "pupils and students", "elevi și studenți"),
        "youth": ("youth", "tineri", "young people", "tineret"),
        "teachers": ("teachers", "profesori", "cadre didactice", "pedagogi"),
        "parents": ("parents", "părinți"),
        "general_public": ("general public", "publicul larg", "public larg", "public", "population",
                           "populație", "populația", "comunitate", "community"),
        "specialists": ("specialists", "specialiști", "professionals", "profesioniști"),
        "vulnerable_groups": ("vulnerable groups", "grupuri vulnerabile", "vulnerable persons",
                              "persoane vulnerabile"),
        "refugees_displaced": ("refugees/displaced persons", "refugiați/persoane strămutate", "refugees",
                               "refugiați", "displaced persons", "persoane strămutate",
                               "refugees and displaced persons", "refugiați și persoane strămutate"),
        "other": ("other", "altele", "alta", "altul", "alte"),
    },
    "sex": {
        "F": ("female", "femeiesc", "f", "feminin", "femeie", "femei", "woman", "women", "female persons"),
        "M": ("male", "bărbătesc", "m", "masculin", "bărbat", "bărbați", "man", "men"),
        "unknown": ("unknown", "necunoscut", "nespecificat", "not specified", "n/a"),
    },
    "age_group": {
        "child": ("child", "copil", "children", "copii", "minor", "minori", "under 18", "sub 18"),
        "adult": ("adult", "adult", "adults", "adulți", "adulti", "18+"),
        "unknown": ("unknown", "necunoscut", "nespecificat", "not specified", "n/a"),
    },
    "exploitation": {
        "sexual": ("sexual", "sexuală", "sexual exploitation", "exploatare sexuală"),
        "labour": ("labour", "muncă", "labor", "forced labour", "forced labor", "labour exploitation",
                   "exploatare prin muncă", "muncă forțată", "munca"),
        "begging": ("begging", "cerșit", "cerșetorie", "forced begging"),
        "criminal_activities": ("criminal activities", "activități criminale", "activități infracționale",
                                "forced criminality", "criminal activity"),
        "organ_removal": ("organ removal", "prelevare de organe", "removal of organs", "prelevarea organelor",
                          "organs"),
        "other": ("other", "altele", "alta", "altul", "alte", "altă formă"),
        "unknown": ("unknown", "necunoscut", "nespecificat", "not specified", "n/a"),
    },
    "status": {
        "victim": ("victim", "victimă", "victims", "victime"),
        "presumed_victim": ("presumed victim", "victimă prezumată", "presumed victims", "victime prezumate",
                            "victimă prezumtivă"),
        "unknown": ("unknown", "necunoscut", "victim or presumed victim", "victimă sau victimă prezumată",
                    "nespecificat", "not specified", "n/a"),
    },
    "kind": {
        "ngo": ("NGO", "ONG", "non-governmental organisation", "non-governmental organization",
                "organizație neguvernamentală", "asociație obștească", "civil society", "societate civilă"),
        "international_organisation": ("international organisation", "organizație internațională",
                                       "international organization", "IO", "OI"),
        "public_institution": ("public institution", "instituție publică", "public authority",
                               "autoritate publică", "authority", "autoritate"),
        "other": ("other", "altele", "alta", "altul", "alte"),
    },
    "reporting_status": {
        "not_reported": ("not reported", "nu a raportat"),
        "reported_no_sessions": ("reported, no sessions", "a raportat, fără ședințe"),
        "met": ("met", "s-a întrunit"),
    },
}

NAMES = tuple(_VOCABS)
VOCABS: dict[str, tuple[str, ...]] = {name: tuple(codes_) for name, codes_ in _VOCABS.items()}


def _build_index(table: dict[str, tuple[str, ...]], what: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for code, spellings in table.items():
        for s in (code, *spellings):
            key = norm(s)
            if index.setdefault(key, code) != code:
                raise AssertionError(f"{what}: {s!r} is both {index[key]} and {code}")
    return index


_INDEX = {name: _build_index(table, name) for name, table in _VOCABS.items()}


def codes(vocab: str) -> tuple[str, ...]:
    """The canonical codes of a vocabulary, in their documented order."""
    return VOCABS[vocab]


def label(vocab: str, code: str, lang: str = "en") -> str:
    """The English ('en') or Romanian ('ro') import label of a code."""
    en, ro = _VOCABS[vocab][code][:2]
    return ro if lang == "ro" else en


def labels(vocab: str, lang: str = "en") -> list[str]:
    return [label(vocab, c, lang) for c in VOCABS[vocab]]


def parse(vocab: str, text: object) -> str | None:
    """The canonical code for a code or an EN/RO label; None for a blank cell.

    Raises VocabError (a ValueError) with the accepted values when the text is not recognised.
    """
    if is_blank(text):
        return None
    code = _INDEX[vocab].get(norm(text))
    if code is None:
        accepted = ", ".join(f"{label(vocab, c)}/{label(vocab, c, 'ro')}" for c in VOCABS[vocab])
        raise VocabError(f"{str(text).strip()!r} is not a known {vocab.replace('_', ' ')} "
                         f"(accepted: {accepted})")
    return code


_YES = {"yes", "y", "da", "true", "adevarat", "1", "x", "oui", "si"}
_NO = {"no", "n", "nu", "false", "fals", "0", "non"}


def parse_bool(value: object) -> bool | None:
    """yes/no/da/nu/true/false/1/0/x (any case) and boolean or 0/1 cells; None for blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = norm(value)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(f"{str(value).strip()!r} is not yes or no (accepted: yes/no, da/nu, true/false, 1/0, x)")


_APPROX = re.compile(
    r"^\s*(?:~|≈|ca\.|cca\.?|circa|around|about|approx\.?|approximately|aprox\.?|aproximativ)"
    r"\s*(\d[\d\s.,]*)\s*$", re.IGNORECASE)


def approx_number(text: object) -> int | None:
    """500 for '~500', 'around 500', 'circa 500', 'aprox. 500'; None when the text is not of that form."""
    if not isinstance(text, str):
        return None
    m = _APPROX.match(text)
    if not m:
        return None
    digits = re.sub(r"[\s.,]", "", m.group(1))
    if "," in m.group(1) or "." in m.group(1):
        # "1.200" / "1,200" are thousands separators; "12.5" is not a whole number
        if not re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})+", m.group(1).strip()):
            return None
    return int(digits)


# ---------------------------------------------------------------------------------------------
# Sheets and headers (docs/FORMATS.md), compared with norm()

SHEETS: dict[str, tuple[str, ...]] = {
    "commission": ("Commission", "Comisia", "Comisie", "Commission report", "Raport"),
    "sessions": ("Sessions", "Ședințe", "Sedinte", "Ședințele", "Meetings", "Working sessions"),
    "topics": ("Topics", "Subiecte", "Subiectele", "Teme"),
    "activities": ("Activities", "Activități", "Activitati"),
    "campaigns": ("Campaigns", "Campanii"),
    "trainings": ("Trainings", "Instruiri", "Instruire", "Training"),
    "victims": ("Victims", "Victime"),
    "partners": ("Partners", "Parteneri"),
    "challenges": ("Challenges", "Provocări", "Provocari", "Challenges and needs",
                   "Provocări și necesități"),
    "conclusions": ("Conclusions", "Concluzii", "Concluziile", "Выводы"),
    "context": ("Context", "Context", "Contextul", "Контекст"),
    "summary": ("Summary", "Sinteza", "Sinteză"),
    "instructions": ("Instructions", "Instrucțiuni", "Instructiuni", "Instrucțiuni / Instructions",
                     "Instructions / Instrucțiuni", "Readme", "Citește"),
}

# sheet -> field -> (EN header, RO header, *synonyms); field names are the DB column names
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "sessions": {
        "date": ("Date", "Data", "Data ședinței", "Session date"),
        "topics": ("Topics", "Subiecte", "Subiectele", "Agenda", "Ordinea de zi", "Topic", "Subiect"),
        "participants": ("Participants", "Participanți", "Number of participants", "Nr. participanți",
                         "Numărul de participanți"),
    },
    "topics": {
        "topic": ("Topic", "Subiect", "Topics", "Subiecte", "Tema"),
    },
    "activities": {
        "date": ("Date", "Data", "Start date", "Data început"),
        "end_date": ("End date", "Data finală", "Data sfârșit", "Until", "Până la"),
        "type": ("Type", "Tip", "Activity type", "Tipul activității", "Tipul"),
        "target_group": ("Target group", "Grup țintă", "Grupul țintă", "Target"),
        "participants": ("Participants", "Participanți", "Number of participants", "Nr. participanți",
                         "Numărul de participanți"),
        "campaign": ("Campaign", "Campanie", "Campania"),
        "description": ("Description", "Descriere", "Descrierea", "Activity", "Activitate"),
        "count": ("Count", "Număr", "Numărul", "Number", "Number of activities", "Nr. activități",
                  "Numărul de activități"),
        "approximate": ("Approximate", "Aproximativ", "Approx", "Estimate", "Estimat"),
    },
    "campaigns": {
        "name": ("Campaign", "Campanie", "Campania", "Name", "Denumire"),
        "start_date": ("Start date", "Data început", "Data de început", "From", "De la", "Date", "Data"),
        "end_date": ("End date", "Data finală", "Data sfârșit", "Until", "Până la"),
        "description": ("Description", "Descriere", "Descrierea"),
    },
    "trainings": {
        "title": ("Title", "Tema", "Titlu", "Subiect", "Topic", "Training"),
        "start_date": ("Start date", "Data început", "Data de început", "Date", "Data"),
        "end_date": ("End date", "Data finală", "Data sfârșit"),
        "organisers": ("Organisers", "Organizatori", "Organizers", "Organiser", "Organizator"),
        "participants": ("Participants", "Participanți", "Number of participants", "Nr. participanți",
                         "Members trained", "Membri instruiți"),
        "count": ("Count", "Număr", "Numărul", "Number", "Number of workshops", "Nr. ateliere"),
    },
    "victims": {
        "sex": ("Sex", "Sex", "Gender", "Gen", "Sexul"),
        "age_group": ("Age group", "Grupa de vârstă", "Grup de vârstă", "Vârsta", "Age"),
        "exploitation": ("Exploitation", "Forma de exploatare", "Form of exploitation", "Exploatare",
                         "Type of exploitation"),
        "status": ("Status", "Statut", "Statutul"),
        "count": ("Count", "Număr", "Numărul", "Number", "Number of victims", "Nr. victime"),
        "referred_to": ("Referred to", "Referit către", "Referit catre", "Referred", "Referire"),
        "legal": ("Legal", "Juridică", "Legal assistance", "Asistență juridică"),
        "medical": ("Medical", "Medicală", "Medical assistance", "Asistență medicală"),
        "psychological": ("Psychological", "Psihologică", "Psychological assistance",
                          "Asistență psihologică"),
        "housing": ("Housing", "Cazare", "Shelter", "Adăpost"),
    },
    "partners": {
        "organisation": ("Organisation", "Organizația", "Organization", "Organizatie", "Partner", "Partener"),
        "kind": ("Kind", "Tip", "Type", "Tipul"),
        "cooperation": ("Cooperation", "Cooperare", "Cooperarea", "Domeniul de cooperare"),
    },
    "challenges": {
        "text": ("Challenge or need", "Provocare sau necesitate", "Challenge", "Provocare", "Need",
                 "Necesitate", "Challenges and needs"),
        "category": ("Category", "Categorie", "Categoria"),
    },
    "conclusions": {  # the compiler's own conclusions, one per row, in order
        "text": ("Conclusion", "Concluzie", "Conclusions", "Concluzii", "Text"),
    },
    "context": {      # the report's context (its purpose, the plans it reports on), one sentence per row
        "text": ("Context", "Context", "Text"),
    },
}

# columns that may be absent (everything else in HEADERS is required when the sheet is present)
OPTIONAL_HEADERS: dict[str, frozenset[str]] = {
    "activities": frozenset({"count", "approximate"}),
    "trainings": frozenset({"count"}),
}

COMMISSION_FIELDS: dict[str, tuple[str, ...]] = {
    "unit": ("Unit", "Unitatea", "Unitate", "Commission", "Comisia", "Raion", "Raionul",
             "Unitatea administrativ-teritorială"),
    "year": ("Year", "Anul", "An", "Reporting year", "Anul de raportare"),
    "submitted_on": ("Submitted on", "Data prezentării", "Data prezentarii", "Submitted", "Date submitted",
                     "Data"),
    "prepared_by": ("Prepared by", "Întocmit de", "Intocmit de", "Author", "Autor", "Executor"),
    "reported": ("Reported", "A raportat", "Has reported"),
    "language": ("Language", "Limba", "Limbă", "Language of the texts", "Limba textelor", "Язык"),
    # optional contact details of the commission's secretary (the campaign's reminders)
    "contact_name": ("Secretary", "Secretar", "Secretarul comisiei", "Commission secretary", "Contact person",
                     "Persoana de contact"),
    "contact_email": ("E-mail", "E-mail secretar", "Email", "Secretary e-mail"),
    "contact_phone": ("Phone", "Telefon", "Telefonul", "Secretary phone"),
}

SUMMARY_HEADERS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "unitatea", "unitate", "commission", "comisia", "raion"),
    "year": ("year", "anul", "an"),
    "reported": ("reported", "a_raportat", "a raportat"),
    "sessions": ("sessions", "sedinte", "ședințe"),
    "information_activities": ("information_activities", "activitati_informare", "activități de informare"),
    "participants": ("participants", "participanti", "participanți"),
    "trainings": ("trainings", "instruiri"),
    "members_trained": ("members_trained", "membri_instruiti", "membri instruiți"),
    "victims": ("victims", "victime"),
    "ngo_partners": ("ngo_partners", "parteneri_ong", "parteneri ONG"),
    "source": ("source", "sursa", "sursă", "provenance", "proveniența"),
    "status_inferred": ("status_inferred", "situatie_dedusa", "situație dedusă", "inferred", "dedus"),
}
#: summary columns that may be absent
OPTIONAL_SUMMARY_HEADERS = frozenset({"source", "status_inferred"})

_SHEET_INDEX = _build_index(SHEETS, "sheets")
_HEADER_INDEX = {sheet: _build_index(fields, sheet) for sheet, fields in HEADERS.items()}
_HEADER_INDEX["commission"] = _build_index(COMMISSION_FIELDS, "commission")
_HEADER_INDEX["summary"] = _build_index(SUMMARY_HEADERS, "summary")


def sheet_key(name: object) -> str | None:
    """'commission', 'sessions', … 'summary', 'instructions' for a sheet name in EN/RO; else None."""
    return _SHEET_INDEX.get(norm(name)) if not is_blank(name) else None


def header_key(sheet: str, header: object) -> str | None:
    """The field (DB column) for a header of a sheet ('commission' = the field names of column A)."""
    return _HEADER_INDEX[sheet].get(norm(header)) if not is_blank(header) else None


def header_label(sheet: str, field: str, lang: str = "en") -> str:
    table = COMMISSION_FIELDS if sheet == "commission" else SUMMARY_HEADERS if sheet == "summary" \
        else HEADERS[sheet]
    en, ro = table[field][:2]
    return ro if lang == "ro" else en


def sheet_label(sheet: str, lang: str = "en") -> str:
    en, ro = SHEETS[sheet][:2]
    return ro if lang == "ro" else en


# Columns that look like personal data (checked on the Victims sheet): substrings of norm(header)
_PERSONAL = (
    ("idnp", "an IDNP"), ("cnp", "a personal number"), ("personalnumber", "a personal number"),
    ("codpersonal", "a personal number"), ("birth", "a birth date"), ("nasterii", "a birth date"),
    ("nastere", "a birth date"), ("dob", "a birth date"), ("address", "an address"),
    ("adresa", "an address"), ("domiciliu", "an address"), ("phone", "a phone number"),
    ("telefon", "a phone number"), ("mobile", "a phone number"), ("email", "an e-mail address"),
    ("passport", "a passport number"), ("pasaport", "a passport number"), ("surname", "a name"),
    ("prenume", "a name"), ("name", "a name"), ("nume", "a name"),
)
_PERSONAL_EXACT = {"tel": "a phone number", "mail": "an e-mail address", "dn": "a birth date"}


def personal_data_reason(header: object) -> str | None:
    """'a name', 'an IDNP', … when a Victims header looks like personal data; else None."""
    if is_blank(header):
        return None
    key = norm(header)
    if key in _PERSONAL_EXACT:
        return _PERSONAL_EXACT[key]
    for needle, reason in _PERSONAL:
        if needle in key:
            return reason
    return None
