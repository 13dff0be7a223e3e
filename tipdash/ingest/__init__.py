"""Reading, validating and loading the commissions' files (docs/FORMATS.md).

read (bytes -> raw sheets, after the upload safety checks: ``read`` over ``limits``, ``zipscan``,
``xmlscan``, ``ole2``, ``calamine``, ``csvread``) -> validate (raw sheets -> submissions and
problems: ``validate`` over ``cells``, ``sheet``, ``report`` (format A), ``summary`` (format B))
-> load (``load`` checks the batch, ``writes`` writes it in one atomic ``store.write``,
``results`` is what it reports). The public surface:

- ``import_paths``, ``import_bytes``, ``init_db`` -> ``ImportReport`` (``.ok``, ``.problems``:
  ``Problem``, ``.files``: ``FileResult``); ``SUPPORTED`` suffixes, ``MAX_BYTES``;
- ``parse(file, sheets, kind, merged)`` -> ``Parsed`` (validation only, nothing written);
- ``read_file(name, data)``, ``read_path(path)`` -> ``Workbook``; ``ReadError``;
- ``write_template(year, out)``, ``template_bytes(year)``: the blank commission report workbook.

``tipdash.ingest.synth`` writes SYNTHETIC workbooks for the benchmarks (never imported by default).
"""
from tipdash.ingest.limits import MAX_BYTES, ReadError
from tipdash.ingest.load import SUPPORTED, import_bytes, import_paths, init_db
from tipdash.ingest.read import Workbook, read_file, read_path
from tipdash.ingest.results import FileResult, ImportReport
from tipdash.ingest.sheet import Parsed, Problem, Submission
from tipdash.ingest.template import template_bytes, write_template
from tipdash.ingest.validate import parse

__all__ = ["import_paths", "import_bytes", "init_db", "ImportReport", "FileResult", "Problem", "Parsed",
           "Submission", "SUPPORTED", "MAX_BYTES", "parse", "read_file", "read_path", "ReadError", "Workbook",
           "write_template", "template_bytes"]
