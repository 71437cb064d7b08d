"""Issue 19, kept as tests: every way in refuses what it must with one Vietnamese line, and the
office's database keeps its bytes (or rows) unchanged."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile

import openpyxl
import pytest

from lcapp.cli import main
from lcapp.intake.incoming import open_incoming
from lcapp.intake.interchange import parse_import
from lcapp.models.backup import backup, replace_damaged, restore, restore_preview
from lcapp.models.errors import DatabaseError, InputError
from lcapp.models.figures import enter, history
from lcapp.models.handover import export_package
from lcapp.models.limits import MAX_COMMENT_CHARS, MAX_ERRORS_SHOWN
from lcapp.models.narrative import set_narrative
from lcapp.models.numbers import format_number
from lcapp.models.package_check import check_package
from lcapp.models.progress import progress
from lcapp.models.store import Store
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import MONTH, RETAIL, WARD, edit_package, figure, office


def one_line_refusal(capsys, db, *argv) -> str:
    """Run a command that must be refused: exit 2, one "lỗi:" line, the database's bytes unchanged."""
    digest = file_digest(db)
    code = main(["--db", str(db), *map(str, argv)])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("lỗi: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert "không lường trước" not in err, err
    assert file_digest(db) == digest
    return err


def csv_file(tmp_path, body: str, name="so-lieu.csv"):
    path = tmp_path / name
    path.write_text("indicator,unit,period,value,comment\n" + body, encoding="utf-8")
    return path


@pytest.fixture
def db(store):
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return store.path


# -- 1. restore checks and copies the same bytes ----------------------------------------------------
def _backup_with_wal_trigger(store, folder):
    """A backup whose -wal (left beside it, as a copy taken while it was open) adds a trigger."""
    made = backup(store, folder)
    conn = sqlite3.connect(made, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON figure_history BEGIN DELETE FROM figure_history; END")
    evil = folder / "evil.sqlite"
    shutil.copyfile(made, evil)
    shutil.copyfile(f"{made}-wal", f"{evil}-wal")
    conn.close()
    return evil


def test_a_backup_whose_wal_adds_a_trigger_is_refused_by_the_dry_run_and_the_restore(store, tmp_path, capsys):
    enter(store, WARD, MONTH, RETAIL, 100)
    evil = _backup_with_wal_trigger(store, tmp_path / "sao-luu")
    assert (tmp_path / "sao-luu" / "evil.sqlite-wal").stat().st_size > 0
    rows, digest = table_rows(store), file_digest(store.path)
    for attempt in (restore_preview, restore):
        with pytest.raises(InputError, match="trigger wipe"):
            attempt(store, evil)
    assert table_rows(store) == rows and file_digest(store.path) == digest
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    one_line_refusal(capsys, store.path, "restore", evil, "--dry-run")
    one_line_refusal(capsys, store.path, "restore", evil)


def test_replace_damaged_takes_the_same_path(store, tmp_path):
    evil = _backup_with_wal_trigger(store, tmp_path / "sao-luu")
    damaged = tmp_path / "hong.sqlite"
    damaged.write_bytes("hỏng".encode() * 100)
    before = damaged.read_bytes()
    with pytest.raises(InputError, match="trigger wipe"):
        replace_damaged(damaged, evil)
    assert damaged.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["hong.sqlite", "lcapp.sqlite",
                                                                                           "lcapp.sqlite-shm",
                                                                                           "lcapp.sqlite-wal", "sao-luu"]


def _break_an_index(path):
    """Change a table behind its index's back: every page is sound (quick_check passes), the index
    no longer matches its table (integrity_check fails)."""
    conn = sqlite3.connect(path, isolation_level=None)
    if not conn.execute("SELECT count(*) FROM figure_history").fetchone()[0]:
        conn.execute("INSERT INTO figure_history (unit, month, indicator, version, action, status, comment, "
                     "entered_by, entered_at, reporter, origin) VALUES ('p_tan_phong', 202405, 'tm_ban_le', 1, "
                     "'set', 'official', '', 'a', 'b', 'p_tan_phong', 'c')")
    entry = conn.execute("SELECT * FROM sqlite_master WHERE name = 'figure_history_key'").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("DELETE FROM sqlite_master WHERE name = ?", (entry[1],))
    conn.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE figure_history SET version = version + 1")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", entry)
    conn.close()
    check = sqlite3.connect(path)
    assert check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert check.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    check.close()


def test_a_backup_with_a_broken_index_is_not_restored(store, tmp_path):
    made = backup(store, tmp_path / "sao-luu")
    _break_an_index(made)
    rows = table_rows(store)
    with pytest.raises(InputError, match="hỏng"):
        restore(store, made)
    assert table_rows(store) == rows


def test_backup_of_a_file_with_a_broken_index_reports_failure(tmp_path, capsys):
    path = tmp_path / "lcapp.sqlite"
    from lcapp.models.setup import create_database
    created = create_database(path)
    created.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    created.close()
    _break_an_index(path)
    with pytest.raises(DatabaseError, match="không toàn vẹn"):
        backup(Store(path), tmp_path / "sao-luu")
    assert list((tmp_path / "sao-luu").iterdir()) == []
    one_line_refusal(capsys, path, "backup", "--out", tmp_path / "sao-luu")


# -- 2. one set of limits for every path ------------------------------------------------------------
TOO_BIG = ["1e16", "10000000000000000", "1" * 308, "1000000000000000"]


@pytest.mark.parametrize("value", TOO_BIG)
def test_csv_values_beyond_the_limit_are_refused_by_import_and_handover_import(db, tmp_path, capsys, value):
    path = csv_file(tmp_path, f"{RETAIL},{WARD},{MONTH},{value},\n")
    for command in ("import", "handover-import"):
        one_line_refusal(capsys, db, command, path)


def test_a_csv_holding_1e308_is_refused_before_anything_is_committed(db, tmp_path, capsys):
    path = csv_file(tmp_path, f"{RETAIL},{WARD},{MONTH},12,\n{RETAIL},{WARD},202406,{'9' * 308},\n")
    assert "dòng 3" in one_line_refusal(capsys, db, "handover-import", path)


@pytest.mark.parametrize("value", [1e16, 1e300, "1" * 400])
def test_dhis2_values_beyond_the_limit_are_refused(db, tmp_path, capsys, value):
    path = tmp_path / "dhis2.json"
    path.write_text(json.dumps({"dataValues": [{"dataElement": RETAIL, "orgUnit": WARD, "period": MONTH,
                                                "value": value}]}), encoding="utf-8")
    one_line_refusal(capsys, db, "import", path)


def test_a_30_mb_comment_is_refused_by_every_path(store, db, tmp_path, capsys):
    huge = "x" * (MAX_COMMENT_CHARS + 1)
    with pytest.raises(InputError, match="quá dài"):
        enter(store, WARD, MONTH, RETAIL, 1, comment=huge)
    path = csv_file(tmp_path, f"{RETAIL},{WARD},{MONTH},12,{huge}\n")
    one_line_refusal(capsys, db, "import", path)
    one_line_refusal(capsys, db, "enter", WARD, MONTH, RETAIL, "12", "--comment", huge)


def _template(db, tmp_path, capsys, cells: dict):
    """An entry template of the ward's month with `cells` (code -> (value, comment)) filled."""
    out = tmp_path / "mau.xlsx"
    assert main(["--db", str(db), "template", WARD, MONTH, "--out", str(out)]) == 0
    capsys.readouterr()
    wb = openpyxl.load_workbook(out)
    for ws in wb.worksheets:
        labels = {c.value: c.column for c in ws[4] if c.value}
        for row in range(5, ws.max_row + 1):
            code = ws.cell(row=row, column=1).value
            if code in cells:
                value, comment = cells[code]
                ws.cell(row=row, column=labels["Số liệu"], value=value)
                ws.cell(row=row, column=labels["Ghi chú"], value=comment)
    wb.save(out)
    return out


@pytest.mark.parametrize("value", [1e300, 1e16, -1e15])
def test_template_import_apply_of_a_huge_cell_is_refused_before_committing(db, tmp_path, capsys, value):
    db_store = Store(db)
    db_store.close()
    path = _template(db, tmp_path, capsys, {RETAIL: (value, None), "tm_khach_du_lich": (5, None)})
    err = one_line_refusal(capsys, db, "template-import", path, "--apply")
    assert "ô sai" in err


def test_template_import_refuses_a_comment_beyond_the_limit(db, tmp_path, capsys):
    path = _template(db, tmp_path, capsys, {RETAIL: (5, "y" * (MAX_COMMENT_CHARS + 1))})
    one_line_refusal(capsys, db, "template-import", path, "--apply")


def targets_sheet(path, value):
    """A targets sheet made by hand: one indicator, one source."""
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "KH tỉnh"])
    wb.active.append([RETAIL, value])
    wb.save(path)
    return path


