"""The main window's top bar: the unit, the month and year, the period to view (the month or a
summary containing it), the lock and received labels and the file's name (`PeriodBar`, mixed
into MainWindow)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox

from .window_tabs import summary_periods

if TYPE_CHECKING:
    from ..models.periods import Period


class PeriodBar:
    def _build_bar(self) -> QHBoxLayout:
        top = QHBoxLayout()
        self.unit_box = QComboBox(self)
        self.unit_box.setMinimumWidth(260)
        self.month_box = QSpinBox(self)
        self.month_box.setRange(1, 12)
        self.month_box.setPrefix("Tháng ")
        self.year_box = QSpinBox(self)
        self.year_box.setRange(2015, 2100)
        self.year_box.setPrefix("Năm ")
        self.view_box = QComboBox(self)
        self.view_box.setMinimumWidth(170)
        self.view_box.setToolTip("Quý, 6 tháng, 9 tháng và năm chỉ để xem (tính từ số liệu tháng).")
        self.file_label = QLabel(self)
        self.file_label.setStyleSheet("color: #555")
        self.lock_label = QLabel("Đã khóa số liệu", self)  # shown for a locked unit-month
        self.lock_label.setStyleSheet("background: #b71c1c; color: white; font-weight: bold; padding: 2px 8px;"
                                      " border-radius: 3px")
        self.lock_label.hide()
        self.received_label = QLabel(self)  # a consolidating unit: "đã nhận 36/38 đơn vị"
        self.received_label.hide()
        for label, widget in (("Đơn vị:", self.unit_box), ("Kỳ:", self.month_box), (None, self.year_box),
                              ("Xem:", self.view_box)):
            if label:
                top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addWidget(self.lock_label)
        top.addWidget(self.received_label)
        top.addStretch()
        top.addWidget(self.file_label)
        return top


    def _connect_bar(self) -> None:
        self.unit_box.currentIndexChanged.connect(self._selection_changed)
        self.view_box.currentIndexChanged.connect(self._selection_changed)
        self.month_box.valueChanged.connect(self._month_changed)
        self.year_box.valueChanged.connect(self._month_changed)

    def choose(self, unit: str, month_code: str, view_code: str | None = None) -> None:
        """Show `unit` for the month (and optionally a summary period containing it)."""
        from ..models.periods import parse_period

        month = parse_period(month_code)
        for box in (self.month_box, self.year_box):
            box.blockSignals(True)
        self.month_box.setValue(month.first)
        self.year_box.setValue(month.year)
        for box in (self.month_box, self.year_box):
            box.blockSignals(False)
        self._fill_units(month, unit)
        self._fill_views(month, view_code)
        self._selection_changed()

    def _fill_units(self, month: Period, wanted: str | None) -> None:
        from ..models.organisation import KIND_LABELS, organisation

        wanted = wanted or self.unit_box.currentData()
        org = organisation(self.store)
        self.unit_box.blockSignals(True)
        self.unit_box.clear()
        for unit in org.units.values():
            if unit.valid_during(month):
                self.unit_box.addItem(f"{unit.name} ({KIND_LABELS.get(unit.kind, unit.kind)})", unit.code)
        position = self.unit_box.findData(wanted)
        self.unit_box.setCurrentIndex(max(position, 0))
        self.unit_box.blockSignals(False)

    def _fill_views(self, month: Period, wanted: str | None) -> None:
        from ..models.periods import parse_period

        self.view_box.blockSignals(True)
        current_kind = parse_period(wanted).kind if wanted else None
        self.view_box.clear()
        for code, label in summary_periods(month.year, month.first):
            self.view_box.addItem(label[0].upper() + label[1:], code)
        if current_kind:
            for i in range(self.view_box.count()):
                if parse_period(self.view_box.itemData(i)).kind == current_kind:
                    self.view_box.setCurrentIndex(i)
        self.view_box.blockSignals(False)

    def _month_changed(self) -> None:
        from ..models.periods import month_period

        month = month_period(self.year_box.value(), self.month_box.value())
        view = self.view_box.currentData()
        self._fill_units(month, self.unit_box.currentData())
        self._fill_views(month, view)
        self._selection_changed()

