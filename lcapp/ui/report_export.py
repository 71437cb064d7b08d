"""Báo cáo → the annex workbook and the report (PDF or Word) for the window's unit and period: the
checks' question first, for the report a preview of the drafted text, then the save dialog and the
export in the background (jobs.py, an ops.QueryOp) with the "open file / open folder" choice.

Everything that reads or writes the database goes through the window's operations (ops.py), after
every queued write, so the question, the preview and the export all see every figure typed
before the menu was chosen; the question and the preview reuse the window's progress rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..models.drafting import split_footnotes
from ..models.findings import summary_text

ANNEX_TITLE = "Xuất biểu phụ lục (Excel)"
REPORT_TITLE = "Xuất báo cáo PDF"
WORD_TITLE = "Xuất báo cáo Word"


@dataclass(frozen=True)
class ReportFormat:
    """What differs between the PDF and the Word report in the window (the writer follows the suffix)."""

    title: str
    button: str
    filter: str
    suffix: str


REPORT_FORMATS = {"pdf": ReportFormat(REPORT_TITLE, "Xuất PDF…", "PDF (*.pdf)", ".pdf"),
                  "docx": ReportFormat(WORD_TITLE, "Xuất Word…", "Word (*.docx)", ".docx")}
ORIGIN_LABELS = {"official": "Nội dung cán bộ đã sửa", "draft": "Bản nháp từ số liệu (chưa sửa)",
                 "placeholder": "Chưa có nội dung — cán bộ cần viết phần này"}
ORIGIN_COLORS = {"official": "#1b5e20", "draft": "#8a5a00", "placeholder": "#b00020"}


def default_file_name(store, kind: str, unit: str, period_code: str, suffix: str = ".pdf") -> str:
    """ "Biểu phụ lục tháng 5-2024 - Thành phố Lai Châu.xlsx", "Báo cáo tháng 5-2024 - ....pdf" (or .docx)."""
    from ..models.file_names import annex_file_name, report_file_name
    from ..models.organisation import organisation

    name = organisation(store).unit(unit).name
    return annex_file_name(name, period_code) if kind == "annex" else report_file_name(name, period_code, suffix)


def with_suffix(path: str | Path, suffix: str) -> Path:
    """The chosen path with `suffix` added when the save dialog returned a name without it."""
    path = Path(path)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def findings_question(findings, what: str) -> str | None:
    """"3 lỗi, 5 cảnh báo: vẫn xuất báo cáo?" over the open errors and warnings; None when there are none."""
    serious = [f for f in findings if f.status == "open" and f.severity in ("error", "warning")]
    if not serious:
        return None
    return f"{summary_text(serious)}: vẫn xuất {what}?"


def confirm_despite_findings(parent, title: str, findings, what: str) -> bool:
    """Ask before exporting when the checks left open errors or warnings; No cancels."""
    question = findings_question(findings, what)
    if question is None:
        return True
    answer = QMessageBox.question(parent, title, f"{question}\n\nDanh sách ở khung “Kiểm tra”.",
                                  QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
    return answer == QMessageBox.Yes


def text_html(text: str, first_footnote: int | None) -> tuple[str, list[str]]:
    """Rich text for a part: lines as lines, footnote markup as superscript numbers counted from
    `first_footnote` (as the PDF numbers them through the report) with the notes returned; with
    None, notes stay inline in grey brackets (sentences not in the report yet)."""
    notes: list[str] = []
    pieces = []
    for piece, kind in split_footnotes(text):
        if kind is None:
            pieces.append(escape(piece).replace("\n", "<br>"))
        elif first_footnote is None:
            pieces.append(f' <span style="color:#666">[chú thích: {escape(piece)}]</span>')
        else:
            notes.append(piece)
            pieces.append(f"<sup>{first_footnote + len(notes) - 1}</sup>")
    return "".join(pieces), notes


class ReportPreviewDialog(QDialog):
    """The drafted report's headings and texts; per part whether it is the official's text or the
    untouched draft, and beside an edited part the sentences newly drafted from the figures with
    a button to add them to it. Accepting goes on to the file (`report_format`: PDF or Word)."""

    insertRequested = Signal(str, str)  # part, the part's text with the new sentences added

    def __init__(self, heading: str, items, parent=None, report_format: ReportFormat = REPORT_FORMATS["pdf"]):
        super().__init__(parent)
        self.setWindowTitle(f"{report_format.title} — xem trước nội dung")
        self.resize(980, 700)
        layout = QVBoxLayout(self)
        title = QLabel(heading, self)
        title.setStyleSheet("font-weight: bold; font-size: 12pt")
        title.setWordWrap(True)
        layout.addWidget(title)
        hint = QLabel("Nội dung dưới đây sẽ in trong báo cáo. Sửa nội dung ở ô “Nội dung” dưới bảng của "
                      "từng lĩnh vực; câu mới soạn từ số liệu không tự ghi đè phần cán bộ đã sửa.", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555")
        layout.addWidget(hint)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.scroll, 1)
        buttons = QDialogButtonBox(self)
        self.export_button = buttons.addButton(report_format.button, QDialogButtonBox.AcceptRole)
        buttons.addButton("Hủy", QDialogButtonBox.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.insert_buttons: dict[str, QPushButton] = {}
        self.set_outline(items)

    def set_outline(self, items) -> None:
        """Show `items` (`report_outline`'s), replacing what was shown."""
        self.items = list(items)
        self.insert_buttons = {}
        self._footnote = 1
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(8, 8, 8, 8)
        if not self.items:
            empty = QLabel("Chưa có nội dung nào: hãy nhập số liệu hoặc nội dung của các lĩnh vực.", body)
            empty.setWordWrap(True)
            column.addWidget(empty)
        for item in self.items:
            if item.kind == "heading":
                label = QLabel(item.label, body)
                label.setWordWrap(True)
                size = {1: "11pt", 2: "10pt"}.get(item.level, "9pt")
                style = "font-style: italic; " if item.level == 3 else ""
                label.setStyleSheet(f"font-weight: bold; {style}font-size: {size}; margin-top: 6px")
                column.addWidget(label)
            else:
                column.addWidget(self._part(body, item))
        column.addStretch()
        self.scroll.setWidget(body)

    def _part(self, parent: QWidget, item) -> QWidget:
        box = QFrame(parent)
        box.setFrameShape(QFrame.StyledPanel)
        row = QHBoxLayout(box)
        left = QVBoxLayout()
        origin = QLabel(ORIGIN_LABELS.get(item.origin, ""), box)
        origin.setStyleSheet(f"color: {ORIGIN_COLORS.get(item.origin, '#555')}; font-size: 8pt")
        left.addWidget(origin)
        html, notes = text_html(item.text, self._footnote)
        text = QLabel(html, box)
        text.setTextFormat(Qt.RichText)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        left.addWidget(text)
        if notes:
            lines = "<br>".join(f"{self._footnote + n}. {escape(note)}" for n, note in enumerate(notes))
            footnotes = QLabel(f'<span style="color:#555; font-size:8pt">{lines}</span>', box)
            footnotes.setWordWrap(True)
            left.addWidget(footnotes)
            self._footnote += len(notes)
        left.addStretch()
        row.addLayout(left, 3)
        if item.new:
            side = QFrame(box)
            side.setStyleSheet("QFrame { background: #eef5ff; border-radius: 3px }")
            side_layout = QVBoxLayout(side)
            side_layout.addWidget(QLabel("<b>Câu mới soạn từ số liệu</b> (chưa có trong nội dung đã sửa):", side))
            for sentence in item.new:
                line = QLabel(f"• {text_html(sentence, None)[0]}", side)
                line.setTextFormat(Qt.RichText)
                line.setWordWrap(True)
                side_layout.addWidget(line)
            button = QPushButton("Chèn vào nội dung", side)
            button.clicked.connect(lambda _checked=False, it=item: self._insert(it))
            side_layout.addWidget(button, 0, Qt.AlignRight)
            self.insert_buttons[item.part] = button
            row.addWidget(side, 2)
        return box

    def _insert(self, item) -> None:
        self.insert_buttons[item.part].setEnabled(False)  # until the refreshed outline comes back
        self.insertRequested.emit(item.part, "\n".join([item.text.rstrip(), *item.new]))


class ReportExports:
    """The Báo cáo export actions for a main window (its worker, unit, period and database path)."""

    def __init__(self, window):
        self.window = window
        self.preview: ReportPreviewDialog | None = None
        self.job = None  # the export running (ops.Op), and its progress dialog
        self.job_dialog = None

    def _prepared(self) -> tuple[str, object] | None:
        window = self.window
        if window.entry is None or window.unit is None or window.period is None or window.worker.closed:
            return None
        window.save_narratives()  # what is being typed goes into the report
        return window.unit, window.period

    def export_annex(self) -> None:
        chosen = self._prepared()
        if chosen is None:
            return
        unit, period = chosen
        self._after_checks(unit, period, ANNEX_TITLE, "biểu phụ lục", lambda: self._save_annex(unit, period))

    def export_report(self, kind: str = "pdf") -> None:
        """The report as `kind` ("pdf" or "docx"): checks' question, preview, save dialog, export."""
        chosen = self._prepared()
        if chosen is None:
            return
        unit, period = chosen
        report_format = REPORT_FORMATS[kind]
        self._after_checks(unit, period, report_format.title, "báo cáo",
                           lambda: self._load_preview(unit, period, report_format))

    def _after_checks(self, unit, period, title: str, what: str, go_on) -> None:
        """The checks' question over the window's state (checked on the worker when it has none)."""
        from ..models.checks import run_checks
        from .ops import QueryOp

        def checked(findings) -> None:
            if confirm_despite_findings(self.window, title, findings, what):
                go_on()

        held = self.window.progress_cache.held(unit, period)
        QueryOp(self.window, lambda s: run_checks(s, unit, period, state=held)).success(checked).titled(title).run()

    # -- the annex workbook ------------------------------------------------------------------------
    def _save_annex(self, unit: str, period) -> None:
        from ..export.annex_xlsx import write_annex_workbook

        target = self._ask_path(ANNEX_TITLE, default_file_name(self.window.store, "annex", unit, period.code),
                                "Excel (*.xlsx)", ".xlsx")
        if target is not None:
            self._run(ANNEX_TITLE, write_annex_workbook, unit, period, target)

    # -- the report (PDF or Word) ------------------------------------------------------------------
    def _load_preview(self, unit: str, period, report_format: ReportFormat) -> None:
        from ..models.drafting import report_outline
        from .ops import QueryOp

        rows = self._held_rows(unit, period)
        QueryOp(self.window, lambda s: report_outline(s, unit, period, rows)).success(
            lambda items: self._show_preview(unit, period, items, report_format)).titled(report_format.title).run()

    def _held_rows(self, unit: str, period):
        """The window's progress rows of `unit` in `period`, when it holds them (the drafts reuse them)."""
        held = self.window.progress_cache.held(unit, period)
        return list(held.rows) if held is not None else None

    def _show_preview(self, unit: str, period, items, report_format: ReportFormat) -> None:
        from ..models.organisation import organisation

        name = organisation(self.window.store).unit(unit).name
        dialog = self.preview = ReportPreviewDialog(f"Báo cáo {period.label} — {name}", items, self.window,
                                                    report_format)
        dialog.insertRequested.connect(lambda part, text: self._insert(unit, period, part, text, report_format.title))
        accepted = dialog.exec() == QDialog.Accepted
        self.preview = None
        dialog.deleteLater()
        if accepted:
            title = report_format.title
            target = self._ask_path(title, default_file_name(self.window.store, "report", unit, period.code,
                                                             report_format.suffix),
                                    report_format.filter, report_format.suffix)
            if target is not None:
                from ..export.report_file import write_report

                from .ops import QueryOp

                # Past every write queued meanwhile (an insert from the preview), then the export.
                QueryOp(self.window, lambda _s: None).success(
                    lambda _r: self._run(title, write_report, unit, period, target)).titled(title).run()

    def _insert(self, unit: str, period, part: str, text: str, title: str = REPORT_TITLE) -> None:
        """Add the new sentences to the part (a write: the window reloads the part's text box from
        its changes), then show the outline again."""
        from ..models.changes import of_unit
        from ..models.drafting import report_outline, save_part
        from .ops import CollectionOp

        rows = self._held_rows(unit, period)

        def saved(items) -> None:
            self.window.say_saved("Đã chèn câu mới vào nội dung")
            if self.preview is not None:
                self.preview.set_outline(items)

        def write_and_reread(store):
            save_part(store, unit, period, part, text)
            return report_outline(store, unit, period, rows), of_unit(unit, period.code, narrative=True)

        CollectionOp(self.preview or self.window, write_and_reread).success(saved).titled(title).run()

    # -- both --------------------------------------------------------------------------------------
    def _ask_path(self, title: str, name: str, filter_: str, suffix: str) -> Path | None:
        chosen, _ = QFileDialog.getSaveFileName(self.window, title, str(Path.home() / name), filter_)
        return with_suffix(chosen, suffix) if chosen else None

    def _run(self, title: str, fn, unit: str, period, target: Path) -> None:
        from .jobs import run_export

        self.job = run_export(self.window, title, fn, unit, period, target)
        self.job_dialog = self.job.dialog


__all__ = ["REPORT_FORMATS", "ReportExports", "ReportFormat", "ReportPreviewDialog", "confirm_despite_findings",
           "default_file_name", "findings_question", "with_suffix"]
