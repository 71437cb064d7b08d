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
