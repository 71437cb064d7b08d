"""The main window: unit and period at the top, "Tổng quan" and one grid per sector, the
"Kiểm tra" panel and the cell details at the side, menus, and the status bar saying what
was saved.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..models.store import Store


def _import_core() -> None:
    """Import the core and the panels built on it: done once the window's frame is on screen,
    so the program shows at once (these imports take most of its start-up time)."""
    global InputError, KIND_LABELS, Period, catalogue, month_period, narratives, organisation
    global parse_period, run_checks, completeness, DetailsPanel, FigureEntry, FigureGrid, NarrativeEditor
    global ReportTextTab, REPORT_TEXT_TITLE
    global KeyIndicatorModel, OverviewView, ProgressCache, SectorGridModel, from_input_error
    global Qt, FindingsModel, LockGuard, month_lock_message
    from PySide6.QtCore import Qt

    from ..models.catalogue import catalogue
    from ..models.checks import run_checks
    from ..models.consolidation import completeness
    from ..models.errors import InputError
    from ..models.narrative import narratives
    from ..models.organisation import KIND_LABELS, organisation
    from ..models.periods import Period, month_period, parse_period
    from .details import DetailsPanel
    from .entry import FigureEntry
    from .findings import FindingsModel, from_input_error
    from .grid_model import SectorGridModel
    from .grid_view import FigureGrid
    from .lock_guard import LockGuard, month_lock_message
    from .narrative_editor import NarrativeEditor
    from .overview import KeyIndicatorModel, OverviewView
    from .progress_cache import ProgressCache
    from .report_text import TAB_TITLE as REPORT_TEXT_TITLE
    from .report_text import ReportTextTab


def summary_periods(year: int, month: int) -> list[tuple[str, str]]:
    """(code, label) of the month and the summaries that contain it: quarter, 6 months, 9 months, year."""
    from ..models.periods import parse_period

    codes = [f"{year}{month:02d}", f"{year}Q{(month - 1) // 3 + 1}", f"{year}S{1 if month <= 6 else 2}"]
    if month <= 9:
        codes.append(f"{year}M9")
    codes.append(str(year))
    return [(code, parse_period(code).label) for code in codes]


class SectorTab(QWidget):
    """One sector: the grid and, under it, the sector's narrative for the period."""

    def __init__(self, window: MainWindow, sector: str):
        super().__init__(window)
        self.window_, self.sector = window, sector
        self.model: SectorGridModel | None = None  # built when first shown: a fast start
        self.grid: FigureGrid | None = None
        self.narrative: NarrativeEditor | None = None
        self.loaded_for: tuple[str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> None:
        if self.model is not None:
            return
        window = self.window_
        self.model = SectorGridModel(window.store, self.sector, window.entry, self, cache=window.progress_cache)
        self.grid = FigureGrid(self)
        self.grid.undo_stack = window.entry.undo_stack
        self.grid.setModel(self.model)
        self.narrative = NarrativeEditor(window, self, placeholder="Nội dung báo cáo của lĩnh vực trong kỳ (tự lưu).")
        splitter = QSplitter(Qt.Vertical, self)
        splitter.addWidget(self.grid)
        box = QWidget(splitter)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 2, 0, 0)
        box_layout.addWidget(QLabel(f"Nội dung: {catalogue(window.store).sectors[self.sector].name}"))
        box_layout.addWidget(self.narrative)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([470, 80])
        self.layout().addWidget(splitter)
        splitter.show()  # added to a tab that may already be on screen
        window._wire_tab(self)

    def load(self, unit: str, period: Period) -> None:
        self.ensure_built()
        self.save_narrative()
        self.model.load(unit, period)
        self.model.set_findings(self.window_.findings_for(unit, period))
        self.loaded_for = (unit, period.code)
        text = narratives(self.window_.store, unit, period).get(self.sector, "")
        self.narrative.show_part(unit, period.code, self.sector, text)

    def save_narrative(self) -> None:
        if self.narrative is not None:
            self.narrative.save()


