"""The layouts of the files LCApp writes and reads back, in one place for both sides.

`export/` writes these files and `intake/` reads them; each takes the column names, sheet
names and escapes from here, so a writer and its reader cannot drift apart:

- the interchange CSV: its columns, machine numbers (`1931.5`), and the OWASP escape of text
  fields (a leading quote before = + - @ tab CR LF, or before a quote; `csv_field_in` undoes
  exactly that);
- LCApp JSON (dataValueSets-shaped): which key holds which field;
- the Excel templates that come back: the very hidden information sheet, the header row and its
  column names, and how a template row's figure is filled (month or year-to-date).
"""

from __future__ import annotations

import re

from .figures import basis_column

# -- the interchange CSV -------------------------------------------------------------------
CSV_HEADER = ["indicator", "unit", "period", "value", "comment", "basis", "status"]
MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")  # OWASP, CSV Injection
CSV_ESCAPE = "'"


def machine_number(value: float) -> str:
    """A value as the interchange files carry it: 1931.5, 5 (never 5.0, never grouped)."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text


def csv_field_out(text: str) -> str:
    """A CSV field no spreadsheet runs: a leading quote before = + - @ tab CR LF, or before a quote."""
    return CSV_ESCAPE + text if text.startswith(FORMULA_TRIGGERS + (CSV_ESCAPE,)) else text


def csv_field_in(text: str) -> str:
    """The text `csv_field_out()` was given (a hand-made field such as "'abc" stays as it is)."""
    if text.startswith(CSV_ESCAPE) and text[1:].startswith(FORMULA_TRIGGERS + (CSV_ESCAPE,)):
        return text[1:]
    return text


# -- LCApp JSON ----------------------------------------------------------------------------
# dataValueSets key -> our record's field (the basis and status in the option combos' places), in
# the order the file writes them; `storedBy`, `lastUpdated` and `followup` follow, not read back.
LCAPP_JSON_FIELDS = {"dataElement": "indicator", "period": "period", "orgUnit": "unit", "value": "value",
                     "categoryOptionCombo": "basis", "attributeOptionCombo": "status", "comment": "comment"}

# -- Excel templates -----------------------------------------------------------------------
META_SHEET = "lcapp"  # the very hidden sheet of LCApp's own templates: kind, version, unit, period
TEMPLATE_VERSION = "1"
HEADER_ROW = 4  # the row of column names in the templates LCApp writes
HEADER_SEARCH_ROWS = 15  # how far down a reader looks for the header row of a sheet from elsewhere
CODE, NAME, DVT, BASIS, VALUE, COMMENT = "Mã", "Chỉ tiêu", "ĐVT", "Cách nhập", "Số liệu", "Ghi chú"


def template_basis(ind, row) -> str:
    """How a figure is filled in an entry template: as it was entered for this month, else as the
    catalogue says (`row`: the stored figure or None)."""
    if ind.kind != "flow":
        return "month"
    if row is not None:
        for basis in ("month", "ytd"):
            if row[basis_column(ind, basis)] is not None:
                return basis
    return "ytd" if ind.entry == "ytd" else "month"
