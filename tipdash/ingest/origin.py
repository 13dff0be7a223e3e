"""Where a submission's content comes from: the language its free text is written in (format A
Commission field Language/Limba) and the source of a summary row's figures (format B column
source/sursa). Kept apart from tipdash.vocab (the codes and spellings the importer accepts for the
facts themselves)."""
from __future__ import annotations

from tipdash.vocab import _build_index, is_blank, norm

# Languages a report's free text may be written in (Commission field Language/Limba): code ->
# spellings. A report without the field is read as Romanian.
LANGUAGES: dict[str, tuple[str, ...]] = {
    "ro": ("ro", "română", "romana", "romanian", "limba română", "moldovenească", "румынский"),
    "en": ("en", "engleză", "engleza", "english", "limba engleză", "английский"),
    "ru": ("ru", "rusă", "rusa", "russian", "limba rusă", "русский", "русский язык"),
}
DEFAULT_SOURCE_LANG = "ro"

# Where the figures of a summary (format B) row come from (column source/sursa; blank = the
# commissions' own reports): what the dashboard may compute from them depends on it.
SUMMARY_SOURCES: dict[str, tuple[str, ...]] = {
    "commission_report": ("commission report", "commission reports", "report", "reports", "raport",
                          "rapoarte", "raportul comisiei", "rapoartele comisiilor"),
    "national_note": ("national note", "informative note", "note", "national summary", "notă", "nota",
                      "nota informativă", "notă informativă", "sinteza națională", "sinteză națională"),
}

_LANGUAGE_INDEX = _build_index(LANGUAGES, "languages")
_SOURCE_INDEX = _build_index(SUMMARY_SOURCES, "summary sources")


def parse_language(value: object) -> str | None:
    """'ro', 'en' or 'ru' for a language as people write it; None for a blank cell; ValueError."""
    if is_blank(value):
        return None
    code = _LANGUAGE_INDEX.get(norm(value))
    if code is None:
        raise ValueError(f"{value!r} is not a language tipdash knows; write ro, en or ru")
    return code


def parse_summary_source(value: object) -> str | None:
    """'commission_report' or 'national_note'; None for a blank cell; ValueError otherwise."""
    if is_blank(value):
        return None
    code = _SOURCE_INDEX.get(norm(value))
    if code is None:
        raise ValueError(f"{value!r} is not a source; write 'commission report' or 'national note'")
    return code
