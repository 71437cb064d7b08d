"""Document profiles per unit and date: derived from the unit, its kind and the date; what an
office changes is kept with its dates; an old database's settings move into them."""

import json
from datetime import date

import pytest

from lcapp.models import schema
from lcapp.models.documents import (document_profile, initials, profile_history, report_date,
                                    set_document_profile)
from lcapp.models.errors import InputError
from lcapp.models.organisation import organisation
from lcapp.models.periods import parse_period
from lcapp.models.store import Store
from tests.conftest import run_cli, table_rows


def profile(store, unit, day):
    return document_profile(store, unit, day)


@pytest.mark.parametrize("unit, day, body, place, first_recipients", [
    # the city's reports as the seeds have them, with Sở Kế hoạch và Đầu tư until 01/03/2025
    ("tp_lai_chau", date(2024, 5, 14), ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ LAI CHÂU"), "Thành phố Lai Châu",
     ["UBND tỉnh (B/c);", "Sở Kế hoạch và Đầu tư tỉnh (B/c);"]),
    ("tp_lai_chau", date(2025, 5, 14), ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ LAI CHÂU"), "Thành phố Lai Châu",
     ["UBND tỉnh (B/c);", "Sở Tài chính (B/c);"]),
    ("p_doan_ket", date(2024, 5, 14), ("ỦY BAN NHÂN DÂN", "PHƯỜNG ĐOÀN KẾT"), "Đoàn Kết", ["UBND thành phố (B/c);"]),
    ("x_ban_giang", date(2024, 5, 14), ("ỦY BAN NHÂN DÂN", "XÃ BẢN GIANG"), "Bản Giang", ["UBND huyện (B/c);"]),
    # after 07/2025 a phường reports to the province, and never names the city
    ("p_doan_ket_2025", date(2026, 11, 14), ("ỦY BAN NHÂN DÂN", "PHƯỜNG ĐOÀN KẾT"), "Đoàn Kết",
     ["UBND tỉnh (B/c);", "Sở Tài chính (B/c);", "TT. Đảng ủy, TT. HĐND phường (B/c);"]),
    ("x_muong_kim_2025", date(2026, 11, 14), ("ỦY BAN NHÂN DÂN", "XÃ MƯỜNG KIM"), "Mường Kim",
     ["UBND tỉnh (B/c);", "Sở Tài chính (B/c);", "TT. Đảng ủy, TT. HĐND xã (B/c);"]),
    ("x_le_loi_2025", date(2026, 11, 14), ("ỦY BAN NHÂN DÂN", "XÃ LÊ LỢI"), "Xã Lê Lợi", ["UBND tỉnh (B/c);"]),
    ("h_tam_duong", date(2024, 5, 14), ("ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"), "Tam Đường", ["UBND tỉnh (B/c);"]),
    ("lai_chau", date(2026, 11, 14), ("ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU"), "Lai Châu",
     ["Văn phòng Chính phủ (B/c);", "Bộ Tài chính (B/c);"]),
    ("tp_tckh", date(2024, 5, 14), ("UBND THÀNH PHỐ LAI CHÂU", "PHÒNG TÀI CHÍNH - KẾ HOẠCH"), "Thành phố Lai Châu",
     ["UBND thành phố (B/c);"]),
])
def test_a_units_documents_follow_its_kind_and_the_date(store, unit, day, body, place, first_recipients):
    found = profile(store, unit, day)
    assert (found["issuing_body_parent"], found["issuing_body"]) == body and found["place"] == place
    assert found["recipients"][:len(first_recipients)] == first_recipients
    assert found["recipients"][-1].startswith("Lưu:") and not found.edited
    if unit.endswith("_2025"):
        assert not any("thành phố" in line.lower() or "Kế hoạch và Đầu tư" in line for line in found["recipients"])


