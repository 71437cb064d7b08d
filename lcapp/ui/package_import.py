"""Tệp → Nhập gói dữ liệu: any file from outside (a package, an office's database, CSV or DHIS2)
checked and compared off the UI thread, its preview with the decisions on conflicts, and the
import applied on the DB worker in one transaction (ops.CollectionOp)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ..models.catalogue_package import CATALOGUE_KIND
from ..models.import_outcome import locked_note
from ..models.merge import CHANGED, CONFLICT, NEW, REFUSED, SENDER_LABELS, STATUS_LABELS
from ..models.numbers import format_number
from ..models.organisation import organisation
from ..models.store import Store
from .package_export import PACKAGE_SUFFIX
from .package_preview import (
    DECISION,
    INDICATOR,
    KIND,
    KIND_ORDER,
    NEW_VALUE,
    OLD,
    OURS,
    THEIRS,
    UNIT,
    WHO,
    DecisionDelegate,
    KindFilter,
    PreviewModel,
)


def sender_warning(store: Store, preview) -> str:
    """Why a package needs explicit acceptance, in Vietnamese (empty when it does not)."""
    if not preview.needs_sender_acceptance:
        return ""
    org = organisation(store)
    name = ", ".join(org.units[u].name if u in org.units else u for u in preview.unit.split(",") if u)
    text = (f"Cảnh báo: gói số liệu của {name} đến từ {SENDER_LABELS[preview.sender_status]} "
            f"(mã máy {preview.sender[:8]}…")
    if preview.sender_status == "different" and preview.known_sender:
        text += f"; trước nay đơn vị gửi từ máy {preview.known_sender[:8]}…"
    return text + "). Hãy hỏi lại đơn vị trước khi nhập."


class ImportDialog(QDialog):
    """The preview of an incoming file: what would change, decisions on conflicts, then "Nhập".

    For an office's whole database, a tick box per unit the file has figures of (its own
    setting's unit included) chooses what is taken; changing them checks the file again off
    the UI thread. When the preview would bring nothing, the core's reason is shown and
    "Nhập" stays disabled (unless everything is already here).
    """

    def __init__(self, store: Store, incoming, parent=None):
        super().__init__(parent)
        self.store = store
        self.recheck = None  # the ops.Op checking the file again
        self.setWindowTitle("Nhập gói dữ liệu — xem trước")
        self.resize(1100, 560)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.units_label = QLabel(self)
        self.units_label.setWordWrap(True)
        self.units_row = QHBoxLayout()
        self.unit_boxes: dict[str, QCheckBox] = {}
        layout.addWidget(self.units_label)
        layout.addLayout(self.units_row)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        layout.addWidget(self.reason)

        self.accept_sender = QCheckBox("Tôi đã kiểm tra với đơn vị và chấp nhận gói từ máy này", self)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("background: #fff3cd; color: #664d03; padding: 6px; border: 1px solid #ffcd39")
        layout.addWidget(self.warning)
        layout.addWidget(self.accept_sender)

        self.proxy = KindFilter(self)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Xem:", self))
        self.kind_box = QComboBox(self)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.proxy.set_kind(self.kind_box.currentData()))
        filters.addWidget(self.kind_box)
        filters.addStretch()
        self.keep_all = QPushButton("Giữ số đã có cho mọi xung đột", self)
        self.take_all = QPushButton("Lấy số trong gói cho mọi xung đột", self)
        self.keep_all.clicked.connect(lambda: self.model.decide_all(OURS))
        self.take_all.clicked.connect(lambda: self.model.decide_all(THEIRS))
        for button in (self.keep_all, self.take_all):
            filters.addWidget(button)
        layout.addLayout(filters)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setItemDelegateForColumn(DECISION, DecisionDelegate(self.table))
        self.table.horizontalHeader().setResizeContentsPrecision(200)  # widths from the first 200 rows
        self.table.setEditTriggers(QAbstractItemView.AllEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        layout.addWidget(self.table, 1)

        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton("Nhập", QDialogButtonBox.AcceptRole)
        self.buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.accept_sender.toggled.connect(self._update)
        self.show_incoming(incoming)

    def show_incoming(self, incoming) -> None:
        """Show (again) what importing `incoming` would do."""
        from ..models.import_outcome import nothing_brought, other_units_note

        store = self.store
        self.incoming, self.preview = incoming, incoming.preview
        self.nothing = nothing_brought(store, self.preview)
        self.summary.setText(self._summary(store))
        self._show_units(store, other_units_note(store, self.preview))
        self.reason.setText(self.nothing.message if self.nothing else "")
        self.reason.setStyleSheet("padding: 6px; border: 1px solid " +
                                  ("#9ec5fe; background: #e7f1ff" if self.nothing and self.nothing.ok
                                   else "#f1aeb5; background: #f8d7da; color: #58151c"))
        self.reason.setVisible(self.nothing is not None)
        # The sender matters once there is something to take from it.
        warning = sender_warning(store, self.preview) if self._brings() else ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        self.accept_sender.setVisible(bool(warning))

        self.model = PreviewModel(store, self.preview, self)
        self.model.decisionsChanged.connect(self._update)
        self.proxy.setSourceModel(self.model)
        counts = self.preview.counts()
        self.kind_box.blockSignals(True)
        self.kind_box.clear()
        self.kind_box.addItem(f"Tất cả ({len(self.model.rows)})", None)
        for kind in KIND_ORDER:
            if counts.get(kind):
                self.kind_box.addItem(f"{STATUS_LABELS[kind].capitalize()} ({counts[kind]})", kind)
        self.kind_box.blockSignals(False)
        self.proxy.set_kind(None)
        has_conflicts = bool(counts.get(CONFLICT))
        for button in (self.keep_all, self.take_all):
            button.setEnabled(has_conflicts)
        self.table.sortByColumn(KIND, Qt.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        self.table.resizeColumnsToContents()
        for column, widest in ((UNIT, 160), (INDICATOR, 300), (OLD, 180), (NEW_VALUE, 180), (WHO, 140)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.table.setColumnWidth(DECISION, max(self.table.columnWidth(DECISION), 130))
        header.setStretchLastSection(True)
        # One unit's package: its name is in the summary, the column would only repeat it (a
        # catalogue row names no unit).
        self.table.setColumnHidden(UNIT, len({row.key[0] for row in self.model.rows
                                              if row.kind != CATALOGUE_KIND}) <= 1)
        self._update()

    def _show_units(self, store: Store, note: str) -> None:
        """A tick box per unit a whole database has figures of, and its setting's unit."""
        while self.units_row.count():  # the boxes and the stretch after them
            item = self.units_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.unit_boxes = {}
        preview = self.preview
        offered = list(preview.held) if preview.source == "database" else []
        if offered and preview.setting_unit and preview.setting_unit not in offered:
            offered.insert(0, preview.setting_unit)
        # Only worth asking when there is a choice: the file's figures are not all of the one unit taken.
        if len(offered) <= 1 and not note:
            self.units_label.setVisible(False)
            return
        org = organisation(store)
        taken = [u for u in preview.unit.split(",") if u]
        setting = org.units[preview.setting_unit].name if preview.setting_unit in org.units else preview.setting_unit
        self.units_label.setText(f"Cài đặt của tệp ghi đơn vị báo cáo là <b>{setting or 'không rõ'}</b>. "
                                 "Số liệu trong tệp thuộc các đơn vị dưới đây; hãy chọn đơn vị cần nhập:")
        self.units_label.setVisible(True)
        for code in offered:
            name = org.units[code].name if code in org.units else code
            box = QCheckBox(f"{name} ({format_number(preview.held.get(code, 0), 0)} số liệu)", self)
            box.setChecked(code in taken)
            box.setEnabled(code in org.units)
            box.toggled.connect(self._units_changed)
            self.units_row.addWidget(box)
            self.unit_boxes[code] = box
        self.units_row.addStretch()

    def chosen_units(self) -> list[str]:
        return [code for code, box in self.unit_boxes.items() if box.isChecked()]

    def _units_changed(self, _checked=False) -> None:
        """Check the file again with the ticked units, off the UI thread."""
        from ..intake.incoming import open_incoming

        units = self.chosen_units()
        if not units:
            self.reason.setText("Hãy chọn ít nhất một đơn vị cần nhập.")
            self.reason.setVisible(True)
            self.import_button.setEnabled(False)
            return
        for box in self.unit_boxes.values():
            box.setEnabled(False)
        self.import_button.setEnabled(False)
        from .ops import QueryOp

        path = self.incoming.path
        self.recheck = QueryOp(self, lambda store: open_incoming(store, path, units), own_connection=True,
                               db_path=self.store.path).success(self.show_incoming).failure(self._recheck_failed).run()

    def _recheck_failed(self, message: str) -> None:
        self.reason.setText(message)
        self.reason.setVisible(True)
        for code, box in self.unit_boxes.items():
            box.setEnabled(code in organisation(self.store).units)

    def _summary(self, store: Store) -> str:
        org = organisation(store)
        preview = self.preview
        source = {"package": "Gói dữ liệu", "database": "Tệp dữ liệu của một văn phòng",
                  "file": "Tệp trao đổi (CSV / DHIS2)"}.get(preview.source, preview.source)
        units = [org.units[u].name if u in org.units else u for u in preview.unit.split(",") if u]
        months = ", ".join(f"{m % 100:02d}/{m // 100}" for m in preview.months)
        counts = preview.counts()
        parts = [f"{counts[k]} {STATUS_LABELS[k]}" for k in KIND_ORDER if counts.get(k)]
        carries_catalogue = any(row.kind == CATALOGUE_KIND for row in preview.rows)
        what = "danh mục chỉ tiêu" if carries_catalogue and not months else f"tháng {months or '(không có)'}"
        return (f"<b>{source}</b>: {self.incoming.path.name}<br>Đơn vị: {', '.join(units)} — {what}<br>"
                f"So với số liệu đã có: {', '.join(parts) or 'không có dòng nào'}. Chưa có gì được ghi.")

    def _brings(self) -> bool:
        return self.nothing is None or self.nothing.ok

    def _update(self) -> None:
        needs_acceptance = (self._brings() and self.preview.needs_sender_acceptance
                            and not self.accept_sender.isChecked())
        refused = self.preview.counts().get(REFUSED, 0)
        undecided = self.model.undecided()
        notes = []
        if refused:
            notes.append(f"{refused} dòng bị từ chối sẽ không nhập (lý do: di chuột vào cột Loại).")
        if undecided:
            notes.append(f"{undecided} xung đột chưa chọn sẽ giữ nguyên số đã có và được liệt kê lại.")
        if needs_acceptance:
            notes.append("Hãy xác nhận máy gửi trước khi nhập.")
        self.note.setText(" ".join(notes))
        self.import_button.setEnabled(self._brings() and not needs_acceptance)

    def decisions(self) -> dict[str, str]:
        return dict(self.model.decisions)


