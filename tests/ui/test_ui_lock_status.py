"""Nhập liệu → Tình trạng khóa số liệu các đơn vị…: the lock column per unit, used like a person would."""

from PySide6.QtWidgets import QMessageBox

from lcapp.models.locks import is_locked, lock, lock_history, lock_rows
from lcapp.models.store import Store
from lcapp.ui.grid_model import COMMENT, EDITABLE_BRUSH, VALUE
from lcapp.ui.lock_status import LOCKED_TEXT, OPEN_TEXT, STATE, LockStatusModel, time_text
from lcapp.ui.qt_names import BACKGROUND_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE
from tests.ui_helpers import idle, open_window

CITY_UNITS = ["Thành phố Lai Châu", "Phường Đoàn Kết", "Phường Quyết Thắng", "Phường Tân Phong",
              "Phường Đông Phong", "Phường Quyết Tiến", "Xã San Thàng", "Xã Sùng Phài"]


def states(dialog) -> dict[str, str]:
    model = dialog.model
    return {row.code: model.data(model.index(n, STATE), DISPLAY_ROLE) for n, row in enumerate(model.rows)}


def locked_in(path, unit, month=202405) -> bool:
    store = Store(path)
    try:
        return is_locked(store, unit, month)
    finally:
        store.close()


def test_the_rows_are_the_unit_and_its_children_of_the_month(demo_path, qtbot):
    store = Store(demo_path)
    lock(store, "p_tan_phong", "202405", user="Lò Văn Minh")
    model = LockStatusModel(store)
    model.load("tp_lai_chau", 2024, 5)
    assert [row.name.strip() for row in model.rows] == CITY_UNITS
    assert [model.data(model.index(n, 0), DISPLAY_ROLE).strip() for n in range(model.rowCount())] == CITY_UNITS
    row = next(n for n, r in enumerate(model.rows) if r.code == "p_tan_phong")
    assert [model.data(model.index(row, c), DISPLAY_ROLE) for c in range(1, 3)] == [LOCKED_TEXT, "Lò Văn Minh"]
    assert model.data(model.index(row, 3), DISPLAY_ROLE) == time_text(model.rows[row].locked_at) != ""
    assert "Lò Văn Minh" in model.data(model.index(row, STATE), TOOLTIP_ROLE)
    assert model.data(model.index(0, STATE), DISPLAY_ROLE) == OPEN_TEXT
    # The province after the arrangement of 07/2025: its 38 xã and phường; before it, the city and
    # the districts; a department shows its city.
    after = [r.code for r in lock_rows(store, "lai_chau", 2025, 8)]
    assert after[0] == "lai_chau" and len(after) == 39 and {"p_tan_phong_2025", "p_doan_ket_2025"} <= set(after)
    assert [r.code for r in lock_rows(store, "lai_chau", 2025, 6)] == ["lai_chau", "tp_lai_chau", "h_tam_duong",
                                                                       "h_phong_tho", "h_sin_ho", "h_muong_te",
                                                                       "h_nam_nhun", "h_than_uyen", "h_tan_uyen"]
    assert [r.name for r in lock_rows(store, "tp_tckh", 2024, 5)] == CITY_UNITS
    store.close()


def test_the_model_passes_the_model_tester(demo_path, qtmodeltester):
    store = Store(demo_path)
    lock(store, "p_doan_ket", "202405")
    model = LockStatusModel(store)
    model.load("tp_lai_chau", 2024, 5)
    qtmodeltester.check(model)
    store.close()


def test_locking_and_unlocking_a_ward_in_the_dialog(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = window.show_lock_status()
    qtbot.addWidget(dialog)
    assert [r.name for r in dialog.model.rows] == CITY_UNITS
    assert set(states(dialog).values()) == {OPEN_TEXT}
    assert not dialog.lock_button.isEnabled() and not dialog.unlock_button.isEnabled()

    dialog.select_units(["p_doan_ket"])
    assert dialog.lock_button.isEnabled() and not dialog.unlock_button.isEnabled()
    dialog.lock_button.click()
    idle(qtbot, window)
    assert locked_in(demo_path, "p_doan_ket") and not locked_in(demo_path, "tp_lai_chau")
    assert states(dialog)["p_doan_ket"] == LOCKED_TEXT and states(dialog)["tp_lai_chau"] == OPEN_TEXT
    assert dialog.unlock_button.isEnabled() and not dialog.lock_button.isEnabled()
    assert not window.lock_label.isVisible()  # the window shows the city, still open

    # Without a reason: refused by the core, nothing changes.
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text))
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("   ", True))
    dialog.unlock_button.click()
    idle(qtbot, window)
    assert warnings == ["Mở khóa số liệu phải ghi lý do."]
    assert locked_in(demo_path, "p_doan_ket") and states(dialog)["p_doan_ket"] == LOCKED_TEXT
    # Cancelled: nothing asked of the core.
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("Sửa số liệu", False))
    dialog.unlock_button.click()
    assert window.worker.pending == 0 and locked_in(demo_path, "p_doan_ket")

    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("Phường báo sai số liệu", True))
    dialog.unlock_button.click()
    idle(qtbot, window)
    assert not locked_in(demo_path, "p_doan_ket") and states(dialog)["p_doan_ket"] == OPEN_TEXT
    store = Store(demo_path)
    assert [(h["month"], h["action"], h["reason"]) for h in lock_history(store, "p_doan_ket")] == \
        [(202405, "lock", ""), (202405, "unlock", "Phường báo sai số liệu")]
    store.close()
    assert "Phường báo sai số liệu" in dialog.model.data(dialog.model.index(1, STATE), TOOLTIP_ROLE)
    dialog.close()
    window.close()


