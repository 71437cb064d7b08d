"""The annex workbook (biểu phụ lục): Biểu 01-05 of a unit and period as an Excel file ready to print.

The rows come from `tables.py` (shared with the PDF report); this module only lays them
out: title block from the unit's document profile, merged two-level headers, Times New Roman,
borders, number formats with each row's shared decimals (percents: the `percent_decimals`
setting), A4 landscape fitted to one page wide with the header rows repeated, page numbers
counted from 1 on every sheet and the signer's block (the unit's document profile for the
period, `documents.document_profile`). Percents,
totals and derived figures are live formulas wrapped so that a missing or zero plan
shows blank, and the workbook asks Excel and LibreOffice to recalculate on opening.
A formula is written only where it gives exactly what `progress()` computed from the
cells on the sheet; otherwise the computed value is written.
"""

from __future__ import annotations

import math
import re
import zipfile
from copy import copy
from io import BytesIO
from xml.sax.saxutils import escape
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from ..models.catalogue import catalogue
from ..models.documents import document_profile
from ..models.errors import InputError
from ..models.numbers import format_number, round_percent
from ..models.organisation import KIND_LABELS, organisation
from ..models.periods import Period, parse_period
from ..models.period_state import period_state
from ..models.progress import PLAN_SOURCE, percent_of_target
from ..models.store import Store
from ..models.targets import Target
from .spreadsheet_text import Formula, set_cell
from .tables import (AnnexRow, AnnexTable, TermTable, UnitPlanCell, UnitPlanTable, UnitTable, attached_line,
                     table_01, table_02, table_03, table_04, table_05)

FONT_NAME = "Times New Roman"
BODY_SIZE = 12
MAX_ROW_HEIGHT = 409  # points: Excel refuses a taller row
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BORDERS = {"box": BOX, "start": Border(left=THIN, top=THIN, bottom=THIN), "inner": Border(top=THIN, bottom=THIN),
           "end": Border(top=THIN, bottom=THIN, right=THIN)}
SHEET_TITLES = {
    "01": "KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU",
    "02": "KẾT QUẢ THỰC HIỆN MỘT SỐ CHỈ TIÊU CHỦ YẾU THEO ĐƠN VỊ",
    "03": "KẾT QUẢ THU, CHI NGÂN SÁCH ĐỊA PHƯƠNG",
    "04": "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU NGHỊ QUYẾT NHIỆM KỲ",
    "05": "KẾT QUẢ MỘT SỐ CHỈ TIÊU CHỦ YẾU CỦA CÁC ĐƠN VỊ SO VỚI KẾ HOẠCH CỦA TỪNG ĐƠN VỊ",
}
ProgressCallback = Callable[[int, int, str], None]


