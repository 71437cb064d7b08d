"""Filled entry templates in: the figures an office typed into LCApp's Excel template, as a preview.

`read_entry_template()` reads a filled template (`export/templates_xlsx.entry_template`, the
layout in `models/file_formats.py`) into a preview (new / changed / same, and every bad cell
named by sheet and address) without writing anything; the figures are validated exactly like
typed ones (`prepare_change`), text cells parsed as Vietnamese numbers, and a formula cell is
refused, never evaluated. The core's `sheet_preview.apply_preview()` writes the preview in one
transaction, only when it has no error.
"""

from __future__ import annotations

from pathlib import Path

from ..models.catalogue import catalogue
from ..models.errors import InputError
from ..models.figures import BASIS_LABELS, basis_column, prepare_change
from ..models.file_formats import BASIS, CODE, COMMENT, HEADER_SEARCH_ROWS, META_SHEET, NAME, VALUE, template_basis
from ..models.numbers import parse_number
from ..models.organisation import organisation
from ..models.periods import parse_month
from ..models.sheet_cells import formula_refusal, is_formula
from ..models.sheet_preview import Preview, PreviewItem
from ..models.store import Store
from ..models.text import nfc
from .workbook import open_workbook


def _read_meta(workbook) -> dict:
    if META_SHEET not in workbook.sheetnames:
        raise InputError("Tệp này không phải biểu mẫu nhập liệu của LCApp (thiếu phần thông tin biểu mẫu). "
                         "Hãy xuất biểu mẫu từ chương trình rồi điền vào đó.")
    meta = workbook[META_SHEET]
    formulas = [cell for row in meta.iter_rows() for cell in row if is_formula(cell)]
    if formulas:
        raise InputError(formula_refusal(formulas[0], f"{META_SHEET}!{formulas[0].coordinate}")
                         + " Tệp này không phải biểu mẫu do LCApp xuất.")
    return {str(row[0]): (None if row[1] is None else str(row[1]))
            for row in meta.iter_rows(values_only=True) if row and row[0]}


def _header(ws) -> tuple[int, dict[str, int]] | None:
    """The header row of a sheet (the row naming the code or indicator column) and its columns."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, HEADER_SEARCH_ROWS)):
        labels = {nfc(str(c.value)).strip(): c.column for c in row if isinstance(c.value, str)}
        if CODE in labels or NAME in labels:
            return row[0].row, labels
    return None


def _formula_errors(ws, row: int, columns: list[int]) -> list[str]:
    """A refusal for each cell of `row` in `columns` that holds a formula (imports read values only)."""
    return [formula_refusal(cell, f"{ws.title}!{cell.coordinate}")
            for column in columns if is_formula(cell := ws.cell(row=row, column=column))]


def _number_in(value, where: str, errors: list[str]) -> float | None:
    """A filled cell's number (Excel number or Vietnamese text); None when empty or bad."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        errors.append(f"{where}: “{value}” không phải là số.")
        return None
    if isinstance(value, str):
        try:
            return parse_number(value.strip())
        except InputError as error:
            errors.append(f"{where}: {error}")
            return None
    return float(value)


def read_entry_template(store: Store, path: str | Path) -> Preview:
    """Preview of a filled entry template; nothing is written."""
    workbook = open_workbook(path)
    meta = _read_meta(workbook)
    if meta.get("kind") != "figures":
        raise InputError("Tệp này là biểu mẫu kế hoạch, không phải biểu nhập số liệu: dùng lệnh “targets-import”.")
    cat, org = catalogue(store), organisation(store)
    period = parse_month(meta.get("period") or "")
    figure_unit, reporter = org.figure_unit(meta.get("unit") or "", period)
    entered = {row["indicator"]: row for row in store.query(
        "SELECT * FROM figures WHERE unit = ? AND month = ?", (figure_unit.code, period.start_key))}
    preview = Preview("figures", reporter.code, period.code)
    seen: dict[str, str] = {}  # indicator -> where it was first read
    for ws in workbook.worksheets:
        if ws.title == META_SHEET:
            continue
        found = _header(ws)
        if found is None or CODE not in found[1] or VALUE not in found[1]:
            preview.errors.append(f"{ws.title}: không thấy dòng tiêu đề có cột “{CODE}” và “{VALUE}”.")
            continue
        top, col = found
        for r in range(top + 1, ws.max_row + 1):
            formulas = _formula_errors(ws, r, [col[label] for label in (CODE, VALUE, COMMENT, BASIS) if label in col])
            if formulas:
                preview.errors.extend(formulas)
                continue
            code = ws.cell(row=r, column=col[CODE]).value
            if code is None or not str(code).strip():
                continue
            value_cell = ws.cell(row=r, column=col[VALUE])
            where = f"{ws.title}!{value_cell.coordinate}"
            value = _number_in(value_cell.value, where, preview.errors)
            comment = ws.cell(row=r, column=col[COMMENT]).value if COMMENT in col else None
            comment = None if comment is None else nfc(str(comment)).strip()
            try:
                ind = cat.indicator(str(code).strip())
            except InputError as error:
                preview.errors.append(f"{ws.title}!{ws.cell(row=r, column=col[CODE]).coordinate}: {error}")
                continue
            code_cell = f"{ws.title}!{ws.cell(row=r, column=col[CODE]).coordinate}"
            if ind.code in seen:
                preview.errors.append(f"{code_cell}: chỉ tiêu “{ind.code}” đã có ở {seen[ind.code]}; "
                                      "mỗi chỉ tiêu chỉ ghi một dòng.")
                continue
            seen[ind.code] = code_cell
            row = entered.get(ind.code)
            basis = template_basis(ind, row)
            if BASIS in col:
                shown = ws.cell(row=r, column=col[BASIS]).value
                chosen = {label: key for key, label in BASIS_LABELS.items() if key != "term"}.get(
                    nfc(str(shown)).strip().lower() if shown else "")
                if shown and chosen is None:
                    preview.errors.append(f"{ws.title}!{ws.cell(row=r, column=col[BASIS]).coordinate}: "
                                          f"cách nhập “{shown}” không hợp lệ (ghi “số tháng” hoặc “lũy kế”).")
                    continue
                basis = chosen or basis
            try:
                column = basis_column(ind, basis)
            except InputError as error:
                preview.errors.append(f"{where}: {error}")
                continue
            old_comment = row["comment"] if row else ""
            if comment == "" or comment == old_comment:
                comment = None
            if value is None and comment is None:
                continue
            try:
                change = prepare_change(cat, org, reporter.code, period, ind.code, value=value, basis=basis,
                                        comment=comment)
            except InputError as error:
                preview.errors.append(f"{where}: {error}")
                continue
            old = None if row is None else row[column]
            if value is None:
                status = "changed" if row is not None else "new"
            elif old is None:
                status = "new"
            else:
                status = "same" if old == value and comment is None else "changed"
            preview.items.append(PreviewItem(ws.title, value_cell.coordinate, ind.code, ind.name, old,
                                             value if value is not None else old, status, change))
    return preview
