"""The synthetic workbook generator: deterministic by seed, visibly marked, imports cleanly."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import openpyxl
import pytest

from tipdash import units, vocab
from tipdash.ingest import synth

SMALL = {"years": 2, "activities_per_unit": 20, "unit_codes": 2, "first_year": 2021}


def _hashes(directory) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "seed1"
    return out, synth.generate(out, seed=1, **SMALL)


def test_writes_one_workbook_per_unit_year_and_a_manifest(small):
    out, manifest = small
    codes = [u.code for u in units.commission_units()][:2]
    expected = sorted(synth.file_name(c, y) for c in codes for y in (2021, 2022))
    assert sorted(p.name for p in out.glob("*.xlsx")) == expected
    assert json.loads((out / synth.MANIFEST).read_text(encoding="utf-8")) == manifest
    assert manifest["synthetic"] is True and manifest["units"] == codes
    reported = [f for f in manifest["files"] if f["reported"]]
    assert manifest["rows"]["activities"] == 20 * len(reported)


def test_same_seed_same_bytes_other_seed_other_bytes(small, tmp_path):
    out, _ = small
    synth.generate(tmp_path / "again", seed=1, jobs=2, **SMALL)
    synth.generate(tmp_path / "seed2", seed=2, **SMALL)
    assert _hashes(tmp_path / "again") == _hashes(out)
    other = _hashes(tmp_path / "seed2")
    assert all(other[name] != digest for name, digest in _hashes(out).items() if name.endswith(".xlsx"))


def test_every_file_is_marked_synthetic(small):
    out, _ = small
    for path in out.glob("*.xlsx"):
        assert path.name.startswith("SYNTHETIC_")
        wb = openpyxl.load_workbook(path, read_only=True)
        props = wb.properties
        for text in (props.title, props.subject, props.keywords):
            assert "SYNTHETIC" in text
        fields = {row[0]: row[1] for row in wb["Commission"].iter_rows(values_only=True)}
        assert fields["Note"] == synth.NOTE and fields["Note"].startswith("SYNTHETIC DATA")
        assert fields["Prepared by"].startswith("SYNTHETIC")
        wb.close()


def test_sheets_and_headers_follow_format_a(small):
    out, manifest = small
    entry = next(f for f in manifest["files"] if f["reported"])
    wb = openpyxl.load_workbook(out / entry["file"], read_only=True)
    assert wb.sheetnames[0] == "Commission"
    for name in wb.sheetnames[1:]:
        key = vocab.sheet_key(name)
        assert key in synth.TABLES
        header = next(wb[name].iter_rows(max_row=1, values_only=True))
        assert [vocab.header_key(key, h) for h in header] == list(synth._COLUMNS[key])
    rows = list(wb["Activities"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 20
    for row in rows:
        if row[0] is not None:
            assert row[0].year == entry["year"]
    wb.close()


def test_unit_year_is_realistic():
    data = synth.unit_year("MD-CA", 2020, activities=300, seed=7)
    assert data == synth.unit_year("MD-CA", 2020, activities=300, seed=7)
    if data["head"]["reported"] == "da":
        sheets = data["sheets"]
        assert 0 <= len(sheets["sessions"]) <= 6
        assert all(d.year == 2020 for d, *_ in sheets["sessions"])
        assert len(sheets["activities"]) == 300
        assert all(isinstance(r[4], int) and r[4] >= 1 for r in sheets["victims"])


def test_refuses_to_write_into_data(tmp_path):
    with pytest.raises(ValueError, match="data/"):
        synth.generate(synth.DATA_DIR / "synthetic", years=1, activities_per_unit=1, unit_codes=1)
    with pytest.raises(ValueError, match="within"):
        synth.generate(tmp_path, years=1, first_year=dt.date.today().year + 1, unit_codes=1)


def test_cli_synth(tmp_path, capsys):
    from tipdash.cli import main

    assert main(["synth", "--out", str(tmp_path / "cli"), "--years", "1", "--activities-per-unit", "5",
                 "--units", "1", "--first-year", "2020"]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    assert [p.name for p in (tmp_path / "cli").glob("*.xlsx")] == [synth.file_name(units.commission_units()[0].code,
                                                                                   2020)]


def test_importer_imports_it_cleanly(small, tmp_path):
    from tipdash import ingest, store

    out, manifest = small
    db = tmp_path / "synth.duckdb"
    report = ingest.import_paths([out], db, user="test")
    assert report.ok, str(report)
    assert [f.status for f in report.files] == ["imported"] * len(manifest["files"])
    assert sum(f.rows for f in report.files) == manifest["fact_rows"]
    # the only remarks are about the visible Note row, which the importer ignores
    assert all(p.severity == "warning" and p.sheet == "Commission" and p.row == 6 for p in report.problems), \
        str(report)
    s = store.Store(db)
    try:
        for table, n in manifest["rows"].items():
            assert s.scalar(f"SELECT count(*) FROM {table}") == n, table
        assert s.scalar("SELECT bool_and(prepared_by LIKE 'SYNTHETIC%') FROM submissions")
        assert s.scalar("SELECT bool_and(synthetic) FROM imports")      # the importer saw the mark
        assert s.scalar("SELECT count(*) FROM submissions WHERE status = 'current'") == len(manifest["files"])
    finally:
        s.close()
