"""The office's settings: which unit this installation reports for, the issuing body and the
signer (asked at first start, changeable later in "Cài đặt").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from ..models.demo import load_demo
from ..models.organisation import KIND_LABELS, Organisation
from ..models.store import Store, set_settings
from ..models.text import clean_text

KEYS = ("issuing_body_parent", "issuing_body", "place", "signer_authority", "signer_title", "signer_name")
LABELS = {
    "reporting_unit": "Đơn vị báo cáo",
    "issuing_body_parent": "Cơ quan chủ quản (dòng trên)",
    "issuing_body": "Cơ quan ban hành",
    "place": "Địa danh",
    "signer_authority": "Thẩm quyền ký (TM., KT.)",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
}


def save_settings(store: Store, values: dict) -> None:
    """Validate (NFC, no control characters) and store the settings in one transaction."""
    cleaned = {key: clean_text(value, field=LABELS.get(key, key)) or "" for key, value in values.items()}
    with store.write() as conn:
        set_settings(conn, cleaned)


def configure_new_database(store: Store, values: dict, demo: bool) -> None:
    """Store the office's settings in a new database and, if asked, the demo figures."""
    save_settings(store, values)
    if demo:
        load_demo(store)


def discard_new_database(store: Store) -> None:
    """Remove a database created moments ago when the first start is cancelled (nothing in it yet)."""
    path = store.path
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


class SettingsDialog(QDialog):
    def __init__(self, org: Organisation, current: dict, *, first: bool = False, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Bắt đầu sử dụng LCApp" if first else "Cài đặt")
        layout = QFormLayout(self)
        if first:
            intro = QLabel("Chương trình tạo tệp dữ liệu mới trên máy này. Hãy cho biết đơn vị báo cáo và "
                           "người ký (có thể đổi sau trong Nhập liệu → Cài đặt).")
            intro.setWordWrap(True)
            layout.addRow(intro)
        self.unit = QComboBox(self)
        for unit in org.units.values():
            self.unit.addItem(f"{unit.name} ({KIND_LABELS.get(unit.kind, unit.kind)}, {unit.validity_text()})",
                              unit.code)
        position = self.unit.findData(current.get("reporting_unit"))
        self.unit.setCurrentIndex(max(position, 0))
        layout.addRow(LABELS["reporting_unit"], self.unit)
        self.fields = {}
        for key in KEYS:
            edit = QLineEdit(str(current.get(key, "")), self)
            edit.setMinimumWidth(360)
            self.fields[key] = edit
            layout.addRow(LABELS[key], edit)
        self.demo = QCheckBox("Nạp số liệu mẫu (các báo cáo 2022-2024) để xem thử", self)
        if first:
            layout.addRow(self.demo)
        else:
            self.demo.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText("Đồng ý")
        buttons.button(QDialogButtonBox.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)

    def values(self) -> dict:
        result = {"reporting_unit": self.unit.currentData()}
        result.update({key: edit.text().strip() for key, edit in self.fields.items()})
        return result
