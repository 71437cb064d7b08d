"""Báo cáo → Excel annex and PDF report from the window, the checks' question before them, the
preview of the drafted text, and the checks' colours and tooltips in the grid."""

import zipfile
from typing import ClassVar

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from lcapp.export.annex_xlsx import write_annex_workbook
from lcapp.models.findings import Finding
from lcapp.models.narrative import narratives, set_narrative
from lcapp.models.periods import parse_period
from lcapp.models.store import Store
from lcapp.ui import jobs, report_export
from lcapp.ui.entry import FigureEntry
from lcapp.ui.grid_model import FINDING_BRUSHES, VALUE, YTD, SectorGridModel
from lcapp.ui.jobs import run_export
from lcapp.ui.main_window import MainWindow
from lcapp.ui.report_export import (
    ReportPreviewDialog,
    default_file_name,
    findings_question,
    with_suffix,
)
from lcapp.ui.worker import DbWorker


class AutoBox(QMessageBox):
    """The end-of-job box, answered at once with "Mở tệp"; warnings recorded instead of shown."""

    warnings: ClassVar[list] = []

    def exec(self):
        next(b for b in self.buttons() if b.text() == "Mở tệp").click()
        return 0

    @staticmethod
    def warning(_parent, title, message, *args):
        AutoBox.warnings.append((title, message))
        return QMessageBox.Ok


@pytest.fixture
def window(demo_path, qtbot, monkeypatch):
    AutoBox.warnings = []
    monkeypatch.setattr(jobs, "QMessageBox", AutoBox)
    w = MainWindow(demo_path)
    qtbot.addWidget(w)
    w.choose("tp_lai_chau", "202405")
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.isVisible():
        w.close()


@pytest.fixture
def opened(monkeypatch):
    paths = []
    monkeypatch.setattr(jobs, "open_path", paths.append)
    return paths


def answer_checks(monkeypatch, answer):
    asked = []

    def question(_parent, title, text, *args):
        asked.append((title, text))
        return answer
    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def save_as(monkeypatch, path):
    offered = []

    def get_save_file_name(_parent, title, suggested, filter_):
        offered.append((title, suggested, filter_))
        return (str(path) if path else "", "")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    return offered


def action(window, text):
    return next(a for a in window.report_menu.actions() if a.text() == text)


def test_annex_export_asks_about_the_checks_then_writes_a_real_workbook(window, qtbot, monkeypatch, tmp_path, opened):
    asked = answer_checks(monkeypatch, QMessageBox.Yes)
    offered = save_as(monkeypatch, tmp_path / "bieu")  # no suffix typed: .xlsx is added
    action(window, "Xuất biểu phụ lục (Excel)…").trigger()
    target = tmp_path / "bieu.xlsx"
    qtbot.waitUntil(lambda: opened == [target], timeout=20000)
    assert asked and asked[0][0] == "Xuất biểu phụ lục (Excel)"
    assert "cảnh báo" in asked[0][1] and "vẫn xuất biểu phụ lục?" in asked[0][1]
    assert offered[0][1].endswith("Biểu phụ lục tháng 5-2024 - Thành phố Lai Châu.xlsx")
    workbook = openpyxl.load_workbook(target)
    assert len(workbook.sheetnames) >= 4
    texts = [str(c.value) for row in workbook.worksheets[0].iter_rows(max_row=8) for c in row if c.value]
    assert any("Biểu số 01" in t for t in texts)
    assert AutoBox.warnings == []


def test_report_export_previews_the_text_then_writes_a_real_pdf(window, qtbot, monkeypatch, tmp_path, opened):
    answer_checks(monkeypatch, QMessageBox.Yes)
    save_as(monkeypatch, tmp_path / "bao-cao.pdf")
    shown = []

    def accept(dialog):
        shown.append([(item.kind, item.label, item.origin) for item in dialog.items])
        return QDialog.Accepted
    monkeypatch.setattr(ReportPreviewDialog, "exec", accept)
    action(window, "Xuất báo cáo PDF…").trigger()
    target = tmp_path / "bao-cao.pdf"
    qtbot.waitUntil(lambda: opened == [target], timeout=30000)
    headings = [label for kind, label, _ in shown[0] if kind == "heading"]
    assert any(label.startswith("II. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5/2024") for label in headings)
    assert {origin for kind, _, origin in shown[0] if kind == "text"} <= {"official", "draft", "placeholder"}
    reader = PdfReader(str(target))
    assert "BÁO CÁO" in reader.pages[0].extract_text()
    assert AutoBox.warnings == []


