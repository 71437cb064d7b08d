"""The details panel follows the current tab, and shows a year-to-date typed for a month-entry flow."""

from lcapp.models.figures import enter
from lcapp.models.store import Store
from lcapp.ui.details import history_lines
from lcapp.ui.grid_model import VALUE
from lcapp.models.periods import parse_period
from tests.ui_helpers import open_window


def test_details_follow_the_current_tab(demo_path, qtbot):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    trade = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(trade)
    trade.grid.setCurrentIndex(trade.model.index_of("tm_ban_le", VALUE))
    window.show_details()
    assert window.details.title.text().startswith("Tổng mức bán lẻ")
    health = window.tabs_by_sector["y_te"]
    window.tabs.setCurrentWidget(health)  # a tab with no cell chosen: no other tab's figure stays
    assert window.details.title.text() == "Chọn một ô để xem chi tiết."
    assert window.details.months.rowCount() == 0 and window.details.history.rowCount() == 0
    window.tabs.setCurrentWidget(window.text_tab)
    assert window.details.title.text() == "Chọn một ô để xem chi tiết."
    window.tabs.setCurrentWidget(trade)  # back: its cell again
    assert window.details.title.text().startswith("Tổng mức bán lẻ")
    window.close()


def test_history_shows_a_typed_year_to_date_beside_the_month(demo_path):
    store = Store(demo_path)
    enter(store, "p_doan_ket_2025", "2026-06", "tm_ban_le", 430, basis="ytd")
    enter(store, "p_doan_ket_2025", "2026-06", "tm_ban_le", 80)
    lines = history_lines(store, "p_doan_ket_2025", parse_period("202606"), "tm_ban_le")
    store.close()
    assert [line["change"] for line in lines] == ["tháng: (trống) → (trống); lũy kế: (trống) → 430",
                                                  "tháng: (trống) → 80; lũy kế: 430 → 430"]
