"""The ONLY place downloads are formatted: CSV, xlsx, JSON, file names, provenance, escaping.

Conventions shared by every format
----------------------------------
* **Blank = not reported.**  NA (``None``, ``NaN``, ``pd.NA``, ``NaT``) is written as an empty
  cell; 0 is written as ``0``.
* **Numbers are written as numbers, untouched.**  A cell whose *value* is a Python/numpy
  number (int, float, Decimal, numpy scalar) is written as that number -- ``-3`` stays ``-3``
  (a number is not a formula).  Integral floats (``2.0``, which appear in float columns that
  also hold NA) are written as integers (``2``).  Non-finite floats (``inf``) are written as
  blanks.  Booleans are written as ``true``/``false`` in CSV and as booleans in xlsx
  (:func:`localise` turns them into Yes/No labels for people).
* **Text is escaped against formula injection** (:func:`escape_text`): a text cell that starts
  with ``=``, ``+``, ``-``, ``@``, tab or CR (or with their full-width forms, or with spaces /
  line feeds followed by ``= + - @``) gets a leading ``'``.  So a text ``"-5"`` becomes
  ``'-5`` while the number ``-5`` stays ``-5``.  Headers are text and are escaped too.
  In xlsx text is additionally written with ``write_string`` so nothing is ever a formula.
* **Every CSV text field is quoted**, and a trigger that follows ``;`` ``,`` TAB or a line break
  inside a text is escaped too (``a;'=1+1``): Romanian and Russian Excel split a double-clicked
  .csv on ``;``, so any ``;`` in a text could start a new cell (:func:`spreadsheet_text`).
  Control characters (ESC, BEL, NUL ...) are dropped from every text cell.
* Dates are ISO ``YYYY-MM-DD``; timestamps with a time ``YYYY-MM-DD HH:MM:SS``; periods as
  ``str(period)``.  The DataFrame index is not written.

``meta`` (every key optional)
-----------------------------
``{"view": "sessions", "year": 2022 | "2020-2022" | (2020, 2022), "lang": "ro",
"filters": {"year": 2022, "indicator": "sessions"}, "source": "…",
"exported_on": datetime (default: now, UTC)}``.

The provenance line (:func:`provenance_line`) is localised, e.g. in English::

    Source: <source>; Filters: year=2022, indicator=sessions; Exported on: 2026-11-28 14:00 UTC

Filter names and values are written as codes (``key=value``, lists joined with ``|``); with
no filters the localised word "none" is used.  Line breaks in it are replaced by spaces.
"""
from tipdash.exports.cells import ESCAPE_PREFIX, FORMULA_TRIGGERS, cell_text, escape_text, spreadsheet_text
from tipdash.exports.cli_export import INDICATOR_EXPORT_COLUMNS, export_indicators, indicators_table, to_tsv
from tipdash.exports.files import ABOUT_SHEET, DATA_SHEET, download, file_name, slugify, to_csv, to_xlsx
from tipdash.exports.labels import VOCAB_COLUMNS, localise
from tipdash.exports.provenance import exported_on_text, filters_text, provenance_line, provenance_rows

__all__ = ["to_csv", "to_xlsx", "download", "file_name", "slugify", "localise", "export_indicators",
           "indicators_table", "to_tsv", "escape_text", "spreadsheet_text", "cell_text", "provenance_line", "provenance_rows", "filters_text",
           "exported_on_text", "FORMULA_TRIGGERS", "ESCAPE_PREFIX", "VOCAB_COLUMNS", "INDICATOR_EXPORT_COLUMNS",
           "DATA_SHEET", "ABOUT_SHEET"]
