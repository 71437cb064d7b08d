"""The catalogue in and out of files: TOML and Excel export read back, the province's Excel form
with its preview naming every row it cannot take, and the catalog-* commands."""

import json
import tomllib
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from lcapp.export.catalogue_file import catalogue_toml, write_catalogue
from lcapp.intake.catalogue_form import MAX_FILE_BYTES, apply_form, read_catalogue_form
from lcapp.models.catalogue import catalogue, catalogue_history, load_catalogue
from lcapp.models.catalogue_edit import add_indicator, retire_indicator
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from tests.conftest import file_digest, run_cli, table_rows


def form(path, rows, headers=("STT", "Chỉ tiêu", "ĐVT", "Ghi chú")):
    """A province's form as officials make it: a title, a header row, then the list."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Biểu 01"
    ws["A1"] = "DANH MỤC CHỈ TIÊU KINH TẾ - XÃ HỘI NĂM 2026"
    ws.append([])
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    workbook.save(path)
    return path


PROVINCE_FORM = [
    ("I", "Phát triển thương mại, dịch vụ và du lịch"),
    (1, "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng", "tỷ đồng"),
    ("-", "Trong đó: Bán lẻ hàng hóa", "tỷ đồng"),
    (2, "Tổng lượt khách du lịch", "lượt khách"),
    (3, "Doanh thu du lịch cộng đồng", "tỷ đồng"),
    ("-", "Trong đó: Doanh thu homestay", "tỷ đồng"),
    (4, "Tỷ lệ hộ kinh doanh dùng thanh toán điện tử", "%"),
    (5, "Số chợ được cải tạo", None),
    ("II", "Phát triển kinh tế tập thể"),
    (1, "Số hợp tác xã thành lập mới", "HTX"),
    ("III", "Y tế"),
    (1, "=1+1", "người"),
]


def test_the_province_form_is_previewed_naming_every_row_it_cannot_take(store, tmp_path):
    path = form(tmp_path / "bieu-tinh.xlsx", PROVINCE_FORM)
    before = table_rows(store)
    preview = read_catalogue_form(store, path, default_from=202601)
    assert table_rows(store) == before  # a preview writes nothing
    by_name = {row.name: row for row in preview.rows}
    assert by_name["Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng"].status == "same"
    assert by_name["Bán lẻ hàng hóa"].status == "same" and by_name["Bán lẻ hàng hóa"].code == "tm_ban_le_hang_hoa"
    changed = by_name["Tổng lượt khách du lịch"]
    assert changed.status == "changed" and "ĐVT: lượt người → lượt khách" in changed.reason
    new = by_name["Doanh thu du lịch cộng đồng"]
    assert new.status == "new" and new.code.startswith("tm_") and "cộng dồn (đoán theo ĐVT)" in new.reason
    part = by_name["Doanh thu homestay"]
    assert part.status == "new" and part.parent == new.code
    assert by_name["Tỷ lệ hộ kinh doanh dùng thanh toán điện tử"].entry["kind"] == "rate"
    refused = {row.where: row.reason for row in preview.refused}
    assert refused == {
        "Biểu 01!B11": "thiếu ĐVT (đơn vị tính)",
        "Biểu 01!B12": "không có lĩnh vực “Phát triển kinh tế tập thể” trong danh mục: sửa tên cho đúng, ghi mã "
                       "lĩnh vực ở cột Lĩnh vực, hoặc thêm lĩnh vực trước (catalog-add với [[sector]])",
        "Biểu 01!B13": "thuộc lĩnh vực chưa nhận được (Biểu 01!B12: Phát triển kinh tế tập thể)",
        "Biểu 01!B15": "Biểu 01!B15: ô chứa công thức “=1+1”, chương trình chỉ nhận số hoặc chữ; hãy ghi lại giá trị "
                       "(trong Excel: sao chép rồi Dán đặc biệt → Giá trị).",
    }
    plan = apply_form(store, preview, default_from=202601, user="Lò Thị Mai")
    cat = catalogue(store)
    assert set(plan.changed) == {"tm_khach_du_lich", new.code, part.code,
                                 by_name["Tỷ lệ hộ kinh doanh dùng thanh toán điện tử"].code}
    assert cat.indicators["tm_khach_du_lich"].unit == "lượt khách"
    assert cat.indicators[part.code].parent == new.code and cat.indicators[new.code].valid_from == 202601
    assert catalogue_history(store, new.code)[0]["note"] == "biểu danh mục bieu-tinh.xlsx"


def test_a_form_row_matching_a_retired_code_or_a_bad_kind_is_refused(store, tmp_path):
    add_indicator(store, {"code": "tm_cho", "name": "Số chợ", "unit": "chợ", "sector": "thuong_mai",
                          "valid_from": "2024-01"}, user="t")
    path = form(tmp_path / "f.xlsx", [("I", "Phát triển thương mại, dịch vụ và du lịch", None, None, None),
                                      (1, "Số chợ mới", "chợ", "tm_ban_le", None),
                                      (2, "Số siêu thị", "siêu thị", None, "khối"),
                                      (3, "Số chợ", "chợ", None, "thời điểm")],
                headers=("STT", "Chỉ tiêu", "ĐVT", "Chỉ tiêu cha", "Loại"))
    preview = read_catalogue_form(store, path)
    by_name = {row.name: row for row in preview.rows}
    assert by_name["Số chợ mới"].status == "new" and by_name["Số chợ mới"].parent == "tm_ban_le"
    assert by_name["Số siêu thị"].status == "refused" and "khối" in by_name["Số siêu thị"].reason
    assert by_name["Số chợ"].status == "changed" and "loại: cộng dồn → thời điểm" in by_name["Số chợ"].reason


def test_the_exported_list_reads_back_unchanged_and_edits_come_in(store, tmp_path):
    retire_indicator(store, "tm_khach_du_lich", "2025-06", user="t")
    path = write_catalogue(store, tmp_path / "danh-muc.xlsx")
    preview = read_catalogue_form(store, path)
    assert preview.count("same") == len(catalogue(store).indicators) and not preview.refused
    workbook = load_workbook(path)
    ws = workbook.active
    ws.cell(row=6, column=2, value="Tổng mức bán lẻ hàng hóa, dịch vụ")
    ws.append(["6", "Doanh thu lưu trú", "tỷ đồng", None, None, "thuong_mai", "cộng dồn", "lũy kế", "07/2026"])
    workbook.save(path)
    preview = read_catalogue_form(store, path)
    assert [(r.status, r.name) for r in preview.rows if r.status not in ("same", "sector")] == [
        ("changed", "Tổng mức bán lẻ hàng hóa, dịch vụ"), ("new", "Doanh thu lưu trú")]
    apply_form(store, preview, user="t")
    added = next(i for i in catalogue(store).indicators.values() if i.name == "Doanh thu lưu trú")
    assert added.entry == "ytd" and added.valid_from == 202607


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_bytes(b"STT,Chi tieu\n1,A"), "không phải tệp Excel"),
    (lambda p: p.write_bytes(b"\0" * (MAX_FILE_BYTES + 1)), "quá lớn"),
    (lambda p: form(p, [(1, "A", "x")], headers=("Số", "Tên", "Đơn vị đo")), "dòng tiêu đề"),
])
def test_a_file_that_is_no_form_is_refused(store, tmp_path, make, message):
    path = tmp_path / "x.xlsx"
    make(path)
    with pytest.raises(InputError, match=message):
        read_catalogue_form(store, path)


def test_a_zip_bomb_is_refused_before_it_is_read(store, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/big.xml", b"\0" * (120 * 1024 * 1024))
    with pytest.raises(InputError, match="giải nén ra quá lớn"):
        read_catalogue_form(store, path)


def test_a_formula_excel_computed_is_refused_like_in_every_other_reader(store, tmp_path):
    """The value Excel stored beside a formula is not what anyone typed: the row is refused, naming
    the cell, even with the computed value in the file (as Excel saves it); the other rows come."""
    path = form(tmp_path / "cong-thuc.xlsx", [("I", "Phát triển thương mại, dịch vụ và du lịch"),
                                              ("=ROW()-3", "Doanh thu lưu trú", "tỷ đồng"),
                                              (2, "Số siêu thị", "siêu thị")])
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<f>ROW()-3</f><v></v>" in parts[sheet] or b"<f>ROW()-3</f><v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<f>ROW()-3</f><v></v>", b"<f>ROW()-3</f><v>1</v>") \
        .replace(b"<f>ROW()-3</f><v />", b"<f>ROW()-3</f><v>1</v>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert load_workbook(path, data_only=True)["Biểu 01"]["A5"].value == 1  # Excel's computed value is there
    before = table_rows(store)
    preview = read_catalogue_form(store, path)
    assert table_rows(store) == before
    assert [(row.where, row.reason) for row in preview.refused] == [
        ("Biểu 01!B5", "Biểu 01!A5: ô chứa công thức “=ROW()-3”, chương trình chỉ nhận số hoặc chữ; hãy ghi lại "
                       "giá trị (trong Excel: sao chép rồi Dán đặc biệt → Giá trị).")]
    assert [row.name for row in preview.rows if row.status == "new"] == ["Số siêu thị"]


def test_the_toml_export_loads_back_as_the_same_catalogue(store, tmp_path):
    enter(store, "tp_lai_chau", "202405", "tm_khach_du_lich", 1500, user="t")
    retire_indicator(store, "tm_khach_du_lich", "2025-06", user="t")
    add_indicator(store, {"name": "Tên có \"ngoặc\" và \\ gạch", "unit": "hộ", "sector": "y_te", "code": "yt_x",
                          "valid_from": "2025-07"}, user="t")
    text = catalogue_toml(catalogue(store))
    data = tomllib.loads(text)
    assert next(i for i in data["indicator"] if i["code"] == "tm_khach_du_lich")["valid_to"] == "2025-06"
    assert next(i for i in data["indicator"] if i["code"] == "yt_x")["name"] == "Tên có \"ngoặc\" và \\ gạch"
    history_before = len(catalogue_history(store))
    before = {code: ind for code, ind in catalogue(store).indicators.items()}
    sources = dict(catalogue(store).sources)
    assert any(source.levels for source in sources.values())  # names per level of unit ("... xã giao") travel too
    load_catalogue(store, data, user="t")
    assert catalogue(store).indicators == before and catalogue(store).sources == sources
    assert len(catalogue_history(store)) == history_before  # nothing changed, nothing recorded


# -- the command line ---------------------------------------------------------------------------------------------
@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "cli.sqlite"
    assert run_cli(capsys, "--db", path, "init")[0] == 0
    return path


def test_catalog_add_retire_period_export_history(db, tmp_path, capsys):
    toml = tmp_path / "them.toml"
    toml.write_text('[[indicator]]\ncode = "tm_luu_tru"\nname = "Doanh thu lưu trú"\nunit = "tỷ đồng"\n'
                    'sector = "thuong_mai"\nvalid_from = "2025-07"\n\n'
                    '[[indicator]]\ncode = "tm_ban_le"\nname = "Tổng mức bán lẻ hàng hóa, dịch vụ"\n', encoding="utf-8")
    before = file_digest(db)
    code, out, _ = run_cli(capsys, "--db", db, "catalog-add", toml, "--dry-run")
    assert code == 0 and "Thêm chỉ tiêu “Doanh thu lưu trú”" in out and "Chưa ghi gì" in out
    assert file_digest(db) == before
    code, out, _ = run_cli(capsys, "--db", db, "catalog-add", toml)
    assert code == 0 and "Đã ghi 2 chỉ tiêu" in out
    code, out, _ = run_cli(capsys, "--db", db, "catalog-retire", "tm_khach_du_lich", "--after", "2025-06")
    assert code == 0 and "từ tháng 07/2025" in out
    code, out, _ = run_cli(capsys, "--db", db, "catalog", "--period", "202508", "--json")
    listed = {i["code"]: i for i in json.loads(out)}
    assert "tm_luu_tru" in listed and "tm_khach_du_lich" not in listed
    assert listed["tm_luu_tru"]["valid_from"] == "202507" and listed["tm_luu_tru"]["valid_to"] is None
    code, out, _ = run_cli(capsys, "--db", db, "catalog", "--period", "2024")
    assert "tm_luu_tru" not in out and "tm_khach_du_lich" in out and "[áp dụng đến 06/2025]" in out
    for name in ("dm.toml", "dm.xlsx"):
        code, out, _ = run_cli(capsys, "--db", db, "catalog-export", "--out", tmp_path / name)
        assert code == 0 and (tmp_path / name).stat().st_size > 1000
    code, out, _ = run_cli(capsys, "--db", db, "catalog-history", "tm_khach_du_lich")
    assert "ngừng theo dõi chỉ tiêu tm_khach_du_lich “Tổng lượt khách du lịch”: từ sau tháng 06/2025" in out


def test_catalog_add_refuses_a_bad_file_whole_and_asks_before_a_kind_change(db, tmp_path, capsys):
    assert run_cli(capsys, "--db", db, "enter", "tp_lai_chau", "202405", "tm_ban_le", "339")[0] == 0
    toml = tmp_path / "sua.toml"
    toml.write_text('[[indicator]]\ncode = "tm_ban_le"\nkind = "stock"\n', encoding="utf-8")
    before = file_digest(db)
    code, _, err = run_cli(capsys, "--db", db, "catalog-add", toml)
    assert code == 2 and "cần xác nhận" in err and "1 số liệu đã nhập" in err and file_digest(db) == before
    assert run_cli(capsys, "--db", db, "catalog-add", toml, "--yes")[0] == 0
    bad = tmp_path / "sai.toml"
    bad.write_text('[[indicator]]\ncode = "moi"\nname = "Mới"\nunit = "x"\nsector = "khong_co"\n\n'
                   '[[indicator]]\ncode = "tm_ban_le"\nname = "Đổi tên"\n', encoding="utf-8")
    before = file_digest(db)
    code, _, err = run_cli(capsys, "--db", db, "catalog-add", bad)
    assert code == 2 and "mục chỉ tiêu thứ 1 (moi)" in err and file_digest(db) == before
    code, _, err = run_cli(capsys, "--db", db, "catalog-retire", "tm_ban_le", "--after", "2024-04")
    assert code == 2 and "nằm ngoài thời gian áp dụng" in err and file_digest(db) == before
    broken = tmp_path / "hong.toml"
    broken.write_text("[[indicator]\n", encoding="utf-8")
    assert run_cli(capsys, "--db", db, "catalog-add", broken)[0] == 2


def test_catalog_add_reads_the_province_form_with_its_preview(db, tmp_path, capsys):
    path = form(tmp_path / "bieu.xlsx", PROVINCE_FORM)
    before = file_digest(db)
    code, out, err = run_cli(capsys, "--db", db, "catalog-add", path)
    assert code == 2 and "4 dòng không nhận được" in err and file_digest(db) == before
    assert "[không nhận] Biểu 01!B11" in out and "[mới] Biểu 01!B8" in out
    code, out, _ = run_cli(capsys, "--db", db, "catalog-add", path, "--skip-refused", "--json")
    assert code == 0 and json.loads(out)["counts"]["new"] == 3
    assert file_digest(db) != before