def test_codes_signers_and_the_issuer_phrase(store):
    city = profile(store, "tp_lai_chau", date(2024, 5, 14))
    assert city["document_code"] == "BC-UBND" and city["signer_name"] == "Nguyễn Văn Nghiệp"
    assert city.issuer == "Ủy ban nhân dân thành phố Lai Châu"
    assert profile(store, "p_doan_ket_2025", date(2026, 1, 1)).issuer == "Ủy ban nhân dân phường Đoàn Kết"
    department = profile(store, "tp_tckh", date(2024, 5, 14))
    assert department["document_code"] == "BC-TCKH" and department["signer_title"] == "TRƯỞNG PHÒNG"
    assert initials("Phòng Giáo dục và Đào tạo") == "GDĐT" and initials("Phòng Nội vụ (sau sắp xếp)") == "NV"


def test_a_report_is_dated_at_the_end_of_its_data_window(store):
    assert report_date(parse_period("202506")) == date(2025, 6, 14)
    assert profile(store, "tp_lai_chau", parse_period("202502"))["recipients"][1].startswith("Sở Kế hoạch")
    assert profile(store, "tp_lai_chau", parse_period("202503"))["recipients"][1].startswith("Sở Tài chính")
    # a report of a period a unit only partly covers is still its own (the city's year 2025)
    assert profile(store, "tp_lai_chau", parse_period("2025"))["issuing_body"] == "THÀNH PHỐ LAI CHÂU"


def test_an_offices_change_is_kept_for_its_unit_and_dates_with_history(store):
    set_document_profile(store, "p_doan_ket_2025", {"signer_name": "Lò Văn Thắng"}, date(2025, 9, 1), user="a")
    set_document_profile(store, "p_doan_ket_2025", {"signer_name": "Vàng A Dế"}, date(2026, 1, 1),
                         from_day=date(2026, 3, 1), user="b")
    before = profile(store, "p_doan_ket_2025", date(2026, 2, 28))
    after = profile(store, "p_doan_ket_2025", date(2026, 3, 1))
    assert before["signer_name"] == "Lò Văn Thắng" and before.valid_to == date(2026, 2, 28)
    assert after["signer_name"] == "Vàng A Dế" and after.valid_from == date(2026, 3, 1) and after.valid_to is None
    assert profile(store, "p_tan_phong_2025", date(2026, 3, 1))["signer_name"] == ""  # another unit: untouched
    history = profile_history(store, "p_doan_ket_2025")
    assert [(h["valid_from"], h["fields"]["signer_name"], h["edited_by"]) for h in history] == [
        ("2025-07-01", "Lò Văn Thắng", "a"), ("2025-07-01", "Lò Văn Thắng", "b"), ("2026-03-01", "Vàng A Dế", "b")]
    assert set_document_profile(store, "p_doan_ket_2025", {"signer_name": "Vàng A Dế"}, date(2026, 5, 1)) == 0


@pytest.mark.parametrize("values, on, message", [
    ({"signer_name": "A\x00B"}, date(2026, 1, 1), "điều khiển"),
    ({"chairman": "A"}, date(2026, 1, 1), "không phải một mục"),
    ({"recipients": 5}, date(2026, 1, 1), "danh sách"),
    ({"signer_name": "A"}, date(2025, 1, 1), "không tồn tại ngày 01/01/2025"),
])
def test_a_wrong_change_writes_nothing(store, values, on, message):
    before = table_rows(store)
    with pytest.raises(InputError, match=message):
        set_document_profile(store, "p_doan_ket_2025", values, on)
    assert table_rows(store) == before


def test_the_documents_command_shows_and_changes_a_profile(tmp_path, capsys):
    db = tmp_path / "d.sqlite"
    run_cli(capsys, "--db", db, "init")
    code, out, _ = run_cli(capsys, "--db", db, "documents", "p_tan_phong_2025")
    assert code == 0 and "PHƯỜNG TÂN PHONG" in out and "Địa danh (dòng ngày tháng): Tân Phong" in out
    code, _, _ = run_cli(capsys, "--db", db, "documents", "p_tan_phong_2025", "--set", "recipients",
                         "UBND tỉnh (B/c);|Sở Tài chính (B/c);|Lưu: VT, VP.")
    shown = json.loads(run_cli(capsys, "--db", db, "documents", "p_tan_phong_2025", "--json")[1])
    assert code == 0 and shown["recipients"] == ["UBND tỉnh (B/c);", "Sở Tài chính (B/c);", "Lưu: VT, VP."]
    code, _, err = run_cli(capsys, "--db", db, "documents", "p_tan_phong_2025", "--date", "2026-13-01")
    assert code == 2 and "YYYY-MM-DD" in err


