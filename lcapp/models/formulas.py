"""Formulas of derived indicators: + - * / and parentheses over other indicators' codes.

Parsed with Python's `ast` and evaluated by walking the tree, so a catalogue file can
never run code. A missing operand or a division by zero gives None (no figure), never 0.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Mapping

from .errors import InputError

_OPERATORS: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


@dataclass(frozen=True)
class Formula:
    text: str
    tree: ast.AST
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        try:
            return _evaluate(self.tree, values)
        except ZeroDivisionError:
            return None


def _evaluate(node: ast.AST, values: Mapping[str, float | None]) -> float | None:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return values.get(node.id)
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, values)
        right = _evaluate(node.right, values)
        if left is None or right is None:
            return None
        return _OPERATORS[type(node.op)](left, right)
    raise AssertionError(f"unexpected node {node!r}")  # parse_formula allows nothing else


def parse_formula(text: str) -> Formula:
    """Parse a formula; InputError if it uses anything but numbers, codes, + - * / ( )."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise InputError(f"Công thức “{text}” sai cú pháp.") from None
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise InputError(f"Công thức “{text}” chỉ được dùng số và mã chỉ tiêu.")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPERATORS:
                raise InputError(f"Công thức “{text}” chỉ được dùng các phép + - * /.")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise InputError(f"Công thức “{text}” chỉ được dùng các phép + - * /.")
        elif not isinstance(node, (ast.Expression, ast.Load, ast.operator, ast.unaryop)):
            raise InputError(f"Công thức “{text}” chỉ được dùng số, mã chỉ tiêu và + - * / ( ).")
    return Formula(text, tree, tuple(dict.fromkeys(names)))
