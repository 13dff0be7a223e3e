"""The annual informative note (tipdash/note/).

The 2022 note generated from the seed must reproduce the facts of the State Chancellery's
note (data/sources/informative_note_2022_en.md) exactly.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_report_workbook, make_summary_csv, report_sheets
from tipdash import i18n, note, store
from tipdash.i18n import formats
from tipdash.note import md as note_md
from tipdash.note.text import plural

ROOT = Path(__file__).resolve().parents[2]

# The seed's facts, by ISO code.
SESSION_GROUPS = {
    1: {"MD-CT", "MD-CR", "MD-RI", "MD-CL"},
    2: {"MD-BS", "MD-CU", "MD-DU", "MD-OR", "MD-SV", "MD-ST", "MD-TE"},
    3: {"MD-DR"},
    4: {"MD-CM", "MD-SD"},
}
NO_MEETING = {"MD-BA", "MD-CA", "MD-CS", "MD-DO", "MD-ED", "MD-FA", "MD-FL", "MD-GL", "MD-LE", "MD-RE",
              "MD-SI", "MD-SO", "MD-TA", "MD-UN"}
NOT_REPORTED = {"MD-AN", "MD-BR", "MD-GA", "MD-HI", "MD-IA", "MD-NI", "MD-OC"}
AROUND = {"en": "Around 500", "ro": "circa 500 de", "ru": "около 500"}
WORKSHOPS = {"en": ("5 workshops", "4 workshops"), "ro": ("5 ateliere", "4 ateliere"),
             "ru": ("5 семинаров", "4 семинара")}


def _build_2022(path: Path) -> None:
    """The real path, always: ``tipdash init`` on data/seed and data/translations (a fallback to a
    fixture once hid a broken init)."""
    from tipdash import ingest

    report = ingest.init_db(path)
    assert report.ok, "\n".join(map(str, report.problems))


@pytest.fixture(scope="module")
def db2022(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("note") / "tipdash.duckdb"
    _build_2022(path)
    return path


@pytest.fixture(scope="module")
def st(db2022):
    return store.Store(db2022)


@pytest.fixture(scope="module")
def md(st):
    return {lang: note.render(st, 2022, fmt="md", lang=lang).decode("utf-8") for lang in i18n.LANGS}


def names(codes, lang):
    return {i18n.unit_name(c, lang) for c in codes}


def split_names(text: str) -> list[str]:
    return [n.strip() for n in text.rstrip(".").split(", ")]


def session_table(text: str, lang: str) -> dict[int, list[str]]:
    """{sessions: [commission names in order]} from the Markdown table of section I."""
    head = f"| {i18n.t('note.sessions.col_sessions', lang)} | {i18n.t('note.sessions.col_commission', lang)} |"
    lines = text.splitlines()
    start = lines.index(head) + 2
    groups = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        label, cell = [c.strip() for c in line.strip("|").split("|")]
        groups[int(re.match(r"\d+", label).group())] = split_names(cell)
    return groups


def names_after(text: str, marker: str) -> list[str]:
    """The comma-separated names after ': ' on the line that contains ``marker``."""
    line = next(line for line in text.splitlines() if marker in line)
    return split_names(line.split(": ", 1)[1])


# ------------------------------------------------------------------------------ 2022 facts

@pytest.mark.parametrize("lang", i18n.LANGS)
def test_2022_sessions_table_reproduces_the_seed(md, lang):
    groups = session_table(md[lang], lang)
    assert {k: set(v) for k, v in groups.items()} == {k: names(v, lang) for k, v in SESSION_GROUPS.items()}
    for members in groups.values():  # in the alphabet of the note's language
        assert members == sorted(members, key=lambda n: formats.collation_key(n, lang))


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_2022_no_meeting_and_not_reported_lists(md, lang):
    text = md[lang]
    marker = {"en": "did not have any meetings", "ro": "nu s-au întrunit în nicio ședință",
              "ru": "не провели ни одного заседания"}[lang]
    no_meeting = names_after(text, marker)
    assert set(no_meeting) == names(NO_MEETING, lang) and len(no_meeting) == 14
    assert no_meeting == sorted(no_meeting, key=lambda n: formats.collation_key(n, lang))
    assert next(line for line in text.splitlines() if marker in line).startswith("14 ")
    marker = {"en": "did not provide relevant information", "ro": "nu au prezentat informații relevante",
              "ru": "не представили соответствующую информацию"}[lang]
    missing = names_after(text, marker)
    assert set(missing) == names(NOT_REPORTED, lang)
    assert next(line for line in text.splitlines() if marker in line).startswith("7 ")
    intro = {"en": "28 administrative-territorial units (ATU) out of the 35",
             "ro": "28 de unități administrativ-teritoriale (UAT) din totalul de 35",
             "ru": "28 административно-территориальных единиц (АТЕ) из 35"}[lang]
    assert intro in text and {"en": "(80%)", "ro": "(80\u00a0%)", "ru": "(80\u00a0%)"}[lang] in text
    inferred = {"en": "the names above are inferred", "ro": "denumirile de mai sus sunt deduse",
                "ru": "названия выше определены косвенно"}[lang]
    assert inferred in text


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_2022_prevention_victims_and_lists(md, lang):
    text = md[lang]
    assert AROUND[lang] in text  # approximate figure stays approximate
    five, four = WORKSHOPS[lang]
    training_lines = [line for line in text.splitlines() if five in line or four in line]
    assert len(training_lines) == 2
    assert "125" in next(line for line in training_lines if five in line)
    month = {"en": ("July–October 2022", "October–December 2022"),
             "ro": ("Iulie–octombrie 2022", "Octombrie–decembrie 2022"),
             "ru": ("Июль–октябрь 2022 г.", "Октябрь–декабрь 2022 г.")}[lang]
    assert training_lines[0].startswith(f"- {month[0]}") and training_lines[1].startswith(f"- {month[1]}")
    victims = {"en": "identified: 27.", "ro": "identificate: 27.", "ru": "торговли людьми: 27."}[lang]
    assert victims in text
    ngos = {"en": ('AO "Artemida"', 'AO "Lădița cu lemne"', "CCF - Moldova", 'JSC "DIACONIA"'),
            "ro": ("AO „Artemida”", "AO „CCF Moldova – Copil, Comunitate, Familie”", "Misiunea Socială „Diaconia”",
                   'AO "Honor and Rights of Contemporary Women" (text în limba engleză, conform sursei)'),
            "ru": ("ОО «Artemida»", "Misiunea Socială «Diaconia»",
                   'AO "Honor and Rights of Contemporary Women" (текст на английском языке, по источнику)')}[lang]
    for ngo in ngos:
        assert f"- {ngo}\n" in text  # registered names; a name nobody verified stays as the source writes it
    media = {"en": "Cooperation with the media", "ro": "Cooperarea cu mass-media", "ru": "Сотрудничество со СМИ"}
    assert f"- {media[lang]}\n" in text
    campaign = {"en": "Fighting TIP Week (17–23 October 2022)",
                "ro": "Săptămâna de luptă împotriva traficului de ființe umane (17–23 octombrie 2022)",
                "ru": "Неделя борьбы с торговлей людьми (17–23 октября 2022 г.)"}[lang]
    assert f"- {campaign}" in text


def test_2022_english_reads_like_the_seed(md):
    text = md["en"]
    assert text.startswith("# INFORMATIVE NOTE\n")
    for heading in ("## Introduction", "## I. The activity of the territorial commissions",
                    "## II. Prevention of trafficking in human beings", "## IV. Challenges and needs",
                    "## V. Conclusions", "## Annex. Indicators by territorial commission", "### Data sources"):
        assert heading in text
    assert "| 1 session | Călărași, Cantemir, Criuleni, Rîșcani |" in text
    assert "**Around 500 information activities were carried out.**" in text
    assert "In total: 9 workshops; participants reported: 125" in text
    assert ("- Of the 35 territorial commissions, 28 (80%) provided information for 2022; "
            "7 did not provide relevant information.") in text
    assert "14 (50%) held at least one meeting, 29 sessions in total; 14 held none" in text
    assert "No data for 2021 have been imported" in text


def test_romanian_official_spelling_and_grammar(md):
    text = md["ro"]
    assert "| 1 ședință | Cantemir, Călărași, Criuleni, Rîșcani |" in text   # Romanian alphabet: a < ă
    assert ("| 2 ședințe | Basarabeasca, Chișinău, Dubăsari, Orhei, Strășeni, Ștefan Vodă, Telenești |"
            in text)                                                           # s < ș
    assert "| 4 ședințe | Cimișlia, Șoldănești |" in text
    assert "Bălți" in text and "Rîscani" not in text and "Basarabasca" not in text
    assert not set("şţŞŢ") & set(text)  # comma-below only
    assert "În total: 29 de ședințe, desfășurate de 14 comisii teritoriale." in text
    assert "neraportat" in text


def test_every_note_key_resolves(md):
    for lang, text in md.items():
        assert "note." not in text, lang  # a missing key would show as itself
    for lang in i18n.LANGS:
        for key in (k for k in i18n.catalogue("en") if k.startswith("note.")):
            assert key in i18n.catalogue(lang), (lang, key)


def test_annex_has_every_unit_and_the_sources(md, st):
    for lang, text in md.items():
        lines = text.splitlines()
        head = next(i for i, line in enumerate(lines)
                    if line.startswith(f"| {i18n.t('note.annex.col_unit', lang)} |"))
        rows = []
        for line in lines[head + 2:]:
            if not line.startswith("|"):
                break
            rows.append([c.strip() for c in line.strip("|").split("|")])
        assert len(rows) == 35
        from tipdash import units

        assert {r[0] for r in rows} == {i18n.unit_name(u.code, lang) for u in units.commission_units()}
        assert [r[0] for r in rows] == sorted((r[0] for r in rows), key=lambda n: formats.collation_key(n, lang))
        nr = i18n.t("note.not_reported", lang)
        cantemir = next(r for r in rows if r[0] == i18n.unit_name("MD-CT", lang))
        assert cantemir[2] == "1" and cantemir[3] == nr  # sessions given, the rest blank = not reported
        assert "2022_national.xlsx" in text and "2022_summary.csv" in text
    imported = store.history(st)["imported_at"].max()
    assert imported.strftime("%Y-%m-%d %H:%M") in md["en"]


# ------------------------------------------------------------------------------ formats

def test_docx_opens_and_holds_the_session_table(st):
    import docx

    data = note.render(st, 2022, fmt="docx", lang="ro")
    d = docx.Document(io.BytesIO(data))
    first = d.tables[0]
    cells = [[c.text for c in row.cells] for row in first.rows]
    assert cells[0] == ["Numărul de ședințe", "Comisia teritorială"]
    assert cells[1] == ["1 ședință", "Cantemir, Călărași, Criuleni, Rîșcani"]
    assert cells[4] == ["4 ședințe", "Cimișlia, Șoldănești"]
    assert any(len(t.rows) == 36 for t in d.tables)  # annex: header + 35 units
    assert d.paragraphs[0].text == "NOTĂ INFORMATIVĂ"
    assert any(p.style.name == "List Bullet" for p in d.paragraphs)
    assert d.sections[-1].page_width > d.sections[-1].page_height  # annex in landscape


def _require(tool: str) -> str:
    """The poppler tool; missing is a failure, never a silent skip (`make test` installs it)."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: run tools/system-deps.sh test pdftoppm:poppler-utils (or make test)")
    return path