def test_locking_the_windows_own_unit_updates_the_top_bar(demo_path, qtbot, monkeypatch):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    dialog = window.show_lock_status()
    qtbot.addWidget(dialog)
    dialog.select_units(["tp_lai_chau", "p_tan_phong", "x_sung_phai"])
    dialog.lock_button.click()
    idle(qtbot, window)
    assert window.lock_label.isVisible() and window.unlock_action.isEnabled()
    assert [code for code, state in states(dialog).items() if state == LOCKED_TEXT] == \
        ["tp_lai_chau", "p_tan_phong", "x_sung_phai"]
    assert "Đã khóa số liệu tháng 05/2024" in window.statusBar().currentMessage()

    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", lambda *a, **kw: ("Thành phố sửa số liệu", True))
    dialog.select_units(["tp_lai_chau"])
    dialog.unlock_button.click()
    idle(qtbot, window)
    assert not window.lock_label.isVisible() and not locked_in(demo_path, "tp_lai_chau")
    assert locked_in(demo_path, "p_tan_phong") and locked_in(demo_path, "x_sung_phai")
    dialog.close()
    window.close()


def test_a_locked_months_editable_cells_lose_their_colour(demo_path, qtbot):
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    model = tab.model
    # The comment cell: editable, and never coloured by a finding of the checks (the value cell
    # takes its findings' colour once the checks have run, whenever that is).
    index = model.index_of("tm_ban_le", COMMENT)
    assert model.data(index, BACKGROUND_ROLE) == EDITABLE_BRUSH
    changed = []
    model.dataChanged.connect(lambda first, last, roles: changed.append(list(roles)))
    window.lock_month()
    idle(qtbot, window)
    locked_background = model.data(index, BACKGROUND_ROLE)
    assert locked_background != EDITABLE_BRUSH and locked_background is None
    assert changed and all(BACKGROUND_ROLE in roles for roles in changed)
    window.month_box.setValue(5)  # an open month: coloured again
    assert model.data(model.index_of("tm_ban_le", COMMENT), BACKGROUND_ROLE) == EDITABLE_BRUSH
    window.month_box.setValue(6)
    assert model.data(model.index_of("tm_ban_le", COMMENT), BACKGROUND_ROLE) is None
    window.close()


def test_a_tab_built_in_a_locked_month_starts_without_the_colour(demo_path, qtbot):
    store = Store(demo_path)
    lock(store, "tp_lai_chau", "202406")
    store.close()
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202406")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    assert tab.model.locked and tab.model.data(tab.model.index_of("tm_ban_le", VALUE), BACKGROUND_ROLE) is None
    window.close()


def test_closing_the_dialog_while_the_worker_writes_still_updates_the_window(demo_path, qtbot, monkeypatch):
    import time

    from shiboken6 import isValid

    from lcapp.models import locks

    real_lock = locks.lock
    monkeypatch.setattr(locks, "lock", lambda *a, **kw: (time.sleep(0.4), real_lock(*a, **kw))[1])
    window = open_window(qtbot, demo_path, "tp_lai_chau", "202405")
    idle(qtbot, window)  # the session's backup and the first checks are done: the lock is all that is queued
    dialog = window.show_lock_status()
    dialog.select_units(["tp_lai_chau"])
    dialog.lock_button.click()
    dialog.close()  # deleted on close, before the worker is done
    qtbot.waitUntil(lambda: not isValid(dialog), timeout=2000)
    assert window.worker.pending >= 1  # the lock still on the worker (the checks may be queued beside it)
    idle(qtbot, window)
    assert locked_in(demo_path, "tp_lai_chau") and window.lock_label.isVisible()
    window.close()
