"""The annex's one percent formula (`annex_xlsx.percent_formula`) gives what the one Python rule
(`progress.percent_of_target`) gives, as LibreOffice recalculates it, over many values: zero and
blank targets, ranges, the "giảm" (less is better) direction, negatives and decimals."""

import math
from itertools import product

from openpyxl import Workbook

from lcapp.export.annex_xlsx import formula_gives, percent_formula
from lcapp.export.spreadsheet_text import set_cell
from lcapp.models.progress import percent_of_target
from lcapp.models.targets import Target
from office import needs_office, recalculated

QUANTITIES = [None, 0, 5, -3, 12.5, 100, 0.000001, 123456.789, 0.1 + 0.2, -0.75, 9.5, 10]
PLANS = [None, 0, 4, -2, 0.3, 1000.5, 100]
RANGES = [(0, 10), (-5, -1), (9.5, 10), (0.1, 0.3), (5, 5), (-2, 3)]


def cases():
    for quantity, plan, direction in product(QUANTITIES, PLANS, ("up", "down")):
        yield quantity, plan, None, direction
    for quantity, (low, high), direction in product(QUANTITIES, RANGES, ("up", "down")):
        yield quantity, None, Target("x", None, "nq", None, low, high, False, ""), direction


def python_rule(quantity, plan, target, direction):
    """The rule itself: a blank plan cell is a target without a value."""
    if target is None:
        target = Target("x", None, "nq", plan, None, None, False, "")
    return percent_of_target(quantity, target, direction)[0]


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def test_the_writer_checks_its_formula_against_the_python_rule_itself():
    for quantity, plan, target, direction in cases():
        assert same(formula_gives(quantity, plan, target, direction), python_rule(quantity, plan, target, direction))


@needs_office
def test_libreoffice_computes_the_formula_exactly_as_the_python_rule(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    rows = list(cases())
    for number, (quantity, plan, target, direction) in enumerate(rows, start=1):
        sheet.cell(number, 1).value = quantity
        sheet.cell(number, 2).value = plan
        set_cell(sheet.cell(number, 3), percent_formula(f"A{number}", f"B{number}", target, direction))
    path = tmp_path / "percents.xlsx"
    workbook.save(path)
    computed = recalculated(path, tmp_path / "lo").active
    wrong = []
    for number, (quantity, plan, target, direction) in enumerate(rows, start=1):
        shown = computed.cell(number, 3).value
        shown = None if shown in ("", None) else float(shown)
        expected = python_rule(quantity, plan, target, direction)
        if not same(shown, expected):
            wrong.append((quantity, plan, target and (target.low, target.high), direction, shown, expected))
    assert len(rows) > 250
    assert wrong == []
