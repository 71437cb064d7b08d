"""Writing the catalogue out: the TOML file `catalog-load` and `catalog-add` read back, or an Excel
list in the province's form (STT, Chỉ tiêu, ĐVT, Chỉ tiêu cha, then code, sector, kind, entry and
validity) that `catalog-add` reads back too. Retired indicators are written with their dates.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..models.catalogue import ENTRY_LABELS, KIND_LABELS, Catalogue, catalogue, indicator_as_toml, month_text
from ..models.errors import InputError
from ..models.store import Store
from .annex_xlsx import BOX, FONT_NAME, save_workbook

# Columns of the Excel list, as the province's form heads them (and `intake.catalogue_form` reads them).
FORM_COLUMNS = (("STT", 7), ("Chỉ tiêu", 56), ("ĐVT", 13), ("Chỉ tiêu cha", 22), ("Mã", 26), ("Lĩnh vực", 18),
                ("Loại", 12), ("Cách nhập", 14), ("Áp dụng từ", 11), ("Áp dụng đến", 11))
HEADER_ROW = 3
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]


# -- TOML -------------------------------------------------------------------------------------------
def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("a catalogue number must be finite")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # an inline table; its keys are identifiers (levels, source words)
        return "{ " + ", ".join(f"{key} = {_toml_value(v)}" for key, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def _table(name: str, entry: dict) -> str:
    lines = [f"[[{name}]]"] + [f"{key} = {_toml_value(value)}" for key, value in entry.items() if value is not None]
    return "\n".join(lines)


def catalogue_toml(cat: Catalogue) -> str:
    """The whole catalogue (sources, sectors, every indicator with its validity, rules) as TOML."""
    blocks = [("# Danh mục chỉ tiêu do LCApp xuất (catalog-export). Nạp lại bằng “catalog-load” (cả danh mục) "
               "hoặc “catalog-add” (thêm, sửa).\nversion = 1")]
    for source in cat.sources.values():
        entry = {"code": source.code, "name": source.name, "short": source.short, "phrase": source.phrase}
        for kind, words in source.levels:  # how a unit of another level names it, as catalogue.toml writes it
            entry[f"level.{kind}"] = dict(words)
        blocks.append(_table("source", entry))
    for sector in cat.sectors.values():
        entry = {"code": sector.code, "name": sector.name, "short": sector.short, "parent": sector.parent or "",
                 "outline": sector.outline, "narrative_only": sector.narrative_only}
        if sector.heading:  # the report's own heading ("{năm}": the period's year)
            entry["heading"] = sector.heading
        blocks.append(_table("sector", entry))
    for ind in cat.indicators.values():
        blocks.append(_table("indicator", indicator_as_toml(ind)))
    for rule in cat.rules:
        blocks.append(_table("rule", {"code": rule.code, "name": rule.name, "left": rule.left_side,
                                      "op": rule.operator, "right": rule.right_side, "importance": rule.importance,
                                      "message": rule.message, "quantity": rule.quantity}))
    return "\n\n".join(blocks) + "\n"


# -- Excel ------------------------------------------------------------------------------------------
def catalogue_workbook(cat: Catalogue) -> Workbook:
    """The catalogue as the province's Excel list: sector headings (I, II; a, b) then numbered indicators,
    "trong đó" parts with "-" and their parent's code."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Danh mục chỉ tiêu"
    ws["A1"] = "DANH MỤC CHỈ TIÊU BÁO CÁO KINH TẾ - XÃ HỘI"
    ws["A1"].font = Font(name=FONT_NAME, size=13, bold=True)
    ws.merge_cells(f"A1:{get_column_letter(len(FORM_COLUMNS))}1")
    ws["A1"].alignment = Alignment(horizontal="center")
    for column, (label, width) in enumerate(FORM_COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=label)
        cell.font = Font(name=FONT_NAME, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        cell.fill = PatternFill("solid", fgColor="E8EEF7")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    row = HEADER_ROW + 1

    def put(values: tuple, bold: bool = False, indent: int = 0) -> None:
        nonlocal row
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.font = Font(name=FONT_NAME, size=12, bold=bold)
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="center", indent=indent if column == 2 else 0,
                                       horizontal="center" if column in (1, 3) else None)
        row += 1

    for number_of_top, top in enumerate(cat.sector_children(None), start=1):
        put((ROMAN[number_of_top - 1] if number_of_top <= len(ROMAN) else str(number_of_top), top.name.upper(),
             None, None, None, top.code), bold=True)
        number = 0
        for sector in [top] + cat.sector_children(top.code):
            indicators = cat.in_sector(sector.code)
            if sector is not top:
                put((sector.outline or "-", sector.name, None, None, None, sector.code), bold=True)
            for ind in indicators:
                depth = cat.depth(ind.code)
                if depth == 0:
                    number += 1
                put((str(number) if depth == 0 else "-", ind.name, ind.unit, ind.parent, ind.code, ind.sector,
                     KIND_LABELS[ind.kind], ENTRY_LABELS[ind.entry], month_text(ind.valid_from) or None,
                     month_text(ind.valid_to) or None), indent=2 * depth)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def write_catalogue(store: Store, path: str | Path) -> Path:
    """Write the catalogue to `path`: `.toml` or `.xlsx` (by the name's ending); atomically."""
    path = Path(path)
    cat = catalogue(store)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return save_workbook(catalogue_workbook(cat), path)
    if suffix != ".toml":
        raise InputError(f"Tên tệp {path.name} phải có đuôi .toml hoặc .xlsx.")
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(catalogue_toml(cat), encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"Không ghi được tệp {path}: {error.strerror or error}.") from None
    return path
