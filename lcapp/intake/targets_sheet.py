"""Targets sheets in: an Excel file of targets, read from outside for the core's one targets rule.

The file is opened bounded and checked (`workbook.open_workbook`), a formula cell anywhere
refuses the file (formulas are never evaluated, nor their stored results read), and the
sheets' cell values go to `models/target_import.preview_targets`, which decides what they
mean. The window's targets dialog ("Nhập từ Excel…") and `targets-import` both call
`read_targets_sheet`, so a sheet is read one way: a "Ghi chú" column, for example, is the note
of the targets on its row on both paths.
"""

from __future__ import annotations

from pathlib import Path

from ..models.errors import InputError
from ..models.file_formats import META_SHEET
from ..models.limits import errors_summary
from ..models.sheet_cells import formula_refusal, is_formula
from ..models.sheet_preview import Preview
from ..models.store import Store
from ..models.target_import import preview_targets
from .workbook import open_workbook


def read_workbook(path: str | Path) -> tuple[dict, list[tuple[str, list[list]]]]:
    """The template information (if any) and every other sheet's rows of an .xlsx file."""
    book = open_workbook(path, read_only=True)
    try:
        meta, sheets, formulas = {}, [], []
        for ws in book.worksheets:
            cells = [list(r) for r in ws.iter_rows()]
            # formulas as formulas, never the results Excel stored: a cell holding one is refused
            formulas += [formula_refusal(cell, f"{ws.title}!{cell.coordinate}") for row in cells for cell in row
                         if is_formula(cell)]
            rows = [[cell.value for cell in row] for row in cells]
            if ws.title == META_SHEET:
                meta = {str(r[0]): (None if len(r) < 2 or r[1] is None else str(r[1])) for r in rows if r and r[0]}
            else:
                sheets.append((ws.title, rows))
    finally:
        book.close()
    if formulas:
        raise InputError(f"Không nhập trang tính ({len(formulas)} ô có công thức, chưa ghi gì): "
                         f"{errors_summary(formulas, separator=' ')}")
    return meta, sheets


def read_targets_sheet(store: Store, path: str | Path, *, unit: str | None = None,
                       period: str | None = None) -> Preview:
    """Preview of the targets in an .xlsx file (see the module's rules); nothing is written."""
    meta, sheets = read_workbook(path)
    return preview_targets(store, sheets, meta=meta, unit=unit, period=period)
