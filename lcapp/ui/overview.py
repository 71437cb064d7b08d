"""The "Tổng quan" tab: every key indicator as a bar of percent achieved against the pace
expected by this month, red / amber / green, so a leader sees at a glance what lags.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QTableView

from ..models.catalogue import catalogue
from ..models.numbers import format_figure, format_percent, percent_decimals, with_unit
from ..models.organisation import organisation
from ..models.periods import Period
from ..models.progress import IndicatorProgress, progress
from ..models.store import Store
from .qt_names import ALIGN_RIGHT, ALIGNMENT_ROLE, DISPLAY_ROLE, HORIZONTAL, TOOLTIP_ROLE

AMBER_MARGIN = 10.0  # percentage points behind the expected level still shown amber
COLORS = {"green": QColor("#2e9d4a"), "amber": QColor("#e0a800"), "red": QColor("#d23c3c"), "none": QColor("#bbbbbb")}
LIGHT_LABELS = {"green": "đạt tiến độ", "amber": "chậm nhẹ", "red": "chậm", "none": "chưa có kế hoạch hoặc số liệu"}
LIGHT_ROLE = Qt.UserRole + 1
PERCENT_ROLE = Qt.UserRole + 2

NAME, TARGET, YTD, BAR, EXPECTED = range(5)
HEADERS = ["Chỉ tiêu chủ yếu", "Kế hoạch năm", "Lũy kế", "% kế hoạch", "Tiến độ yêu cầu"]


def expected_level(row: IndicatorProgress) -> float:
    """Percent a figure should have reached: the month's pace for flows, the whole target otherwise."""
    return row.expected_pace if row.expected_pace is not None else 100.0


def traffic_light(percent: float | None, expected: float) -> str:
    """green when on pace, amber within AMBER_MARGIN points behind, red further behind."""
    if percent is None:
        return "none"
    if percent >= expected:
        return "green"
    if percent >= expected - AMBER_MARGIN:
        return "amber"
    return "red"


class KeyIndicatorModel(QAbstractTableModel):
    """Key indicators (catalogue `key = true`) of a unit and period, with their traffic light."""

    def __init__(self, store: Store, parent=None, cache=None):
        super().__init__(parent)
        self.store, self.cache = store, cache
        self.rows: list[IndicatorProgress] = []
        self.period: Period | None = None
        self.percent_places = percent_decimals(store.settings())

    def load(self, unit: str, period: Period) -> None:
        cat, org = catalogue(self.store), organisation(self.store)
        reporter = org.unit(unit)
        codes = [ind.code for ind in cat.valid_in(period) if ind.key
                 and (not (reporter.is_department and reporter.sectors) or ind.sector in reporter.sectors)]
        self.beginResetModel()
        self.period = period
        self.percent_places = percent_decimals(self.store.settings())
        if self.cache is not None:
            every = self.cache.rows(unit, period, codes)
            self.rows = [every[code] for code in codes if code in every]
        else:
            self.rows = progress(self.store, unit, period, codes) if codes else []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=DISPLAY_ROLE):
        if role == DISPLAY_ROLE and orientation == HORIZONTAL and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def percent(self, row: IndicatorProgress) -> tuple[str | None, float | None]:
        for source in catalogue(self.store).sources:
            if row.percent_of_target.get(source) is not None:
                return source, row.percent_of_target[source]
        for source, value in row.percent_of_target.items():
            if value is not None:
                return source, value
        return None, None

    def light(self, row: IndicatorProgress) -> str:
        return traffic_light(self.percent(row)[1], expected_level(row))

    def data(self, index, role=DISPLAY_ROLE):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        source, percent = self.percent(row)
        if role == DISPLAY_ROLE:
            if column == NAME:
                return row.name
            if column == TARGET:
                target = row.targets.get(source) if source else None
                if isinstance(target, list):
                    text = f"{format_figure(target[0], row.decimals)}-{format_figure(target[1], row.decimals)}"
                    return with_unit(text, row.dvt)
                return with_unit(format_figure(target, row.decimals), row.dvt) if target is not None else ""
            if column == YTD:
                return with_unit(format_figure(row.ytd, row.decimals), row.dvt) if row.ytd is not None else ""
            if column == BAR:
                return f"{format_percent(percent, self.percent_places)}%" if percent is not None else "—"
            if column == EXPECTED:
                return f"{format_percent(expected_level(row), self.percent_places)}%"
        if role == LIGHT_ROLE:
            return self.light(row)
        if role == PERCENT_ROLE and column == BAR:
            return percent
        if role == TOOLTIP_ROLE:
            cat = catalogue(self.store)
            name = cat.sources[source].name if source in cat.sources else (source or "")
            return f"{LIGHT_LABELS[self.light(row)]}" + (f" — so với {name}" if name else "")
        if role == ALIGNMENT_ROLE and column != NAME:
            return ALIGN_RIGHT
        return None


class BarDelegate(QStyledItemDelegate):
    """Paints the percent as a bar coloured by the traffic light, with a mark at the expected pace."""

    def paint(self, painter: QPainter, option, index):
        if index.column() != BAR:
            super().paint(painter, option, index)
            return
        painter.save()
        rect = option.rect.adjusted(4, 5, -4, -5)
        painter.fillRect(rect, QColor("#eeeeee"))
        # Ask the Python model directly: PySide6 6.12's QModelIndex.data() drops a reference
        # to None for every empty answer, which ends in a crash on Python 3.11.
        model = index.model()
        percent = model.data(index, PERCENT_ROLE)
        light = model.data(index, LIGHT_ROLE)
        if percent is not None:
            width = int(rect.width() * max(0.0, min(percent, 100.0)) / 100)
            painter.fillRect(QRect(rect.left(), rect.top(), width, rect.height()), COLORS[light])
        row = model.rows[index.row()]
        mark = rect.left() + int(rect.width() * min(expected_level(row), 100.0) / 100)
        painter.setPen(QColor("#333333"))
        painter.drawLine(mark, rect.top() - 2, mark, rect.bottom() + 2)
        painter.drawText(rect.adjusted(6, 0, -6, 0), Qt.AlignVCenter | Qt.AlignLeft, model.data(index, DISPLAY_ROLE))
        painter.restore()


class OverviewView(QTableView):
    def __init__(self, model: KeyIndicatorModel, parent=None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(BarDelegate(self))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QTableView.NoEditTriggers)
        self.setSelectionBehavior(QTableView.SelectRows)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.Stretch)
        for column, width in ((TARGET, 150), (YTD, 150), (BAR, 260), (EXPECTED, 120)):
            header.setSectionResizeMode(column, QHeaderView.Interactive)
            self.setColumnWidth(column, width)
        self.verticalHeader().setDefaultSectionSize(26)
