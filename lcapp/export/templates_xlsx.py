"""Excel entry templates that come back: figures (and targets) filled in Excel, then imported.

`entry_template()` makes one sheet per sector with each enterable indicator's code, name,
unit, the year's plans and the cells to fill; the sheets are protected except those cells.
`read_entry_template()` reads a filled template into a preview (new / changed / same, and
every bad cell named by sheet and address) without writing anything; the figures are
validated exactly like typed ones (`prepare_change`), text cells parsed as Vietnamese
numbers. `apply_entry_template()` writes the preview in one transaction, only when it has
no error. Targets go the same way with `targets_template()` / `read_targets_sheet()`.
"""

from __future__ import annotations

import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter

from ..models.catalogue import Catalogue, catalogue
from ..models.errors import InputError
from ..models.figures import BASIS_LABELS, FigureChange, apply_changes, basis_column, prepare_change
from ..models.numbers import format_number, parse_number
from ..models.organisation import organisation
from ..models.periods import Period, parse_month, parse_target_period
from ..models.progress import PLAN_SOURCE
from ..models.store import Store
from ..models.targets import TargetChange, apply_targets, parse_target_value, prepare_target, targets_for_year
from ..models.text import nfc
from .annex_xlsx import BOX, FONT_NAME, number_format, save_workbook

META_SHEET = "lcapp"
TEMPLATE_VERSION = "1"
CODE, NAME, DVT, BASIS, VALUE, COMMENT = "Mã", "Chỉ tiêu", "ĐVT", "Cách nhập", "Số liệu", "Ghi chú"
FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill, pale yellow
HEADER_ROW = 4


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
        meta.cell(row=row, column=1, value=key)
        meta.cell(row=row, column=2, value=value)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True


def _read_meta(workbook) -> dict:
    if META_SHEET not in workbook.sheetnames:
        raise InputError("Tệp này không phải biểu mẫu nhập liệu của LCApp (thiếu phần thông tin biểu mẫu). "
                         "Hãy xuất biểu mẫu từ chương trình rồi điền vào đó.")
    meta = workbook[META_SHEET]
    return {str(row[0]): (None if row[1] is None else str(row[1]))
            for row in meta.iter_rows(values_only=True) if row and row[0]}


