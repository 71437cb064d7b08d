"""`LCApp --self-test`: prove that an installation works, one line per step, exit 0 or 1.

Runs in a temporary folder (the user's data is never touched): creates a database, loads
the demo figures, computes progress and checks, and runs every export the program has,
checking each result. The lines also go to self-test.txt in the log folder, because a
windowed Windows program has no console to print to.
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

from . import __version__

Step = tuple[str, Callable[[dict], str]]


def _database(ctx: dict) -> str:
    from .models.setup import create_database
    ctx["path"] = ctx["dir"] / "self-test.sqlite"
    ctx["store"] = create_database(ctx["path"])
    return str(ctx["path"])


def _demo(ctx: dict) -> str:
    from .models.demo import load_demo
    counts = load_demo(ctx["store"])
    if counts["figures"] < 100:
        raise AssertionError(f"chỉ nạp được {counts['figures']} số liệu")
    return f"{counts['figures']} số liệu, {counts['targets']} kế hoạch"


def _progress(ctx: dict) -> str:
    from .models.numbers import format_percent
    from .models.progress import progress
    rows = {r.indicator: r for r in progress(ctx["store"], "tp_lai_chau", "202405")}
    percent = format_percent(rows["tm_ban_le"].percent_of_target["tinh"])
    if percent != "43":
        raise AssertionError(f"bán lẻ tháng 5/2024 đạt {percent}% thay vì 43%")
    return "tổng mức bán lẻ tháng 5/2024 đạt 43% kế hoạch"


def _checks(ctx: dict) -> str:
    from .models.checks import run_checks
    findings = run_checks(ctx["store"], "tp_lai_chau", "202405")
    return f"{len(findings)} phát hiện"


def _interchange(ctx: dict) -> str:
    from .export.dhis2_metadata import dhis2_uid
    from .export.dhis2_values import data_values
    text = data_values(ctx["store"]).text()
    path = ctx["dir"] / "dulieu-dhis2.json"
    path.write_text(text, encoding="utf-8")
    if dhis2_uid("dataElement", "tm_ban_le") not in text:
        raise AssertionError("tệp DHIS2 thiếu số liệu")
    return f"{path.name}, {path.stat().st_size // 1024} KB"


def _annex(ctx: dict) -> str:
    from openpyxl import load_workbook

    from .export.annex_xlsx import write_annex_workbook
    path = ctx["dir"] / "bieu-phu-luc.xlsx"
    write_annex_workbook(ctx["store"], "tp_lai_chau", "202405", path)
    workbook = load_workbook(path)
    names = workbook.sheetnames
    if len(names) < 3:
        raise AssertionError(f"tệp Excel chỉ có {len(names)} biểu")
    return f"{path.name}: {', '.join(names)}"


def _report(ctx: dict) -> str:
    from pypdf import PdfReader

    from .export.report_pdf import write_report_pdf
    path = ctx["dir"] / "bao-cao.pdf"
    write_report_pdf(ctx["store"], "tp_lai_chau", "202405", path)
    reader = PdfReader(str(path))
    first = reader.pages[0].extract_text()
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "1.931 tỷ đồng"):
        if expected not in first:
            raise AssertionError(f"trang 1 của báo cáo thiếu “{expected}”")
    return f"{path.name}: {len(reader.pages)} trang"


def _report_docx(ctx: dict) -> str:
    from docx import Document

    from .export.report_docx import write_report_docx
    path = ctx["dir"] / "bao-cao.docx"
    write_report_docx(ctx["store"], "tp_lai_chau", "202405", path)
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    if "BÁO CÁO" not in texts or not any("1.931 tỷ đồng" in t for t in texts):
        raise AssertionError("báo cáo Word thiếu tiêu đề hoặc số liệu")
    return f"{path.name}: {len(texts)} đoạn, {len(document.sections)} phần"


def _window(ctx: dict) -> str:
    """The main window, offscreen, on the demo data: its tabs and the May 2024 figures."""
    import os
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from .ui.app import make_application
    from .ui.main_window import MainWindow
    make_application()
    # the window remembers its size and last unit: keep that in the temporary folder
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(ctx["dir"]))
    window = MainWindow(ctx["path"])
    try:
        window.choose("tp_lai_chau", "202405")
        window.show()
        QApplication.processEvents()
        tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        if len(tabs) < 10 or tabs[0] != "Tổng quan":
            raise AssertionError(f"cửa sổ chỉ có {len(tabs)} thẻ: {', '.join(tabs)}")
        if "Lai Châu" not in window.windowTitle():
            raise AssertionError(f"tiêu đề cửa sổ là “{window.windowTitle()}”")
        return f"“{window.windowTitle()}”, {len(tabs)} thẻ"
    finally:
        window.close()
        QApplication.processEvents()


STEPS: list[Step] = [
    ("Tạo cơ sở dữ liệu tạm", _database),
    ("Nạp dữ liệu mẫu", _demo),
    ("Tính tiến độ", _progress),
    ("Kiểm tra số liệu", _checks),
    ("Xuất dữ liệu DHIS2", _interchange),
    ("Xuất biểu phụ lục Excel", _annex),
    ("Xuất báo cáo PDF", _report),
    ("Xuất báo cáo Word", _report_docx),
    ("Mở cửa sổ chính", _window),
]


def _attach_console() -> None:
    """A windowed Windows program has no console; use the one it was started from, if any."""
    if sys.platform != "win32" or sys.stdout is not None:
        return
    import ctypes
    if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process


def main() -> int:
    """Entry point of `--self-test`."""
    _attach_console()
    return run_self_test()


def run_self_test(steps: list[Step] | None = None, log_path: Path | None = None) -> int:
    """Run the steps; print one line each ("[OK] ..." or "[LỖI] ..."); return 0 or 1."""
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        if sys.stdout is not None:
            print(line, flush=True)

    say(f"LCApp {__version__} - tự kiểm tra")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="lcapp-selftest-") as folder:
        ctx: dict = {"dir": Path(folder)}
        for label, step in steps or STEPS:
            start = time.perf_counter()
            try:
                detail = step(ctx)
                say(f"[OK] {label}: {detail} ({(time.perf_counter() - start) * 1000:.0f} ms)")
            except Exception as error:  # a self-test reports every failure, whatever it is
                failed += 1
                say(f"[LỖI] {label}: {error}")
                for line in traceback.format_exc().splitlines()[-3:]:
                    say(f"      {line}")
        if "store" in ctx:
            ctx["store"].close()
    say("Kết quả: đạt" if not failed else f"Kết quả: {failed} bước lỗi")
    if log_path is None:
        from .app_log import log_dir
        log_path = log_dir() / "self-test.txt"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        pass
    return 1 if failed else 0
