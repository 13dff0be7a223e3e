"""Reading, validating and loading the commissions' files (docs/FORMATS.md).

read (bytes -> raw sheets, after the upload safety checks: ``read`` over ``limits``, ``zipfmt``,
``zipscan``, ``xmlscan``, ``xlsxbook``/``xlsxsheet``/``xlsxcells``, ``odsbook``, ``ole2``,
``calamine`` (xls only), ``csvread``, ``grid``, ``text``) -> validate (raw sheets -> submissions
and problems: ``validate`` over ``cells``, ``sheet``, ``report`` (format A), ``summary`` (format B))
-- both in worker processes (``pool`` starts them, ``worker`` is one, ``check`` is what it does
per file and ``plain`` the JSON it answers with) -> load (``load`` checks the batch, ``writes``
writes it in one atomic ``store.write``, ``results`` is what it reports). The public surface:

- ``import_paths``, ``import_bytes``, ``init_db`` -> ``ImportReport`` (``.ok``, ``.problems``:
  ``Problem``, ``.files``: ``FileResult``); ``SUPPORTED`` suffixes, ``MAX_BYTES``;
- ``parse(file, sheets, kind, merged)`` -> ``Parsed`` (validation only, nothing written);
- ``read_file(name, data)``, ``read_path(path)`` -> ``Workbook``; ``ReadError``;
- ``write_template(year, out)``, ``template_bytes(year)``: the blank commission report workbook.

``tipdash.ingest.synth`` writes SYNTHETIC workbooks for the benchmarks (never imported by default).
"""
import importlib

from tipdash.ingest.limits import MAX_BYTES, ReadError
from tipdash.ingest.read import Workbook, read_file, read_path
from tipdash.ingest.results import FileResult, ImportReport
from tipdash.ingest.sheet import Parsed, Problem, Submission
from tipdash.ingest.validate import parse

#: loaded on first use: the worker processes (`worker`) import this package, and need neither
#: DuckDB nor pandas (each would cost memory under the worker's 1 GiB limit, and start-up time)
_LAZY = {"import_paths": "load", "import_bytes": "load", "init_db": "load", "SUPPORTED": "load",
         "write_template": "template", "template_bytes": "template"}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tipdash.ingest' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tipdash.ingest.{module}"), name)


__all__ = ["import_paths", "import_bytes", "init_db", "ImportReport", "FileResult", "Problem", "Parsed",
           "Submission", "SUPPORTED", "MAX_BYTES", "parse", "read_file", "read_path", "ReadError", "Workbook",
           "write_template", "template_bytes"]
