"""The window takes its session backup before the first write, and opens on the file's own unit."""

import sqlite3

from PySide6.QtCore import QSettings

from lcapp.models.backup import SESSION_PREFIX, backups
from lcapp.models.changes import of_unit
from lcapp.models.figures import enter
from lcapp.models.setup import create_database
from lcapp.models.store import Store, set_settings
from lcapp.ui.main_window import MainWindow
from lcapp.ui.ops import CollectionOp
from tests.ui_helpers import idle, open_window


def test_window_backs_up_at_start_before_the_first_write(demo_path, qtbot):
    before = sqlite3.connect(demo_path).execute("SELECT count(*) FROM figure_history").fetchone()[0]
    window = open_window(qtbot, demo_path, "p_doan_ket", "202406")
    CollectionOp(window, lambda s: (enter(s, "p_doan_ket", "2024-06", "tm_ban_le", 12.5),
                                    of_unit("p_doan_ket", "202406", figures=True))).run()
    idle(qtbot, window)
    found = [p for p in backups(demo_path.parent / "sao-luu") if SESSION_PREFIX in p.name]
    assert len(found) == 1
    count = sqlite3.connect(found[0]).execute("SELECT count(*) FROM figure_history").fetchone()[0]
    assert count == before  # the typed figure is not in the session's backup: it was taken first
    window.close()


def _database(path, unit):
    store = create_database(path)
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": unit})
    store.close()
    return path


def test_window_opens_on_the_files_own_unit_not_the_last_files(tmp_path, qtbot):
    first = _database(tmp_path / "a.sqlite", "p_doan_ket_2025")
    second = _database(tmp_path / "b.sqlite", "p_tan_phong_2025")
    window = MainWindow(first)
    qtbot.addWidget(window)
    assert window.unit == "p_doan_ket_2025"
    window.choose("p_doan_ket_2025", "202611")
    window.close()
    assert QSettings().value("last/unit") == "p_doan_ket_2025"
    other = MainWindow(second)
    qtbot.addWidget(other)
    assert other.unit == "p_tan_phong_2025"
    other.close()
    again = MainWindow(first)  # the first file comes back to where it was left
    qtbot.addWidget(again)
    assert again.unit == "p_doan_ket_2025" and again.period.code == "202611"
    again.close()
    Store(first).close()
