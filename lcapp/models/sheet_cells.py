"""Reading cells of a workbook from outside: values only, never a formula.

An entry template or a targets sheet comes back from someone else's Excel. Its cells are
read as values; a cell that holds a formula is refused, naming the cell, because its value
is whatever that Excel last computed (or nothing, for a file written by another program)
and a formula such as `=HYPERLINK(...)` or `=cmd|...` in a comment is not text anyone typed.
LCApp's own templates hold no formula (a test checks every cell), so there is no formula of
ours to let through.
"""

from __future__ import annotations

SHOWN_CHARS = 40


def is_formula(cell) -> bool:
    """True for an openpyxl cell holding a formula (plain, shared or array)."""
    return getattr(cell, "data_type", None) == "f"


def formula_refusal(cell, where: str) -> str:
    """The Vietnamese refusal for a formula found at `where` ("Sheet!F12")."""
    text = cell.value if isinstance(cell.value, str) else getattr(cell.value, "text", "") or ""
    shown = text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"
    return (f"{where}: ô chứa công thức “{shown}”, chương trình chỉ nhận số hoặc chữ; hãy ghi lại giá trị "
            "(trong Excel: sao chép rồi Dán đặc biệt → Giá trị).")
