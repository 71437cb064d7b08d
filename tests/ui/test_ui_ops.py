"""The one way the window runs work (lcapp/ui/ops.py): success, the core's refusal shown in
Vietnamese, a bug sent to the crash handler, and the refresh of everything shown through the one
`operation_executed` signal, with progress computed once per edit and once per export."""

import sys

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from lcapp.models.changes import of_unit
from lcapp.models.figures import enter
from lcapp.models.numbers import format_figure
from lcapp.ui import jobs
from lcapp.ui.grid_model import VALUE
from lcapp.ui.ops import CollectionOp, QueryOp
from lcapp.ui.report_export import ReportPreviewDialog
from progress_counter import ProgressCounter
from tests.conftest import table_rows
from tests.ui_helpers import open_window

UNIT, MONTH, RETAIL = "tp_lai_chau", "202406", "tm_ban_le"


@pytest.fixture
def window(demo_path, qtbot):
    w = open_window(qtbot, demo_path, UNIT, MONTH)
    settle(qtbot, w)
    yield w
    if w.isVisible():
        w.close()


def settle(qtbot, window):
    """Nothing queued on the worker and the checks' timer has fired."""
    qtbot.waitUntil(lambda: window.worker.pending == 0 and not window._checks_timer.isActive(), timeout=10000)


def executed(window) -> list:
    seen = []
    window.operation_executed.connect(lambda changes, initiator: seen.append((changes, initiator)))
    return seen


def test_a_write_gives_its_result_and_its_changes_to_the_one_signal(window, qtbot):
    seen, results = executed(window), []
    changes = of_unit(UNIT, MONTH, figures=True)
    op = CollectionOp(window, lambda s: (enter(s, UNIT, MONTH, RETAIL, 777), changes)).success(results.append)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert results == [1]
    assert seen == [(changes, window)]


def test_the_cores_refusal_is_shown_with_its_vietnamese_message_and_nothing_is_written(window, qtbot, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *a: warnings.append((title, text)))
    seen, before = executed(window), table_rows(window.store)
    op = CollectionOp(window, lambda s: enter(s, UNIT, MONTH, "khong_co", 1)).titled("Nhập số liệu")
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert warnings and warnings[0][0] == "Nhập số liệu" and "khong_co" in warnings[0][1]
    assert seen == [] and table_rows(window.store) == before
    # without a title: the window's status line says it
    op = CollectionOp(window, lambda s: enter(s, UNIT, MONTH, "khong_co", 1))
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert window.statusBar().currentMessage().startswith("Chưa lưu: ") and "khong_co" in window.statusBar().currentMessage()


@pytest.mark.parametrize("own_connection", [False, True])
def test_a_bug_goes_to_the_crash_handler_not_to_the_failure_callback(window, qtbot, monkeypatch, own_connection):
    caught, messages = [], []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: caught.append(kind))
    op = QueryOp(window, lambda s: 1 / 0, own_connection=own_connection).failure(messages.append)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert caught == [ZeroDivisionError] and messages == []


def test_one_cell_edit_refreshes_grid_overview_details_and_checks_from_one_progress(window, qtbot, monkeypatch):
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    window.show_details()
    model = tab.model
    index = model.index_of(RETAIL, VALUE)
    tab.grid.setCurrentIndex(index)
    settle(qtbot, window)
    before = window.progress_cache.state
    counter, seen = ProgressCounter(monkeypatch), executed(window)
    assert model.setData(index, "4321")
    assert model.data(index) == format_figure(4321, 0)  # the typed figure shows at once (the grid's buffer)
    assert before.by_code[RETAIL].value != 4321  # the shared state is not touched by typing
    qtbot.waitUntil(lambda: window.progress_cache.state is not before, timeout=10000)
    settle(qtbot, window)
    state = window.progress_cache.state
    assert len(seen) == 1 and seen[0][0].figures and seen[0][0].units >= {UNIT}
    assert counter.of(UNIT, MONTH) == 1 and sum(counter.calls.values()) == 1
    assert state.by_code[RETAIL].value == 4321 and state.findings is not None
    assert model.rows[RETAIL] is state.by_code[RETAIL] and model.data(index) == format_figure(4321, 0)
    assert window.findings_for(UNIT, window.period) == list(state.findings)
    assert window.details.months.item(0, 1).text() == format_figure(4321, 0)
    window.tabs.setCurrentWidget(window.overview)
    shown = {row.indicator: row for row in window.overview_model.rows}
    assert shown[RETAIL] is state.by_code[RETAIL] and shown[RETAIL].ytd != before.by_code[RETAIL].ytd
    assert sum(counter.calls.values()) == 1  # showing the overview computed nothing


def test_a_pdf_from_the_window_computes_progress_once(window, qtbot, monkeypatch, tmp_path):
    written = []
    monkeypatch.setattr(jobs, "offer_to_open", lambda _parent, _title, path: written.append(path))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.Yes)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(tmp_path / "bao-cao.pdf"), ""))
    monkeypatch.setattr(ReportPreviewDialog, "exec", lambda dialog: QDialog.Accepted)
    counter = ProgressCounter(monkeypatch)
    window.report_exports().export_report()
    qtbot.waitUntil(lambda: written == [tmp_path / "bao-cao.pdf"], timeout=30000)
    # the checks' question and the preview reuse the window's state; the file, on its own connection, once
    assert counter.of(UNIT, MONTH) == 1 and sum(counter.calls.values()) == 1


def test_the_progress_dialog_ends_on_the_last_step_when_steps_arrive_in_a_burst(window, qtbot):
    """A modal QProgressDialog's setValue runs the event loop once it is shown: steps queued behind
    it (and the end) are handled inside it. The label must still end on the last step said, not
    on the step whose setValue let the others in (CI saw "Đang trình bày văn bản Word" left over)."""
    import threading
    import time

    go = threading.Event()

    def work(_store, report):
        go.wait(10)
        for step in range(1, 21):
            report(step, 20, f"Bước {step}")
        return "xong"

    results = []
    op = QueryOp(window, work, own_connection=True).with_progress("Thử tiến độ", "Bắt đầu").success(results.append)
    op.run()
    qtbot.waitUntil(lambda: op.dialog.isVisible(), timeout=5000)  # shown after its minimum duration
    dialog = op.dialog
    go.set()
    time.sleep(0.3)  # the UI thread busy: every step and the end queue up behind each other
    qtbot.waitUntil(lambda: results == ["xong"], timeout=10000)
    assert dialog.labelText() == "Bước 20" and not dialog.isVisible()