def _written_text(result, left_out: str) -> str:
    """What an import wrote; `left_out` names the values of locked months it left out, as the CLI does."""
    written = result.written
    if "written" in written:  # a CSV / DHIS2 file
        return " ".join(filter(None, (f"Đã nhập {written['new']} số mới, {written['changed']} số thay đổi.",
                                      left_out)))
    if written.get(CATALOGUE_KIND) and not any(written.get(k) for k in (NEW, CHANGED, THEIRS, OURS)):
        return f"Đã nhận danh mục: {written[CATALOGUE_KIND]} thay đổi (xem Nhập liệu → Danh mục chỉ tiêu)."
    text = (f"Đã nhập {written.get(NEW, 0)} số mới, {written.get(CHANGED, 0)} số thay đổi, "
            f"{written.get(THEIRS, 0)} xung đột lấy số trong gói, {written.get(OURS, 0)} xung đột giữ số đã có.")
    if result.conflicts_left:
        text += f" {len(result.conflicts_left)} xung đột chưa quyết định, giữ nguyên số đã có."
    return " ".join(filter(None, (text, left_out)))


def import_package_dialog(window):
    """Tệp → Nhập gói dữ liệu: choose any file, check and preview it in the background, then the
    preview (a child of the window). Returns the running operation (None when no file was chosen)."""
    from ..intake.incoming import open_incoming
    from .ops import QueryOp

    folder = str(window.settings.value("handover/folder", "") or Path.home())
    path, _ = QFileDialog.getOpenFileName(
        window, "Nhập gói dữ liệu", folder,
        f"Mọi tệp (*);;Gói dữ liệu LCApp (*{PACKAGE_SUFFIX});;Tệp dữ liệu (*.sqlite);;CSV, DHIS2 (*.csv *.json)")
    if not path:
        return None
    path = Path(path)
    title = "Nhập gói dữ liệu"

    def checked(incoming) -> None:
        dialog = ImportDialog(window.store, incoming, window)
        dialog.accepted.connect(lambda: apply_import(window, dialog))
        dialog.open()

    def refused(message: str) -> None:
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    op = QueryOp(window, lambda store, _report: open_incoming(store, path), own_connection=True)
    return op.with_progress(title, "Đang kiểm tra tệp và so sánh với số liệu đã có…").success(checked).failure(
        refused).run()


def import_changes(result):
    """What an applied import changed: figures, texts and targets, and the catalogue when it brought one."""
    from ..models.changes import Changes

    return Changes(figures=True, narrative=True, targets=True, catalogue=bool(result.written.get(CATALOGUE_KIND)))


def apply_import(window, dialog: ImportDialog):
    """Write what the preview showed, in one transaction on the DB worker; the window reloads from
    the operation's changes, then says what was written. Returns the running operation."""
    from .ops import CollectionOp

    incoming, decisions = dialog.incoming, dialog.decisions()
    accept = dialog.accept_sender.isChecked()
    title = "Nhập gói dữ liệu"

    def write(store: Store, report):
        result = incoming.apply(store, decisions=decisions, accept_sender=accept, progress=report)
        return (result, locked_note(store, result.preview)), import_changes(result)

    def done(outcome) -> None:
        text = _written_text(*outcome)
        window.say_saved(text.rstrip("."))
        box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, window)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.open()

    def failed(message: str) -> None:
        window.say_failed(message)
        QMessageBox.warning(window, title, message)

    return CollectionOp(window, write).with_progress(title, "Đang nhập…").success(done).failure(failed).run()


