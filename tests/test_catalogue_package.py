"""The catalogue travels: a province sends its catalogue to its units in a handover package, under the
same sender and preview rules as figures; a unit's catalogue never silently drops an indicator with figures."""

import json
import sqlite3

import pytest

from lcapp.models.catalogue import catalogue, catalogue_history
from lcapp.models.catalogue_edit import add_indicator, retire_indicator, update_indicator
from lcapp.models.catalogue_package import CATALOGUE_TABLES
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_catalogue_package, export_package
from lcapp.models.import_outcome import REFUSED_ROWS, nothing_brought
from lcapp.models.merge import CHANGED, IDENTICAL, NEW, REFUSED, apply_package, describe, preview
from lcapp.models.package_check import MANIFEST_COLUMNS, PACKAGE_TABLES, canonical_sha256, check_package
from tests.conftest import file_digest, run_cli, table_rows
from tests.handover_helpers import office

WARD = "p_tan_phong_2025"


@pytest.fixture
def province(tmp_path):
    store = office(tmp_path / "tinh.sqlite", "lai_chau")
    yield store
    store.close()


@pytest.fixture
def ward(tmp_path):
    store = office(tmp_path / "phuong.sqlite", WARD)
    yield store
    store.close()


def changed_rows(result_preview):
    return {tuple(row.key): row for row in result_preview.rows if row.kind == "catalogue" and row.status != IDENTICAL}


def test_the_provinces_catalogue_reaches_the_ward_with_a_preview(province, ward, tmp_path):
    add_indicator(province, {"code": "nn_nuoc_sach", "name": "Số hộ dùng nước sạch", "unit": "hộ",
                             "sector": "nong_nghiep", "kind": "stock", "valid_from": "2026-01"}, user="Sở Tài chính")
    update_indicator(province, "tm_ban_le", {"name": "Tổng mức bán lẻ hàng hóa, dịch vụ"}, user="Sở Tài chính")
    retire_indicator(province, "tm_khach_du_lich", "2025-06", user="Sở Tài chính")
    enter(ward, WARD, "202508", "tm_khach_du_lich", 1200, user="Lò Thị Mai")  # the ward still counts tourists
    path = export_catalogue_package(province, tmp_path / "danh-muc.lcpkg").path
    package = check_package(ward, path)
    shown = preview(ward, package)
    rows = changed_rows(shown)
    assert rows[("indicator", "nn_nuoc_sach")].status == NEW
    assert rows[("indicator", "tm_ban_le")].status == CHANGED
    assert "tên: Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng → Tổng mức bán lẻ hàng hóa, dịch vụ" in \
        rows[("indicator", "tm_ban_le")].reason
    kept = rows[("indicator", "tm_khach_du_lich")]
    assert kept.status == REFUSED and "đã có 1 số liệu (đến tháng 08/2025)" in kept.reason
    assert "[từ chối] Chỉ tiêu tm_khach_du_lich" in describe(ward, kept)
    assert shown.sender_status == "unknown" and shown.months == []
    before = table_rows(ward)
    with pytest.raises(InputError, match="chưa từng gửi"):
        apply_package(ward, package)  # the same sender rule as for figures
    assert table_rows(ward) == before
    result = apply_package(ward, package, accept_sender=True, user="Lò Thị Mai")
    assert result.written["catalogue"] == 2
    cat = catalogue(ward)
    assert cat.indicators["nn_nuoc_sach"].valid_from == 202601
    assert cat.indicators["tm_ban_le"].name == "Tổng mức bán lẻ hàng hóa, dịch vụ"
    assert cat.indicators["tm_khach_du_lich"].valid_to is None  # never dropped: it has figures here
    last = catalogue_history(ward, "tm_ban_le")[-1]
    assert last["changed_by"] == "Lò Thị Mai" and last["origin"] == province.installation_id
    assert last["note"].startswith("gói danh mục của lai_chau")
    # the same package again changes no byte
    digest = file_digest(ward.path)
    again = apply_package(ward, check_package(ward, path))
    assert "catalogue" not in again.written and file_digest(ward.path) == digest


def test_an_indicator_only_the_unit_has_stays(province, ward, tmp_path):
    add_indicator(ward, {"code": "tm_cho_phien", "name": "Số phiên chợ vùng cao", "unit": "phiên",
                         "sector": "thuong_mai", "valid_from": "2025-07"}, user="t")
    enter(ward, WARD, "202508", "tm_cho_phien", 4, user="t")
    add_indicator(province, {"code": "tm_sieu_thi", "name": "Số siêu thị", "unit": "siêu thị", "sector": "thuong_mai",
                             "valid_from": "2026-01"}, user="t")
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    apply_package(ward, check_package(ward, path), accept_sender=True)
    in_sector = [i.code for i in catalogue(ward).in_sector("thuong_mai")]
    assert "tm_cho_phien" in in_sector and "tm_sieu_thi" in in_sector
    assert in_sector.index("tm_cho_phien") < in_sector.index("tm_sieu_thi")  # kept where it was