def test_word_export_asks_about_the_checks_previews_then_writes_a_real_docx(window, qtbot, monkeypatch, tmp_path,
                                                                           opened):
    asked = answer_checks(monkeypatch, QMessageBox.Yes)
    offered = save_as(monkeypatch, tmp_path / "bao-cao")  # no suffix typed: .docx is added
    shown = []

    def accept(dialog):
        shown.append((dialog.windowTitle(), dialog.export_button.text(), len(dialog.items)))
        return QDialog.Accepted
    monkeypatch.setattr(ReportPreviewDialog, "exec", accept)
    action(window, "Xuất báo cáo Word…").trigger()
    target = tmp_path / "bao-cao.docx"
    qtbot.waitUntil(lambda: opened == [target], timeout=30000)
    assert asked[0][0] == "Xuất báo cáo Word" and "vẫn xuất báo cáo?" in asked[0][1]
    assert shown[0][:2] == ("Xuất báo cáo Word — xem trước nội dung", "Xuất Word…") and shown[0][2] > 10
    assert offered[0][1].endswith("Báo cáo tháng 5-2024 - Thành phố Lai Châu.docx") and offered[0][2] == "Word (*.docx)"
    progress = window.report_exports().job_dialog  # the cancellable progress dialog, with the job's last step
    assert progress.windowTitle() == "Xuất báo cáo Word" and progress.labelText() == "Đã lập xong báo cáo"
    document = Document(str(target))
    assert "BÁO CÁO" in [p.text for p in document.paragraphs]
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    with zipfile.ZipFile(target) as archive:
        assert "word/footnotes.xml" in archive.namelist()
    assert AutoBox.warnings == []


@pytest.mark.parametrize("menu", ["Xuất biểu phụ lục (Excel)…", "Xuất báo cáo PDF…", "Xuất báo cáo Word…"])
def test_no_to_the_checks_question_writes_nothing(window, qtbot, monkeypatch, tmp_path, opened, menu):
    asked = answer_checks(monkeypatch, QMessageBox.No)
    offered = save_as(monkeypatch, tmp_path / "x")
    previewed = []
    monkeypatch.setattr(ReportPreviewDialog, "exec", lambda d: previewed.append(d) or QDialog.Accepted)
    action(window, menu).trigger()
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    qtbot.waitUntil(lambda: window.worker.pending == 0, timeout=10000)
    qtbot.wait(100)
    assert offered == [] and previewed == [] and opened == []
    assert list(tmp_path.glob("x*")) == []


def test_a_cancelled_save_dialog_or_preview_writes_nothing(window, qtbot, monkeypatch, tmp_path, opened):
    answer_checks(monkeypatch, QMessageBox.Yes)
    offered = save_as(monkeypatch, None)
    action(window, "Xuất biểu phụ lục (Excel)…").trigger()
    qtbot.waitUntil(lambda: bool(offered), timeout=10000)
    monkeypatch.setattr(ReportPreviewDialog, "exec", lambda d: QDialog.Rejected)
    action(window, "Xuất báo cáo PDF…").trigger()
    qtbot.waitUntil(lambda: window.worker.pending == 0, timeout=10000)
    qtbot.wait(100)
    assert len(offered) == 1 and opened == [] and list(tmp_path.glob("*.pdf")) == []


