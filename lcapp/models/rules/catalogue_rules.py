"""Rules written in the catalogue: "left op right" over indicator expressions (as DHIS2's
validation rules), with an importance and a Vietnamese message.

    [[rule]]
    code = "nq01_hoan_thanh_toi_da"
    left = "nq01_hoan_thanh"
    op = "<="
    right = "nq01_cong_viec"
    importance = "error"          # error | warning | note
    message = "Số công việc hoàn thành không thể nhiều hơn số công việc được giao"
    quantity = "value"            # value (the period's figure) or ytd

Expressions are parsed by `formulas.parse_formula`, so a catalogue can never run code.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError
from ..findings import Finding
from ..formulas import Formula, parse_formula
from ..text import nfc
from .names import BUILTIN_RULES

OPERATORS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
             ">": operator.gt, ">=": operator.ge}
OPERATOR_WORDS = {"==": "bằng", "!=": "khác", "<": "nhỏ hơn", "<=": "không lớn hơn", ">": "lớn hơn",
                  ">=": "không nhỏ hơn"}
IMPORTANCES = ("error", "warning", "note")
QUANTITIES = ("value", "ytd")


@dataclass(frozen=True)
class CatalogueRule:
    code: str
    name: str
    left_side: str
    operator: str
    right_side: str
    importance: str
    message: str
    quantity: str
    position: int

    @property
    def left(self) -> Formula:
        return parse_formula(self.left_side)

    @property
    def right(self) -> Formula:
        return parse_formula(self.right_side)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.left.names + self.right.names))


def validate_rules(raw_rules: list[dict], indicator_codes: set[str]) -> list[dict]:
    """Check the `[[rule]]` entries of a catalogue; return rows for `check_rules`."""
    rows, codes = [], set()
    for position, raw in enumerate(raw_rules):
        code = nfc(str(raw.get("code", "")))
        where = f"Quy tắc kiểm tra “{code or position + 1}”"
        if not code or not code.isidentifier() or not code.isascii():
            raise InputError(f"{where}: mã phải gồm chữ cái không dấu, chữ số và dấu gạch dưới.")
        if code in codes or code in BUILTIN_RULES:
            raise InputError(f"{where}: mã bị trùng (với quy tắc khác hoặc quy tắc có sẵn).")
        codes.add(code)
        op = raw.get("op", "")
        if op not in OPERATORS:
            raise InputError(f"{where}: phép so sánh “{op}” không hợp lệ (chọn một trong {' '.join(OPERATORS)}).")
        importance = raw.get("importance", "warning")
        if importance not in IMPORTANCES:
            raise InputError(f"{where}: mức độ “{importance}” không hợp lệ (error, warning hoặc note).")
        quantity = raw.get("quantity", "value")
        if quantity not in QUANTITIES:
            raise InputError(f"{where}: quantity = “{quantity}” không hợp lệ (value hoặc ytd).")
        message = nfc(str(raw.get("message", ""))).strip()
        if not message:
            raise InputError(f"{where}: thiếu lời nhắn (message) cho người dùng.")
        sides = []
        for key in ("left", "right"):
            text = nfc(str(raw.get(key, ""))).strip()
            if not text:
                raise InputError(f"{where}: thiếu vế {'trái' if key == 'left' else 'phải'} ({key}).")
            for name in parse_formula(text).names:
                if name not in indicator_codes:
                    raise InputError(f"{where}: biểu thức “{text}” dùng mã “{name}” không có trong danh mục.")
            sides.append(text)
        if not (parse_formula(sides[0]).names + parse_formula(sides[1]).names):
            raise InputError(f"{where}: biểu thức phải dùng ít nhất một mã chỉ tiêu.")
        rows.append({"code": code, "name": nfc(str(raw.get("name") or message)), "left_side": sides[0],
                     "operator": op, "right_side": sides[1], "importance": importance, "message": message,
                     "quantity": quantity, "position": position})
    return rows


def validate_checks_off(value, where: str) -> list[str]:
    """An indicator's `checks_off`: a list of built-in rule names."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: checks_off phải là danh sách tên quy tắc, ví dụ [\"behind_pace\"].")
    for name in value:
        if name not in BUILTIN_RULES:
            raise InputError(f"{where}: checks_off có “{name}” không phải quy tắc có sẵn "
                             f"(có: {', '.join(BUILTIN_RULES)}).")
    return list(dict.fromkeys(value))


def evaluate_rules(inp) -> Iterator[Finding]:
    """Findings of the catalogue's rules for one unit and period (`inp`: a CheckInput).

    A rule whose sides cannot be computed (a figure missing) says nothing: missing figures
    are the completeness rules' business.
    """
    from ..numbers import format_number

    for rule in inp.cat.rules:
        values = {}
        for name in rule.names:
            row = inp.by_code.get(name)
            values[name] = None if row is None else getattr(row, rule.quantity)
        left, right = rule.left.evaluate(values), rule.right.evaluate(values)
        if left is None or right is None:
            continue
        decimals = max(inp.cat.indicators[n].decimals for n in rule.names) if rule.names else 2
        step = 0.5 * 10 ** -decimals
        holds = _holds(rule.operator, left, right, step)
        if holds:
            continue
        subject = inp.cat.indicators[rule.names[0]] if rule.names else None
        yield inp.finding(
            rule.importance, rule.code, subject,
            f"{rule.message} ({rule.left_side} = {format_number(left, decimals)}; "
            f"{rule.right_side} = {format_number(right, decimals)}).",
            left=left, right=right, operator=rule.operator)


def _holds(op: str, left: float, right: float, step: float) -> bool:
    """Compare as the figures are shown: a gap under half the last decimal counts as equal."""
    if abs(left - right) <= step:
        return op in ("==", "<=", ">=")
    return OPERATORS[op](left, right)