def number_format(decimals: int) -> str:
    """Excel format with thousands grouping and `decimals` places (locale-neutral code)."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _font(bold=False, italic=False, size=BODY_SIZE) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


@dataclass
class Column:
    key: str
    label: str
    width: float
    group: str | None = None


# -- formulas ---------------------------------------------------------------------------------
def _blank_unless(condition_refs: list[str], expression: str) -> str:
    """`expression`, or blank when one of the cells is empty or the expression fails."""
    tests = ",".join(f'{ref}=""' for ref in condition_refs)
    return Formula(f'=IFERROR(IF(OR({tests}),"",{expression}),"")')


def percent_formula(quantity: str, plan: str, target: Target | None, direction: str) -> str:
    """`progress.percent_of_target` as an Excel formula over the cells `quantity` and `plan` (a
    range target's bounds are written into the formula): blank where the rule gives None. The
    one formula of the rule; tests/test_percent_formula.py has LibreOffice prove them equal."""
    if target is not None and target.is_range:
        low, high = repr(float(target.low)), repr(float(target.high))
        return Formula(f'=IFERROR(IF({quantity}="","",IF(AND({quantity}>={low},{quantity}<={high}),100,'
                       f'IF({quantity}>{high},IF({quantity}=0,"",{high}/{quantity}*100),'
                       f'IF({low}=0,"",{quantity}/{low}*100)))),"")')
    if direction == "down":
        return _blank_unless([quantity, plan], f"IF({quantity}=0,\"\",{plan}/{quantity}*100)")
    return _blank_unless([quantity, plan], f"IF({plan}=0,\"\",{quantity}/{plan}*100)")


def formula_gives(quantity, plan, target: Target | None, direction: str) -> float | None:
    """What `percent_formula` shows for these cell values: the Python rule itself, over a target
    made of the plan cell (or the range in the formula); None where a cell is blank."""
    if quantity is None:
        return None
    if target is None:
        if plan is None:
            return None
        target = Target("", None, "", plan, None, None, False, "")
    return percent_of_target(quantity, target, direction)[0]


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def excel_expression(formula_text: str, refs: dict[str, str]) -> str | None:
    """A catalogue formula with indicator codes replaced by cell references (None if one is missing)."""
    missing = [name for name in _NAME.findall(formula_text) if name not in refs]
    if missing:
        return None
    names = list(dict.fromkeys(_NAME.findall(formula_text)))
    expression = _NAME.sub(lambda m: refs[m.group(0)], formula_text)
    counts = ",".join(refs[n] for n in names)
    return Formula(f'=IFERROR(IF(COUNT({counts})={len(names)},{expression},""),"")')


# -- one sheet ---------------------------------------------------------------------------------
class AnnexSheet:
    """Lays out one annex sheet: title block, header, rows, signer block, print settings."""

    def __init__(self, workbook: Workbook, number: str, settings: dict, columns: list[Column],
                 period: Period, unit_name: str, unit_of_measure: str = "", percent_decimals: int = 1,
                 page_columns: int | None = None):
        self.ws = workbook.create_sheet(f"Biểu {number}")
        self.percent_format = number_format(percent_decimals)
        self.number, self.settings, self.columns, self.period = number, settings, columns, period
        self.page_columns = page_columns or len(columns)  # the title block spans the first page's columns
        self.index = {c.key: i + 1 for i, c in enumerate(columns)}
        for i, column in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = column.width
        self.row = 1
        self._styles: dict[tuple, object] = {}
        self.cached: dict[str, object] = {}  # formula cell -> the value it computes (as progress does)
        self._title_block(unit_name, unit_of_measure)
        self._header()

    def letter(self, key: str) -> str:
        return get_column_letter(self.index[key])

    def ref(self, key: str, row: int) -> str:
        return f"{self.letter(key)}{row}"

    def _merged(self, row: int, first: int, last: int, value, font: Font, horizontal="center", wrap=True):
        cell = set_cell(self.ws.cell(row=row, column=first), value)
        cell.font = font
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=wrap)
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        return cell

    def _title_block(self, unit_name: str, unit_of_measure: str) -> None:
        width = self.page_columns
        left = min(3, width - 2)
        right_first = max(left + 1, width - 2)
        s = self.settings
        self._merged(1, 1, left, s.get("issuing_body_parent", ""), _font(bold=True))
        self._merged(2, 1, left, s.get("issuing_body", ""), _font(bold=True))
        self._merged(1, right_first, width, f"Biểu số {self.number}", _font(bold=True), horizontal="right")
        self._merged(4, 1, width, SHEET_TITLES[self.number], _font(bold=True, size=14))
        self._merged(5, 1, width, f"Kỳ báo cáo: {self.period.label}; đơn vị: {unit_name}", _font(bold=True))
        self._merged(6, 1, width, attached_line(s.get("document_code", ""), s.get("issuer", ""), self.period),
                     _font(italic=True))
        self.ws.row_dimensions[4].height = 22
        if unit_of_measure:
            self._merged(7, right_first, width, f"Đơn vị tính: {unit_of_measure}", _font(italic=True),
                         horizontal="right", wrap=False)
        self.row = 8

    def _header(self) -> None:
        top, second = self.row, self.row + 1
        two_levels = any(c.group for c in self.columns)
        bold = _font(bold=True)
        center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        i = 0
        while i < len(self.columns):
            column = self.columns[i]
            col = i + 1
            if column.group:
                j = i
                while j + 1 < len(self.columns) and self.columns[j + 1].group == column.group:
                    j += 1
                set_cell(self.ws.cell(row=top, column=col), column.group)
                if j > i:
                    self.ws.merge_cells(start_row=top, start_column=col, end_row=top, end_column=j + 1)
                for k in range(i, j + 1):
                    set_cell(self.ws.cell(row=second, column=k + 1), self.columns[k].label)
                i = j + 1
                continue
            set_cell(self.ws.cell(row=top, column=col), column.label)
            if two_levels:
                self.ws.merge_cells(start_row=top, start_column=col, end_row=second, end_column=col)
            i += 1
        last = second if two_levels else top
        for r in range(top, last + 1):
            for c in range(1, len(self.columns) + 1):
                cell = self.ws.cell(row=r, column=c)
                cell.font, cell.alignment, cell.border = bold, center, BOX
            self.ws.row_dimensions[r].height = 48 if two_levels else 54
        self.header_rows = (top, last)
        self.row = last + 1
        self.first_data_row = self.row

    def styled(self, cell, bold=False, italic=False, horizontal="left", indent=0, fmt=None, border="box"):
        """Style a cell; each combination is built once and then copied (openpyxl's costly part)."""
        key = (bold, italic, horizontal, indent, fmt, border)
        known = self._styles.get(key)
        if known is not None:
            cell._style = copy(known)
            return cell
        cell.font = _font(bold=bold, italic=italic)
        cell.border = BORDERS[border]
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent)
        if fmt:
            cell.number_format = fmt
        self._styles[key] = copy(cell._style)
        return cell

    def put(self, row: int, key: str, value, fmt: str | None = None, *, bold=False, italic=False,
            horizontal: str | None = None, indent: int = 0, result=None):
        """Write a value, a text (always as text) or a `Formula`, whose `result` (None: blank) is stored
        as its cached value."""
        cell = self.ws.cell(row=row, column=self.index[key])
        formula = isinstance(value, Formula)
        if formula:
            self.cached[cell.coordinate] = "" if result is None else result
        numeric = isinstance(value, (int, float)) or formula
        self.styled(cell, bold, italic, horizontal or ("right" if numeric else "left"), indent, fmt)
        return set_cell(cell, value)  # after the style, which would drop a text's quote prefix

    def heading(self, row: int, stt: str, name: str, section: bool) -> None:
        """A sector row: its name spans the row."""
        self.put(row, "stt", stt, bold=True, horizontal="center")
        self.put(row, "name", name, bold=True, italic=not section)
        last = len(self.columns)
        for c in range(self.index["name"] + 1, last + 1):  # no inner borders, which LibreOffice would draw
            self.styled(self.ws.cell(row=row, column=c), border="end" if c == last else "inner")
        self.styled(self.ws.cell(row=row, column=self.index["name"]), bold=True, italic=not section, border="start")
        # recorded directly: openpyxl's merge_cells() restyles every cell of the range, slowly
        self.ws.merged_cells.add(MergedCellRange(
            self.ws, f"{self.letter('name')}{row}:{get_column_letter(last)}{row}"))
        self.ws.row_dimensions[row].height = 18.5

    def end_row(self, row: int, texts: dict[str, str]) -> None:
        """Borders on the empty cells of the row and a height that fits its wrapped texts."""
        for c in range(1, len(self.columns) + 1):
            cell = self.ws.cell(row=row, column=c)
            if cell.value is None and not cell.has_style:
                self.styled(cell)
        lines = 1
        for key, text in texts.items():
            if text:
                # word wrap breaks early: count a little under one character per unit of width
                per_line = max(1.0, self.columns[self.index[key] - 1].width * 1.05 - 2)
                lines = max(lines, sum(math.ceil(max(1, len(part)) / per_line) for part in str(text).split("\n")))
        self.ws.row_dimensions[row].height = min(16.5 * lines + 2, MAX_ROW_HEIGHT)

    def finish(self, last_row: int) -> None:
        ws, width = self.ws, len(self.columns)
        row = last_row + 2
        right_first = max(1, width - 3)
        end = self.period.cutoff_window()[1]
        s = self.settings
        place = s.get("place", "")
        self._merged(row, right_first, width, f"{place}, ngày      tháng {end.month} năm {end.year}",
                     _font(italic=True), wrap=False)
        self._merged(row + 1, right_first, width, s.get("signer_authority", ""), _font(bold=True), wrap=False)
        self._merged(row + 2, right_first, width, s.get("signer_title", ""), _font(bold=True), wrap=False)
        self._merged(row + 6, right_first, width, s.get("signer_name", ""), _font(bold=True), wrap=False)
        ws.freeze_panes = f"C{self.first_data_row}"
        ws.print_title_rows = f"{self.header_rows[0]}:{self.header_rows[1]}"
        ws.print_area = f"A1:{get_column_letter(width)}{row + 6}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        # every sheet is its own annex: its pages are numbered from 1 when the workbook is printed
        ws.page_setup.firstPageNumber = 1
        ws.page_setup.useFirstPageNumber = True
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "Trang &P"  # &N would count every sheet's pages (LibreOffice)
        ws.oddFooter.center.font = f"{FONT_NAME},Regular"
        ws.oddFooter.center.size = 11


# -- Biểu 01 and Biểu 03 -------------------------------------------------------------------------
def _source_label(source) -> str:
    return "KH vốn giao" if source.code == PLAN_SOURCE else source.short


def _target_cell_value(target):
    if isinstance(target, list):
        return f"{format_number(target[0], 6)}-{format_number(target[1], 6)}"
    return target


def _target_object(row: AnnexRow, source: str) -> Target | None:
    target = row.targets.get(source)
    if isinstance(target, list):
        return Target(row.indicator, None, source, None, target[0], target[1], False, "")
    return None


def indicator_sheet(workbook: Workbook, number: str, table: AnnexTable, settings: dict, cat,
                    with_dvt: bool = True, unit_of_measure: str = "") -> AnnexSheet:
    """Biểu 01 (and Biểu 03, the same layout over the budget rows)."""
    plan_group = "Kế hoạch năm" if number == "01" else "Dự toán năm"
    columns = [Column("stt", "STT", 6), Column("name", "Chỉ tiêu" if number == "01" else "Nội dung", 46)]
    if with_dvt:
        columns.append(Column("dvt", "ĐVT", 11))
    columns += [Column(f"plan:{s.code}", _source_label(s), 13, plan_group) for s in table.sources]
    columns += [Column("value", "Thực hiện kỳ báo cáo", 13), Column("ytd", "Lũy kế từ đầu năm", 13)]
    columns += [Column(f"pct:{s.code}", f"So {_source_label(s)}", 10, "% so kế hoạch") for s in table.sources]
    columns += [Column("last_year", "Cùng kỳ năm trước", 13), Column("pct_last_year", "% so cùng kỳ", 10),
                Column("note", "Ghi chú", 30)]
    sheet = AnnexSheet(workbook, number, settings, columns, table.period, table.unit_name, unit_of_measure,
                       table.percent_decimals)
    row_of = {r.indicator: sheet.first_data_row + i for i, r in enumerate(table.rows) if r.kind == "indicator"}
    values_of = {r.indicator: r for r in table.rows if r.kind == "indicator"}
    r = sheet.first_data_row
    for item in table.rows:
        if item.kind != "indicator":
            sheet.heading(r, item.stt, item.name, item.kind == "section")
            r += 1
            continue
        _indicator_cells(sheet, r, item, table, cat, row_of, values_of, with_dvt)
        sheet.end_row(r, {"name": item.name, "note": item.note, **({"dvt": item.dvt} if with_dvt else {})})
        r += 1
    sheet.finish(r - 1)
    return sheet


def _indicator_cells(sheet: AnnexSheet, r: int, item: AnnexRow, table: AnnexTable, cat, row_of, values_of,
                     with_dvt: bool) -> None:
    ind = cat.indicators[item.indicator]
    fmt = number_format(item.decimals)
    sheet.put(r, "stt", item.stt, horizontal="center")
    sheet.put(r, "name", item.name, indent=2 * item.depth, italic=item.depth > 0)
    if with_dvt:
        sheet.put(r, "dvt", item.dvt, horizontal="center")
    for source in table.sources:
        if source.code in item.targets:
            sheet.put(r, f"plan:{source.code}", _target_cell_value(item.targets[source.code]), fmt)
    flow = item.kind_of_indicator == "flow"
    # derived figures follow their operands when those are on the sheet
    value, ytd = item.value, item.ytd
    for key, shown, attribute in (("value", value, "value"), ("ytd", ytd, "ytd")):
        if attribute == "ytd" and not flow:
            continue
        content = shown
        if ind.derived and shown is not None:
            refs = {code: sheet.ref(key, row) for code, row in row_of.items()}
            formula = excel_expression(ind.formula, refs)
            operands = {code: getattr(values_of[code], attribute) for code in cat.formulas[ind.code].names
                        if code in values_of}
            if formula and _same(cat.formulas[ind.code].evaluate(operands), shown):
                content = formula
        elif item.sum_of_parts and shown is not None:
            content = _parts_sum_formula(sheet, key, [row_of.get(c) for c in cat.children.get(ind.code, [])],
                                         [getattr(values_of.get(c), attribute, None) for c in cat.children[ind.code]],
                                         shown) or shown
        if content is not None:
            sheet.put(r, key, content, fmt, result=shown)
    quantity_key = "ytd" if flow else "value"
    quantity_row, quantity_value = r, (item.ytd if flow else item.value)
    if ind.measured_by:
        measured = values_of.get(ind.measured_by)
        quantity_row = row_of.get(ind.measured_by)
        quantity_value = None if measured is None else (measured.ytd if flow else measured.value)
    for source in table.sources:
        if source.code not in item.targets:
            continue
        core = item.percents.get(source.code)
        plan_value = item.targets[source.code]
        target = _target_object(item, source.code)
        content = core
        if quantity_row is not None:
            formula = percent_formula(sheet.ref(quantity_key, quantity_row), sheet.ref(f"plan:{source.code}", r),
                                      target, ind.direction)
            if not isinstance(plan_value, list) or target is not None:
                expected = formula_gives(quantity_value, None if target else plan_value, target, ind.direction)
                if _same(expected, core):
                    content = formula
        if content is not None:
            sheet.put(r, f"pct:{source.code}", content, sheet.percent_format, result=core)
    if item.last_year is not None:
        sheet.put(r, "last_year", item.last_year, fmt)
    core = item.percent_vs_last_year
    own_quantity = item.ytd if flow else item.value
    content = core
    expected = None if own_quantity is None or not item.last_year else own_quantity / item.last_year * 100
    if _same(expected, core):
        content = _blank_unless([sheet.ref(quantity_key, r), sheet.ref("last_year", r)],
                                f"IF({sheet.ref('last_year', r)}=0,\"\","
                                f"{sheet.ref(quantity_key, r)}/{sheet.ref('last_year', r)}*100)")
    sheet.put(r, "pct_last_year", content, sheet.percent_format, result=core)
    if item.note:
        sheet.put(r, "note", item.note)


def _parts_sum_formula(sheet: AnnexSheet, key: str, rows: list[int | None], values: list,
                       total: float) -> Formula | None:
    """"=IF(COUNT(F12,F13)=2,SUM(F12,F13),"")" when every part is on the sheet and they give `total`."""
    if not rows or None in rows or any(v is None for v in values) or not _same(sum(values), total):
        return None
    refs = ",".join(sheet.ref(key, row) for row in rows)
    return Formula(f'=IF(COUNT({refs})={len(rows)},SUM({refs}),"")')


# -- Biểu 02 -------------------------------------------------------------------------------------
def units_sheet(workbook: Workbook, table: UnitTable, settings: dict) -> AnnexSheet:
    columns = [Column("stt", "STT", 6), Column("name", "Chỉ tiêu", 40), Column("dvt", "ĐVT", 11)]
    columns += [Column(f"unit:{c.code}", c.name, 12, "Thực hiện kỳ báo cáo của các đơn vị") for c in table.columns]
    columns += [Column("total", "Tổng cộng", 13), Column("note", "Ghi chú", 20)]
    sheet = AnnexSheet(workbook, "02", settings, columns, table.period, table.unit_name)
    r = sheet.first_data_row
    count = len(table.columns)
    for item in table.rows:
        row = item.row
        if row.kind != "indicator":
            sheet.heading(r, row.stt, row.name, row.kind == "section")
            r += 1
            continue
        fmt = number_format(item.decimals)
        sheet.put(r, "stt", row.stt, horizontal="center")
        sheet.put(r, "name", row.name, indent=2 * row.depth, italic=row.depth > 0)
        sheet.put(r, "dvt", row.dvt, horizontal="center")
        for column in table.columns:
            value = item.values.get(column.code)
            if value is not None:
                sheet.put(r, f"unit:{column.code}", value, fmt)
        note = ""
        if item.summable:
            first, last = sheet.ref(f"unit:{table.columns[0].code}", r), sheet.ref(f"unit:{table.columns[-1].code}", r)
            sheet.put(r, "total", Formula(f'=IF(COUNT({first}:{last})={count},SUM({first}:{last}),"")'), fmt,
                      bold=True, result=item.total)
            difference = row.progress.difference_vs_children if row.progress else None
            if difference:
                note = f"Số của {table.unit_name} khác tổng các đơn vị {format_number(difference, item.decimals)}"
        else:
            if item.total is not None:
                sheet.put(r, "total", item.total, fmt, bold=True)
            note = "Không cộng theo đơn vị; số của " + table.unit_name
        if note:
            sheet.put(r, "note", note)
        sheet.end_row(r, {"name": row.name, "dvt": row.dvt, "note": note})
        r += 1
    sheet.finish(r - 1)
    return sheet


# -- Biểu 04 -------------------------------------------------------------------------------------
def term_sheet(workbook: Workbook, table: TermTable, settings: dict) -> AnnexSheet:
    columns = [Column("stt", "STT", 6), Column("name", "Chỉ tiêu", 44), Column("dvt", "ĐVT", 12),
               Column("source", "Nghị quyết", 18), Column("target", "Chỉ tiêu nhiệm kỳ", 13),
               Column("quantity", "Thực hiện đến kỳ báo cáo", 14), Column("percent", "% thực hiện", 11),
               Column("required", "Yêu cầu theo thời gian (%)", 12), Column("assessment", "Đánh giá", 12)]
    sheet = AnnexSheet(workbook, "04", settings, columns, table.period, table.unit_name,
                       percent_decimals=table.percent_decimals)
    r = sheet.first_data_row
    if not table.rows:
        sheet.heading(r, "", table.empty_text, section=False)
        r += 1
    for item in table.rows:
        fmt = number_format(item.decimals)
        sheet.put(r, "stt", item.stt, horizontal="center")
        sheet.put(r, "name", item.name)
        sheet.put(r, "dvt", item.dvt, horizontal="center")
        label = f"{item.source.short} ({item.term})" + (", cộng dồn" if item.cumulative else "")
        sheet.put(r, "source", label, horizontal="center")
        sheet.put(r, "target", _target_cell_value(item.target), fmt)
        if item.quantity is not None:
            sheet.put(r, "quantity", item.quantity, fmt)
        target = None
        if isinstance(item.target, list):
            target = Target(item.indicator, None, item.source.code, None, item.target[0], item.target[1], False, "")
        expected = formula_gives(item.quantity, None if target else item.target, target, item.direction)
        content = item.percent
        if _same(expected, item.percent):
            content = percent_formula(sheet.ref("quantity", r), sheet.ref("target", r), target, item.direction)
        sheet.put(r, "percent", content, sheet.percent_format, result=item.percent)
        sheet.put(r, "required", item.required, sheet.percent_format)
        p, q, d = sheet.ref("percent", r), sheet.ref("required", r), table.percent_decimals
        assessment = f'IF(ROUND({p},{d})>100,"Vượt",IF(ROUND({p},{d})>={q},"Đạt","Khó đạt"))'
        sheet.put(r, "assessment", Formula(f'=IF({p}="","",{assessment})'), horizontal="center",
                  result=item.assessment)
        sheet.end_row(r, {"name": item.name, "dvt": item.dvt, "source": label})
        r += 1
    sheet.finish(r - 1)
    return sheet


# -- Biểu 05 -------------------------------------------------------------------------------------
PLAN_INDICATORS_PER_PAGE = 6  # Biểu 05: key indicators side by side on one A4 landscape page


def units_plan_sheet(workbook: Workbook, table: UnitPlanTable, settings: dict, kind_label: str) -> AnnexSheet:
    """One row per child unit, each key indicator's figure and its percent of the unit's own
    plan; then the total of the unit (blank while a unit is missing) and, apart and labelled
    as such, the sum of the units that have the figure. Printed six indicators a page, the
    units' names repeated on each."""
    columns = [Column("stt", "STT", 5), Column("name", "Đơn vị", 22)]
    for row in table.indicators:
        group = f"{row.name} ({row.dvt})"
        columns += [Column(f"v:{row.indicator}", "Thực hiện", 11, group),
                    Column(f"p:{row.indicator}", "% KH", 7, group)]
    sheet = AnnexSheet(workbook, "05", settings, columns, table.period, table.unit_name,
                       percent_decimals=table.percent_decimals,
                       page_columns=min(len(columns), 2 + 2 * PLAN_INDICATORS_PER_PAGE))
    r = sheet.first_data_row

    def cells(r: int, values: dict, **style) -> None:
        for row in table.indicators:
            cell = values.get(row.indicator)
            if cell is not None and cell.figure is not None:
                sheet.put(r, f"v:{row.indicator}", cell.figure, number_format(table.decimals[row.indicator]), **style)
            if cell is not None and cell.percent is not None:
                sheet.put(r, f"p:{row.indicator}", round_percent(cell.percent, table.percent_decimals),
                          sheet.percent_format, **style)
        sheet.end_row(r, {})

    for number, unit in enumerate(table.units, start=1):
        sheet.put(r, "stt", number, horizontal="center")
        sheet.put(r, "name", unit.name)
        cells(r, {row.indicator: table.cells.get((unit.code, row.indicator)) for row in table.indicators})
        r += 1
    received = table.received
    incomplete = received is not None and not received.complete
    total_label = f"Toàn {kind_label}" + (" (chưa đủ đơn vị: chưa có tổng)" if incomplete else "")
    sheet.put(r, "name", total_label, bold=True)
    cells(r, table.total, bold=True)
    sheet.end_row(r, {"name": total_label})
    r += 1
    if incomplete:
        label = f"Cộng các đơn vị đã có số liệu ({received.count_text}): số tạm, không phải tổng"
        sheet.put(r, "name", label, italic=True)
        cells(r, {code: UnitPlanCell(total, None) for code, (total, _missing) in table.partial.items()}, italic=True)
        sheet.end_row(r, {"name": label})
        r += 1
        note = received.text()
        sheet.put(r, "name", note, italic=True)
        sheet.ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=sheet.page_columns)
        sheet.ws.row_dimensions[r].height = 16.5 * (1 + len(note) // 110)
        r += 1
    sheet.finish(r - 1)
    ws = sheet.ws
    ws.page_setup.fitToWidth = max(1, math.ceil(len(table.indicators) / PLAN_INDICATORS_PER_PAGE))
    ws.print_title_cols = "A:B"
    for first in range(2 + 2 * PLAN_INDICATORS_PER_PAGE, len(columns), 2 * PLAN_INDICATORS_PER_PAGE):
        ws.col_breaks.append(Break(id=first))
    return sheet


# -- the workbook ----------------------------------------------------------------------------------
def annex_workbook(store: Store, unit: str, period: Period | str,
                   progress_callback: ProgressCallback | None = None) -> Workbook:
    """The annex sheets of `unit` in `period` (Biểu 01-05; 02 and 05 only with child units) as a workbook."""
    if isinstance(period, str):
        period = parse_period(period)
    organisation(store).figure_unit(unit, period)  # refuses a unit that did not exist in the period
    report = progress_callback or (lambda step, total, label: None)
    settings, cat = document_profile(store, unit, period).as_settings(), catalogue(store)
    workbook = Workbook()
    workbook.remove(workbook.active)
    steps = 5
    report(0, steps, "Biểu 01")
    rows = list(period_state(store, unit, period).rows)
    sheets = [indicator_sheet(workbook, "01", table_01(store, unit, period, annual_only=True, progress_rows=rows),
                              settings, cat)]
    report(1, steps, "Biểu 02")
    units = table_02(store, unit, period, progress_rows=rows)
    if units.columns:
        sheets.append(units_sheet(workbook, units, settings))
    report(2, steps, "Biểu 03")
    budget = table_03(store, unit, period, progress_rows=rows)
    dvts = {row.dvt for row in budget.rows}
    sheets.append(indicator_sheet(workbook, "03", budget, settings, cat, with_dvt=len(dvts) > 1,
                                  unit_of_measure=next(iter(dvts)) if len(dvts) == 1 else ""))
    report(3, steps, "Biểu 04")
    sheets.append(term_sheet(workbook, table_04(store, unit, period, progress_rows=rows), settings))
    if units.columns:
        report(4, steps, "Biểu 05")
        plans = table_05(store, unit, period, progress_rows=rows)
        sheets.append(units_plan_sheet(workbook, plans, settings,
                                       KIND_LABELS.get(organisation(store).unit(plans.unit).kind, "")))
    workbook.calculation.fullCalcOnLoad = True
    workbook.cached_values = {sheet.ws.title: sheet.cached for sheet in sheets}
    return workbook


# openpyxl writes an empty value as `<v />` with the standard library's XML writer and as
# `<v></v>` when lxml is installed (python-docx brings it): both are filled.
_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: [a-zA-Z]+="[^"]*")*)><f>(.*?)</f>(?:<v ?/>|<v></v>)</c>', re.S)


