"""Excel entry templates that come back: figures (and targets) to fill in Excel, then import.

`entry_template()` makes one sheet per sector with each enterable indicator's code, name,
unit, the year's plans and the cells to fill; the sheets are protected except those cells.
`targets_template()` makes the sheet to fill a unit's targets of a year or term. Reading them
back is intake's (`intake/entry_template.py`, `intake/targets_sheet.py`); the sheet and column
names both sides use are `models/file_formats.py`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from ..models.catalogue import Catalogue, catalogue
from ..models.errors import InputError
from ..models.figures import BASIS_LABELS, basis_column
from ..models.file_formats import (BASIS, CODE, COMMENT, DVT, HEADER_ROW, META_SHEET, NAME, TEMPLATE_VERSION, VALUE,
                                   template_basis)
from ..models.numbers import format_number
from ..models.organisation import organisation
from ..models.periods import Period, parse_month
from ..models.progress import PLAN_SOURCE
from ..models.store import Store
from ..models.targets import target_owner, targets_for_year
from ..models.terms import known_terms
from .annex_xlsx import BOX, FONT_NAME, MAX_ROW_HEIGHT, number_format, save_workbook
from .spreadsheet_text import set_cell

FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill, pale yellow


def _font(bold=False, italic=False, size=12) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def _sheet_title(outline: str, short: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", f"{outline}. {short}" if outline else short)[:31].strip()
    base, n = title, 2
    while title.lower() in used or title.lower() == META_SHEET:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _enterable(cat: Catalogue, reporter, period: Period) -> dict[str, list]:
    """Enterable indicators of a reporting unit in a month, by sector, in catalogue order."""
    by_sector: dict[str, list] = {}
    for ind in cat.valid_in(period):
        if ind.derived:
            continue
        if reporter.is_department and reporter.sectors and ind.sector not in reporter.sectors:
            continue
        by_sector.setdefault(ind.sector, []).append(ind)
    return by_sector


def _write_meta(workbook: Workbook, values: dict) -> None:
    meta = workbook.create_sheet(META_SHEET)
    for row, (key, value) in enumerate(values.items(), start=1):
        set_cell(meta.cell(row=row, column=1), key)
        set_cell(meta.cell(row=row, column=2), value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


def _layout(ws, title: str, subtitle: str, columns: list[tuple[str, float]]) -> dict[str, int]:
    for i, (label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = set_cell(ws.cell(row=HEADER_ROW, column=i), label)
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    last = get_column_letter(len(columns))
    set_cell(ws["A1"], title)
    ws["A1"].font = _font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    set_cell(ws["A2"], subtitle)
    ws["A2"].font = _font(italic=True)
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 34
    ws.row_dimensions[HEADER_ROW].height = 32
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # people may widen columns
    ws.protection.formatRows = False
    return {label: i for i, (label, _) in enumerate(columns, start=1)}


def _cell(ws, row: int, column: int, value, *, fmt: str | None = None, editable=False, indent=0, center=False):
    cell = set_cell(ws.cell(row=row, column=column), value)
    cell.font = _font()
    cell.border = BOX
    cell.alignment = Alignment(wrap_text=True, vertical="center", indent=indent,
                               horizontal="center" if center else None)
    if fmt:
        cell.number_format = fmt
    if editable:
        cell.protection = Protection(locked=False)
        cell.fill = FILL
    return cell


def _lines(text, width: float) -> int:
    """Lines a wrapped text takes in a column of `width` (a little under a character per unit)."""
    return max(1, math.ceil(len(text or "") / max(1.0, width * 1.05 - 2)))


# -- figures ------------------------------------------------------------------------------------
def entry_template(store: Store, unit: str, period: Period | str) -> Workbook:
    """The entry template of `unit` for a month: one protected sheet per sector, cells to fill unlocked."""
    period = parse_month(period) if isinstance(period, str) else period
    if not period.is_month:
        raise InputError(f"Số liệu được nhập theo tháng, không nhập cho {period.label}.")
    cat, org = catalogue(store), organisation(store)
    figure_unit, reporter = org.figure_unit(unit, period)
    sources = [s for s in cat.sources.values() if s.code != PLAN_SOURCE]
    targets = targets_for_year(store, figure_unit.code, period.year)
    entered = {row["indicator"]: row for row in store.query(
        "SELECT indicator, month_value, ytd_value, term_value, comment FROM figures WHERE unit = ? AND month = ?",
        (figure_unit.code, period.start_key))}
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for sector_code, indicators in _enterable(cat, reporter, period).items():
        sector = cat.sectors[sector_code]
        ws = workbook.create_sheet(_sheet_title(sector.outline, sector.short, used))
        plan_columns = [(f"{s.short} {period.year}", 13) for s in sources
                        if any(t.source == s.code and not t.period.is_term for i in indicators
                               for t in targets.get(i.code, []))]
        columns = [(CODE, 22), (NAME, 48), (DVT, 12)] + plan_columns + [(BASIS, 11), (VALUE, 15), (COMMENT, 30)]
        col = _layout(ws, f"BIỂU NHẬP SỐ LIỆU {period.label.upper()}: {sector.name.upper()}",
                      f"Đơn vị: {reporter.name}. Nhập vào cột “{VALUE}” (ô màu vàng) số viết kiểu Việt Nam "
                      "(1.931 hoặc 144,86) hoặc số của Excel; ô để trống thì không thay đổi. "
                      "Không sửa các cột khác.", columns)
        for r, ind in enumerate(indicators, start=HEADER_ROW + 1):
            fmt = number_format(ind.decimals)
            _cell(ws, r, col[CODE], ind.code)
            _cell(ws, r, col[NAME], ind.name, indent=2 * cat.depth(ind.code))
            _cell(ws, r, col[DVT], ind.unit, center=True)
            for source in sources:
                label = f"{source.short} {period.year}"
                if label not in col:
                    continue
                found = [t for t in targets.get(ind.code, []) if t.source == source.code and not t.period.is_term]
                value = None
                if found:
                    value = found[0].value if not found[0].is_range else found[0].text(ind.decimals)
                _cell(ws, r, col[label], value, fmt=fmt)
            row = entered.get(ind.code)
            basis = template_basis(ind, row)
            _cell(ws, r, col[BASIS], BASIS_LABELS[basis], center=True)
            current = None if row is None else row[basis_column(ind, basis)]
            _cell(ws, r, col[VALUE], current, fmt=fmt, editable=True)
            comment = row["comment"] if row else None
            _cell(ws, r, col[COMMENT], comment, editable=True)
            lines = max(_lines(ind.name, 48), _lines(comment, 30), _lines(ind.unit, 12))
            ws.row_dimensions[r].height = min(16 * lines + 2, MAX_ROW_HEIGHT)
    if not workbook.sheetnames:
        raise InputError(f"{reporter.name} không có chỉ tiêu nào để nhập.")
    _write_meta(workbook, {"kind": "figures", "version": TEMPLATE_VERSION, "unit": reporter.code,
                           "period": period.code})
    return workbook


def write_entry_template(store: Store, unit: str, period: Period | str, path: str | Path) -> Path:
    return save_workbook(entry_template(store, unit, period), _xlsx(path))


def _xlsx(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"Tên tệp “{path.name}” phải có đuôi .xlsx.")
    return path




# -- targets ----------------------------------------------------------------------------------
def targets_template(store: Store, unit: str, period: str) -> Workbook:
    """A sheet per sector with a column per target source and a "Ghi chú" column, to fill a
    unit's targets of a year or a known term (prefilled with the targets it has)."""
    cat, org, terms = catalogue(store), organisation(store), known_terms(store)
    reporter = org.unit(unit)
    target_period = terms.resolve(period)
    owner = target_owner(org, reporter.code, None, target_period)
    sources = [s for s in cat.for_level(owner.kind).sources.values() if s.code != PLAN_SOURCE]
    existing = {(r["indicator"], r["source"]): r for r in store.query(
        "SELECT * FROM targets WHERE unit = ? AND period = ?", (owner.code, target_period.code))}
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    by_sector: dict[str, list] = {}
    first, last = target_period.first_year * 100 + 1, target_period.last_year * 100 + 12
    for ind in cat.indicators.values():  # derived indicators have targets too
        if not ind.valid_between(first, last):  # reported in no month of the year or term
            continue
        if not (reporter.is_department and reporter.sectors and ind.sector not in reporter.sectors):
            by_sector.setdefault(ind.sector, []).append(ind)
    for sector_code, indicators in by_sector.items():
        sector = cat.sectors[sector_code]
        ws = workbook.create_sheet(_sheet_title(sector.outline, sector.short, used))
        columns = [(CODE, 22), (NAME, 48), (DVT, 12)] + [(s.short, 14) for s in sources] + [(COMMENT, 30)]
        col = _layout(ws, f"BIỂU NHẬP KẾ HOẠCH {terms.label(target_period.code).upper()}: {sector.name.upper()}",
                      f"Đơn vị: {owner.name}. Mỗi cột là một nguồn kế hoạch. Ghi số (4.490; 12,5) hoặc khoảng "
                      "(9,5-10); ô để trống thì không thay đổi. “Ghi chú” là ghi chú của các kế hoạch ghi trên "
                      "cùng dòng.", columns)
        for r, ind in enumerate(indicators, start=HEADER_ROW + 1):
            _cell(ws, r, col[CODE], ind.code)
            _cell(ws, r, col[NAME], ind.name, indent=2 * cat.depth(ind.code))
            _cell(ws, r, col[DVT], ind.unit, center=True)
            for source in sources:
                row = existing.get((ind.code, source.code))
                value = None
                if row is not None:
                    value = row["value"] if row["low"] is None else \
                        f"{_vn(row['low'])}-{_vn(row['high'])}"
                _cell(ws, r, col[source.short], value, fmt=number_format(ind.decimals), editable=True)
            _cell(ws, r, col[COMMENT], None, editable=True)
    _write_meta(workbook, {"kind": "targets", "version": TEMPLATE_VERSION, "unit": reporter.code,
                           "period": target_period.code})
    return workbook


def _vn(value: float) -> str:
    return format_number(value, 6)


def write_targets_template(store: Store, unit: str, period: str, path: str | Path) -> Path:
    return save_workbook(targets_template(store, unit, period), _xlsx(path))
