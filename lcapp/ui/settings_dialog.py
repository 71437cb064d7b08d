"""The office's settings: which unit this installation reports for (a searchable list of the
province and its 38 xã and phường) and that unit's documents: issuing body, place, document
code, signer and recipients (asked at first start, changeable later in "Cài đặt").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QVBoxLayout)

from ..models.demo import load_demo
from ..models.documents import DOCUMENT_FIELDS, FIELD_LABELS, configure_office, document_profile
from ..models.organisation import KIND_LABELS, organisation
from ..models.store import Store
from ..models.text import folded

CODE_ROLE = 256  # Qt.UserRole, without importing Qt's namespace here


def configure_new_database(store: Store, values: dict, demo: bool) -> None:
    """Store the office's unit and documents (`SettingsDialog.values()`) in a new database and,
    if asked, the demo figures."""
    save_office(store, values)
    if demo:
        load_demo(store)


def save_office(store: Store, values: dict) -> None:
    """The unit and its changed documents from `SettingsDialog.values()`, in one transaction."""
    configure_office(store, values["reporting_unit"], values.get("documents", {}), values.get("day") or date.today())


def discard_new_database(store: Store) -> None:
    """Remove a database created moments ago when the first start is cancelled (nothing in it yet)."""
    path = store.path
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


class SettingsDialog(QDialog):
    """The unit list (filtered as one types, with or without accents) and the chosen unit's
    document profile for today; `values()` gives the unit and the fields changed."""

    def __init__(self, store: Store, *, first: bool = False, today: date | None = None, parent=None):
        super().__init__(parent)
        self.store, self.today = store, today or date.today()
        self.org = organisation(store)
        self.setWindowTitle("Bắt đầu sử dụng LCApp" if first else "Cài đặt")
        layout = QVBoxLayout(self)
        if first:
            intro = QLabel("Chương trình tạo tệp dữ liệu mới trên máy này. Cơ quan này là đơn vị nào? Chọn trong "
                           "danh sách (gõ vài chữ của tên để tìm, có dấu hay không dấu đều được); văn bản của đơn "
                           "vị được điền sẵn theo đơn vị đã chọn, sửa được ngay hoặc sau này (Nhập liệu → Cài đặt).")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm đơn vị: ví dụ “doan ket”, “Mường Kim”, “tỉnh”")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(QLabel("Đơn vị báo cáo:", self))
        layout.addWidget(self.search)
        self.units = QListWidget(self)
        self.units.setMinimumHeight(190)
        layout.addWidget(self.units)
        self.show_old = QCheckBox("Hiện cả các đơn vị trước 01/07/2025 (thành phố, huyện, xã cũ, phòng, ban)", self)
        layout.addWidget(self.show_old)
        self.profile_title = QLabel(self)
        self.profile_title.setStyleSheet("font-weight: bold; margin-top: 6px")
        layout.addWidget(self.profile_title)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key in DOCUMENT_FIELDS:
            if key == "recipients":
                edit = QPlainTextEdit(self)
                edit.setPlaceholderText("Mỗi nơi nhận một dòng")
                edit.setFixedHeight(96)
            else:
                edit = QLineEdit(self)
                edit.setMinimumWidth(380)
            self.fields[key] = edit
            form.addRow(FIELD_LABELS[key], edit)
        layout.addLayout(form)
        self.demo = QCheckBox("Nạp số liệu mẫu (các báo cáo 2022-2024) để xem thử", self)
        layout.addWidget(self.demo)
        self.demo.setVisible(first)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText("Đồng ý")
        self.buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        self.ok = self.buttons.button(QDialogButtonBox.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._loaded: dict = {}
        current = store.setting("reporting_unit")
        found = self.org.units.get(current or "")
        self.show_old.setChecked(not first and found is not None and not found.valid_on(self.today))
        self._fill_list()
        self.select(current if not first or (found is not None and found.valid_on(self.today)) else None)
        self.search.textChanged.connect(self._filter)
        self.show_old.toggled.connect(self._fill_list)
        self.units.currentItemChanged.connect(lambda *_: self._load_profile())
        self._load_profile()
        self.resize(self.sizeHint())

    # -- the unit list ------------------------------------------------------------------------
    def _fill_list(self) -> None:
        chosen = self.unit_code()
        self.units.blockSignals(True)
        self.units.clear()
        for unit in self.org.units.values():
            if not self.show_old.isChecked() and not unit.valid_on(self.today):
                continue
            kind = KIND_LABELS.get(unit.kind, unit.kind)
            dates = f", {unit.validity_text()}" if unit.valid_from or unit.valid_to else ""
            item = QListWidgetItem(f"{unit.name} ({kind}{dates})", self.units)
            item.setData(CODE_ROLE, unit.code)
            item.setData(CODE_ROLE + 1, folded(f"{unit.name} {kind} {unit.code}"))
        self.units.blockSignals(False)
        self._filter()
        self.select(chosen)

    def _filter(self) -> None:
        words = folded(self.search.text()).split()
        visible = []
        for row in range(self.units.count()):
            item = self.units.item(row)
            hidden = not all(word in item.data(CODE_ROLE + 1) for word in words)
            item.setHidden(hidden)
            if not hidden:
                visible.append(item)
        current = self.units.currentItem()
        if words and visible and (len(visible) == 1 or current is None or current.isHidden()):
            self.units.setCurrentItem(visible[0])  # what was typed chooses, the first match

    def select(self, code: str | None) -> None:
        for row in range(self.units.count()):
            if self.units.item(row).data(CODE_ROLE) == code:
                self.units.setCurrentRow(row)
                return
        self.units.setCurrentRow(-1)

    def unit_code(self) -> str | None:
        item = self.units.currentItem()
        return None if item is None or item.isHidden() else item.data(CODE_ROLE)

    def visible_codes(self) -> list[str]:
        items = [self.units.item(row) for row in range(self.units.count())]
        return [item.data(CODE_ROLE) for item in items if not item.isHidden()]

    # -- the chosen unit's documents -----------------------------------------------------------
    def _profile_day(self, code: str) -> date:
        unit = self.org.units[code]
        if unit.valid_to and unit.valid_to < self.today:
            return unit.valid_to  # a unit that has ended: its last documents
        return self.today

    def _load_profile(self) -> None:
        code = self.unit_code()
        self.ok.setEnabled(code is not None)
        for edit in self.fields.values():
            edit.setEnabled(code is not None)
        if code is None:
            self.profile_title.setText("Văn bản của đơn vị: hãy chọn đơn vị trong danh sách.")
            self._loaded = {}
            return
        profile = document_profile(self.store, code, self._profile_day(code))
        origin = "đơn vị đã sửa" if profile.edited else "mặc định theo cấp đơn vị và ngày"
        self.profile_title.setText(f"Văn bản của {self.org.units[code].name} (áp dụng {profile.validity_text()}; "
                                   f"{origin}):")
        self._loaded = dict(profile.fields)
        for key, edit in self.fields.items():
            value = profile[key]
            if key == "recipients":
                edit.setPlainText("\n".join(value))
            else:
                edit.setText(value)

    def document_values(self) -> dict:
        """The document fields as shown (recipients: a list of lines)."""
        values = {}
        for key, edit in self.fields.items():
            if key == "recipients":
                values[key] = [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]
            else:
                values[key] = edit.text().strip()
        return values

    def values(self) -> dict:
        """{"reporting_unit": code, "documents": the fields changed from what was shown}."""
        changed = {key: value for key, value in self.document_values().items() if value != self._loaded.get(key)}
        return {"reporting_unit": self.unit_code(), "documents": changed, "day": self._profile_day(self.unit_code())
                if self.unit_code() else self.today}
