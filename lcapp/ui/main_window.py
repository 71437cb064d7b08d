"""The main window: unit and period at the top, "Tổng quan" and one grid per sector, the
"Kiểm tra" panel and the cell details at the side, and the status bar saying what was saved.

The unit and period bar is in window_bar.py, the menus in window_menus.py, the lock actions in window_locks.py, the checks panel, the
details and the refresh after an operation in window_checks.py, the sector tabs in
window_tabs.py. Every operation (ops.py) ends in `operation_executed(changes, initiator)`,
and `_operation_executed` is the one place the window refreshes from.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..models.store import Store
from .window_bar import PeriodBar
from .window_checks import ChecksPanel
from .window_locks import LockActions
from .window_menus import MenuActions
from .window_tabs import SectorTab, summary_periods  # noqa: F401 - summary_periods: the tests' name for it


def _import_core() -> None:
    """Import the core and the panels built on it: done once the window's frame is on screen,
    so the program shows at once (these imports take most of its start-up time)."""
    global InputError, KIND_LABELS, Period, catalogue, month_period, organisation, parse_period
    global FigureEntry, REPORT_TEXT_TITLE, ReportTextTab, KeyIndicatorModel, OverviewView, ProgressCache
    global Qt, LockGuard, NarrativeEditor
    from PySide6.QtCore import Qt

    from ..models.catalogue import catalogue
    from ..models.errors import InputError
    from ..models.organisation import KIND_LABELS, organisation
    from ..models.periods import Period, month_period, parse_period
    from .entry import FigureEntry
    from .lock_guard import LockGuard
    from .narrative_editor import NarrativeEditor
    from .overview import KeyIndicatorModel, OverviewView
    from .progress_cache import ProgressCache
    from .report_text import TAB_TITLE as REPORT_TEXT_TITLE
    from .report_text import ReportTextTab


class MainWindow(PeriodBar, MenuActions, LockActions, ChecksPanel, QMainWindow):
    # After every operation (ops.CollectionOp): the core's Changes, and the widget that ran it.
    operation_executed = Signal(object, object)

    def __init__(self, path: str | Path, parent=None, *, defer_data: bool = False):
        super().__init__(parent)
        self.path = Path(path)
        self.store = Store(self.path)  # a wrong file is refused before any window shows
        self.worker = None  # the DB worker, FigureEntry and the rest are attached by load_initial(),
        self.entry = None  # once the frame is on screen
        self._closed = False
        self.damaged = False  # set when the file fails its integrity check: no automatic backup on exit
        self._shortcuts: list = []
        self.progress_cache = None
        self.overview = None
        self.details = None
        self.settings = QSettings()
        self.unit: str | None = None
        self.period: Period | None = None
        self.tabs_by_sector: dict[str, SectorTab] = {}
        self._findings: tuple = (None, None, [])  # unit, period and the checks' last findings
        self._report_exports = None
        self._checks_timer = QTimer(self)
        self._checks_timer.setSingleShot(True)
        self._checks_timer.setInterval(150)
        self._checks_timer.timeout.connect(self.run_checks)
        self.operation_executed.connect(self._operation_executed)
        self._build()
        self._build_menus()
        self._restore()
        if not defer_data:
            self.load_initial()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(self._build_bar())

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._tab_changed)

        # Plain layouts until the panels are attached: a QSplitter needs Qt's namespace enums,
        # 0,03-0,04 s to create, which the frame can show without.
        self.checks_box = QWidget(self)
        self.checks_box.setFixedWidth(300)
        checks_layout = QVBoxLayout(self.checks_box)
        checks_layout.setContentsMargins(0, 0, 0, 0)
        self.checks_title = QLabel("Kiểm tra", self.checks_box)
        self.checks_title.setStyleSheet("font-weight: bold")
        checks_layout.addWidget(self.checks_title)
        checks_layout.addStretch()
        self.body = QHBoxLayout()
        self.body.addWidget(self.tabs, 1)
        self.body.addWidget(self.checks_box)
        layout.addLayout(self.body, 1)
        self.setCentralWidget(central)
        self._connect_bar()


    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1366, 740)
        self.file_label.setText(f"Tệp: {self.path}")
        self.file_label.setToolTip(str(self.path))
        self.setWindowTitle("LCApp")

    def _attach(self) -> None:
        """Import the core and build what shows figures: overview, details, entry, undo."""
        if self.entry is not None:
            return
        _import_core()
        from .worker import DbWorker

        self.worker = DbWorker(self.path, self)
        # The session's backup comes first in the worker's queue, so it is taken before any write.
        from .backup_dialogs import backup_on_start

        backup_on_start(self, self.settings)
        self.lock_guard = LockGuard(self)
        self.entry = FigureEntry(self.store, self.worker, self)
        self.entry.saved.connect(self._after_save)
        self.entry.failed.connect(self._after_failure)
        for action, keys in self._shortcuts:
            action.setShortcuts(keys)
        stack = self.entry.undo_stack
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.progress_cache = ProgressCache(self.store)
        self.overview_model = KeyIndicatorModel(self.store, self, cache=self.progress_cache)
        self.overview = OverviewView(self.overview_model, self)
        self.tabs.insertTab(0, self.overview, "Tổng quan")
        self.tabs.setCurrentIndex(0)
        self.text_tab = ReportTextTab(self)  # after the sector tabs (see _sync_tabs)
        self.file_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self._build_side()

    def load_initial(self) -> None:
        """Show the last unit and period (at start: called once the window's frame is on screen)."""
        self._attach()
        today = date.today()
        code = str(self.settings.value("last/month", "") or "")
        try:
            month = parse_period(code) if code else month_period(today.year, today.month)
        except InputError:
            month = month_period(today.year, today.month)
        # The last unit and period are those of the last file: another file opens on its own unit.
        same_file = str(self.settings.value("last/file", "") or "") == str(self.path.resolve())
        own_unit = str(self.store.setting("reporting_unit", "") or "")
        unit = str(self.settings.value("last/unit", "") or own_unit) if same_file else own_unit
        view = str(self.settings.value("last/view", "") or "") if same_file else ""
        self.choose(unit, month.code, view)

    def _selection_changed(self) -> None:
        unit, code = self.unit_box.currentData(), self.view_box.currentData()
        if not unit or not code:
            return
        self.unit, self.period = unit, parse_period(code)
        org = organisation(self.store)
        self.setWindowTitle(f"{org.units[unit].name} — {self.period.label} — LCApp")
        self._sync_tabs()
        self.overview_model.load(unit, self.period)
        current = self.tabs.currentWidget()
        if current in self.text_tabs():
            current.load(unit, self.period)
        self._checks_timer.start()  # a moment later: the window first, and months spun through quickly
        self._update_inputs()
        self.statusBar().showMessage("Kỳ chỉ để xem: số liệu nhập theo tháng." if not self.period.is_month else "")
        self.update_lock()

    def _sync_tabs(self) -> None:
        """One tab per sector that has indicators (a department: only its own sectors)."""
        cat, org = catalogue(self.store), organisation(self.store)
        reporter = org.units[self.unit]
        wanted = [s.code for s in cat.sectors.values() if cat.in_sector(s.code, self.period)
                  and (not (reporter.is_department and reporter.sectors) or s.code in reporter.sectors)]
        if wanted == list(self.tabs_by_sector) and self.tabs.indexOf(self.text_tab) >= 0:
            return
        current = self.tabs.currentWidget()
        for tab in list(self.tabs_by_sector.values()):
            tab.save_narrative()
            self.tabs.removeTab(self.tabs.indexOf(tab))
            tab.deleteLater()
        self.tabs_by_sector = {}
        for code in wanted:
            tab = SectorTab(self, code)
            self.tabs_by_sector[code] = tab
            self.tabs.addTab(tab, cat.sectors[code].short)
        self.tabs.removeTab(self.tabs.indexOf(self.text_tab))
        self.tabs.addTab(self.text_tab, REPORT_TEXT_TITLE)
        if current is self.overview:
            self.tabs.setCurrentWidget(self.overview)

    def _wire_tab(self, tab: SectorTab) -> None:
        self.lock_guard.watch(tab.grid)
        tab.model.set_locked(bool(self.lock_guard.message))
        tab.narrative.setReadOnly(bool(self.lock_guard.message))
        tab.model.errorsChanged.connect(self._update_inputs)
        tab.grid.message.connect(self.statusBar().showMessage)
        tab.grid.detailsRequested.connect(lambda index: self.show_details())
        tab.grid.selectionModel().currentChanged.connect(lambda index, _old, t=tab: self._cell_changed(t, index))

    def _tab_changed(self, _index: int) -> None:
        tab = self.tabs.currentWidget()
        if tab is None or self.entry is None:
            return
        if tab in self.text_tabs() and self.period and tab.loaded_for != (self.unit, self.period.code):
            tab.load(self.unit, self.period)
        elif tab is self.overview and self.period:
            self.overview_model.load(self.unit, self.period)
        self._refresh_details()

    def text_tabs(self) -> list:
        """The tabs with a part of the report to write: the sectors', then "Nội dung báo cáo"."""
        tabs = list(self.tabs_by_sector.values())
        return tabs + [self.text_tab] if getattr(self, "text_tab", None) is not None else tabs

    def save_narratives(self) -> None:
        """Save what is being typed in any part of the report (before an export, on closing)."""
        for tab in self.text_tabs():
            tab.save_narrative()

    # -- saving and refreshing ---------------------------------------------------------------------
    def say_saved(self, what: str = "Đã lưu") -> None:
        self.statusBar().showMessage(f"{what} lúc {datetime.now().strftime('%H:%M:%S')}.")

    def say_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Chưa lưu: {message}")

    def _after_save(self, _unit: str, _period_code: str, _codes, count: int) -> None:
        self.say_saved("Đã lưu" if count else "Không có gì thay đổi")

    def _after_failure(self, message: str) -> None:
        """A refused save: the grid drops what was typed and shows the state held (nothing changed)."""
        self.say_failed(message)
        tab = self.tabs.currentWidget()
        if isinstance(tab, SectorTab) and tab.model is not None:
            tab.model.refresh()

    def _operation_executed(self, changes, initiator) -> None:
        """The one refresh after any write: what the changes touch, from one new state."""
        if self._closed or self.entry is None:
            return
        if changes.catalogue or changes.everything:
            self.store._cache.clear()  # this connection's catalogue: a package may have brought a new one
        if changes.everything:
            self.entry.undo_stack.clear()  # the whole content was replaced (a restore)
        if changes.locks:
            self.update_lock()
        if changes.structure:  # tabs, columns or rows may differ: reload what is shown
            self.progress_cache.invalidate()
            for tab in self.text_tabs():
                tab.loaded_for = None
            self._selection_changed()
        elif changes.narrative and not changes.figures:
            if not isinstance(initiator, NarrativeEditor):  # its own box holds the text already
                for tab in self.text_tabs():
                    if self.period is not None and tab.loaded_for == (self.unit, self.period.code):
                        tab.load(self.unit, self.period)
            self.refresh_state(reuse_progress=True)  # progress does not read the text; the checks do
        elif changes.figures:
            self.refresh_state()

    def close_damaged(self) -> None:
        """The file failed its integrity check after the window showed: close without the automatic backup."""
        self.damaged = True
        self.close()

    # -- closing ------------------------------------------------------------------------------------
    def closeEvent(self, event):
        if self._closed:
            return super().closeEvent(event)
        self._closed = True
        self._checks_timer.stop()
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            focus.clearFocus()  # an open cell editor commits what it holds before the worker stops
        self.save_narratives()
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.unit and self.period:
            self.settings.setValue("last/file", str(self.path.resolve()))
            self.settings.setValue("last/unit", self.unit)
            self.settings.setValue("last/month", f"{self.year_box.value()}{self.month_box.value():02d}")
            self.settings.setValue("last/view", self.period.code)
        self.settings.sync()
        if self.worker is not None:
            self.worker.close()  # waits for every queued write
        from .backup_dialogs import backup_on_exit

        if not self.damaged:
            backup_on_exit(self.store, self.settings)
        self.store.close()
        return super().closeEvent(event)


__all__ = ["MainWindow", "summary_periods"]
