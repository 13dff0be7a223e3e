"""data/translations/ into the translations table: loaded by init, checked, all-or-nothing."""
from __future__ import annotations

from tipdash import ingest, store
from tipdash.ingest import translations
from tipdash.values import text_hash

HEADER = "source_lang,source_text,lang,text,origin,note\n"


def test_init_loads_every_translation_row(tmp_db):
    report = ingest.init_db(tmp_db)
    assert report.ok, [str(p) for p in report.problems]
    s = store.Store(tmp_db)
    assert s.scalar("SELECT count(*) FROM translations") == 100
    row = s.query("SELECT text, origin FROM translations WHERE source_hash = $h AND lang = 'ro'",
                  {"h": text_hash("Fighting TIP Week")})
    assert row.values.tolist() == [["Săptămâna de luptă împotriva traficului de ființe umane", "registered_name"]]
    assert any("translations, 100 rows" in str(f) for f in report.files)


def test_a_bad_translations_file_writes_nothing_and_says_where(tmp_path, tmp_db):
    assert ingest.init_db(tmp_db).ok
    before = tmp_db.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "en,Cooperation with the media,ro,Cooperarea cu mass-media,unofficial_translation,\n"
                   "en,Cooperation with the media,ro,Colaborarea cu presa,unofficial_translation,\n"
                   "en,Development of social services,xx,Dezvoltarea serviciilor,guess,\n", encoding="utf-8")
    report = translations.load(tmp_db, [bad])
    assert not report.ok
    where = {(p.row, p.column) for p in report.errors}
    assert where == {(3, "source_text"), (4, "lang"), (4, "origin")}
    assert all(str(p).startswith(f"{bad}::") for p in report.errors)
    assert tmp_db.read_bytes() == before


def test_a_wrong_header_is_refused(tmp_path, tmp_db):
    bad = tmp_path / "bad.csv"
    bad.write_text("english,romanian\nA,B\n", encoding="utf-8")
    report = translations.load(tmp_db, [bad])
    assert not report.ok and report.errors[0].row == 1 and not tmp_db.exists()
