"""Reading, validating and loading the commissions' files (docs/FORMATS.md).

read (bytes -> raw sheets, after the upload safety checks) -> validate (raw sheets -> submissions
and problems) -> load (one atomic ``store.write`` per batch). The public surface:

- ``import_paths``, ``import_bytes``, ``init_db`` -> ``ImportReport`` (``.ok``, ``.problems``:
  ``Problem``, ``.files``: ``FileResult``); ``SUPPORTED`` suffixes, ``MAX_BYTES``;
- ``parse(file, sheets, kind, merged)`` -> ``Parsed`` (validation only, nothing written);
- ``read_file(name, data)``, ``read_path(path)`` -> ``Workbook``; ``ReadError``;
- ``write_template(year, out)``: the blank commission report workbook.

``tipdash.ingest.synth`` writes SYNTHETIC workbooks for the benchmarks (never imported by default).
"""
from tipdash.ingest.load import (
    MAX_BYTES,
    SUPPORTED,
    FileResult,
    ImportReport,
    import_bytes,
    import_paths,
    init_db,
)
from tipdash.ingest.read import ReadError, Workbook, read_file, read_path
from tipdash.ingest.sheet import Parsed, Problem, Submission
from tipdash.ingest.template import write_template
from tipdash.ingest.validate import parse

__all__ = ["import_paths", "import_bytes", "init_db", "ImportReport", "FileResult", "Problem", "Parsed",
           "Submission", "SUPPORTED", "MAX_BYTES", "parse", "read_file", "read_path", "ReadError", "Workbook",
           "write_template"]
