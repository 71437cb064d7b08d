"""The cell details panel: the figure's comment, the indicator's last 12 months and the full
history of the value (who, when, old → new).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..models.catalogue import catalogue
from ..models.figure_data import FigureData
from ..models.figures import STATUS_LABELS, history
from ..models.numbers import format_figure, format_number
from ..models.organisation import organisation
from ..models.periods import Period, add_months, period_of_month_key
from ..models.store import Store
from .qt_names import ALIGN_RIGHT_FLAGS

ACTION_LABELS = {"set": "nhập", "clear": "xóa", "demo": "số liệu mẫu", "import": "nhập từ tệp"}


def last_months(store: Store, unit: str, code: str, period: Period, count: int = 12) -> list[tuple[str, float | None]]:
    """(label, value) of the indicator for the `count` months up to the period's last month."""
    cat, org = catalogue(store), organisation(store)
    reporter = org.unit(unit)
    figure_unit = reporter.reports_for if reporter.is_department else reporter.code
    data = FigureData(store, cat, org, org.related(figure_unit))
    ind = cat.indicators[code]
    result = []
    for back in range(count - 1, -1, -1):
        month = period_of_month_key(add_months(period.end_key, -back))
        result.append((f"{month.first:02d}/{month.year}", data.period_value(figure_unit, ind, month)))
    return result


def history_lines(store: Store, unit: str, period: Period, code: str) -> list[dict]:
    """Every version of the figure with the value before and after, oldest first: the column the
    indicator is entered in, and a flow's other one (month or year-to-date) where it was typed."""
    ind = catalogue(store).indicators[code]
    entered = "ytd_value" if ind.kind == "flow" and ind.entry == "ytd" else "month_value"
    other = {"month_value": "ytd_value", "ytd_value": "month_value"}[entered] if ind.kind == "flow" else None
    labels = {"month_value": "tháng", "ytd_value": "lũy kế"}
    versions = history(store, unit, period_of_month_key(period.end_key), code)
    shown = [entered] + ([other] if other and any(v[other] is not None for v in versions) else [])
    lines, previous = [], {}
    for version in versions:
        changes = []
        for column in shown:
            before, after = previous.get(column), version[column]
            text = f"{format_number(before, 6) or '(trống)'} → {format_number(after, 6) or '(trống)'}"
            changes.append(text if len(shown) == 1 else f"{labels[column]}: {text}")
        lines.append({
            "when": version["entered_at"].replace("T", " "), "who": version["entered_by"],
            "action": ACTION_LABELS.get(version["action"], version["action"]), "change": "; ".join(changes),
            "status": STATUS_LABELS.get(version["status"], ""), "comment": version["comment"] or ""})
        previous = {column: version[column] for column in shown}
    return lines


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    return table


class DetailsPanel(QWidget):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.title = QLabel("Chọn một ô để xem chi tiết.")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold")
        self.comment = QLabel("")
        self.comment.setWordWrap(True)
        self.months = _table(["Tháng", "Giá trị"])
        self.history = _table(["Lúc", "Người nhập", "Thao tác", "Cũ → mới", "Trạng thái", "Ghi chú"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.comment)
        layout.addWidget(QLabel("12 tháng gần nhất"))
        layout.addWidget(self.months, 2)
        layout.addWidget(QLabel("Lịch sử giá trị"))
        layout.addWidget(self.history, 3)

    def clear(self) -> None:
        """Nothing chosen (another tab, or no cell): say so, show no other cell's figures."""
        self.title.setText("Chọn một ô để xem chi tiết.")
        self.comment.setText("")
        self.months.setRowCount(0)
        self.history.setRowCount(0)

    def show_cell(self, unit: str, period: Period, code: str) -> None:
        ind = catalogue(self.store).indicators[code]
        self.title.setText(f"{ind.name} ({ind.unit})")
        months = last_months(self.store, unit, code, period)
        self.months.setRowCount(len(months))
        for row, (label, value) in enumerate(reversed(months)):  # the period's own month on top
            self.months.setItem(row, 0, QTableWidgetItem(label))
            item = QTableWidgetItem(format_figure(value, ind.decimals))  # as typed, as the report prints it
            item.setTextAlignment(ALIGN_RIGHT_FLAGS)
            self.months.setItem(row, 1, item)
        lines = history_lines(self.store, unit, period, code)
        self.comment.setText(f"Ghi chú: {lines[-1]['comment']}" if lines and lines[-1]["comment"] else "Ghi chú: (không)")
        self.history.setRowCount(len(lines))
        for row, line in enumerate(reversed(lines)):
            for column, key in enumerate(("when", "who", "action", "change", "status", "comment")):
                self.history.setItem(row, column, QTableWidgetItem(line[key]))
