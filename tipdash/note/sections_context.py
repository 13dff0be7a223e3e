"""The national context paragraph of the note: the year's national figure of victims identified
(police data, as published, with its source) and why it differs from the commissions' victims or
presumed victims. Published national totals and rates: shown as published, not suppressed."""
from __future__ import annotations

from tipdash import i18n, indicators
from tipdash.i18n.formats import published
from tipdash.note.builder import NoteBuilder
from tipdash.note.model import Heading, Paragraph


def national_context(b: NoteBuilder) -> None:
    """Nothing when no national figure is published for the note's year."""
    series = indicators.national_series(b.store)
    year = series[(series["year"] == b.year) & (series["breakdown"] == "total")]
    if year.empty:
        return
    lang = b.lang
    sentences = []
    for indicator, key in (("victims_identified", "context.count"), ("victims_identified_rate", "context.rate")):
        for r in year[year["indicator"] == indicator].to_dict("records"):
            source = i18n.t_or(f"series.source.{r['source']}", r["source"], lang)
            sentences.append(b.t(key, value=published(r["value_text"], lang), source=source, year=b.year))
    if not sentences:
        return
    if b.national_value("victims")[0] is not None:
        sentences.append(b.t("context.different", n=b.victims_total()))
    else:
        sentences.append(b.t("context.different_no_figure"))
    b.add(Heading(2, b.t("h.context")), Paragraph(" ".join(sentences)))