@pytest.mark.parametrize("lang", ["ro", "ru"])
def test_pdf_renders_with_bundled_fonts(st, tmp_path, lang):
    data = note.render(st, 2022, fmt="pdf", lang=lang)
    assert data.startswith(b"%PDF-")
    assert b"DejaVuSans" in data  # embedded, not a system font
    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(data)
    _require("pdftoppm")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True, timeout=60)
    png = next(tmp_path.glob("p*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True, timeout=60).stdout
        expected = {"ro": ["Ștefan Vodă", "Călărași", "NOTĂ INFORMATIVĂ", "circa 500 de"],
                    "ru": ["Штефан Водэ", "ИНФОРМАЦИОННАЯ ЗАПИСКА", "около 500"]}[lang]
        for word in expected:
            assert word in text, word


def test_same_data_give_the_same_bytes(st):
    for fmt in ("docx", "pdf"):
        assert note.render(st, 2022, fmt=fmt, lang="en") == note.render(st, 2022, fmt=fmt, lang="en"), fmt


def test_fonts_and_licence_are_bundled():
    fonts = ROOT / "tipdash" / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert (fonts / name).stat().st_size > 100_000
    assert "Bitstream" in (fonts / "LICENSE").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------ errors, CLI

def test_year_without_data_raises_nodata(st):
    with pytest.raises(note.NoData, match=r"^No data for 2019: nothing imported for that year$"):
        note.render(st, 2019, fmt="md", lang="en")
    try:
        note.render(st, 2019, fmt="pdf", lang="ro")
    except note.NoData as exc:
        assert exc.year == 2019 and exc.message("ro").startswith("Nu există date pentru 2019")
    with pytest.raises(ValueError):
        note.render(st, 2022, fmt="html")
    with pytest.raises(ValueError):
        note.render(st, 2022, lang="fr")


def test_cli_note(db2022, tmp_path):
    out = tmp_path / "note_en.md"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tipdash", "note", "--year", "2022", "--format", "md", "--lang", "en",
           "--db", str(db2022), "--out", str(out)]
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "wrote" in res.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# INFORMATIVE NOTE") and "Around 500" in text
    cmd[cmd.index("2022")] = "2019"
    res = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "No data for 2019: nothing imported for that year" in res.stderr


# ------------------------------------------------------------------------------ helpers

def test_collation_ignores_diacritics():
    got = sorted(["Ștefan Vodă", "Strășeni", "Soroca", "Călărași", "Cantemir", "Cahul", "Șoldănești",
                  "Sîngerei"], key=formats.collation_key)
    assert got == ["Cahul", "Călărași", "Cantemir", "Sîngerei", "Șoldănești", "Soroca", "Ștefan Vodă",
                   "Strășeni"]


@pytest.mark.parametrize("lang,n,expected", [
    ("ro", 1, "1 ședință"), ("ro", 2, "2 ședințe"), ("ro", 19, "19 ședințe"), ("ro", 20, "20 de ședințe"),
    ("ro", 101, "101 ședințe"), ("ro", 120, "120 de ședințe"), ("ro", 0, "0 ședințe"),
    ("ru", 1, "1 заседание"), ("ru", 3, "3 заседания"), ("ru", 5, "5 заседаний"), ("ru", 11, "11 заседаний"),
    ("ru", 21, "21 заседание"), ("ru", 1234, "1\u00a0234 заседания"),
    ("en", 1, "1 session"), ("en", 2, "2 sessions"), ("en", 1000, "1,000 sessions"),
])
def test_plurals(lang, n, expected):
    assert plural("session", n, lang) == expected


def test_periods():
    assert formats.period("2022-07-01", "2022-10-31", "en") == "July–October 2022"
    assert formats.period("2022-10-01", "2022-10-31", "ro") == "octombrie 2022"
    assert formats.period("2022-10-17", "2022-10-23", "ru") == "17–23 октября 2022 г."
    assert formats.period("2022-09-28", "2022-10-04", "en") == "28 September – 4 October 2022"
    assert formats.period("2022-12-20", "2023-01-10", "ro") == "20 decembrie 2022 – 10 ianuarie 2023"
    assert formats.period("2022-05-10", None, "en") == "from 10 May 2022"
    assert formats.period(None, None, "en") == "dates not reported"


def test_markdown_escaping_keeps_free_text_literal():
    esc = note_md.md_escape
    assert esc("2022_national.xlsx") == "2022_national.xlsx"
    assert esc("*bold* [link]") == r"\*bold\* \[link\]"
    assert esc("1. first") == r"1\. first" and esc("- dash") == r"\- dash"
    assert esc("a|b", table=True) == r"a\|b"


# ------------------------------------------------------------------------------ a second year

@pytest.fixture(scope="module")
def db2023(tmp_path_factory):
    """2022 seed + 2023: full reports from Cahul and Bălți (small victim counts, categories) and a
    summary for the other units."""
    from tipdash import ingest

    tmp = tmp_path_factory.mktemp("note2023")
    path = tmp / "tipdash.duckdb"
    _build_2022(path)
    files = []
    for i, unit in enumerate(["Cahul", "Bălți"]):
        sheets = report_sheets(unit, 2023, variant=i)
        sheets["Commission"].append(["Language", "en"])          # these test reports are written in English
        files.append(make_report_workbook(tmp, name=f"r{i}.xlsx", **sheets))
    files.append(make_summary_csv(tmp, [["Cantemir", 2023, "yes", 3, None, None, None, None, None, None],
                                        ["Ungheni", 2023, "no", None, None, None, None, None, None, None]]))
    report = ingest.import_paths(files, path, user="test")
    assert report.ok, [str(p) for p in report.problems]
    return path


def test_second_year_change_privacy_and_categories(db2023):
    st = store.Store(db2023)
    text = note.render(st, 2023, fmt="md", lang="en").decode("utf-8")
    assert "Compared with 2022:" in text
    assert "commissions that reported: 3 (against 28;" in text
    # Cahul 3+1 and Bălți 3+2 victims: no count below the threshold is shown
    victims_line = next(line for line in text.splitlines() if "presumed victims of trafficking identified" in line)
    assert "9" in victims_line
    annex = text[text.index("## Annex"):]
    cahul = next(line for line in annex.splitlines() if line.startswith("| Cahul |"))
    assert "| 4 |" not in cahul
    # challenges grouped by their category, topics and partners with the reporting units
    assert "**resources**" in text
    assert "- Lack of informative materials (Bălți, Cahul)" in text
    assert "- Labour migration (Bălți, Cahul)" in text
    assert "- La Strada (Bălți, Cahul)" in text
    assert "Fighting TIP Week (17–23 October 2023); activities linked to the campaign: 2 (Bălți, Cahul)" in text
    assert ("- 10–11 May 2023: 2 workshops on “Identifying victims”; participants: 16; organised by: La Strada; "
            "commissions: Bălți, Cahul.") in text
    assert "around 43 (against around 500; around −457)" in text  # approximate stays approximate
    for fmt in ("docx", "pdf"):
        assert note.render(st, 2023, fmt=fmt, lang="ru")


def test_free_text_of_another_language_is_marked_as_the_source_wrote_it(db2023):
    """The 2023 reports are in English: the Romanian note keeps their text, saying so."""
    text = note.render(store.Store(db2023), 2023, fmt="md", lang="ro").decode("utf-8")
    assert "**resources (text în limba engleză, conform sursei)**\n\n- Lack of informative materials (Bălți, Cahul)\n" \
        in text
    text = note.render(store.Store(db2023), 2023, fmt="md", lang="en").decode("utf-8")
    assert "(text in" not in text and "unofficial translation" not in text


# ------------------------------------------------------------------------------ what the note may claim

CONCLUSIONS_HEADINGS = {
    "en": ("### Conclusions stated in the source (State Chancellery, Directorate of human rights and cooperation "
           "with civil society)", "### Figures computed by tipdash"),
    "ro": ("### Concluziile formulate în sursă (Cancelaria de Stat, Direcția drepturile omului și cooperare cu "
           "societatea civilă)", "### Cifre calculate de tipdash"),
    "ru": ("### Выводы, сформулированные в источнике (Государственная канцелярия, Управление по правам человека и "
           "сотрудничеству с гражданским обществом; неофициальный перевод)", "### Показатели, рассчитанные tipdash"),
}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_two_conclusions_sections(md, lang):
    """The State Chancellery's five conclusions under their own heading, then tipdash's computed
    observations under a heading that says so; no completeness figure, no challenges count (C2, M5, M6)."""
    text = md[lang]
    stated, computed = CONCLUSIONS_HEADINGS[lang]
    assert text.index(stated) < text.index(computed) < text.index("## " + i18n.t("note.h.annex", lang))
    block = text[text.index(stated):text.index(computed)]
    bullets = [line for line in block.splitlines() if line.startswith("- ")]
    assert len(bullets) == 5
    first = {"en": "- A comprehensive analysis of the situation at the local level",
             "ro": "- O analiză cuprinzătoare a situației la nivel local",
             "ru": "- Всесторонний анализ ситуации на местном уровне"}[lang]
    assert bullets[0].startswith(first)
    if lang != "en":
        assert i18n.t("content.unofficial", lang) + ":" in block            # said once, in the lead
    computed_block = text[text.index(computed):text.index("## " + i18n.t("note.h.annex", lang))]
    assert i18n.t("note.computed.lead", lang) in computed_block
    assert i18n.t("note.concl.completeness_na", lang, year=2022) in computed_block
    for wrong in ("14%", "14\u00a0%", "0 of 28", "0 din 28", "0 из 28", "(section IV)", "(secțiunea IV)",
                  "(раздел IV)"):
        assert wrong not in text, wrong


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_target_group_breakdown_and_the_context_is_kept(md, lang):
    """The ~500 activities have no target group in the source: no "by target group" list (M3);
    the introduction keeps the note's context (Action Plan 2021-2022, Strategy 2018-2023)."""
    text = md[lang]
    assert i18n.t("note.target.lead", lang) not in text
    assert i18n.vocab_label("target_group", "general_public", lang) + ":" not in text
    intro = text[:text.index("## I.")]
    assert "2021-2022" in intro and "2018-2023" in intro
    assert i18n.t("note.intro.context_lead", lang, source="")[:12] in intro


def test_the_seed_has_no_invented_target_group_or_days(st):
    from tipdash import indicators

    acts = indicators.activities(st, 2022, 2022)
    assert acts["target_group"].isna().all() and acts["description"].str.contains("students").all()
    per = indicators.periods(st, 2022, 2022)
    trainings = per[per["kind"] == "training"]
    assert (trainings[["start_date_precision", "end_date_precision"]] == "month").all().all()
