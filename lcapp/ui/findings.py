"""The "Kiểm tra" panel's model: the checks' findings for the unit and period, and the grid's
refused entries (typed text that is not a number), each pointing at its indicator.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex
from PySide6.QtGui import QBrush, QColor

from .qt_names import DISPLAY_ROLE, FOREGROUND_ROLE, HORIZONTAL, TOOLTIP_ROLE

SEVERITY_LABELS = {"error": "Lỗi", "warning": "Cảnh báo", "note": "Lưu ý"}
SEVERITY_COLORS = {"error": QColor("#b00020"), "warning": QColor("#9a6700"), "note": QColor("#555555")}
HEADERS = ["Mức", "Nội dung"]


@dataclass(frozen=True)
class PanelFinding:
    severity: str
    rule: str
    indicator: str
    message: str
    column: str | None = None  # the grid column to select, when the finding is about one cell
    part: str = ""  # the report part a text finding quotes (its sector's tab shows the text)


def from_check(finding) -> PanelFinding:
    """A core `Finding` (relies only on its documented fields)."""
    return PanelFinding(finding.severity, finding.rule, finding.indicator, finding.message,
                        part=getattr(finding, "part", ""))


def from_input_error(name: str, code: str, column: str, text: str, reason: str) -> PanelFinding:
    return PanelFinding("error", "unparseable_input", code, f"{name}: “{text}” chưa được lưu — {reason}", column)


class FindingsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.checks: list[PanelFinding] = []
        self.inputs: list[PanelFinding] = []

    @property
    def items(self) -> list[PanelFinding]:
        return self.inputs + self.checks

    def set_checks(self, findings) -> None:
        self.beginResetModel()
        self.checks = [from_check(f) for f in findings]
        self.endResetModel()

    def set_inputs(self, findings: list[PanelFinding]) -> None:
        self.beginResetModel()
        self.inputs = list(findings)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if role == DISPLAY_ROLE and orientation == HORIZONTAL and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == DISPLAY_ROLE:
            return SEVERITY_LABELS.get(item.severity, item.severity) if index.column() == 0 else item.message
        if role == TOOLTIP_ROLE:
            return item.message
        if role == FOREGROUND_ROLE and index.column() == 0:
            return QBrush(SEVERITY_COLORS.get(item.severity, QColor("#000000")))
        return None

    def finding(self, row: int) -> PanelFinding:
        return self.items[row]
