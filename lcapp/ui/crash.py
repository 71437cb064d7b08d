"""Unexpected errors: written to the log with their traceback, and told to the user in Vietnamese
with where the log is, instead of a silent crash.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("lcapp.crash")
_showing = False


def crash_message(log_path) -> str:
    return ("Chương trình gặp một lỗi không lường trước. Số liệu đã lưu trước đó vẫn an toàn; "
            "thao tác vừa làm có thể chưa hoàn tất, hãy kiểm tra lại.\n\n"
            f"Chi tiết lỗi đã được ghi vào nhật ký:\n{log_path}\n\n"
            "Nếu lỗi lặp lại, hãy gửi tệp nhật ký này cho cán bộ kỹ thuật.")


def report_unexpected(exc_type, exc, tb) -> None:
    """`sys.excepthook`: log the traceback, then show the Vietnamese dialog (once at a time)."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    from .. import app_log

    app_log.setup_logging()  # once: a no-op when already set up
    log.critical("unexpected error", exc_info=(exc_type, exc, tb))
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        box = QMessageBox(QMessageBox.Critical, "LCApp — lỗi chương trình", crash_message(app_log.log_file()))
        box.setDetailedText(f"{exc_type.__name__}: {exc}")
        box.exec()
    finally:
        _showing = False


def install_excepthook() -> None:
    """Route uncaught exceptions to `report_unexpected` (cheap: the log file is set up by `start_log`)."""
    sys.excepthook = report_unexpected


def start_log():
    """Set up the log file; called once the window shows (platformdirs costs start-up time). Returns its path."""
    from .. import app_log

    return app_log.setup_logging()