def test_an_old_database_moves_its_settings_into_the_reporting_units_profiles(tmp_path, monkeypatch):
    """A database of the release before: 31 units, predecessors as codes, one global document setting."""
    path = tmp_path / "old.sqlite"
    before = schema.migration_number("two-tier") - 1
    with monkeypatch.context() as patch:
        patch.setattr("lcapp.models.store.MIGRATIONS", schema.MIGRATIONS[:before])
        patch.setattr("lcapp.models.store.SCHEMA_VERSION", before)
        old = Store(path, create=True)
        conn = old.conn
        conn.execute("INSERT INTO sectors (code, name, short, parent, outline, narrative_only, position) "
                     "VALUES ('thuong_mai', 'Thương mại', 'TM', NULL, 'a', 0, 0), ('mtqg', 'Triển khai thực hiện "
                     "các Chương trình MTQG trên địa bàn thành phố', 'Chương trình MTQG', NULL, '5', 0, 1)")
        conn.execute("INSERT INTO indicators (code, name, unit, sector, kind, direction, summable, entry, position) "
                     "VALUES ('tm_ban_le', 'Bán lẻ', 'tỷ đồng', 'thuong_mai', 'flow', 'up', 1, 'month', 0)")
        conn.execute("INSERT INTO units (code, name, kind, parent, valid_from, valid_to, predecessors, position) "
                     "VALUES ('lai_chau', 'Tỉnh Lai Châu', 'province', NULL, NULL, NULL, '[]', 0), "
                     "('tp_lai_chau', 'Thành phố Lai Châu', 'city', 'lai_chau', NULL, '2025-06-30', '[]', 1), "
                     "('p_doan_ket', 'Phường Đoàn Kết', 'ward', 'tp_lai_chau', NULL, '2025-06-30', '[]', 2), "
                     "('p_doan_ket_2025', 'Phường Đoàn Kết', 'ward', 'lai_chau', '2025-07-01', NULL, "
                     "'[\"p_doan_ket\"]', 3)")
        conn.execute("INSERT INTO figures VALUES ('p_doan_ket', 202405, 'tm_ban_le', 40, NULL, NULL, 'official', '', "
                     "'a', '2024-05-20T00:00:00', 'p_doan_ket', 'x', 1)")
        for key, value in (("reporting_unit", "tp_lai_chau"), ("signer_name", "Trần Thị B"),
                           ("place", "Thành phố Lai Châu"), ("issuing_body", "THÀNH PHỐ LAI CHÂU")):
            conn.execute("INSERT INTO settings VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))
        old.close()
    store = Store(path)  # migrates
    org = organisation(store)
    assert len(org.units) > 150 and len(org.children("lai_chau", parse_period("202607"))) == 38
    assert [(p.unit, p.share) for p in org.units["p_doan_ket_2025"].predecessors][0] == ("p_doan_ket", "whole")
    assert store.query("SELECT month_value FROM figures")[0]["month_value"] == 40
    for day in (date(2024, 5, 14), date(2025, 5, 14)):  # every span of the unit keeps the office's signer
        kept = profile(store, "tp_lai_chau", day)
        assert kept["signer_name"] == "Trần Thị B" and kept.edited
    assert profile(store, "tp_lai_chau", date(2025, 5, 14))["recipients"][1] == "Sở Tài chính (B/c);"
    assert not profile(store, "p_doan_ket_2025", date(2026, 1, 1)).edited
    assert set(store.settings()) == {"reporting_unit", "percent_decimals"}  # percent_decimals: "report wording"
    assert store.query("SELECT heading FROM sectors WHERE code = 'mtqg'")[0]["heading"].endswith("trên địa bàn {cấp}")
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert list(tmp_path.glob("old.truoc-nang-cap-v*.sqlite"))  # the copy taken before migrating
    store.close()
