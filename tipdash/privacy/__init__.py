"""The only place small victim counts are suppressed.

Rule: one protected base per year. The year's victim cells (unit x sex x age group x
exploitation x status, national level = unit 'MD') give a few published *lines*, all summing to
the national total T: victims per unit, and victims by sex, by age group, by exploitation, by
status. Counts 1..threshold-1 show "<5" (primary); complementary cells, the smallest non-zero
first, show "x" until every suppressed cell keeps at least 2 possible values given T and the
line (exact interval check; if no cell is left, T is suppressed). If T itself is <5, only T is
shown ("<5") and every other cell of the year is "x". Every other figure (a unit subset, a
unit's breakdown, a cross-tabulation, a change) is shown only when it follows from figures of
the base, else "x", so no combination of views says more than the base.
DataFrames from tipdash.indicators carry their year's cells in ``df.attrs["tipdash.victims"]``;
``protect_units``/``protect_breakdown``/``protect_national`` label them from that base. A frame
without it is protected as one table on its own (safe for that table alone).

Across years (``history``: ``protect_unit_years``, ``protect_year_totals``) every cell is read
from its own year's base (``df.attrs["tipdash.victims_years"]``), so the district x year table
and a unit's chart over the years say what that year's map says. Published national statistics
(format C: national totals and rates the sources print themselves) are not counts by district
and are not suppressed.

Modules: ``lines`` (threshold, labels, the suppression of lines sharing a total),
``victim_base`` (the protected base of a year, and every figure read from it), ``frames`` (the
contract functions below, on DataFrames), ``history`` (the same across years).
"""
from tipdash.privacy.frames import (protect_assistance, protect_breakdown, protect_national,
                                    protect_units)
from tipdash.privacy.history import ATTR_YEARS, protect_unit_years, protect_year_totals
from tipdash.privacy.lines import (ATTR, ATTR_PREV, DIMS, ENV, PRIMARY, PUB, SECOND, SECONDARY, TOTAL_ATTR,
                                   WITHHELD, is_suppressed, label, protect_lines, protect_value, threshold)
from tipdash.privacy.victim_base import Figure, VictimBase, base, cells_key

__all__ = ["threshold", "label", "protect_value", "is_suppressed", "protect_units", "protect_breakdown",
           "protect_national", "protect_assistance", "protect_lines", "base", "cells_key", "VictimBase", "Figure",
           "ENV", "SECONDARY", "DIMS", "ATTR", "ATTR_PREV", "TOTAL_ATTR", "PUB", "PRIMARY", "SECOND", "WITHHELD",
           "protect_unit_years", "protect_year_totals", "ATTR_YEARS"]
