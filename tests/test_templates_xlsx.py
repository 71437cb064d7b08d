import json

import openpyxl
import pytest
from conftest import file_digest, table_rows

from lcapp.cli import main
from lcapp.export.templates_xlsx import write_entry_template, write_targets_template
from lcapp.intake.entry_template import read_entry_template
from lcapp.models.sheet_preview import apply_preview
from lcapp.models.demo import load_demo
from lcapp.models.errors import InputError
from lcapp.models.figures import history
from lcapp.models.progress import progress
from lcapp.intake.targets_sheet import read_targets_sheet
from lcapp.models.targets import targets_for_year


def locate(path, code, column="Số liệu"):
    """(workbook, sheet, cell) of `column` on the row of indicator `code` in a template."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        labels = {c.value: c.column for c in ws[4] if c.value}
        for r in range(5, ws.max_row + 1):
            if ws.cell(row=r, column=1).value == code:
                return wb, ws, ws.cell(row=r, column=labels[column])
    raise AssertionError(code)


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


def fill(path, out, values: dict):
    wb = None
    for code, value in values.items():
        if wb is None:
            wb, ws, cell = locate(path, code)
        else:
            ws = next(ws for ws in wb.worksheets if any(c.value == code for c in ws["A"]))
            row = next(c.row for c in ws["A"] if c.value == code)
            labels = {c.value: c.column for c in ws[4] if c.value}
            cell = ws.cell(row=row, column=labels["Số liệu"])
        cell.value = value
    wb.save(out)
    return out


def by_code(store, code):
    return next(p for p in progress(store, "tp_lai_chau", "202405") if p.indicator == code)


def test_template_is_one_protected_sheet_per_sector_with_cells_to_fill(demo, tmp_path):
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    wb, ws, cell = locate(path, "tm_ban_le")
    assert ws.protection.sheet and not cell.protection.locked
    assert ws.cell(row=cell.row, column=1).protection.locked  # the code cannot be changed by mistake
    assert cell.value == 339  # what is already entered, so an unchanged row imports as "same"
    headers = [c.value for c in ws[4] if c.value]
    assert headers[:3] == ["Mã", "Chỉ tiêu", "ĐVT"] and "KH tỉnh 2024" in headers and "Số liệu" in headers
    assert wb["lcapp"].sheet_state == "veryHidden"
    assert all(not ws.title.startswith("lcapp") for ws in wb.worksheets if ws.sheet_state == "visible")
    codes = {c.value for ws in wb.worksheets if ws.sheet_state == "visible" for c in ws["A"][4:]}
    assert "ns_thu_nsdp_tru_cn" not in codes  # a derived indicator is never entered
    with pytest.raises(InputError, match="theo tháng"):
        write_entry_template(demo, "tp_lai_chau", "2024Q2", tmp_path / "quy.xlsx")


def test_round_trip_export_fill_import(demo, tmp_path):
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    assert by_code(demo, "tm_xu_phat").value == 8.7
    assert by_code(demo, "kt_thu_nhap_binh_quan").value is None
    filled = fill(path, tmp_path / "da_dien.xlsx", {
        "tm_ban_le": "345,5",          # Vietnamese text: changed
        "tm_xu_phat": 9,               # an Excel number: changed
        "kt_thu_nhap_binh_quan": "1.234",  # thousands separator, a new figure
    })
    before = table_rows(demo)
    preview = read_entry_template(demo, filled)
    assert preview.errors == []
    assert table_rows(demo) == before  # a preview writes nothing
    changed = {item.key: item for item in preview.items if item.status != "same"}
    assert {k: i.status for k, i in changed.items()} == {
        "tm_ban_le": "changed", "tm_xu_phat": "changed", "kt_thu_nhap_binh_quan": "new"}
    assert changed["tm_ban_le"].old == 339 and changed["tm_ban_le"].new == 345.5
    assert all(item.status == "same" for item in preview.items if item.key not in changed)
    assert apply_preview(demo, preview) == 3
    assert by_code(demo, "tm_ban_le").value == 345.5 and by_code(demo, "tm_xu_phat").value == 9
    assert by_code(demo, "kt_thu_nhap_binh_quan").value == 1234
    assert history(demo, "tp_lai_chau", "202405", "tm_ban_le")[-1]["action"] == "template"
    again = read_entry_template(demo, filled)
    assert again.count("new") == again.count("changed") == 0


def test_new_figure_in_an_empty_cell(demo, tmp_path):
    path = write_entry_template(demo, "p_doan_ket", "202405", tmp_path / "mau.xlsx")
    filled = fill(path, tmp_path / "da_dien.xlsx", {"tm_ban_le": 41})
    preview = read_entry_template(demo, filled)
    assert [(i.key, i.status) for i in preview.items] == [("tm_ban_le", "new")]
    apply_preview(demo, preview)
    assert next(p for p in progress(demo, "p_doan_ket", "202405") if p.indicator == "tm_ban_le").value == 41


def test_bad_cells_are_named_and_nothing_is_written(demo, tmp_path, db_path, capsys):
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    wb, ws, cell = locate(path, "tm_ban_le")
    cell.value = "1.93"  # misplaced thousands dot
    labels = {c.value: c.column for c in ws[4] if c.value}
    ws.cell(row=cell.row + 1, column=labels["Số liệu"]).value = "abc"
    ws.cell(row=cell.row + 2, column=1).value = "khong_co"
    ws.cell(row=cell.row + 2, column=labels["Số liệu"]).value = 5
    good = ws.cell(row=cell.row + 3, column=labels["Số liệu"])
    good.value = 777
    wb.save(tmp_path / "sai.xlsx")
    before = table_rows(demo)
    preview = read_entry_template(demo, tmp_path / "sai.xlsx")
    assert len(preview.errors) == 3
    assert preview.errors[0].startswith(f"{ws.title}!{cell.coordinate}: ")
    assert any(e.startswith(f"{ws.title}!A{cell.row + 2}: Không có chỉ tiêu") for e in preview.errors)
    with pytest.raises(InputError, match="3 ô sai"):
        apply_preview(demo, preview)
    assert table_rows(demo) == before
    demo.close()
    digest = file_digest(db_path)
    assert main(["--db", str(db_path), "template-import", str(tmp_path / "sai.xlsx"), "--apply"]) == 2
    out, err = capsys.readouterr()
    assert f"{ws.title}!{cell.coordinate}" in out and "3 ô sai" in err and err.count("\n") == 1
    assert file_digest(db_path) == digest


def test_an_indicator_on_two_rows_is_refused(demo, tmp_path):
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    wb, ws, cell = locate(path, "tm_ban_le")
    ws.cell(row=cell.row + 1, column=1).value = "tm_ban_le"  # a row pasted over the next one
    wb.save(tmp_path / "trung.xlsx")
    preview = read_entry_template(demo, tmp_path / "trung.xlsx")
    assert preview.errors == [f"{ws.title}!A{cell.row + 1}: chỉ tiêu “tm_ban_le” đã có ở {ws.title}!A{cell.row}; "
                              "mỗi chỉ tiêu chỉ ghi một dòng."]


def test_not_a_template_is_refused(demo, tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    with pytest.raises(InputError, match="không phải biểu mẫu"):
        read_entry_template(demo, plain)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("không phải excel", encoding="utf-8")
    with pytest.raises(InputError, match="không phải tệp Excel"):
        read_entry_template(demo, junk)


def test_template_commands(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "init"]) == 0
    assert main(["--db", str(db_path), "demo"]) == 0
    out = tmp_path / "mau.xlsx"
    assert main(["--db", str(db_path), "template", "tp_lai_chau", "202405", "--out", str(out)]) == 0
    filled = fill(out, tmp_path / "da_dien.xlsx", {"tm_ban_le": "350"})
    capsys.readouterr()
    assert main(["--db", str(db_path), "template-import", str(filled), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] == 1 and data["applied"] is False
    assert main(["--db", str(db_path), "template-import", str(filled)]) == 0
    text = capsys.readouterr().out
    assert "[đổi]" in text and "339 → 350" in text and "--apply" in text
    assert main(["--db", str(db_path), "template-import", str(filled), "--apply"]) == 0
    assert "Đã ghi 1 số liệu." in capsys.readouterr().out


def test_targets_round_trip_and_hand_made_sheet(demo, tmp_path):
    path = write_targets_template(demo, "tp_lai_chau", "2024", tmp_path / "kh.xlsx")
    wb, ws, cell = locate(path, "tm_ban_le", column="KH tỉnh")
    assert cell.value == 4490 and not cell.protection.locked
    cell.value = "4.600"
    labels = {c.value: c.column for c in ws[4] if c.value}
    ws.cell(row=cell.row, column=labels["NQ HĐND"]).value = "4.700"
    ws.cell(row=cell.row + 1, column=labels["KH tỉnh"]).value = "x"
    wb.save(tmp_path / "kh2.xlsx")
    before = table_rows(demo)
    preview = read_targets_sheet(demo, tmp_path / "kh2.xlsx")
    assert len(preview.errors) == 1 and preview.errors[0].startswith(f"{ws.title}!")
    with pytest.raises(InputError):
        apply_preview(demo, preview)
    assert table_rows(demo) == before
    ws.cell(row=cell.row + 1, column=labels["KH tỉnh"]).value = None
    wb.save(tmp_path / "kh3.xlsx")
    preview = read_targets_sheet(demo, tmp_path / "kh3.xlsx")
    statuses = {i.key: i.status for i in preview.items if i.status != "same"}
    assert statuses == {"tm_ban_le/tinh": "changed", "tm_ban_le/hdnd": "new"}
    apply_preview(demo, preview)
    values = {(t.source): t.value for t in targets_for_year(demo, "tp_lai_chau", 2024)["tm_ban_le"]}
    assert values["tinh"] == 4600 and values["hdnd"] == 4700
    # a sheet made by hand: indicator names, a column per source, the year given
    hand = openpyxl.Workbook()
    sheet = hand.active
    sheet.append(["Chỉ tiêu", "KH tỉnh", "hdnd"])
    sheet.append(["Tổng lượt khách du lịch", 250000, None])
    sheet.append(["Tỷ lệ tăng dân số tự nhiên", None, "9,5-10"])
    sheet.append(["Tổng lượt khách du lịch", 260000, None])
    hand.save(tmp_path / "trung.xlsx")
    assert read_targets_sheet(demo, tmp_path / "trung.xlsx", unit="tp_lai_chau", period="2025").errors == [
        "Sheet!B4: kế hoạch “tm_khach_du_lich” (tinh) đã có ở Sheet!B2; mỗi kế hoạch chỉ ghi một lần."]
    sheet.delete_rows(4)
    hand.save(tmp_path / "tay.xlsx")
    with pytest.raises(InputError, match="đơn vị nào"):
        read_targets_sheet(demo, tmp_path / "tay.xlsx", period="2025")
    with pytest.raises(InputError, match="năm hay nhiệm kỳ nào"):
        read_targets_sheet(demo, tmp_path / "tay.xlsx", unit="tp_lai_chau")
    preview = read_targets_sheet(demo, tmp_path / "tay.xlsx", unit="tp_lai_chau", period="2025")
    assert preview.errors == [] and {i.status for i in preview.items} == {"new"}
    apply_preview(demo, preview)
    growth = next(t for t in targets_for_year(demo, "tp_lai_chau", 2025)["yt_tang_dan_so"] if t.source == "hdnd")
    assert (growth.low, growth.high) == (9.5, 10)


def test_an_entry_template_is_not_read_as_targets(demo, tmp_path):
    """Its "Ghi chú" column holds the figures' comments, which would read as the targets' notes."""
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    with pytest.raises(InputError, match="template-import"):
        read_targets_sheet(demo, path, unit="tp_lai_chau", period="2024")


def test_targets_import_command_refuses_bad_cells(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "init"]) == 0
    hand = openpyxl.Workbook()
    hand.active.append(["Mã", "KH tỉnh"])
    hand.active.append(["tm_ban_le", "4,5,6"])
    hand.save(tmp_path / "sai.xlsx")
    digest = file_digest(db_path)
    assert main(["--db", str(db_path), "targets-import", str(tmp_path / "sai.xlsx"), "--unit", "tp_lai_chau",
                 "--year", "2024", "--apply"]) == 2
    out, err = capsys.readouterr()
    assert "Sheet!B2" in out and "1 ô sai" in err
    assert file_digest(db_path) == digest


def test_a_figure_entered_as_year_to_date_comes_back_as_year_to_date(demo, tmp_path):
    path = write_entry_template(demo, "tp_lai_chau", "202405", tmp_path / "mau.xlsx")
    wb, ws, cell = locate(path, "tm_doanh_thu_du_lich")
    labels = {c.value: c.column for c in ws[4] if c.value}
    assert ws.cell(row=cell.row, column=labels["Cách nhập"]).value == "lũy kế" and cell.value == 144.86
    cell.value = "150,5"
    wb.save(tmp_path / "ytd.xlsx")
    preview = read_entry_template(demo, tmp_path / "ytd.xlsx")
    apply_preview(demo, preview)
    assert history(demo, "tp_lai_chau", "202405", "tm_doanh_thu_du_lich")[-1]["ytd_value"] == 150.5
    assert by_code(demo, "tm_doanh_thu_du_lich").ytd == 150.5
    ws.cell(row=cell.row, column=labels["Cách nhập"]).value = "cả năm"
    wb.save(tmp_path / "sai.xlsx")
    errors = read_entry_template(demo, tmp_path / "sai.xlsx").errors
    assert errors == [f"{ws.title}!{ws.cell(row=cell.row, column=labels['Cách nhập']).coordinate}: "
                      "cách nhập “cả năm” không hợp lệ (ghi “số tháng” hoặc “lũy kế”)."]


def test_a_department_template_holds_only_its_sectors(demo, tmp_path):
    from lcapp.models.catalogue import catalogue
    from lcapp.models.organisation import organisation
    path = write_entry_template(demo, "tp_tckh", "202405", tmp_path / "tckh.xlsx")
    wb = openpyxl.load_workbook(path)
    sectors = set(organisation(demo).unit("tp_tckh").sectors)
    cat = catalogue(demo)
    codes = [c.value for ws in wb.worksheets if ws.sheet_state == "visible" for c in ws["A"][4:] if c.value]
    assert codes and all(cat.indicators[code].sector in sectors for code in codes)
