"""The note's national context paragraph: the year's national figures as published, with their
source, said to be a different measure from the commissions' victims or presumed victims."""
from __future__ import annotations

import pytest

from tests.fixtures_db import build_2022
from tipdash import ingest, note, store

PARAGRAPH = {
    "en": ("National context", "was 150 (US Trafficking in Persons Report 2023)", "6.1 identified victims per 100,000",
           "different measure", "(27; section III)"),
    "ro": ("Contextul național", "a fost de 150 (Raportul SUA privind traficul de persoane 2023)", "de 6,1 la 100 000",
           "măsură diferită", "(27; secțiunea III)"),
    "ru": ("Национальный контекст", "составило 150 (Доклад США о торговле людьми 2023)", "показатель 6,1 выявленных",
           "иная мера", "(27; раздел III)"),
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("ctx") / "tipdash.duckdb"
    report = ingest.init_db(path)
    assert report.ok, report
    return store.Store(path)


@pytest.mark.parametrize("lang", ["ro", "en", "ru"])
def test_2022_note_cites_the_national_figure_as_a_different_measure(seeded, lang):
    text = note.render(seeded, 2022, fmt="md", lang=lang).decode("utf-8")
    heading, count, rate, different, commissions = PARAGRAPH[lang]
    section = text.split(f"### {heading}", 1)[1].split("\n#", 1)[0]
    for part in (count, rate, different, commissions):
        assert part in section, (lang, part, section)
    # after section III's victims, before IV
    assert text.index(f"### {heading}") < text.index("IV.")


def test_no_paragraph_without_national_figures(tmp_path):
    st = store.Store(build_2022(tmp_path / "plain.duckdb"))    # a database with no national series
    text = note.render(st, 2022, fmt="md", lang="en").decode("utf-8")
    assert "National context" not in text
