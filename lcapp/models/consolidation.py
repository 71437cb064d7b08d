"""What a consolidating office has received: its child units' figures, month by month.

The province sums its 38 xã and phường; its total of a figure is known only when every one of
them has it (`progress`). `completeness()` says which units have sent figures for the period
("đã nhận 36/38 đơn vị") and names the others; `partial_sum()` adds up those received, for a
figure that must be shown as such (never as the total).
"""

from __future__ import annotations

from dataclasses import dataclass

from .organisation import Unit, organisation
from .periods import Period, month_period, parse_period, split_month_key
from .store import Store


@dataclass(frozen=True)
class Completeness:
    unit: str
    period: Period
    expected: tuple[Unit, ...]  # the child units of the period
    received: tuple[str, ...]  # those with figures for every month of the period they existed in

    @property
    def missing(self) -> list[Unit]:
        return [u for u in self.expected if u.code not in self.received]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def count_text(self) -> str:
        """"đã nhận 36/38 đơn vị"."""
        return f"đã nhận {len(self.received)}/{len(self.expected)} đơn vị"

    def text(self) -> str:
        """"Đã nhận 36/38 đơn vị tháng 11/2026; chưa nhận: Xã Mù Cả, Xã Tà Tổng." (or "đủ")."""
        head = f"Đã nhận {len(self.received)}/{len(self.expected)} đơn vị {self.period.label}"
        if self.complete:
            return head + " (đủ)."
        return f"{head}; chưa nhận: {', '.join(u.name for u in self.missing)}."

    def as_json(self) -> dict:
        return {"unit": self.unit, "period": self.period.code, "expected": [u.code for u in self.expected],
                "received": list(self.received), "missing": [u.code for u in self.missing], "text": self.text()}


def completeness(store: Store, unit: str, period: Period | str) -> Completeness | None:
    """Which child units of `unit` have figures for `period` (None when it has no child units then).

    A unit counts as received when the database holds at least one figure of it for every month
    of the period it existed in, whether from a package, a file or typed in.
    """
    if isinstance(period, str):
        period = parse_period(period)
    org = organisation(store)
    found = org.unit(unit)
    figure_unit = org.unit(found.reports_for) if found.is_department else found
    children = tuple(org.children(figure_unit.code, period))
    if not children:
        return None
    marks = ", ".join("?" * len(children))
    months: dict[str, set[int]] = {}
    for code, month in store.conn.execute(
            f"SELECT DISTINCT unit, month FROM figures WHERE unit IN ({marks}) AND month BETWEEN ? AND ? "
            "AND (month_value IS NOT NULL OR ytd_value IS NOT NULL OR term_value IS NOT NULL)",
            (*(u.code for u in children), period.start_key, period.end_key)):
        months.setdefault(code, set()).add(month)
    received = tuple(u.code for u in children
                     if {m for m in period.months if u.valid_during(month_period(*split_month_key(m)))}
                     <= months.get(u.code, set()))
    return Completeness(figure_unit.code, period, children, received)


def partial_sum(values: dict[str, float | None]) -> tuple[float | None, list[str]]:
    """The sum of the figures present and the units without one (pure): a partial sum, to be
    labelled with what it leaves out."""
    present = [v for v in values.values() if v is not None]
    return (sum(present) if present else None), [code for code, v in values.items() if v is None]