def test_a_catalogue_is_taken_only_from_an_office_above(province, ward, tmp_path):
    add_indicator(ward, {"code": "tm_cho_phien", "name": "Số phiên chợ", "unit": "phiên", "sector": "thuong_mai",
                         "valid_from": "2025-07"}, user="t")
    path = export_catalogue_package(ward, tmp_path / "tu-phuong.lcpkg").path
    shown = preview(province, check_package(province, path))
    refused = [row for row in shown.rows if row.status == REFUSED]
    assert len(refused) == 1 and "danh mục chỉ nhận từ cấp trên" in refused[0].reason
    nothing = nothing_brought(province, shown)  # says why, not "the months are locked"
    assert nothing.reason == REFUSED_ROWS and "1 dòng bị từ chối (ví dụ: danh mục chỉ nhận từ cấp trên" in \
        nothing.message and "khóa" not in nothing.message
    before = table_rows(province)
    result = apply_package(province, check_package(province, path), accept_sender=True)
    assert "catalogue" not in result.written and "tm_cho_phien" not in catalogue(province).indicators
    accepted = ("unit_senders", "sender_keys")  # accepting the sender pins its unit and key, nothing else
    assert {t: r for t, r in table_rows(province).items() if t not in accepted} == \
        {t: r for t, r in before.items() if t not in accepted}


def test_a_new_code_the_unit_once_used_is_refused(province, ward, tmp_path):
    from lcapp.models.catalogue import load_catalogue, read_catalogue_file
    from lcapp.paths import resource

    add_indicator(ward, {"code": "tm_sieu_thi", "name": "Siêu thị (cũ)", "unit": "cái", "sector": "thuong_mai"},
                  user="t")
    load_catalogue(ward, read_catalogue_file(resource("catalogue.toml")), user="t")  # removed again
    add_indicator(province, {"code": "tm_sieu_thi", "name": "Số siêu thị", "unit": "siêu thị",
                             "sector": "thuong_mai"}, user="t")
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    row = changed_rows(preview(ward, check_package(ward, path)))[("indicator", "tm_sieu_thi")]
    assert row.status == REFUSED and "đã từng dùng ở đây" in row.reason


def test_the_parent_of_a_part_kept_here_is_kept_too(province, ward, tmp_path):
    enter(ward, WARD, "202508", "tm_ban_le_hang_hoa", 40, user="t")
    retire_indicator(province, "tm_ban_le", "2025-06", user="t")  # the parent and its two parts
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    rows = changed_rows(preview(ward, check_package(ward, path)))
    assert rows[("indicator", "tm_ban_le_hang_hoa")].status == REFUSED
    assert rows[("indicator", "tm_ban_le")].status == REFUSED
    assert "chỉ tiêu “Bán lẻ hàng hóa” ở đây còn dùng nó" in rows[("indicator", "tm_ban_le")].reason
    assert rows[("indicator", "tm_doanh_thu_dich_vu")].status == CHANGED  # the other part, without figures, stops
    apply_package(ward, check_package(ward, path), accept_sender=True)
    cat = catalogue(ward)
    assert cat.indicators["tm_ban_le"].valid_to is None and cat.indicators["tm_ban_le_hang_hoa"].valid_to is None
    assert cat.indicators["tm_doanh_thu_dich_vu"].valid_to == 202506