def test_new_sentences_are_offered_beside_an_edited_part_and_inserted(window, qtbot, monkeypatch, demo_path):
    store = Store(demo_path)  # June's parts are untouched drafts: an official now writes one
    set_narrative(store, "tp_lai_chau", "202406", "thuong_mai", "Thương mại ổn định.")
    store.close()
    window.choose("tp_lai_chau", "202406")
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    answer_checks(monkeypatch, QMessageBox.Yes)
    seen = {}

    def insert_then_close(dialog):
        item = next(i for i in dialog.items if i.kind == "text" and i.part == "thuong_mai")
        seen["before"] = (item.origin, list(item.new))
        dialog.insert_buttons["thuong_mai"].click()
        qtbot.waitUntil(lambda: "thuong_mai" not in dialog.insert_buttons, timeout=10000)
        seen["after"] = next(i for i in dialog.items if i.kind == "text" and i.part == "thuong_mai")
        return QDialog.Rejected
    monkeypatch.setattr(ReportPreviewDialog, "exec", insert_then_close)
    window.report_exports().export_report()
    qtbot.waitUntil(lambda: "after" in seen, timeout=20000)
    origin, new = seen["before"]
    assert origin == "official" and new and any("khách du lịch" in s for s in new)
    after = seen["after"]
    assert after.origin == "official" and after.new == []
    assert after.text.splitlines() == ["Thương mại ổn định.", *new]
    store = Store(demo_path)
    assert narratives(store, "tp_lai_chau", "202406")["thuong_mai"] == after.text
    store.close()
    assert tab.narrative.toPlainText() == after.text  # the sector's narrative box shows them too


def test_an_export_shows_the_exports_step_labels(demo_path, qtbot, tmp_path):
    op = run_export(None, "Xuất biểu phụ lục", write_annex_workbook, "tp_lai_chau", "202405", tmp_path / "b.xlsx",
                    ask_open=False, db_path=demo_path)
    labels, dialog = [], op.dialog
    op.progressed.connect(lambda _done, _total, text: text and labels.append(text))
    with qtbot.waitSignal(op.finished, timeout=20000):
        pass
    assert len(labels) >= 4 and labels[-1] == "Đã lưu"
    assert dialog.labelText() == "Đã lưu"


def test_preview_shows_origin_and_offers_new_sentences(qtbot):
    from lcapp.models.drafting import OutlineItem
    items = [OutlineItem("heading", 1, "I. PHẦN MỘT"),
             OutlineItem("text", 0, "", "a", "Văn bản đã sửa.", "official", ["Câu mới một.", "Câu mới hai."]),
             OutlineItem("text", 0, "", "b", "Bản nháp.", "draft")]
    dialog = ReportPreviewDialog("Báo cáo tháng 5/2024", items)
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.scroll.widget().findChildren(report_export.QLabel)]
    assert "Nội dung cán bộ đã sửa" in texts and "Bản nháp từ số liệu (chưa sửa)" in texts
    assert "• Câu mới một." in texts
    assert list(dialog.insert_buttons) == ["a"]
    with qtbot.waitSignal(dialog.insertRequested) as blocker:
        dialog.insert_buttons["a"].click()
    assert blocker.args == ["a", "Văn bản đã sửa.\nCâu mới một.\nCâu mới hai."]
    assert not dialog.insert_buttons["a"].isEnabled()


def finding(severity, indicator, message, status="open"):
    return Finding(severity, "rule", indicator, "tp_lai_chau", "202405", message, status=status)


def test_checks_question_counts_open_errors_and_warnings_only():
    assert findings_question([finding("note", "x", "n")], "báo cáo") is None
    assert findings_question([finding("error", "x", "e", "explained")], "báo cáo") is None
    many = [finding("error", "x", "e")] * 3 + [finding("warning", "y", "w")] * 5 + [finding("note", "z", "n")]
    assert findings_question(many, "báo cáo") == "3 lỗi, 5 cảnh báo: vẫn xuất báo cáo?"


def test_default_names_and_suffix(demo_path):
    store = Store(demo_path)
    assert default_file_name(store, "annex", "p_doan_ket", "2024Q2") == \
        "Biểu phụ lục quý II-2024 - Phường Đoàn Kết.xlsx"
    assert default_file_name(store, "report", "tp_lai_chau", "202405") == \
        "Báo cáo tháng 5-2024 - Thành phố Lai Châu.pdf"
    assert default_file_name(store, "report", "tp_lai_chau", "202405", ".docx") == \
        "Báo cáo tháng 5-2024 - Thành phố Lai Châu.docx"
    store.close()
    assert with_suffix("/tmp/a", ".pdf").name == "a.pdf"
    assert with_suffix("/tmp/a.PDF", ".pdf").name == "a.PDF"


