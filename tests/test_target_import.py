"""The one reader of targets sheets: what its columns mean, what it refuses, the command line."""

import json

import openpyxl
import pytest

from lcapp.cli import main
from lcapp.export.templates_xlsx import write_targets_template
from lcapp.models.errors import InputError
from lcapp.models.sheet_preview import apply_preview, preview_lines
from lcapp.intake.targets_sheet import read_targets_sheet
from lcapp.models.target_import import preview_targets
from lcapp.models.targets import set_target, unit_targets
from tests.conftest import file_digest, table_rows

WARD = "p_tan_phong_2025"


def sheet(path, rows, title="Kế hoạch"):
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def saved(store, unit=WARD, period="2026"):
    return {(t["indicator"], t["source"]): (t["value"], t["low"], t["high"], t["note"])
            for t in unit_targets(store, unit, period)}


NOTED = [["STT", "Mã", "Chỉ tiêu", "ĐVT", "KH tỉnh", "NQ HĐND", "Ghi chú"],
         ["I", None, "KINH TẾ", None, None, None, None],  # a heading row with nothing to read
         [1, "tm_ban_le", "Tổng mức bán lẻ", "tỷ đồng", 5000, "5.100", "Theo QĐ 12/QĐ-UBND"],
         [2, None, "Tổng lượt khách du lịch", "lượt người", None, "250.000", None],
         [3, "yt_tang_dan_so", None, "‰", None, "9,5-10", "  NQ 05/NQ-HĐND  "]]


def test_a_ghi_chu_column_is_the_note_of_the_targets_on_its_row(store, tmp_path):
    set_target(store, WARD, "tm_khach_du_lich", "2026", "hdnd", 240000, note="ghi chú cũ")
    preview = read_targets_sheet(store, sheet(tmp_path / "kh.xlsx", NOTED), unit=WARD, period="2026")
    assert preview.errors == []
    assert [(i.cell, i.status, i.remark) for i in preview.items] == [
        ("E3", "new", "ghi chú “Theo QĐ 12/QĐ-UBND”"), ("F3", "new", "ghi chú “Theo QĐ 12/QĐ-UBND”"),
        ("F4", "changed", ""), ("F5", "new", "ghi chú “NQ 05/NQ-HĐND”")]
    assert "  [mới] Kế hoạch!E3 Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng (KH tỉnh): 5.000; " \
           "ghi chú “Theo QĐ 12/QĐ-UBND”" in preview_lines(store, preview)
    assert apply_preview(store, preview) == 4
    assert saved(store) == {
        ("tm_ban_le", "tinh"): (5000, None, None, "Theo QĐ 12/QĐ-UBND"),
        ("tm_ban_le", "hdnd"): (5100, None, None, "Theo QĐ 12/QĐ-UBND"),
        ("tm_khach_du_lich", "hdnd"): (250000, None, None, "ghi chú cũ"),  # an empty note cell keeps the note
        ("yt_tang_dan_so", "hdnd"): (None, 9.5, 10, "NQ 05/NQ-HĐND")}


def test_a_note_changes_a_target_even_when_its_value_stays(store, tmp_path):
    set_target(store, WARD, "tm_ban_le", "2026", "tinh", 5000)
    rows = [["Mã", "KH tỉnh", "Ghi chú"], ["tm_ban_le", 5000, "điều chỉnh theo QĐ 30"]]
    preview = read_targets_sheet(store, sheet(tmp_path / "kh.xlsx", rows), unit=WARD, period="2026")
    assert [(i.status, i.old, i.new) for i in preview.items] == [("changed", 5000, 5000)]
    apply_preview(store, preview)
    assert saved(store)[("tm_ban_le", "tinh")][3] == "điều chỉnh theo QĐ 30"


@pytest.mark.parametrize("rows, error", [
    ([["Mã", "KH tỉnh", "Thực hiện 2025"], ["tm_ban_le", 1, 2]],
     "Kế hoạch!C1: cột “Thực hiện 2025” không phải nguồn kế hoạch (các nguồn: KH tỉnh, NQ HĐND, NQ Đại hội"),
    ([["Mã", "KH tinh"], ["tm_ban_le", 1]], "Kế hoạch!B1: cột “KH tinh” không phải nguồn kế hoạch"),
    ([["Mã", "KH tỉnh", "Ghi chú"], ["tm_ban_le", None, "chỉ có ghi chú"]],
     "Kế hoạch!C2: có ghi chú nhưng dòng không có kế hoạch nào."),
    ([["Mã", "KH tỉnh", "tinh"], ["tm_ban_le", 1, 2]], "Kế hoạch!C1: nguồn “tinh” đã có ở một cột khác."),
    ([["Chỉ tiêu", "KH tỉnh"], ["Không có chỉ tiêu này", 1]], "Kế hoạch!A2: không có chỉ tiêu tên"),
    ([["Mã", "KH tỉnh"], ["tm_ban_le", "12.5"]], "Kế hoạch!B2:"),
])
def test_a_bad_sheet_names_every_bad_cell_and_writes_nothing(store, tmp_path, rows, error):
    before = table_rows(store)
    preview = read_targets_sheet(store, sheet(tmp_path / "kh.xlsx", rows), unit=WARD, period="2026")
    assert any(e.startswith(error) for e in preview.errors), preview.errors
    with pytest.raises(InputError, match="ô sai; chưa ghi gì"):
        apply_preview(store, preview)
    assert table_rows(store) == before


