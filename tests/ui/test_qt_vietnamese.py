from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from lcapp.ui.app import make_application


def test_qt_standard_buttons_are_vietnamese(qtbot):
    make_application()
    box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.Save)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.Ok).text() == "Đồng ý"
    assert box.button(QDialogButtonBox.Cancel).text() == "Hủy"
    assert box.button(QDialogButtonBox.Save).text() == "Lưu"
    message = QMessageBox(QMessageBox.Question, "LCApp", "Xuất báo cáo?", QMessageBox.Yes | QMessageBox.No)
    qtbot.addWidget(message)
    assert message.button(QMessageBox.Yes).text().replace("&", "") == "Có"
    assert message.button(QMessageBox.No).text().replace("&", "") == "Không"


def test_unknown_texts_come_back_as_qt_wrote_them(qtbot):
    app = make_application()
    translator = app.lcapp_translator
    assert translator.translate("QShortcut", "Ctrl") == "Ctrl"
    assert translator.translate("QSomething", "Never seen %1") == "Never seen %1"
    assert translator.translate("QDialogButtonBox", "Cancel") == "Hủy"


def test_menu_shortcuts_show_their_keys(qtbot):
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    make_application()
    window = QMainWindow()
    qtbot.addWidget(window)
    action = QAction("Mở tệp dữ liệu…", window)
    action.setShortcut(QKeySequence.Open)
    assert action.shortcut().toString(QKeySequence.NativeText) == "Ctrl+O"
    assert QKeySequence("Ctrl+Shift+Z").toString(QKeySequence.NativeText) == "Ctrl+Shift+Z"


def test_file_dialog_has_vietnamese_labels_and_buttons_and_no_qt_warnings(qtbot, qtlog):
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

    make_application()
    dialog = QFileDialog(None, "Xuất số liệu trao đổi", "", "CSV (*.csv)")
    dialog.setOption(QFileDialog.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"&Tìm trong:", "&Tên tệp:", "&Loại tệp:"} <= labels
    buttons = dialog.findChild(QDialogButtonBox)
    texts = {b.text().replace("&", "") for b in buttons.buttons()}
    assert texts == {"Lưu", "Hủy"}
    assert all(label for label in labels if label is not None)
    dialog.close()
    assert not [m for m in qtlog.records if "QString::arg" in m.message]
