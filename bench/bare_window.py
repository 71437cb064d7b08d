"""The floor for any Qt program in Python: a bare PySide6 main window, started like main.py.

Prints "shown <epoch seconds>" once the window is shown and the event loop has run, then quits.
"""

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("LCApp")
    window.resize(1366, 740)
    window.show()
    QTimer.singleShot(0, lambda: (print(f"shown {time.time():.6f}", flush=True), app.quit()))
    sys.exit(app.exec())