class MainWindow(QMainWindow):
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
        layout.addLayout(top)

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

        self.unit_box.currentIndexChanged.connect(self._selection_changed)
        self.view_box.currentIndexChanged.connect(self._selection_changed)
        self.month_box.valueChanged.connect(self._month_changed)
        self.year_box.valueChanged.connect(self._month_changed)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Tệp")
        self._action(file_menu, "Mở tệp dữ liệu…", self.open_database, QKeySequence.Open)
        self._action(file_menu, "Tạo tệp dữ liệu mới…", self.new_database, QKeySequence.New)
        self._action(file_menu, "Sao lưu tệp dữ liệu…", self.backup_database, "Ctrl+B")
        self._action(file_menu, "Phục hồi từ bản sao lưu…", self.restore_backup)
        file_menu.addSeparator()
        self._action(file_menu, "Xuất gói dữ liệu…", self.export_package)
        self._action(file_menu, "Nhập gói dữ liệu…", self.import_package)
        file_menu.addSeparator()
        self._action(file_menu, "Thoát", self.close, QKeySequence.Quit)

        entry_menu = bar.addMenu("&Nhập liệu")
        self.undo_action = self._action(entry_menu, "Hoàn tác", lambda: self.entry and self.entry.undo_stack.undo(),
                                        QKeySequence.Undo)
        self.redo_action = self._action(entry_menu, "Làm lại", lambda: self.entry and self.entry.undo_stack.redo())
        self._shortcuts.append((self.redo_action, [QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")]))
        for action in (self.undo_action, self.redo_action):
            action.setEnabled(False)
        entry_menu.addSeparator()
        self._action(entry_menu, "Kế hoạch…", self.show_targets, "Ctrl+K")
        self._action(entry_menu, "Danh mục chỉ tiêu…", self.show_catalogue)
        self._action(entry_menu, "Chi tiết ô", self.show_details, "Ctrl+Return")
        self._action(entry_menu, "Kiểm tra lại", self.run_checks, "F9")
        entry_menu.addSeparator()
        self.lock_action = self._action(entry_menu, "Khóa số liệu kỳ này", self.lock_month)
        self.unlock_action = self._action(entry_menu, "Mở khóa…", self.unlock_month)
        self.unlock_action.setEnabled(False)
        self._action(entry_menu, "Tình trạng khóa số liệu các đơn vị…", self.show_lock_status)
        entry_menu.addSeparator()
        self._action(entry_menu, "Cài đặt…", self.edit_settings)

        self.report_menu = bar.addMenu("&Báo cáo")
        self._action(self.report_menu, "Xuất số liệu trao đổi (CSV)…", self.export_csv)
        self.report_menu.addSeparator()
        self._action(self.report_menu, "Xuất biểu phụ lục (Excel)…", lambda: self.report_exports().export_annex())
        self._action(self.report_menu, "Xuất báo cáo PDF…", lambda: self.report_exports().export_report())
        self._action(self.report_menu, "Xuất báo cáo Word…", lambda: self.report_exports().export_report("docx"))

        help_menu = bar.addMenu("Trợ &giúp")
        self._action(help_menu, "Nơi lưu dữ liệu", self.show_data_location)
        self._action(help_menu, "Giới thiệu LCApp", self.show_about)

    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            # Set when the panels are attached: a shortcut needs Qt's namespace enums (slow to create).
            self._shortcuts.append((action, [QKeySequence(shortcut)]))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    # -- unit and period ---------------------------------------------------------------------
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

        backup_on_start(self.worker, self.settings, self.say_failed)
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
        self.findings_model = FindingsModel(self)
        self.findings_view = QTableView(self.checks_box)
        self.findings_view.setModel(self.findings_model)
        self.findings_view.verticalHeader().setVisible(False)
        self.findings_view.setSelectionBehavior(QTableView.SelectRows)
        self.findings_view.setWordWrap(False)
        self.findings_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.findings_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.findings_view.horizontalHeader().setStretchLastSection(True)
        self.findings_view.clicked.connect(self.go_to_finding)
        self.findings_view.activated.connect(self.go_to_finding)
        layout = self.checks_box.layout()
        layout.takeAt(layout.count() - 1)  # the placeholder stretch
        layout.addWidget(self.findings_view)
        self.side = QSplitter(Qt.Vertical, self)
        self.checks_box.setMinimumWidth(0)
        self.checks_box.setMaximumWidth(16777215)
        self.side.addWidget(self.checks_box)
        self.details = DetailsPanel(self.store, self.side)
        self.side.addWidget(self.details)
        self.side.setSizes([330, 300])
        self.splitter = QSplitter(Qt.Horizontal, self)
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([1056, 300])
        self.body.addWidget(self.splitter, 1)

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

    def choose(self, unit: str, month_code: str, view_code: str | None = None) -> None:
        """Show `unit` for the month (and optionally a summary period containing it)."""
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
        month = month_period(self.year_box.value(), self.month_box.value())
        view = self.view_box.currentData()
        self._fill_units(month, self.unit_box.currentData())
        self._fill_views(month, view)
        self._selection_changed()

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

    # -- saving ----------------------------------------------------------------------------------
    def say_saved(self, what: str = "Đã lưu") -> None:
        self.statusBar().showMessage(f"{what} lúc {datetime.now().strftime('%H:%M:%S')}.")

    def say_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Chưa lưu: {message}")

    def _after_save(self, unit: str, period_code: str, codes, count: int) -> None:
        self.say_saved("Đã lưu" if count else "Không có gì thay đổi")
        self.progress_cache.invalidate()
        for tab in self.tabs_by_sector.values():
            if tab.loaded_for is not None and tab.loaded_for[0] == unit and self.period is not None:
                if tab is self.tabs.currentWidget():
                    tab.model.refresh(codes)
                else:
                    tab.loaded_for = None  # reloaded when shown
        if self.period is not None:
            self.run_checks()
            self._refresh_details()

    def _after_failure(self, message: str) -> None:
        self.say_failed(message)
        self.progress_cache.invalidate()
        tab = self.tabs.currentWidget()
        if isinstance(tab, SectorTab) and tab.model is not None:
            tab.model.refresh()

    # -- checks -----------------------------------------------------------------------------------
    def run_checks(self) -> None:
        if self.entry is None:
            return
        unit, period = self.unit, self.period
        if unit is None or self.worker.closed:
            return
        self.progress_cache.prefetch(self.worker, unit, period)

        def done(result) -> None:
            findings, received = result
            if (unit, period) == (self.unit, self.period):
                self.show_received(received)
                self.findings_model.set_checks(findings)
                self._title_checks()
                self._findings = (unit, period, findings)
                for tab in self.tabs_by_sector.values():
                    if tab.model is not None and tab.loaded_for == (unit, period.code):
                        tab.model.set_findings(findings)

        self.worker.submit(lambda s: (run_checks(s, unit, period), completeness(s, unit, period)), done,
                           self.say_failed)

    def show_received(self, received) -> None:
        """"Đã nhận 36/38 đơn vị" beside the period (the units missing in its tooltip), for a unit
        that adds up others; hidden for one that does not."""
        self.received_label.setVisible(received is not None)
        if received is None:
            return
        self.received_label.setText(received.count_text[:1].upper() + received.count_text[1:])
        self.received_label.setToolTip(received.text())
        colour = "#1b5e20" if received.complete else "#b26a00"
        self.received_label.setStyleSheet(f"color: {colour}; font-weight: bold; padding: 0 6px")

    def findings_for(self, unit: str, period: Period) -> list:
        """The checks' last findings when they are about `unit` in `period` (the grid colours them)."""
        return self._findings[2] if self._findings[:2] == (unit, period) else []

    def _update_inputs(self) -> None:
        cat = catalogue(self.store)
        items = []
        for tab in self.tabs_by_sector.values():
            if tab.model is None:
                continue
            for code, column, text, reason in tab.model.input_error_list():
                items.append(from_input_error(cat.indicators[code].name, code, column, text, reason))
        self.findings_model.set_inputs(items)
        self._title_checks()

    def _title_checks(self) -> None:
        count = self.findings_model.rowCount()
        self.checks_title.setText(f"Kiểm tra ({count})" if count else "Kiểm tra — không có gì cần xem lại")

    def go_to_finding(self, index) -> None:
        """Select the finding's cell: its sector's tab, its row, the column it is about."""
        finding = self.findings_model.finding(index.row())
        cat = catalogue(self.store)
        ind = cat.indicators.get(finding.indicator)
        if ind is None:  # a finding about a part's text: where that text is typed
            if finding.part in self.tabs_by_sector:  # a sector with figures: under its grid
                self.tabs.setCurrentWidget(self.tabs_by_sector[finding.part])
            elif finding.part:  # a part of text alone: the "Nội dung báo cáo" tab, that part chosen
                self.tabs.setCurrentWidget(self.text_tab)
                self.text_tab.choose_part(finding.part)
            return
        if ind.sector not in self.tabs_by_sector:
            return
        tab = self.tabs_by_sector[ind.sector]
        self.tabs.setCurrentWidget(tab)
        tab.ensure_built()
        column = finding.column or tab.model.entry_column(ind.code)
        tab.grid.select_cell(tab.model.index_of(ind.code, column))

    # -- details -----------------------------------------------------------------------------------
    def _cell_changed(self, tab: SectorTab, index) -> None:
        if index.isValid() and self.details is not None and self.details.isVisible():
            self.details.show_cell(self.unit, self.period, tab.model.code_at(index))

    def _refresh_details(self) -> None:
        """The details follow the current tab: its grid's current cell, or nothing."""
        if self.details is None:
            return
        tab = self.tabs.currentWidget()
        if isinstance(tab, SectorTab) and tab.grid is not None and tab.grid.currentIndex().isValid():
            self._cell_changed(tab, tab.grid.currentIndex())
        else:
            self.details.clear()

    def show_details(self) -> None:
        if self.details is None:
            return
        self.details.show()
        self._refresh_details()

    # -- menus ------------------------------------------------------------------------------------
    def show_targets(self) -> None:
        if self.entry is None or self.unit is None:
            return
        from .targets_dialog import TargetsDialog

        year = self.period.year if self.period else date.today().year
        dialog = TargetsDialog(self.store, self.worker, self.unit, year, self)
        dialog.exec()
        self.progress_cache.invalidate()
        for tab in self.text_tabs():
            tab.loaded_for = None
        self._selection_changed()

    def show_catalogue(self):
        """Nhập liệu → Danh mục chỉ tiêu (the dialog is returned, for the tests)."""
        if self.entry is None:
            return None
        from .catalogue_dialog import CatalogueDialog

        dialog = CatalogueDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def after_catalogue_change(self) -> None:
        """The catalogue changed on the worker: the tabs and grids follow (see `after_import`)."""
        if self._closed:  # the write's answer came while the window closed
            return
        self.after_import()
        self.say_saved("Đã ghi danh mục")

    def edit_settings(self) -> None:
        if self.entry is None:
            return
        from .settings_dialog import SettingsDialog, save_office

        dialog = SettingsDialog(self.store, parent=self)
        if dialog.exec():
            values = dialog.values()
            self.worker.submit(lambda s: save_office(s, values), lambda _r: self.say_saved("Đã lưu cài đặt"),
                               self.say_failed)

    def backup_database(self) -> None:
        from ..models.file_names import dated_file_name

        suggested = str(self.path.with_name(dated_file_name(f"Sao lưu {self.path.stem}", ".sqlite", with_time=True)))
        target, _ = QFileDialog.getSaveFileName(self, "Sao lưu tệp dữ liệu", suggested, "Tệp dữ liệu (*.sqlite)")
        if target:
            self.backup_to(Path(target))

    def backup_to(self, target: Path) -> None:
        if self.worker is None:
            return
        """Copy the database with SQLite's backup API, on the worker after every queued write."""
        if target.resolve() == self.path.resolve():
            self.say_failed("Không sao lưu đè lên chính tệp đang dùng.")
            return
        self.worker.submit(lambda s: s.backup_to(target), lambda _r: self.say_saved(f"Đã sao lưu vào {target}"),
                           self.say_failed)

    def open_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Mở tệp dữ liệu", str(self.path.parent),
                                              "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)")
        if path:
            from .app import open_main_window
            if open_main_window(Path(path), self):
                self.close()

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Tạo tệp dữ liệu mới", str(self.path.parent / "Tệp dữ liệu mới.sqlite"),
                                              "Tệp dữ liệu (*.sqlite)")
        if path:
            from .app import create_with_dialog, open_main_window
            if Path(path).exists():
                QMessageBox.warning(self, "Tạo tệp dữ liệu mới", f"Tệp {path} đã có; hãy chọn tên khác.")
                return
            if create_with_dialog(Path(path), self) and open_main_window(Path(path), self):
                self.close()

    def export_csv(self) -> None:
        if self.entry is None:
            return
        from ..export.figures_file import write_figures_csv
        from .jobs import BackgroundJob, run_with_progress

        from ..models.file_names import dated_file_name

        suggested = str(Path.home() / dated_file_name("Số liệu trao đổi", ".csv"))
        target, _ = QFileDialog.getSaveFileName(self, "Xuất số liệu trao đổi", suggested, "CSV (*.csv)")
        if target:
            job = BackgroundJob(self.path, write_figures_csv, self.unit, self.period, target, self)
            self._job_dialog = run_with_progress(self, "Xuất số liệu trao đổi (CSV)", job)

    def report_exports(self):
        """Báo cáo → Excel annex and the report as PDF or Word (lcapp/ui/report_export.py)."""
        if self._report_exports is None:
            from .report_export import ReportExports

            self._report_exports = ReportExports(self)
        return self._report_exports

    def show_data_location(self) -> None:
        from ..paths import data_dir

        QMessageBox.information(self, "Nơi lưu dữ liệu",
                                f"Tệp dữ liệu đang dùng:\n{self.path}\n\nThư mục dữ liệu của chương trình:\n"
                                f"{data_dir()}\n\nHãy sao lưu tệp dữ liệu thường xuyên (Tệp → Sao lưu).")

    def show_about(self) -> None:
        QMessageBox.about(self, "Giới thiệu LCApp",
                          f"<b>LCApp {__version__}</b><br>Số liệu và báo cáo kinh tế - xã hội hằng tháng "
                          "của chính quyền địa phương tỉnh Lai Châu.<br><br>"
                          f"Tệp dữ liệu: {self.path}")

    # -- handover, locks and backups (dialogs in handover_dialogs.py, lock_guard.py, backup_dialogs.py) --
    def _month_code(self) -> str:
        return f"{self.year_box.value()}{self.month_box.value():02d}"

    def update_lock(self) -> None:
        """Show whether the unit-month is locked; a locked one takes no typing and says why."""
        if self.entry is None or not self.unit:
            return
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
        from ..models.locks import lock, month_label

        unit, month = self.unit, self._month_code()
        label = month_label(int(month))

        def locked(_count) -> None:
            self.update_lock()
            self.say_saved(f"Đã khóa số liệu {label}")

        self.worker.submit(lambda s: lock(s, unit, month), locked, self.say_failed)

    def unlock_month(self) -> None:
        if self.entry is None or not self.unit:
            return
        from PySide6.QtWidgets import QInputDialog

        from ..models.locks import month_label, unlock

        unit, month = self.unit, self._month_code()
        label = month_label(int(month))
        name = organisation(self.store).units[unit].name
        reason, ok = QInputDialog.getText(self, "Mở khóa số liệu",
                                          f"Mở khóa số liệu {name} {label}.\nLý do mở khóa (ghi vào lịch sử):")
        if not ok:
            return

        def unlocked(_count) -> None:
            self.update_lock()
            self.say_saved(f"Đã mở khóa số liệu {label}")

        def refused(message: str) -> None:
            self.say_failed(message)
            QMessageBox.warning(self, "Mở khóa số liệu", message)

        self.worker.submit(lambda s: unlock(s, unit, month, reason), unlocked, refused)

    def show_lock_status(self):
        """The lock column of the unit and its child units in the window's month; returns the dialog."""
        if self.entry is None or not self.unit:
            return None
        from .lock_status import LockStatusDialog

        dialog = LockStatusDialog(self.store, self.worker, self.unit, self.year_box.value(),
                                  self.month_box.value(), self, on_changed=self._locks_changed)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _locks_changed(self, codes, done_text) -> None:
        """After the lock status dialog wrote: the top bar follows when the window's unit-month was among them."""
        found = organisation(self.store).units[self.unit]
        if (found.reports_for if found.is_department else found.code) in codes:
            self.update_lock()
        if done_text:
            self.say_saved(done_text)

    def export_package(self) -> None:
        if self.entry is None:
            return
        from .handover_dialogs import export_package_dialog

        export_package_dialog(self)

    def import_package(self) -> None:
        if self.entry is None:
            return
        from .handover_dialogs import import_package_dialog

        import_package_dialog(self)

    def restore_backup(self) -> None:
        if self.entry is None:
            return
        from .backup_dialogs import restore_dialog

        restore_dialog(self)

    def after_import(self) -> None:
        """Figures (or the catalogue) changed behind the grids: reload what is shown, and the checks."""
        self.store._cache.clear()  # this connection's catalogue: a package may have brought a new one
        self.progress_cache.invalidate()
        for tab in self.text_tabs():
            tab.loaded_for = None
        self._selection_changed()

    def after_restore(self) -> None:
        """The whole content was replaced: drop what this connection derived from it, and the undo steps."""
        self.store._cache.clear()  # as backup.restore does for the worker's connection
        self.entry.undo_stack.clear()
        self.after_import()

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