def _layout(ws, title: str, subtitle: str, columns: list[tuple[str, float]]) -> dict[str, int]:
    for i, (label, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        cell = ws.cell(row=HEADER_ROW, column=i, value=label)
        cell.font = _font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    last = get_column_letter(len(columns))
    ws["A1"] = title
    ws["A1"].font = _font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = subtitle
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
    cell = ws.cell(row=row, column=column, value=value)
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


def _template_basis(ind, row) -> str:
    """How a figure is filled: as it was entered for this month, else as the catalogue says."""
    if ind.kind != "flow":
        return "month"
    if row is not None:
        for basis in ("month", "ytd"):
            if row[basis_column(ind, basis)] is not None:
                return basis
    return "ytd" if ind.entry == "ytd" else "month"


# -- figures ------------------------------------------------------------------------------------
def entry_template(store: Store, unit: str, period: Period | str) -> Workbook:
    """The entry template of `unit` for a month: one protected sheet per sector, cells to fill unlocked."""
    period = parse_month(period) if isinstance(period, str) else period
    if not period.is_month:
        raise InputError(f"Số liệu được nhập theo tháng, không nhập cho {period.label}.")
    cat, org = catalogue(store), organisation(store)
    figure_unit, reporter = org.figure_unit(unit, period)
    sources = [s for s in cat.sources.values() if s.code != PLAN_SOURCE]
    targets = targets_for_year(store, period.year)
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
            basis = _template_basis(ind, row)
            _cell(ws, r, col[BASIS], BASIS_LABELS[basis], center=True)
            current = None if row is None else row[basis_column(ind, basis)]
            _cell(ws, r, col[VALUE], current, fmt=fmt, editable=True)
            comment = row["comment"] if row else None
            _cell(ws, r, col[COMMENT], comment, editable=True)
            ws.row_dimensions[r].height = 16 * max(_lines(ind.name, 48), _lines(comment, 30), _lines(ind.unit, 12)) + 2
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


@dataclass
class PreviewItem:
    sheet: str
    cell: str
    key: str  # indicator code (and source for targets)
    name: str
    old: object
    new: object
    status: str  # "new", "changed" or "same"
    change: object = None

    def as_json(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "key": self.key, "name": self.name, "old": self.old,
                "new": self.new, "status": self.status}


@dataclass
class Preview:
    kind: str  # "figures" or "targets"
    unit: str | None
    period: str
    items: list[PreviewItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    def as_json(self) -> dict:
        return {"kind": self.kind, "unit": self.unit, "period": self.period,
                "new": self.count("new"), "changed": self.count("changed"), "same": self.count("same"),
                "items": [i.as_json() for i in self.items], "errors": self.errors}


def _open_workbook(path: str | Path):
    path = Path(path)
    if not path.exists():
        raise InputError(f"Không tìm thấy tệp {path}.")
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputError(f"Tệp {path.name} không phải tệp Excel (.xlsx) đọc được.") from None


def _header(ws) -> tuple[int, dict[str, int]] | None:
    """The header row of a sheet (the row naming the code or indicator column) and its columns."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 15)):
        labels = {nfc(str(c.value)).strip(): c.column for c in row if isinstance(c.value, str)}
        if CODE in labels or NAME in labels:
            return row[0].row, labels
    return None


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
    workbook = _open_workbook(path)
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
            basis = _template_basis(ind, row)
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


def apply_preview(store: Store, preview: Preview) -> int:
    """Write what a preview found, in one transaction; refused while it names bad cells."""
    if preview.errors:
        raise InputError(f"Tệp có {len(preview.errors)} ô sai; chưa ghi gì. Sửa các ô đã nêu rồi nhập lại.")
    changes = [item.change for item in preview.items if item.status != "same"]
    if preview.kind == "figures":
        return apply_changes(store, changes, action="template") if changes else 0
    return apply_targets(store, changes) if changes else 0


# -- targets ----------------------------------------------------------------------------------
def targets_template(store: Store, period: str) -> Workbook:
    """A sheet per sector with a column per target source, to fill the targets of a year or term."""
    target_period = parse_target_period(period)
    cat = catalogue(store)
    sources = [s for s in cat.sources.values() if s.code != PLAN_SOURCE]
    existing = {(r["indicator"], r["source"]): r for r in store.query(
        "SELECT * FROM targets WHERE period = ?", (target_period.code,))}
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    by_sector: dict[str, list] = {}
    first, last = target_period.first_year * 100 + 1, target_period.last_year * 100 + 12
    for ind in cat.indicators.values():
        if ind.valid_between(first, last):  # reported in some month of the year or term
            by_sector.setdefault(ind.sector, []).append(ind)
    for sector_code, indicators in by_sector.items():
        sector = cat.sectors[sector_code]
        ws = workbook.create_sheet(_sheet_title(sector.outline, sector.short, used))
        columns = [(CODE, 22), (NAME, 48), (DVT, 12)] + [(s.short, 14) for s in sources]
        col = _layout(ws, f"BIỂU NHẬP KẾ HOẠCH {target_period.code}: {sector.name.upper()}",
                      "Mỗi cột là một nguồn kế hoạch. Ghi số (4.490; 12,5) hoặc khoảng (9,5-10); "
                      "ô để trống thì không thay đổi.", columns)
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
    _write_meta(workbook, {"kind": "targets", "version": TEMPLATE_VERSION, "period": target_period.code})
    return workbook


def _vn(value: float) -> str:
    return format_number(value, 6)


def write_targets_template(store: Store, period: str, path: str | Path) -> Path:
    return save_workbook(targets_template(store, period), _xlsx(path))


def read_targets_sheet(store: Store, path: str | Path, period: str | None = None) -> Preview:
    """Preview of targets read from a workbook; nothing is written.

    Each sheet has a header row with a "Mã" (or "Chỉ tiêu") column and one column per
    target source, headed by the source's code, short name or name. The year or term comes
    from the template's own information, or from `period` for a sheet made by hand.
    """
    workbook = _open_workbook(path)
    meta = _read_meta(workbook) if META_SHEET in workbook.sheetnames else {}
    if meta.get("kind") == "figures" and period is None:
        period = str(parse_month(meta["period"]).year)
    period = period or meta.get("period")
    if not period:
        raise InputError("Chưa rõ kế hoạch của năm nào: ghi --year (ví dụ 2024 hoặc 2021-2025).")
    target_period = parse_target_period(period)
    cat = catalogue(store)
    by_label: dict[str, str] = {}
    for source in cat.sources.values():
        if source.code == PLAN_SOURCE:
            continue
        for label in (source.code, source.short, source.name, f"{source.short} {target_period.code}"):
            by_label[nfc(label).lower()] = source.code
    by_name: dict[str, list[str]] = {}
    for ind in cat.indicators.values():
        by_name.setdefault(nfc(ind.name).lower(), []).append(ind.code)
    existing = {(r["indicator"], r["source"]): r for r in store.query(
        "SELECT * FROM targets WHERE period = ?", (target_period.code,))}
    preview = Preview("targets", None, target_period.code)
    seen: dict[tuple[str, str], str] = {}  # (indicator, source) -> where it was first read
    for ws in workbook.worksheets:
        if ws.title == META_SHEET:
            continue
        found = _header(ws)
        if found is None:
            continue
        top, labels = found
        source_columns = {column: by_label[label.lower()] for label, column in labels.items()
                          if label.lower() in by_label}
        if not source_columns:
            continue
        for r in range(top + 1, ws.max_row + 1):
            code = ws.cell(row=r, column=labels[CODE]).value if CODE in labels else None
            name = ws.cell(row=r, column=labels[NAME]).value if NAME in labels else None
            if not (code and str(code).strip()) and not (name and str(name).strip()):
                continue
            where_row = f"{ws.title}!{'A' if CODE in labels else get_column_letter(labels[NAME])}{r}"
            if code and str(code).strip():
                indicator = str(code).strip()
            else:
                matches = by_name.get(nfc(str(name)).strip().lower(), [])
                if len(matches) != 1:
                    preview.errors.append(f"{where_row}: "
                                          + (f"không có chỉ tiêu tên “{name}”." if not matches else
                                             f"nhiều chỉ tiêu cùng tên “{name}”: ghi mã ở cột “{CODE}”."))
                    continue
                indicator = matches[0]
            for column, source in source_columns.items():
                cell = ws.cell(row=r, column=column)
                where = f"{ws.title}!{cell.coordinate}"
                raw = cell.value
                if raw is None or (isinstance(raw, str) and not raw.strip()):
                    continue
                try:
                    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
                        raise InputError(f"“{raw}” không phải là số.")
                    value, low, high = (float(raw), None, None) if not isinstance(raw, str) \
                        else parse_target_value(raw.strip())
                    old_row = existing.get((indicator, source))
                    cumulative = bool(old_row["cumulative"]) if old_row else False
                    note = old_row["note"] if old_row else ""
                    change = prepare_target(cat, indicator, target_period.code, source, value, low=low, high=high,
                                            cumulative=cumulative, note=note)
                except InputError as error:
                    preview.errors.append(f"{where}: {error}")
                    continue
                if (change.indicator, source) in seen:
                    preview.errors.append(f"{where}: kế hoạch “{change.indicator}” ({source}) đã có ở "
                                          f"{seen[change.indicator, source]}; mỗi kế hoạch chỉ ghi một lần.")
                    continue
                seen[change.indicator, source] = where
                new = [low, high] if low is not None else value
                if old_row is None:
                    status, old = "new", None
                else:
                    old = [old_row["low"], old_row["high"]] if old_row["low"] is not None else old_row["value"]
                    status = "same" if old == new else "changed"
                preview.items.append(PreviewItem(ws.title, cell.coordinate, f"{change.indicator}/{source}",
                                                 cat.indicators[change.indicator].name, old, new, status, change))
    if not preview.items and not preview.errors:
        raise InputError("Không thấy kế hoạch nào trong tệp: cần dòng tiêu đề có cột “Mã” (hoặc “Chỉ tiêu”) "
                         "và các cột mang tên nguồn kế hoạch (KH tỉnh, NQ HĐND, ...).")
    return preview


__all__ = ["entry_template", "write_entry_template", "read_entry_template", "apply_preview", "Preview",
           "targets_template", "write_targets_template", "read_targets_sheet", "TargetChange", "FigureChange"]
