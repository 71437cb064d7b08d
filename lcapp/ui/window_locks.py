"""Locking a unit-month from the main window: the red "Đã khóa số liệu" label, the lock and
unlock actions and the lock status of the child units (`LockActions`, mixed into MainWindow)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox


class LockActions:
    def _month_code(self) -> str:
        return f"{self.year_box.value()}{self.month_box.value():02d}"

    def update_lock(self) -> None:
        """Show whether the unit-month is locked; a locked one takes no typing and says why."""
        if self.entry is None or not self.unit:
            return
        from .lock_guard import month_lock_message

        message = month_lock_message(self.store, self.unit, self.year_box.value(), self.month_box.value())
        self.lock_label.setVisible(bool(message))
        self.lock_label.setToolTip(message or "")
        self.lock_guard.set_message(message)
        for tab in self.tabs_by_sector.values():
            if tab.model is not None:
                tab.model.set_locked(bool(message))
        for tab in self.text_tabs():
            if tab.narrative is not None:  # the core refuses a locked month's narrative too
                tab.narrative.setReadOnly(bool(message))
        self.lock_action.setEnabled(not message)
        self.unlock_action.setEnabled(bool(message))
        if message:
            self.statusBar().showMessage(message)

    def lock_month(self) -> None:
        if self.entry is None or not self.unit:
            return
        from ..models.changes import of_unit
        from ..models.locks import lock, month_label
        from .ops import CollectionOp

        unit, month = self.unit, self._month_code()
        label = month_label(int(month))
        CollectionOp(self, lambda s: (lock(s, unit, month), of_unit(unit, month, locks=True))).success(
            lambda _count: self.say_saved(f"Đã khóa số liệu {label}")).run()

    def unlock_month(self) -> None:
        if self.entry is None or not self.unit:
            return
        from PySide6.QtWidgets import QInputDialog

        from ..models.changes import of_unit
        from ..models.locks import month_label, unlock
        from ..models.organisation import organisation
        from .ops import CollectionOp

        unit, month = self.unit, self._month_code()
        label = month_label(int(month))
        name = organisation(self.store).units[unit].name
        reason, ok = QInputDialog.getText(self, "Mở khóa số liệu",
                                          f"Mở khóa số liệu {name} {label}.\nLý do mở khóa (ghi vào lịch sử):")
        if not ok:
            return

        def refused(message: str) -> None:
            self.say_failed(message)
            QMessageBox.warning(self, "Mở khóa số liệu", message)

        CollectionOp(self, lambda s: (unlock(s, unit, month, reason), of_unit(unit, month, locks=True))).success(
            lambda _count: self.say_saved(f"Đã mở khóa số liệu {label}")).failure(refused).run()

    def show_lock_status(self):
        """The lock column of the unit and its child units in the window's month; returns the dialog."""
        if self.entry is None or not self.unit:
            return None
        from PySide6.QtCore import Qt

        from .lock_status import LockStatusDialog

        dialog = LockStatusDialog(self.store, self.worker, self.unit, self.year_box.value(),
                                  self.month_box.value(), self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog
