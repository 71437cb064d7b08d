"""The main window used like a person would: typing, Enter, Tab, Esc, Delete, paste, undo."""

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from lcapp.models.figures import history
from lcapp.models.narrative import narratives
from lcapp.models.numbers import format_number
from lcapp.models.store import Store
from lcapp.ui.grid_model import COMMENT, VALUE, YTD
from lcapp.ui.main_window import MainWindow, SectorTab, summary_periods
from tests.conftest import table_rows
from tests.ui_helpers import editor_of, type_in


@pytest.fixture
def window(demo_path, qtbot):
    w = MainWindow(demo_path)
    qtbot.addWidget(w)
    w.choose("tp_lai_chau", "202406")
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.isVisible():
        w.close()


def open_sector(window, sector) -> SectorTab:
    tab = window.tabs_by_sector[sector]
    window.tabs.setCurrentWidget(tab)
    return tab


def saved(qtbot, window):
    qtbot.waitUntil(lambda: window.worker.pending == 0, timeout=5000)


def month_value(store_path, code, unit="tp_lai_chau", month=202406):
    conn = sqlite3.connect(store_path)
    try:
        row = conn.execute("SELECT month_value, ytd_value, status, comment FROM figures WHERE unit = ? AND month = ? "
                           "AND indicator = ?", (unit, month, code)).fetchone()
    finally:
        conn.close()
    return row


