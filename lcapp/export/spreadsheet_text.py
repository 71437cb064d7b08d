"""Text from users in spreadsheets: a string in every workbook, never a formula in a CSV.

Every workbook writer puts its cells through `set_cell()`: text (names, comments, notes,
settings, unit names) is stored as a string whatever it starts with, and only `Formula`
values, the formulas LCApp builds itself, become formulas. CSV fields are neutralised as
OWASP's "CSV Injection" page recommends (a field that starts with = + - @, a tab, a carriage
return or a line feed gets a leading single quote; every field is quoted) by
`models/file_formats.csv_field_out()`, and `csv_field_in()` there undoes exactly that, so a
round trip loses nothing.
"""

from __future__ import annotations

import re

from ..models.file_formats import FORMULA_TRIGGERS

EXCEL_MAX_CHARS = 32_767  # Excel's limit for one cell; openpyxl cuts longer text silently
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Formula(str):
    """A formula LCApp built itself: the only kind of string a workbook gets as a formula."""


def set_cell(cell, value):
    """Put `value` in an openpyxl cell: a `Formula` as a formula, any other text as a string."""
    if isinstance(value, Formula):
        cell.value = str(value)
        return cell
    if not isinstance(value, str):
        cell.value = value
        return cell
    # Characters XML cannot carry only come from data older than the input checks.
    text = _NOT_IN_XML.sub("\ufffd", value)
    if len(text) > EXCEL_MAX_CHARS:
        text = text[:EXCEL_MAX_CHARS - 1] + "…"
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise take a text starting with "=" for a formula
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel's own mark for "'=…": editing the cell keeps it text
    return cell
