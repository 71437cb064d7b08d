"""Every part of the report can be written in the window, not only the sectors' texts."""

import pytest

from lcapp.models.locks import lock
from lcapp.models.narrative import REPORT_PARTS, narratives, text_only_parts
from lcapp.models.store import Store
from lcapp.ui.report_text import TAB_TITLE
from tests.ui_helpers import idle, open_window


@pytest.fixture
def window(demo_path, qtbot):
    w = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    yield w
    if w.isVisible():
        w.close()


def _open_text_tab(window):
    tab = window.text_tab
    window.tabs.setCurrentWidget(tab)
    assert window.tabs.tabText(window.tabs.indexOf(tab)) == TAB_TITLE
    assert window.tabs.indexOf(tab) == window.tabs.count() - 1  # after the sectors
    return tab


def test_the_parts_list_holds_the_report_parts_and_the_sectors_without_figures(window, demo_path):
    tab = _open_text_tab(window)
    parts = [tab.parts.item(i).data(256) for i in range(tab.parts.count())]
    store = Store(demo_path)
    expected = [part for part, _label in text_only_parts(store, "tp_lai_chau")]
    store.close()
    assert parts == expected
    assert set(REPORT_PARTS) <= set(parts)
    assert "dan_toc_ton_giao" in parts  # a sector with text only


@pytest.mark.parametrize("part, text", [("nguyen_nhan", "Do thời tiết rét đậm, rét hại kéo dài."),
                                        ("nhiem_vu", "1. Tập trung thu ngân sách.\n2. Đẩy nhanh giải ngân.")])
def test_causes_and_next_tasks_are_typed_and_saved(window, qtbot, demo_path, part, text):
    tab = _open_text_tab(window)
    tab.choose_part(part)
    assert tab.current_part() == part
    tab.narrative.setFocus()
    tab.narrative.insertPlainText(text)
    tab.parts.setCurrentRow(0 if tab.current_part() != tab.parts.item(0).data(256) else 1)  # leaving saves
    idle(qtbot, window)
    store = Store(demo_path)
    assert narratives(store, "tp_lai_chau", "202406")[part] == text
    store.close()
    tab.choose_part(part)
    assert tab.narrative.toPlainText() == text
    assert "(chưa viết)" not in tab.parts.currentItem().text()


def test_text_typed_when_the_window_closes_is_saved(demo_path, qtbot):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    tab = _open_text_tab(window)
    tab.choose_part("han_che")
    tab.narrative.insertPlainText("Tiến độ giải ngân còn chậm.")
    window.close()
    store = Store(demo_path)
    assert narratives(store, "tp_lai_chau", "202406")["han_che"] == "Tiến độ giải ngân còn chậm."
    store.close()


def test_a_locked_month_makes_the_parts_read_only(demo_path, qtbot):
    store = Store(demo_path)
    lock(store, "tp_lai_chau", "202406")
    store.close()
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    tab = _open_text_tab(window)
    assert tab.narrative.isReadOnly()
    window.close()


def test_a_department_writes_only_its_own_text_sectors(demo_path):
    store = Store(demo_path)
    parts = [part for part, _label in text_only_parts(store, "tp_vp")]
    store.close()
    assert "dan_toc_ton_giao" in parts and "nguyen_nhan" not in parts
