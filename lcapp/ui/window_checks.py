"""The main window's side: the "Kiểm tra" panel and the cell details, and the one refresh of the
unit-period's state after any operation (`ChecksPanel`, mixed into MainWindow).

`refresh_state` builds the new `PeriodState` (progress and findings) once on the DB worker,
after every queued write, and every view takes it from there: the grids, the overview, the
checks panel, the details.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView


class ChecksPanel:
    def _build_side(self) -> None:
        """The findings table in the "Kiểm tra" box and the details under it (once the core is loaded)."""
        from PySide6.QtCore import Qt

        from .details import DetailsPanel
        from .findings import FindingsModel

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

    # -- the state after an operation, and the checks ----------------------------------------------
    def run_checks(self) -> None:
        """Check the unit and period again (F9, and a moment after choosing them): over the state
        the window holds, or one built on the worker."""
        self.refresh_state(reuse_progress=True)

    def refresh_state(self, reuse_progress: bool = False) -> None:
        """Build the unit-period's state (progress once, then the checks over it) on the DB worker,
        after every write queued, and show it everywhere. `reuse_progress`: the progress rows held
        are still right (nothing but the text changed, or nothing at all)."""
        if self.entry is None:
            return
        unit, period = self.unit, self.period
        if unit is None or self.worker.closed:
            return
        from ..models.checks import run_checks
        from ..models.consolidation import completeness
        from ..models.period_state import period_state, with_findings
        from .ops import QueryOp

        held = self.progress_cache.held(unit, period) if reuse_progress else None

        def read(store):
            state = held if held is not None else period_state(store, unit, period)
            findings = run_checks(store, unit, period, state=state)
            return with_findings(state, findings), completeness(store, unit, period)

        QueryOp(self, read).success(lambda result: self._show_state(result, held)).run()

    def _show_state(self, result, reused=None) -> None:
        state, received = result
        unit, period = state.unit, state.period
        if self._closed or (unit, period.code) != (self.unit, self.period.code):
            return  # the user chose another unit or period meanwhile
        old = self.progress_cache.held(unit, period)
        if reused is not None and (old is None or old.rows is not reused.rows):
            return  # checks over rows a write has replaced since: the newer state brings its own
        findings = list(state.findings)
        same_rows = old is not None and old.rows is state.rows  # only the checks were run again
        self.progress_cache.keep(state)
        self._findings = (unit, self.period, findings)
        self.show_received(received)
        self.findings_model.set_checks(findings)
        self._title_checks()
        current = self.tabs.currentWidget()
        for tab in self.tabs_by_sector.values():
            if tab.model is not None and tab.loaded_for == (unit, period.code):
                if same_rows:
                    tab.model.set_findings(findings)
                elif tab is current:
                    tab.model.refresh()
                    tab.model.set_findings(findings)
                else:
                    tab.loaded_for = None  # reloaded from this state when shown
        if current is self.overview and not same_rows:
            self.overview_model.load(unit, self.period)
        if not same_rows:
            self._refresh_details()

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

    def findings_for(self, unit: str, period) -> list:
        """The checks' last findings when they are about `unit` in `period` (the grid colours them)."""
        return self._findings[2] if self._findings[:2] == (unit, period) else []

    def _update_inputs(self) -> None:
        from ..models.catalogue import catalogue
        from .findings import from_input_error

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
        from ..models.catalogue import catalogue

        finding = self.findings_model.finding(index.row())
        ind = catalogue(self.store).indicators.get(finding.indicator)
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
    def _cell_changed(self, tab, index) -> None:
        if index.isValid() and self.details is not None and self.details.isVisible():
            self.details.show_cell(self.unit, self.period, tab.model.code_at(index))

    def _refresh_details(self) -> None:
        """The details follow the current tab: its grid's current cell, or nothing."""
        if self.details is None:
            return
        from .window_tabs import SectorTab

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
