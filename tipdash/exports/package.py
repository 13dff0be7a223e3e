"""The data package of a table: a zip with the plain CSV (header on line 1), a README with the
provenance (source, filters, export time, notes) and the definitions of the columns -- what
OWID's downloads carry beside their CSV. The CSV itself stays plain, so pandas and Excel read it
without options."""
from __future__ import annotations

import io
import zipfile
from typing import Any, Mapping

import pandas as pd

from tipdash import i18n
from tipdash.exports.cells import csv_field
from tipdash.exports.provenance import exported_on_text, meta_dict, meta_lang, provenance_rows

#: a fixed time inside the zip (the export time is in the README): the same table, the same bytes
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def definitions(columns, lang: str, codes=()) -> pd.DataFrame:
    """(column as it is headed in the CSV, its definition) for every CSV column; "" when none.
    ``codes``: the table's column codes before localisation (their headers find their definitions)."""
    by_header = {i18n.column_label(c, lang): str(c) for c in codes}
    headers = [str(c) for c in columns]
    return pd.DataFrame({
        i18n.t("export.package.column", lang): headers,
        i18n.t("export.package.definition", lang): [i18n.indicator_definition(by_header.get(h, h), lang)
                                                    for h in headers],
    })


def readme(meta: Mapping[str, Any], csv_name: str, defs: pd.DataFrame) -> str:
    """The README of the package: what the files are, the provenance rows, the definitions."""
    m = meta_dict(meta)
    lang = meta_lang(m)
    lines = [i18n.t("export.package.title", lang, file=csv_name), ""]
    for label, value in provenance_rows(m):
        lines.append(f"{label}: {value}" if value else label)
    lines += ["", i18n.t("export.package.definitions", lang)]
    for col, text in zip(defs.iloc[:, 0], defs.iloc[:, 1]):
        lines.append(f"- {col}: {text}" if text else f"- {col}")
    lines += ["", i18n.t("export.package.files", lang, file=csv_name)]
    return "\r\n".join(lines) + "\r\n"


def to_package(raw: pd.DataFrame, shown: pd.DataFrame, csv_bytes: bytes, meta: Mapping[str, Any],
               csv_name: str) -> bytes:
    """The zip: ``csv_name`` (the plain CSV as downloaded), ``README.txt``, ``definitions.csv``.
    ``shown`` is the table as the CSV heads it, ``raw`` the same before localisation (its column
    codes give the definitions)."""
    m = dict(meta_dict(meta))
    m.setdefault("exported_on", exported_on_text(m))      # the same time in every file
    lang = meta_lang(m)
    defs = definitions(shown.columns, lang, raw.columns)
    defs_csv = "".join(",".join(csv_field(v) for v in row) + "\r\n"
                       for row in [list(defs.columns), *defs.itertuples(index=False)])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in ((csv_name, csv_bytes), ("README.txt", "\ufeff" + readme(m, csv_name, defs)),
                           ("definitions.csv", "\ufeff" + defs_csv)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))
    return out.getvalue()