def resign(path, *statements):
    """Change a catalogue package by hand and recompute its counts and digest, as a forger would, and
    drop the signature (a forger has not the sender's key: the package reads as one of an older version)."""
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    for statement in statements:
        conn.execute(statement)
    rows = {table: [dict(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")]
            for table, (columns, _key) in {**PACKAGE_TABLES, **CATALOGUE_TABLES}.items()}
    manifest = dict(conn.execute("SELECT * FROM handover_manifest").fetchone())
    counts = {t: len(rows[t]) for t in PACKAGE_TABLES} | {t: len(rows[t]) for t in CATALOGUE_TABLES if rows[t]}
    manifest["row_counts"] = json.dumps(counts)
    conn.execute("UPDATE handover_manifest SET row_counts = ?, sha256 = ?, public_key = '', signature = ''",
                 (manifest["row_counts"], canonical_sha256({c: manifest[c] for c in MANIFEST_COLUMNS}, rows)))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("statements, message", [
    (("UPDATE indicators SET decimals = 9 WHERE code = 'tm_ban_le'",), "từ 0 đến 6"),
    (("UPDATE indicators SET formula = 'tm_ban_le + khong_co' WHERE code = 'tm_khach_du_lich'",), "khong_co"),
    (("UPDATE indicators SET name = 'A' || char(7) WHERE code = 'tm_ban_le'",), "ký tự điều khiển"),
    (("UPDATE indicators SET sector = 'khong_co' WHERE code = 'tm_ban_le'",), "lĩnh vực"),
    (("UPDATE indicators SET valid_to = 202401, valid_from = 202501 WHERE code = 'tm_khach_du_lich'",),
     "trước tháng bắt đầu"),
    (("""UPDATE target_sources SET levels = '{"huyen": {"name": "NQ HĐND huyện"}}' WHERE code = 'hdnd'""",),
     "level.huyen không hợp lệ"),
    (("UPDATE target_sources SET levels = '{' WHERE code = 'hdnd'",), "levels không phải JSON"),
])
def test_a_forged_catalogue_is_refused_whole(province, ward, tmp_path, statements, message):
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    resign(path, *statements)
    before = file_digest(ward.path)
    with pytest.raises(InputError, match=message):
        check_package(ward, path)
    assert file_digest(ward.path) == before


def test_the_sources_names_per_level_travel_with_the_catalogue(province, ward, tmp_path):
    from lcapp.models.catalogue import load_catalogue, read_catalogue_file
    from lcapp.paths import resource

    data = read_catalogue_file(resource("catalogue.toml"))
    ubnd = next(source for source in data["source"] if source["code"] == "ubnd")
    ubnd["level"]["ward"] = {"name": "Kế hoạch phát triển KT-XH của UBND phường", "phrase": "kế hoạch UBND phường"}
    load_catalogue(province, data, user="Sở Tài chính")
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    rows = changed_rows(preview(ward, check_package(ward, path)))
    assert list(rows) == [("source", "ubnd")] and rows[("source", "ubnd")].status == CHANGED
    apply_package(ward, check_package(ward, path), accept_sender=True, user="Lò Thị Mai")
    assert catalogue(ward, "ward").sources["ubnd"].name == "Kế hoạch phát triển KT-XH của UBND phường"
    assert catalogue(ward, "commune").sources["ubnd"].name == "Kế hoạch UBND xã"


def test_an_altered_catalogue_fails_its_digest(province, ward, tmp_path):
    path = export_catalogue_package(province, tmp_path / "dm.lcpkg").path
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE indicators SET name = 'Khác' WHERE code = 'tm_ban_le'")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="SHA-256"):
        check_package(ward, path)


def test_figures_for_months_outside_the_catalogue_here_are_refused(province, ward, tmp_path):
    enter(ward, WARD, "202508", "tm_khach_du_lich", 1200, user="t")
    path = export_package(ward, WARD, ["202508"], tmp_path / "so-lieu.lcpkg").path
    retire_indicator(province, "tm_khach_du_lich", "2025-06", user="t")
    shown = preview(province, check_package(province, path))
    (row,) = [r for r in shown.rows if r.kind == "figure"]
    assert row.status == REFUSED and "không áp dụng trong tháng 08/2025" in row.reason
    result = apply_package(province, check_package(province, path), accept_sender=True)
    assert result.written[NEW] == 0


def test_catalog_package_and_handover_import_on_the_command_line(province, ward, tmp_path, capsys):
    add_indicator(province, {"code": "nn_nuoc_sach", "name": "Số hộ dùng nước sạch", "unit": "hộ",
                             "sector": "nong_nghiep", "valid_from": "2026-01"}, user="t")
    province.close()
    ward.close()
    out = tmp_path / "dm.lcpkg"
    code, text, _ = run_cli(capsys, "--db", tmp_path / "tinh.sqlite", "catalog-package", "--out", out)
    assert code == 0 and "176 chỉ tiêu" not in text and "175 chỉ tiêu" in text
    code, text, _ = run_cli(capsys, "--db", tmp_path / "phuong.sqlite", "handover-import", out, "--dry-run")
    assert code == 0 and "danh mục chỉ tiêu" in text and "[mới] Chỉ tiêu nn_nuoc_sach" in text
    code, text, _ = run_cli(capsys, "--db", tmp_path / "phuong.sqlite", "handover-import", out, "--accept-sender")
    assert code == 0
    code, text, _ = run_cli(capsys, "--db", tmp_path / "phuong.sqlite", "catalog", "--period", "202601", "--json")
    assert "nn_nuoc_sach" in {i["code"] for i in json.loads(text)}
