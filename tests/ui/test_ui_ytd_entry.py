"""A unit that starts mid-year types the year-to-date of a month-entry indicator in the grid, and
its percent of plan shows at once (as `enter --ytd` allows on the command line)."""

import sqlite3

from PySide6.QtCore import Qt

from lcapp.models.numbers import format_percent
from lcapp.models.setup import create_database
from lcapp.models.targets import set_target
from lcapp.ui.grid_model import PERCENT, VALUE, YTD
from tests.ui_helpers import idle, open_window, type_in


def _ytd_row(path, month):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT month_value, ytd_value FROM figures WHERE unit = 'p_doan_ket_2025' "
                            "AND indicator = 'tm_ban_le' AND month = ?", (month,)).fetchone()
    finally:
        conn.close()


def test_a_ward_types_its_year_to_date_mid_year_then_the_months(tmp_path, qtbot):
    path = tmp_path / "ward.sqlite"
    store = create_database(path)
    set_target(store, "p_doan_ket_2025", "tm_ban_le", "2026", "tinh", 1000)
    store.close()
    window = open_window(qtbot, path, "p_doan_ket_2025", "202606")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    model, grid = tab.model, tab.grid
    assert model.entry_column("tm_ban_le") == VALUE  # a month-entry indicator
    ytd = model.index_of("tm_ban_le", YTD)
    assert model.flags(ytd) & Qt.ItemIsEditable
    grid.setCurrentIndex(ytd)
    grid.setFocus()
    type_in(qtbot, grid, "430")
    idle(qtbot, window)
    assert _ytd_row(path, 202606) == (None, 430.0)
    qtbot.waitUntil(lambda: model.index_of("tm_ban_le", PERCENT).data() == format_percent(43))
    # July is typed as a month: its year-to-date follows from June's
    window.choose("p_doan_ket_2025", "202607")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    model, grid = tab.model, tab.grid
    grid.setCurrentIndex(model.index_of("tm_ban_le", VALUE))
    grid.setFocus()
    type_in(qtbot, grid, "80")
    idle(qtbot, window)
    qtbot.waitUntil(lambda: model.index_of("tm_ban_le", PERCENT).data() == format_percent(51))
    window.close()