def test_targets_import_refuses_huge_numbers(db, tmp_path, capsys):
    path = targets_sheet(tmp_path / "kh.xlsx", 1e16)
    one_line_refusal(capsys, db, "targets-import", path, "--year", "2024", "--apply")


def test_figures_stored_before_the_limits_neither_crash_history_progress_draft_nor_report(store, tmp_path, capsys):
    enter(store, WARD, MONTH, RETAIL, 5)
    with store.write() as conn:  # as an older version let it in
        conn.execute("UPDATE figures SET month_value = 1e300, comment = ? WHERE indicator = ?", ("z" * 100, RETAIL))
        conn.execute("UPDATE figure_history SET month_value = 1e300 WHERE indicator = ?", (RETAIL,))
    assert format_number(1e300, 6).startswith("1.000.000")
    assert history(store, WARD, MONTH, RETAIL)[0]["month_value"] == 1e300
    assert any(row.value == 1e300 for row in progress(store, WARD, MONTH))
    for argv in (["history", WARD, MONTH, RETAIL], ["progress", WARD, MONTH], ["draft", WARD, MONTH],
                 ["report", WARD, MONTH, "--out", tmp_path / "bc.pdf"], ["annex", WARD, MONTH, "--out", tmp_path / "b.xlsx"]):
        assert main(["--db", str(store.path), *map(str, argv)]) == 0, capsys.readouterr()
    capsys.readouterr()


