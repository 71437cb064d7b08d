"""Vietnamese for the words Qt itself puts on screen (dialog buttons, edit menus).

Qt ships no Vietnamese translation of its own texts, so without this an "OK" or "Cancel"
button and the right-click menu of every text field would be English. A QTranslator whose
translate() answers from this table covers them wherever Qt asks.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

# (context, source text) -> Vietnamese. The contexts are those Qt 6 uses for these strings.
_BUTTONS = {
    "OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có", "Yes to &All": "Có với tất cả",
    "&No": "&Không", "N&o to All": "Không với tất cả", "Abort": "Hủy bỏ", "Retry": "Thử lại", "Ignore": "Bỏ qua",
    "Close": "Đóng", "Cancel": "Hủy", "Discard": "Bỏ", "Help": "Trợ giúp", "Apply": "Áp dụng", "Reset": "Đặt lại",
    "Restore Defaults": "Khôi phục mặc định", "Don't Save": "Không lưu", "Close without Saving": "Đóng không lưu",
    "&OK": "Đồng ý", "&Save": "&Lưu", "&Cancel": "Hủy", "&Close": "Đóng",
}
_EDIT_MENU = {
    "&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "Cắ&t", "&Copy": "&Sao chép", "&Paste": "&Dán",
    "Delete": "Xóa", "Select All": "Chọn tất cả", "Copy &Link Location": "Sao chép địa chỉ liên kết",
}
TABLE: dict[tuple[str, str], str] = {}
for _context in ("QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QGnomeTheme", "QFileDialog"):
    TABLE.update({(_context, source): text for source, text in _BUTTONS.items()})
for _context in ("QLineEdit", "QWidgetTextControl", "QTextControl"):
    TABLE.update({(_context, source): text for source, text in _EDIT_MENU.items()})


class VietnameseQtTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return TABLE.get((context, source), "")

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install(app) -> VietnameseQtTranslator:
    """Install the translator on `app` (keep the returned object alive as long as the app)."""
    translator = VietnameseQtTranslator(app)
    app.installTranslator(translator)
    return translator
