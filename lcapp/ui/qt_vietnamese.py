"""Vietnamese for the words Qt itself puts on screen (dialog buttons, edit menus, file dialogs).

Qt ships no Vietnamese translation of its own texts, so without this an "OK" or "Cancel"
button and the right-click menu of every text field would be English. A QTranslator whose
translate() answers from this table covers them wherever Qt asks. Anything the table does not
know comes back as Qt's own source text, never "": an empty answer is taken as the translation,
which blanked the file dialogs' labels, made shortcuts read "O" for Ctrl+O (Qt translates
"Ctrl" in the context QShortcut) and left "%1" texts without their argument.
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
# The widget-based file dialog (Linux; Windows shows its own, in the system's language).
_FILE_DIALOG = {
    "&Look in:": "&Tìm trong:", "File &name:": "&Tên tệp:", "Files of &type:": "&Loại tệp:",
    "&Open": "&Mở", "&Save": "&Lưu", "&Choose": "&Chọn", "Open": "Mở", "Save As": "Lưu thành",
    "Find Directory": "Chọn thư mục", "Directory:": "Thư mục:", "Directories": "Thư mục",
    "All Files (*)": "Mọi tệp (*)", "Files": "Tệp", "Back": "Quay lại", "Forward": "Tiến tới",
    "Parent Directory": "Thư mục cha", "Go back": "Quay lại", "Go forward": "Tiến tới",
    "Go to the parent directory": "Lên thư mục cha", "Create New Folder": "Tạo thư mục mới",
    "Create a New Folder": "Tạo thư mục mới", "&New Folder": "Thư mục &mới", "New Folder": "Thư mục mới",
    "List View": "Danh sách", "Detail View": "Chi tiết", "Change to list view mode": "Xem dạng danh sách",
    "Change to detail view mode": "Xem dạng chi tiết", "&Delete": "&Xóa", "&Rename": "Đổi &tên",
    "Show &hidden files": "Hiện tệp &ẩn", "Sidebar": "Thanh bên",
    "List of places and bookmarks": "Các nơi và dấu trang", "Recent Places": "Nơi dùng gần đây",
    "My Computer": "Máy tính", "Computer": "Máy tính",
    "%1 already exists.\nDo you want to replace it?": "Tệp %1 đã có.\nCó ghi đè lên tệp đó không?",
    "%1\nFile not found.\nPlease verify the correct file name was given.":
        "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
    "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
        "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
    "Are you sure you want to delete '%1'?": "Có chắc muốn xóa “%1”?",
    "'%1' is write protected.\nDo you want to delete it anyway?": "“%1” đang được chống ghi.\nVẫn xóa?",
    "Could not delete directory.": "Không xóa được thư mục.", "Invalid filename": "Tên tệp không hợp lệ",
}
_FILE_MODEL = {"Name": "Tên", "Size": "Kích thước", "Type": "Loại", "Kind": "Loại", "Date Modified": "Ngày sửa",
               "Computer": "Máy tính", "My Computer": "Máy tính"}
_FILE_ICONS = {"Drive": "Ổ đĩa", "Folder": "Thư mục", "File": "Tệp", "Unknown": "Không rõ", "Shortcut": "Lối tắt"}
_MESSAGE_BOX = {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…"}
TABLE: dict[tuple[str, str], str] = {}
for _context in ("QPlatformTheme", "QDialogButtonBox", "QMessageBox", "QGnomeTheme", "QFileDialog"):
    TABLE.update({(_context, source): text for source, text in _BUTTONS.items()})
for _context in ("QLineEdit", "QWidgetTextControl", "QTextControl"):
    TABLE.update({(_context, source): text for source, text in _EDIT_MENU.items()})
TABLE.update({("QFileDialog", source): text for source, text in _FILE_DIALOG.items()})
TABLE.update({("QFileSystemModel", source): text for source, text in _FILE_MODEL.items()})
TABLE.update({("QAbstractFileIconProvider", source): text for source, text in _FILE_ICONS.items()})
TABLE.update({("QMessageBox", source): text for source, text in _MESSAGE_BOX.items()})


class VietnameseQtTranslator(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return TABLE.get((context, source), source)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install(app) -> VietnameseQtTranslator:
    """Install the translator on `app` (keep the returned object alive as long as the app)."""
    translator = VietnameseQtTranslator(app)
    app.installTranslator(translator)
    return translator
