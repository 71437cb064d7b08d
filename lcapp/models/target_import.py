"""Reading targets from an Excel sheet: one row per indicator (code or name), one column per source.

The first row names the columns: one holds the indicator (header "mã", "chỉ tiêu" or
"code"), the others are target sources by code or short name (e.g. "tinh" or "KH tỉnh").
Values are numbers (Excel's own) or Vietnamese text ("4.500", "9,5-10" for a range).
The whole sheet is checked first; one bad cell refuses it, naming every bad cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .catalogue import Catalogue
from .errors import InputError
from .sheet_cells import formula_refusal, is_formula
from .targets import parse_target_value
from .text import nfc

INDICATOR_HEADERS = ("mã", "mã chỉ tiêu", "chỉ tiêu", "tên chỉ tiêu", "code", "indicator")
MAX_REPORTED = 20


@dataclass(frozen=True)
class TargetRow:
    indicator: str
    source: str
    value: float | None
    low: float | None
    high: float | None


def _key(text) -> str:
    return " ".join((nfc(str(text)) or "").split()).casefold()


def parse_target_rows(cat: Catalogue, rows: list[list]) -> list[TargetRow]:
    """Validate a sheet given as rows of cell values (pure); InputError names every bad cell."""
    rows = [list(r) for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise InputError("Trang tính trống: không có kế hoạch nào để nhập.")
    header = [_key(c) if c is not None else "" for c in rows[0]]
    indicator_col = next((i for i, h in enumerate(header) if h in INDICATOR_HEADERS), None)
    if indicator_col is None:
        raise InputError("Dòng đầu phải có cột “Mã” hoặc “Chỉ tiêu” và các cột nguồn kế hoạch.")
    sources_by_key = {}
    for src in cat.sources.values():
        for name in (src.code, src.short, src.name):
            sources_by_key[_key(name)] = src.code
    source_cols: dict[int, str] = {}
    errors = []
    for i, h in enumerate(header):
        if i == indicator_col or not h:
            continue
        if h in sources_by_key:
            source_cols[i] = sources_by_key[h]
        else:
            errors.append(f"cột “{rows[0][i]}” không phải nguồn kế hoạch")
    if not source_cols and not errors:
        raise InputError("Không có cột nguồn kế hoạch nào (ví dụ “KH tỉnh”, “NQ HĐND”).")
    by_name = {_key(ind.name): ind.code for ind in cat.indicators.values()}
    result = []
    for number, row in enumerate(rows[1:], start=2):
        raw = row[indicator_col] if indicator_col < len(row) else None
        code = None
        if raw not in (None, ""):
            text = nfc(str(raw)).strip()
            code = text if text in cat.indicators else by_name.get(_key(text))
        if code is None:
            errors.append(f"dòng {number}: không có chỉ tiêu “{raw}”")
            continue
        for col, source in source_cols.items():
            cell = row[col] if col < len(row) else None
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            try:
                if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                    value, low, high = float(cell), None, None
                else:
                    value, low, high = parse_target_value(str(cell))
            except InputError as error:
                errors.append(f"dòng {number}, cột “{rows[0][col]}”: {error}")
                continue
            result.append(TargetRow(code, source, value, low, high))
    if errors:
        shown = "; ".join(errors[:MAX_REPORTED]) + ("; …" if len(errors) > MAX_REPORTED else "")
        raise InputError(f"Không nhập trang tính ({len(errors)} lỗi, chưa ghi gì): {shown}.")
    if not result:
        raise InputError("Trang tính không có giá trị kế hoạch nào.")
    return result


def read_target_sheet(cat: Catalogue, path: str | Path) -> list[TargetRow]:
    """Read and validate the first sheet of an .xlsx file."""
    import openpyxl  # only when importing: keeps the program's start fast

    try:
        book = openpyxl.load_workbook(path, read_only=True)  # formulas as formulas, to refuse them
    except FileNotFoundError:
        raise InputError(f"Không tìm thấy tệp {path}.") from None
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not xlsx
        raise InputError(f"Không đọc được tệp Excel {Path(path).name}: {error}.") from None
    try:
        cells = [list(r) for r in book.worksheets[0].iter_rows()]
    finally:
        book.close()
    formulas = [formula_refusal(cell, cell.coordinate) for row in cells for cell in row if is_formula(cell)]
    if formulas:
        shown = " ".join(formulas[:MAX_REPORTED]) + (" …" if len(formulas) > MAX_REPORTED else "")
        raise InputError(f"Không nhập trang tính ({len(formulas)} ô có công thức, chưa ghi gì): {shown}")
    return parse_target_rows(cat, [[cell.value for cell in row] for row in cells])