def with_cached_values(data: bytes, cached: dict[int, dict[str, object]]) -> bytes:
    """The .xlsx `data` with each formula's value stored beside it (sheet number -> cell -> value).

    openpyxl writes formulas without values; Excel's Protected View, file previews and
    programs that read values only would then show empty cells.
    """
    def fill(text: str, values: dict[str, object]) -> str:
        def one(match: re.Match) -> str:
            coordinate, attributes, formula = match.groups()
            if coordinate not in values:
                return match.group(0)
            value = values[coordinate]
            if isinstance(value, str):
                return f'<c r="{coordinate}"{attributes} t="str"><f>{formula}</f><v>{escape(value)}</v></c>'
            return f'<c r="{coordinate}"{attributes}><f>{formula}</f><v>{float(value)!r}</v></c>'
        return _FORMULA_CELL.sub(one, text)

    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            match = re.fullmatch(r"xl/worksheets/sheet([0-9]+)\.xml", info.filename)
            if match and cached.get(int(match.group(1))):
                content = fill(content.decode("utf-8"), cached[int(match.group(1))]).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def save_workbook(workbook: Workbook, path: str | Path) -> Path:
    """Save through a temporary name, then rename: a failed save leaves no half file.

    A workbook from `annex_workbook()` gets its formulas' values stored with them.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        cached = getattr(workbook, "cached_values", None)
        if cached:
            buffer = BytesIO()
            workbook.save(buffer)
            numbered = {i: cached.get(ws.title, {}) for i, ws in enumerate(workbook.worksheets, start=1)}
            temporary.write_bytes(with_cached_values(buffer.getvalue(), numbered))
        else:
            workbook.save(temporary)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"Không ghi được tệp {path}: {error.strerror or error}. "
                         "Nếu tệp đang mở trong Excel, hãy đóng lại rồi thử lại.") from None
    return path


def write_annex_workbook(store: Store, unit: str, period: Period | str, path: str | Path,
                         progress_callback: ProgressCallback | None = None) -> Path:
    """Build and save the annex workbook; `progress_callback(step, total, label)` reports each sheet.

    Safe to run on a worker thread with its own `Store`; nothing is written to the database.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"Tên tệp “{path.name}” phải có đuôi .xlsx.")
    workbook = annex_workbook(store, unit, period, progress_callback)
    saved = save_workbook(workbook, path)
    if progress_callback:
        progress_callback(5, 5, "Đã lưu")
    return saved