@pytest.fixture
def grid(demo_path, qtbot):
    store = Store(demo_path)
    worker = DbWorker(demo_path)
    model = SectorGridModel(store, "thuong_mai", FigureEntry(store, worker))
    model.load("tp_lai_chau", parse_period("202405"))
    yield model
    worker.close()
    store.close()


def test_grid_colours_the_value_cell_of_an_indicator_with_a_finding(grid, qtbot, qtmodeltester):
    cell = grid.index_of("tm_ban_le", grid.entry_column("tm_ban_le"))
    other = grid.index_of("tm_ban_le", "name")
    plain = grid.data(cell, Qt.BackgroundRole)
    with qtbot.waitSignal(grid.dataChanged) as blocker:
        grid.set_findings([finding("warning", "tm_ban_le", "Chậm so với tiến độ."),
                           finding("note", "tm_ban_le", "Ghi chú thêm."),
                           finding("error", "ns_thu_nsdp", "Không thuộc lĩnh vực này.")])
    assert blocker.args[0] == cell and blocker.args[1] == cell
    assert set(blocker.args[2]) == {Qt.BackgroundRole, Qt.ToolTipRole}
    assert grid.data(cell, Qt.BackgroundRole) is FINDING_BRUSHES["warning"]
    assert grid.data(cell, Qt.ToolTipRole) == "Cảnh báo: Chậm so với tiến độ.\nLưu ý: Ghi chú thêm."
    assert grid.data(other, Qt.BackgroundRole) is None
    qtmodeltester.check(grid)
    grid.set_findings([finding("error", "tm_ban_le", "Lũy kế giảm.")])
    assert grid.data(cell, Qt.BackgroundRole) is FINDING_BRUSHES["error"]
    grid.set_findings([finding("error", "tm_ban_le", "Lũy kế giảm.", "explained")])
    assert grid.data(cell, Qt.BackgroundRole) is FINDING_BRUSHES["explained"]
    assert grid.data(cell, Qt.ToolTipRole) == "Lỗi: Lũy kế giảm. (đã giải trình)"
    with qtbot.waitSignal(grid.dataChanged):
        grid.set_findings([])
    assert grid.data(cell, Qt.BackgroundRole) == plain
    assert grid.data(cell, Qt.ToolTipRole) is None


def test_grid_shows_the_same_findings_as_the_panel(window, qtbot):
    tab = window.tabs_by_sector["thuong_mai"]
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.model.findings), timeout=10000)
    panel = {f.indicator for f in window.findings_model.checks}
    assert set(tab.model.findings) == panel & set(tab.model.codes)
    code = next(iter(tab.model.findings))
    cell = tab.model.index_of(code, tab.model.entry_column(code))
    messages = [f.message for f in window.findings_model.checks if f.indicator == code]
    assert all(m in tab.model.data(cell, Qt.ToolTipRole) for m in messages)
    assert tab.model.data(cell, Qt.BackgroundRole) in FINDING_BRUSHES.values()
    assert VALUE in tab.model.columns and YTD in tab.model.columns


def test_a_failed_check_is_shown_and_nothing_is_exported(window, qtbot, monkeypatch, tmp_path, opened):
    from lcapp.models import checks
    from lcapp.models.errors import InputError

    def refuse(*_args, **_kwargs):
        raise InputError("Không đọc được số liệu.")
    monkeypatch.setattr(checks, "run_checks", refuse)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, message, *a: shown.append((title, message)))
    offered = save_as(monkeypatch, tmp_path / "x.xlsx")
    action(window, "Xuất biểu phụ lục (Excel)…").trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown == [("Xuất biểu phụ lục (Excel)", "Không đọc được số liệu.")]
    assert offered == [] and opened == []


def test_an_empty_outline_says_there_is_nothing_yet(qtbot):
    dialog = ReportPreviewDialog("Báo cáo", [])
    qtbot.addWidget(dialog)
    texts = [w.text() for w in dialog.scroll.widget().findChildren(report_export.QLabel)]
    assert any(t.startswith("Chưa có nội dung nào") for t in texts)
    assert dialog.insert_buttons == {}