def test_typing_a_value_and_enter_saves_it_moves_down_and_updates_ytd(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    grid.setCurrentIndex(model.index_of("tm_ban_le", VALUE))
    grid.setFocus()
    type_in(qtbot, grid, "400,5")
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[0] == 400.5
    below = grid.indexBelow(model.index_of("tm_ban_le", VALUE))
    assert grid.currentIndex() == below
    # May's year-to-date (1.931) plus June's value, computed at once, with the decimal typed
    qtbot.waitUntil(lambda: model.index_of("tm_ban_le", YTD).data() == format_number(1931 + 400.5, 2))
    assert "Đã lưu" in window.statusBar().currentMessage()


def test_typing_replaces_what_was_in_the_cell(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    tab.grid.setCurrentIndex(tab.model.index_of("tm_ban_le", VALUE))
    type_in(qtbot, tab.grid, "12")
    saved(qtbot, window)
    tab.grid.setCurrentIndex(tab.model.index_of("tm_ban_le", VALUE))
    type_in(qtbot, tab.grid, "34")
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[0] == 34


def test_a_wrong_entry_is_not_saved_and_the_cell_keeps_focus(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    start = model.index_of("tm_ban_le", VALUE)
    grid.setCurrentIndex(start)
    store = Store(demo_path)
    before = table_rows(store)
    editor = type_in(qtbot, grid, "12.5")
    saved(qtbot, window)
    assert grid.state() == QAbstractItemView.EditingState
    assert editor.isVisible() and grid.currentIndex() == start
    assert "12.5" in window.statusBar().currentMessage()
    assert any(f.rule == "unparseable_input" and f.indicator == "tm_ban_le" for f in window.findings_model.items)
    assert table_rows(store) == before
    # correcting it saves and removes the finding
    editor.selectAll()
    qtbot.keyClicks(editor, "12,5")
    qtbot.keyClick(editor, Qt.Key_Return)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[0] == 12.5
    assert not any(f.rule == "unparseable_input" for f in window.findings_model.items)
    store.close()


def test_tab_commits_and_moves_right_escape_cancels(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    start = model.index_of("tm_vi_pham", VALUE)
    grid.setCurrentIndex(start)
    type_in(qtbot, grid, "7", end=Qt.Key_Tab)
    saved(qtbot, window)
    assert grid.currentIndex() == start.siblingAtColumn(start.column() + 1)
    assert month_value(demo_path, "tm_vi_pham")[0] == 7
    grid.setCurrentIndex(start)
    editor = type_in(qtbot, grid, "99", end=None)
    qtbot.keyClick(editor, Qt.Key_Escape)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_vi_pham")[0] == 7
    assert grid.state() != QAbstractItemView.EditingState


def test_delete_clears_and_the_clearing_is_history(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    grid.setCurrentIndex(model.index_of("tm_vi_pham", VALUE))
    type_in(qtbot, grid, "5")
    saved(qtbot, window)
    grid.setCurrentIndex(model.index_of("tm_vi_pham", VALUE))
    qtbot.keyClick(grid, Qt.Key_Delete)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_vi_pham")[0] is None
    store = Store(demo_path)
    actions = [h["action"] for h in history(store, "tp_lai_chau", "202406", "tm_vi_pham")]
    store.close()
    assert actions[-1] == "clear" and len(actions) == 2
    assert model.index_of("tm_vi_pham", VALUE).data() == ""


def test_undo_and_redo_across_cells(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    grid.setCurrentIndex(model.index_of("tm_ban_le", VALUE))
    type_in(qtbot, grid, "100")
    saved(qtbot, window)
    grid.setCurrentIndex(model.index_of("tm_vi_pham", VALUE))
    type_in(qtbot, grid, "3")
    saved(qtbot, window)
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_vi_pham")[0] is None
    assert month_value(demo_path, "tm_ban_le")[0] == 100
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[0] is None
    qtbot.waitUntil(lambda: model.index_of("tm_ban_le", VALUE).data() == "")
    qtbot.keyClick(grid, Qt.Key_Y, Qt.ControlModifier)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[0] == 100
    qtbot.waitUntil(lambda: model.index_of("tm_ban_le", YTD).data() == format_number(2031, 0))


def test_paste_a_block_from_excel_and_a_bad_block_is_refused(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    order = [c for c in model.order[:3]]
    grid.setCurrentIndex(model.index_of(order[0], VALUE))
    store = Store(demo_path)
    before = table_rows(store)
    QApplication.clipboard().setText("339\r\n1.099,7\r\nabc\r\n")
    qtbot.keyClick(grid, Qt.Key_V, Qt.ControlModifier)
    saved(qtbot, window)
    assert "abc" in window.statusBar().currentMessage()
    assert table_rows(store) == before
    QApplication.clipboard().setText("339\r\n1.099,7\r\n")
    qtbot.keyClick(grid, Qt.Key_V, Qt.ControlModifier)
    saved(qtbot, window)
    assert month_value(demo_path, order[0])[0] == 339
    assert month_value(demo_path, order[1])[0] == 1099.7
    qtbot.keyClick(grid, Qt.Key_Z, Qt.ControlModifier)  # the block is one step
    saved(qtbot, window)
    assert month_value(demo_path, order[0])[0] is None and month_value(demo_path, order[1])[0] is None
    store.close()


def test_comment_typed_in_grid_is_saved_and_shown_in_details(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    grid, model = tab.grid, tab.model
    grid.setCurrentIndex(model.index_of("tm_ban_le", COMMENT))
    editor = type_in(qtbot, grid, "Chi cuc", end=None)
    editor.insert(" Thống kê: số ước")  # Vietnamese letters arrive as committed text from the input method
    qtbot.keyClick(editor, Qt.Key_Return)
    saved(qtbot, window)
    assert month_value(demo_path, "tm_ban_le")[3] == "Chi cuc Thống kê: số ước"
    grid.setCurrentIndex(model.index_of("tm_ban_le", COMMENT))
    qtbot.keyClick(grid, Qt.Key_Return, Qt.ControlModifier)
    assert window.details.isVisible()
    assert "số ước" in window.details.comment.text()
    assert window.details.history.rowCount() == 1
    assert window.details.months.rowCount() == 12


def test_clicking_a_finding_selects_its_cell(window, qtbot):
    window.choose("tp_lai_chau", "202405")
    qtbot.waitUntil(lambda: window.findings_model.rowCount() > 0, timeout=5000)
    row = next(n for n in range(window.findings_model.rowCount()) if window.findings_model.finding(n).indicator)
    finding = window.findings_model.finding(row)
    window.go_to_finding(window.findings_model.index(row, 1))
    tab = window.tabs.currentWidget()
    assert isinstance(tab, SectorTab)
    assert tab.model.code_at(tab.grid.currentIndex()) == finding.indicator


def test_narrative_is_saved(window, qtbot, demo_path):
    tab = open_sector(window, "thuong_mai")
    tab.narrative.setFocus()
    qtbot.keyClicks(tab.narrative, "Thang 6: ")
    tab.narrative.insertPlainText("Hoạt động thương mại ổn định.")
    tab.save_narrative()
    saved(qtbot, window)
    store = Store(demo_path)
    assert narratives(store, "tp_lai_chau", "202406")["thuong_mai"] == "Thang 6: Hoạt động thương mại ổn định."
    store.close()


def test_units_are_those_valid_in_the_period_and_title_says_unit_and_period(window):
    units = [window.unit_box.itemData(i) for i in range(window.unit_box.count())]
    assert "p_doan_ket" in units and "tp_lai_chau" in units
    assert window.windowTitle().startswith("Thành phố Lai Châu — tháng 6/2024")
    window.choose("lai_chau", "202508")
    units = [window.unit_box.itemData(i) for i in range(window.unit_box.count())]
    assert "tp_lai_chau" not in units and "p_doan_ket" not in units


def test_summary_periods_are_read_only(window, qtbot):
    assert [code for code, _ in summary_periods(2024, 6)] == ["202406", "2024Q2", "2024S1", "2024M9", "2024"]
    assert [code for code, _ in summary_periods(2024, 11)] == ["202411", "2024Q4", "2024S2", "2024"]
    window.view_box.setCurrentIndex(1)
    tab = open_sector(window, "thuong_mai")
    assert window.period.code == "2024Q2"
    assert not tab.model.flags(tab.model.index_of("tm_ban_le", VALUE)) & Qt.ItemIsEditable


def test_remembers_unit_and_period(demo_path, qtbot):
    first = MainWindow(demo_path)
    qtbot.addWidget(first)
    first.choose("p_doan_ket", "202405")
    first.close()
    assert QSettings().value("last/unit") == "p_doan_ket"
    second = MainWindow(demo_path)
    qtbot.addWidget(second)
    assert (second.unit, second.period.code) == ("p_doan_ket", "202405")
    second.close()


def test_backup_copies_the_database(window, qtbot, tmp_path):
    target = tmp_path / "backup.sqlite"
    window.backup_to(target)
    saved(qtbot, window)
    copy = Store(target)
    assert copy.query("SELECT count(*) AS n FROM figures")[0]["n"] > 0
    copy.close()


def test_a_department_sees_only_its_sectors_and_enters_the_citys_figures(window, qtbot, demo_path):
    from lcapp.models.organisation import organisation
    store = Store(demo_path)
    sectors = organisation(store).units["tp_tckh"].sectors
    store.close()
    window.choose("tp_tckh", "202406")
    assert set(window.tabs_by_sector) <= set(sectors) and window.tabs_by_sector
    assert window.tabs.tabText(0) == "Tổng quan"
    sector = next(iter(window.tabs_by_sector))
    tab = open_sector(window, sector)
    code = next(c for c in tab.model.order if tab.model.is_editable(c, tab.model.entry_column(c)))
    tab.grid.setCurrentIndex(tab.model.index_of(code, tab.model.entry_column(code)))
    type_in(qtbot, tab.grid, "77")
    saved(qtbot, window)
    row = month_value(demo_path, code)  # the city's figure, entered by its department
    assert 77 in (row[0], row[1])


def test_the_frame_shows_first_and_the_figures_follow(demo_path, qtbot):
    from lcapp.ui.app import open_main_window
    ready = []
    window = open_main_window(demo_path, on_ready=lambda: ready.append(True))
    qtbot.addWidget(window)
    assert window.isVisible() and window.entry is None and window.tabs.count() == 0
    qtbot.waitUntil(lambda: ready == [True], timeout=5000)
    assert window.entry is not None and window.tabs.tabText(0) == "Tổng quan"
    assert window.overview_model.rowCount() > 0
    window.close()


def test_closing_before_the_figures_are_attached(demo_path, qtbot):
    window = MainWindow(demo_path, defer_data=True)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.worker is None
    store = Store(demo_path)  # the file was closed cleanly and opens again
    assert store.query("SELECT count(*) AS n FROM figures")[0]["n"] > 0
    store.close()


def _repeated_sentence_row(window, qtbot, demo_path, sentence: str, parts: tuple[str, str]) -> int:
    """The same sentence written in two parts of June 2024's report: the row of its finding."""
    from lcapp.models.narrative import set_narrative
    store = Store(demo_path)
    for part in parts:
        set_narrative(store, "tp_lai_chau", "202406", part, sentence, user="t")
    store.close()
    window.run_checks()
    qtbot.waitUntil(lambda: any(f.rule == "repeated_sentence" for f in window.findings_model.checks), timeout=10000)
    return next(i for i, f in enumerate(window.findings_model.items) if f.rule == "repeated_sentence")


def test_a_text_finding_is_listed_with_the_checks_and_opens_its_part(window, qtbot, demo_path):
    sentence = "Công tác quản lý thị trường được tăng cường, xử lý nghiêm các trường hợp vi phạm."
    row = _repeated_sentence_row(window, qtbot, demo_path, sentence, ("cong_nghiep", "thuong_mai"))
    finding = window.findings_model.finding(row)
    assert finding.part == "cong_nghiep" and sentence in finding.message
    window.go_to_finding(window.findings_model.index(row, 1))
    assert window.tabs.currentWidget() is window.tabs_by_sector["cong_nghiep"]


def test_a_text_finding_about_a_part_of_text_alone_opens_the_report_text_tab_on_it(window, qtbot, demo_path):
    sentence = "Tiếp tục rà soát, tháo gỡ khó khăn, vướng mắc cho các dự án đầu tư trên địa bàn."
    row = _repeated_sentence_row(window, qtbot, demo_path, sentence, ("nguyen_nhan", "nhiem_vu"))
    part = window.findings_model.finding(row).part
    assert part in ("nguyen_nhan", "nhiem_vu")
    window.go_to_finding(window.findings_model.index(row, 1))
    assert window.tabs.currentWidget() is window.text_tab and window.text_tab.current_part() == part