def test_a_note_with_a_control_character_is_refused(store):
    preview = preview_targets(store, [("Kế hoạch", [["Mã", "KH tỉnh", "Ghi chú"], ["tm_ban_le", 1, "chuông\x07"]])],
                              unit=WARD, period="2026")
    assert preview.errors == ["Kế hoạch!C2: Ghi chú chứa ký tự điều khiển không hợp lệ (mã 7)."]


def test_a_unit_names_its_sources_in_its_own_words(store, tmp_path):
    rows = [["Mã", "Nghị quyết HĐND phường giao", "Kế hoạch UBND phường"], ["tm_ban_le", 5100, 5200]]
    preview = read_targets_sheet(store, sheet(tmp_path / "kh.xlsx", rows), unit=WARD, period="2026")
    assert [(i.key, i.name) for i in preview.items] == [
        ("tm_ban_le/hdnd", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng (NQ HĐND)"),
        ("tm_ban_le/ubnd", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng (KH UBND)")]


def test_the_template_names_its_unit_and_term_and_they_must_agree(store, tmp_path):
    set_target(store, WARD, "tm_khach_du_lich", "2026-2030", "daihoi", 600000, cumulative=True, note="NQ Đại hội")
    path = write_targets_template(store, WARD, "2025-2030", tmp_path / "kh.xlsx")
    book = openpyxl.load_workbook(path)
    ws = next(ws for ws in book.worksheets if any(c.value == "tm_khach_du_lich" for c in ws["A"]))
    assert ws["A1"].value.startswith("BIỂU NHẬP KẾ HOẠCH NHIỆM KỲ 2025-2030 (GIAI ĐOẠN 2026-2030)")
    assert "Phường Tân Phong" in ws["A2"].value
    labels = {c.value: c.column for c in ws[4] if c.value}
    assert "Ghi chú" in labels and "NQ Đại hội" in labels
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(row=r, column=1).value == "tm_khach_du_lich")
    assert ws.cell(row=row, column=labels["NQ Đại hội"]).value == 600000
    ws.cell(row=row, column=labels["NQ Đại hội"]).value = "650.000"
    book.save(path)
    preview = read_targets_sheet(store, path)  # unit and term from the template
    assert (preview.unit, preview.period) == (WARD, "2026-2030")
    assert [(i.key, i.status) for i in preview.items if i.status != "same"] == [("tm_khach_du_lich/daihoi",
                                                                                 "changed")]
    apply_preview(store, preview)
    kept = unit_targets(store, WARD, "2026-2030")[0]
    assert (kept["value"], kept["cumulative"], kept["note"]) == (650000, 1, "NQ Đại hội")  # flag and note kept
    with pytest.raises(InputError, match="không phải của Phường Đoàn Kết"):
        read_targets_sheet(store, path, unit="p_doan_ket_2025")
    with pytest.raises(InputError, match="không phải năm 2026"):
        read_targets_sheet(store, path, period="2026")
    assert read_targets_sheet(store, path, unit=WARD, period="2026-2030").errors == []


def test_a_sheet_for_an_unknown_term_or_a_unit_of_another_time_is_refused(store, tmp_path):
    path = sheet(tmp_path / "kh.xlsx", [["Mã", "KH tỉnh"], ["tm_ban_le", 1]])
    with pytest.raises(InputError, match="không phải nhiệm kỳ đã biết"):
        read_targets_sheet(store, path, unit=WARD, period="2024-2028")
    with pytest.raises(InputError, match="Thành phố Lai Châu không tồn tại trong năm 2026"):
        read_targets_sheet(store, path, unit="tp_lai_chau", period="2026")
    with pytest.raises(InputError, match="không phải tệp Excel"):
        read_targets_sheet(store, (tmp_path / "x.xlsx").write_text("?") and tmp_path / "x.xlsx", unit=WARD,
                           period="2026")


NOTED_SHEET = [["Mã", "KH tỉnh", "Ghi chú"], ["tm_ban_le", "1.200", "QĐ 12/QĐ-UBND ngày 05/01/2026"]]


def test_targets_import_takes_the_ghi_chu_column_as_the_note(db_path, tmp_path, capsys):
    """The case of issue #17 on the command line (the window's side: tests/ui/test_ui_targets.py)."""
    assert main(["--db", str(db_path), "init"]) == 0
    path = sheet(tmp_path / "kh.xlsx", NOTED_SHEET)
    capsys.readouterr()
    digest = file_digest(db_path)
    assert main(["--db", str(db_path), "targets-import", str(path), "--unit", WARD, "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "Phường Tân Phong, năm 2026: 1 kế hoạch mới, 0 thay đổi, 0 giữ nguyên." in out
    assert "ghi chú “QĐ 12/QĐ-UBND ngày 05/01/2026”" in out and "--apply" in out
    assert file_digest(db_path) == digest
    assert main(["--db", str(db_path), "targets-import", str(path), "--unit", WARD, "--year", "2026", "--apply",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["applied"] and data["written"] == 1 and data["items"][0]["remark"].startswith("ghi chú")
    assert main(["--db", str(db_path), "targets", WARD, "--json"]) == 0
    assert [(t["value"], t["note"]) for t in json.loads(capsys.readouterr().out)] == [
        (1200, "QĐ 12/QĐ-UBND ngày 05/01/2026")]