# -- 4. messages, never tracebacks ------------------------------------------------------------------
@pytest.mark.parametrize("payload", ["[" * 100_000, '{"dataValues": [' + "1" * 5000 + "]}",
                                     '{"dataValues": ' + "[" * 5000 + "]" * 5000 + "}"])
def test_nested_or_long_json_is_refused(db, tmp_path, capsys, payload):
    path = tmp_path / "dhis2.json"
    path.write_text("{" + payload[1:] if payload.startswith("[") else payload, encoding="utf-8")
    one_line_refusal(capsys, db, "import", path)


@pytest.mark.parametrize("combo", [7, [1, 2], {"a": 1}, True])
def test_a_category_option_combo_that_is_not_text_is_refused(db, tmp_path, capsys, combo):
    path = tmp_path / "dhis2.json"
    path.write_text(json.dumps({"dataValues": [{"dataElement": RETAIL, "orgUnit": WARD, "period": MONTH,
                                                "value": "5", "categoryOptionCombo": combo}]}), encoding="utf-8")
    assert "categoryOptionCombo" in one_line_refusal(capsys, db, "import", path)


def test_broken_xml_a_dtd_and_an_xls_are_refused(db, tmp_path, capsys):
    good = targets_sheet(tmp_path / "kh.xlsx", 5)

    def rewrite(name, change):
        out = tmp_path / name
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = change(data)
                dst.writestr(info, data)
        return out

    broken = rewrite("hong.xlsx", lambda d: d[: len(d) // 2])
    dtd = rewrite("dtd.xlsx", lambda d: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + d)
    xls = tmp_path / "cu.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    for path, words in ((broken, "hỏng"), (dtd, "DTD"), (xls, ".xls")):
        for command in ("targets-import", "template-import"):
            assert words in one_line_refusal(capsys, db, command, path, *(["--year", "2024"] if command ==
                                                                         "targets-import" else []))


def test_a_targets_sheet_from_an_entry_template_without_its_period_is_refused(db, tmp_path, capsys):
    path = _template(db, tmp_path, capsys, {})
    wb = openpyxl.load_workbook(path)
    meta = wb["lcapp"]
    for row in meta.iter_rows():
        if row[0].value == "period":
            row[0].value = "khac"
    wb.save(path)
    one_line_refusal(capsys, db, "targets-import", path)


@pytest.mark.parametrize("command", ["import", "handover-import", "template-import", "targets-import", "restore",
                                     "catalog-load"])
def test_a_folder_given_as_a_file_is_refused(db, tmp_path, capsys, command):
    folder = tmp_path / "thu-muc"
    folder.mkdir()
    one_line_refusal(capsys, db, command, folder)


# -- 5. the preview and the apply see the same file -------------------------------------------------
def test_a_csv_rewritten_after_the_preview_applies_what_was_shown(store, tmp_path):
    path = csv_file(tmp_path, f"{RETAIL},{WARD},{MONTH},12,\n")
    incoming = open_incoming(store, path)
    assert [row.new["month_value"] for row in incoming.preview.rows] == [12]
    csv_file(tmp_path, f"{RETAIL},{WARD},{MONTH},999999,\n{RETAIL},{WARD},202406,5,\n")
    incoming.apply(store)
    assert figure(store)["month_value"] == 12 and figure(store, month=202406) is None


# -- 6. reading has a bound -------------------------------------------------------------------------
def _special_files(tmp_path):
    links = {}
    for device in ("/dev/zero", "/dev/urandom"):
        link = tmp_path / f"link-{os.path.basename(device)}.csv"
        link.symlink_to(device)
        links[device] = link
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    links["fifo"] = fifo
    return links


@pytest.mark.parametrize("command", ["import", "handover-import", "template-import", "targets-import", "restore"])
def test_devices_and_fifos_are_refused_without_reading(db, tmp_path, capsys, command):
    for path in _special_files(tmp_path).values():
        assert "không phải tệp dữ liệu thông thường" in one_line_refusal(capsys, db, command, path)


def test_reading_stops_at_the_bound_whatever_size_the_file_reports(tmp_path, monkeypatch):
    from lcapp.models import safe_open
    path = tmp_path / "lon.csv"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    class Lying:  # a file system that reports no size, as /proc or a device does
        def __init__(self, result):
            self.st_mode, self.st_size = result.st_mode, 0

    monkeypatch.setattr(safe_open.os, "fstat", lambda fd: Lying(real_fstat(fd)))
    with pytest.raises(InputError, match="quá lớn"):
        safe_open.read_outside_file(path, 4096)


def test_an_xlsx_that_expands_beyond_its_bounds_is_refused_before_parsing(db, tmp_path, capsys, monkeypatch):
    from lcapp.models import limits
    path = tmp_path / "bom.xlsx"
    wb = openpyxl.Workbook()
    for row in range(3000):
        wb.active.append([RETAIL, row])
    wb.save(path)
    from lcapp.intake import workbook
    monkeypatch.setattr(workbook, "MAX_XLSX_ROWS", 1000)
    assert "quá nhiều dòng" in one_line_refusal(capsys, db, "targets-import", path, "--year", "2024")
    monkeypatch.setattr(workbook, "MAX_XLSX_ROWS", limits.MAX_XLSX_ROWS)
    monkeypatch.setattr(workbook, "MAX_XLSX_CELLS", 1000)
    assert "quá nhiều ô" in one_line_refusal(capsys, db, "targets-import", path, "--year", "2024")
    monkeypatch.setattr(workbook, "MAX_XLSX_CELLS", limits.MAX_XLSX_CELLS)
    monkeypatch.setattr(workbook, "MAX_XLSX_TOTAL_BYTES", 10_000)
    assert "giải nén ra quá lớn" in one_line_refusal(capsys, db, "targets-import", path, "--year", "2024")


def test_errors_stop_being_listed_after_100_and_are_counted(db, tmp_path, capsys):
    path = csv_file(tmp_path, "".join(f"khong_co_{n},{WARD},{MONTH},1,\n" for n in range(250)))
    err = one_line_refusal(capsys, db, "import", path)
    assert "250 dòng lỗi" in err and "khong_co_99," not in err and err.count("khong_co_") == MAX_ERRORS_SHOWN
    assert "và 150 lỗi khác" in err


def test_template_errors_are_listed_up_to_100(db, tmp_path, capsys):
    path = _template(db, tmp_path, capsys, {})
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    for row in range(5, 5 + 150):
        ws.cell(row=row, column=1, value=f"khong_co_{row}")
    wb.save(path)
    digest = file_digest(db)
    code = main(["--db", str(db), "template-import", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "150 ô sai" in err and file_digest(db) == digest
    assert out.count("khong_co_") == MAX_ERRORS_SHOWN and "và 50 ô sai khác" in out


# -- 7. smaller defects -----------------------------------------------------------------------------
def test_a_csv_with_an_unterminated_quote_is_refused(db, tmp_path, capsys):
    path = csv_file(tmp_path, f'{RETAIL},{WARD},{MONTH},12,"không đóng ngoặc\n')
    assert "CSV" in one_line_refusal(capsys, db, "import", path)


@pytest.mark.parametrize("rows", [f"{RETAIL},{WARD},{MONTH},12,\n{RETAIL},{WARD},{MONTH},13,\n",
                                  f"{RETAIL},{WARD},{MONTH},12,a\n{RETAIL},{WARD},{MONTH},12,b\n"])
def test_two_rows_for_the_same_figure_are_refused(db, tmp_path, capsys, rows):
    assert "trùng với dòng 2" in one_line_refusal(capsys, db, "import", csv_file(tmp_path, rows))


def test_the_month_and_the_year_to_date_of_one_figure_may_come_on_two_rows(store, tmp_path):
    path = tmp_path / "hai-dong.csv"
    path.write_text(f"indicator,unit,period,value,comment,basis\n{RETAIL},{WARD},{MONTH},12,a,month\n"
                    f"{RETAIL},{WARD},{MONTH},50,a,ytd\n", encoding="utf-8")
    changes = parse_import(store, path)
    assert len(changes) == 2


def test_a_long_comment_within_the_limit_goes_into_the_report_and_the_annex_whole(store, tmp_path):
    from lcapp.export.annex_xlsx import write_annex_workbook
    from lcapp.export.report_pdf import write_report_pdf
    comment = ("Ghi chú rất dài về số liệu bán lẻ trong tháng. " * 60)[:MAX_COMMENT_CHARS].strip()
    for indicator in (RETAIL, "tm_khach_du_lich", "tm_doanh_thu_du_lich"):
        enter(store, WARD, MONTH, indicator, 12, comment=comment)
    write_report_pdf(store, WARD, MONTH, tmp_path / "bc.pdf")
    write_annex_workbook(store, WARD, MONTH, tmp_path / "b.xlsx")
    cells = [c.value for ws in openpyxl.load_workbook(tmp_path / "b.xlsx").worksheets for row in ws.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert any(comment in value for value in cells)
