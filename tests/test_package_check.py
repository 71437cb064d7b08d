"""Bad handover files are refused with a Vietnamese message and the office's database untouched."""

import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcapp.cli import main
from lcapp.models import package_check
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_package
from lcapp.models.merge import apply_package
from lcapp.models.narrative import set_narrative
from lcapp.models.package_check import check_package
from lcapp.models.schema import SCHEMA_VERSION
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import MONTH, RETAIL, WARD, edit_package, office

COMMENT = "ghi chú để lật byte"


@pytest.fixture
def offices(tmp_path):
    ward = office(tmp_path / "ward.sqlite", WARD)
    enter(ward, WARD, MONTH, RETAIL, 120.5, comment=COMMENT)
    set_narrative(ward, WARD, MONTH, "ket_qua", "Nội dung tháng năm.")
    city = office(tmp_path / "city.sqlite", "tp_lai_chau")
    package = tmp_path / "goi.lcgoi"
    export_package(ward, WARD, [MONTH], package)
    yield ward, city, package
    ward.close()
    city.close()


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_comment_byte(path):
    data = bytearray(path.read_bytes())
    where = data.index(COMMENT.encode())
    data[where] ^= 0x01
    path.write_bytes(bytes(data))


def _append(path, extra: bytes):
    path.write_bytes(path.read_bytes() + extra)


BAD_FILES = {
    "truncated": (_truncate, "cắt cụt"),
    "bytes appended": (lambda p: _append(p, b"them"), "byte lạ ở cuối"),
    "a page appended": (lambda p: _append(p, bytes(4096)), "byte lạ ở cuối"),
    "targets only, made-up unit": (lambda p: edit_package(
        p, "DELETE FROM figures", "DELETE FROM figure_history", "DELETE FROM narratives",
        "DELETE FROM narrative_history", "UPDATE handover_manifest SET unit = 'p_bia_dat'"), "p_bia_dat"),
    "manifest month 999999": (lambda p: edit_package(p, "UPDATE handover_manifest SET periods = '[202405, 999999]'"),
                              "danh sách tháng"),
    "manifest month -5": (lambda p: edit_package(p, "UPDATE handover_manifest SET periods = '[202405, -5]'"),
                          "danh sách tháng"),
    "manifest month true": (lambda p: edit_package(p, "UPDATE handover_manifest SET periods = '[202405, true]'"),
                            "danh sách tháng"),
    "manifest nested": (lambda p: edit_package(p, "UPDATE handover_manifest SET periods = printf('%.5000c', '[')"),
                        "bản kê hỏng"),
    "manifest long number": (lambda p: edit_package(
        p, "UPDATE handover_manifest SET row_counts = '{\"figures\": ' || printf('%.5000c', '7') || '}'",
        resign=False), "bản kê hỏng"),
    "narrative outside the months": (lambda p: edit_package(p, "UPDATE narratives SET period = '202312'",
                                                            "UPDATE narrative_history SET period = '202312'"),
                                     "không thuộc các kỳ"),
    "manifest schema 99": (lambda p: edit_package(p, "UPDATE handover_manifest SET schema_version = 99"), "lược đồ"),
    "flipped byte": (_flip_comment_byte, "SHA-256"),
    "not sqlite": (lambda p: p.write_text("indicator,unit\n"), "không phải tệp dữ liệu SQLite"),
    "empty": (lambda p: p.write_bytes(b""), "rỗng"),
    "rows edited by hand": (lambda p: edit_package(p, "UPDATE figures SET month_value = 999", resign=False),
                            "SHA-256"),
    "row added by hand": (lambda p: edit_package(
        p, "INSERT INTO figures SELECT unit, month, 'tm_khach_du_lich', 5, ytd_value, term_value, status, comment,"
           " entered_by, entered_at, reporter, origin, version FROM figures", resign=False), "số dòng"),
    "extra trigger": (lambda p: edit_package(
        p, "CREATE TRIGGER t AFTER INSERT ON figures BEGIN DELETE FROM figures; END"), "trigger t"),
    "extra view": (lambda p: edit_package(p, "CREATE VIEW v AS SELECT * FROM figures"), "view v"),
    "extra table": (lambda p: edit_package(p, "CREATE TABLE x (a)"), "table x"),
    "newer schema": (lambda p: edit_package(p, f"PRAGMA user_version = {SCHEMA_VERSION + 1}"), "mới hơn"),
    "unknown unit": (lambda p: edit_package(p, "UPDATE figures SET unit = 'p_khong_co'",
                                            "UPDATE narratives SET unit = 'p_khong_co'",
                                            "UPDATE handover_manifest SET unit = 'p_khong_co'"), "p_khong_co"),
    "unknown indicator": (lambda p: edit_package(p, "UPDATE figures SET indicator = 'khong_co'"), "khong_co"),
    "figure of another unit": (lambda p: edit_package(p, "UPDATE figures SET unit = 'p_doan_ket'"),
                               "không thuộc gói"),
    "control characters": (lambda p: edit_package(p, "UPDATE figures SET comment = 'a' || char(7) || 'b'"),
                           "ký tự điều khiển"),
    "absurd text size": (lambda p: edit_package(p, "UPDATE narratives SET text = printf('%.300000c', 'x')"),
                         "dài bất thường"),
    "absurd number": (lambda p: edit_package(p, "UPDATE figures SET month_value = 1e300"), "không phải số"),
    "infinite number": (lambda p: edit_package(p, "UPDATE figures SET ytd_value = -9e999"), "không phải số"),
    "text where a number goes": (lambda p: edit_package(p, "UPDATE figures SET month_value = 'abc'"),
                                 "không phải số"),
    "two manifests": (lambda p: edit_package(
        p, "INSERT INTO handover_manifest SELECT 'x', unit, periods, sender, app_version, schema_version,"
           " row_counts, created_at, sha256, public_key, signature FROM handover_manifest", resign=False), "bản kê"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_and_the_database_is_unchanged(offices, tmp_path, capsys, case):
    _ward, city, package = offices
    spoil, message = BAD_FILES[case]
    spoil(package)
    digest, rows = file_digest(city.path), table_rows(city)
    with pytest.raises(InputError, match=message):
        check_package(city, package)
    assert main(["--db", str(city.path), "handover-import", str(package), "--accept-sender", "--take", "theirs"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lỗi: ") and err.count("\n") == 1
    assert file_digest(city.path) == digest and table_rows(city) == rows


def test_a_file_larger_than_the_limit_is_refused(offices, monkeypatch):
    _ward, city, package = offices
    monkeypatch.setattr(package_check, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InputError, match="quá lớn"):
        check_package(city, package)


def test_a_missing_file_is_refused(offices, tmp_path):
    with pytest.raises(InputError, match="Không tìm thấy"):
        check_package(offices[1], tmp_path / "khong-co.lcgoi")


def test_the_original_file_on_the_stick_is_never_written(offices):
    _ward, city, package = offices
    before = package.read_bytes()
    apply_package(city, check_package(city, package), accept_sender=True)
    assert package.read_bytes() == before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_bytes_are_refused_or_read_exactly_as_written(offices, tmp_path, data):
    _ward, city, package = offices
    original = package.read_bytes()
    expected = check_package(city, package)
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(mutated) - 1))
        mutated[where] = data.draw(st.integers(0, 255))
    copy = tmp_path / "mutated.lcgoi"
    copy.write_bytes(bytes(mutated))
    digest = file_digest(city.path)
    try:
        found = check_package(city, copy)
    except InputError:
        assert file_digest(city.path) == digest
        return
    assert found.sha256 == expected.sha256 and found.rows == expected.rows


@pytest.mark.parametrize("statement, message", [
    ("CREATE TRIGGER evil AFTER UPDATE ON meta BEGIN DELETE FROM figures; END", "trigger evil"),
    ("UPDATE settings SET value = printf('%.50000c', '[') WHERE key = 'reporting_unit'", "đơn vị báo cáo"),
])
def test_a_whole_database_changed_by_hand_is_refused(offices, tmp_path, statement, message):
    ward, city, _package = offices
    copy = tmp_path / "ward-copy.sqlite"
    ward.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(ward.path, copy)
    conn = sqlite3.connect(copy)
    conn.execute(statement)
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match=message):
        check_package(city, copy)


def test_a_whole_database_after_analyze_is_still_accepted(offices, tmp_path):
    ward, city, _package = offices
    ward.conn.execute("ANALYZE")
    ward.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "ward-analysed.sqlite"
    shutil.copyfile(ward.path, copy)
    assert check_package(city, copy).unit == WARD


def test_copies_left_by_a_killed_import_are_swept_later(offices, tmp_path, monkeypatch):
    import os
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale, fresh = tmp_path / "lcapp-goi-old", tmp_path / "lcapp-goi-new"
    for folder in (stale, fresh):
        folder.mkdir()
        (folder / "package.sqlite").write_bytes(b"x")
    os.utime(stale, (0, 0))
    check_package(offices[1], offices[2])
    assert not stale.exists() and fresh.exists()
    assert sorted(p.name for p in tmp_path.glob("lcapp-goi-*")) == ["lcapp-goi-new"]


MUTATIONS = 1200


@pytest.mark.slow
def test_a_thousand_single_byte_flips_across_the_whole_package(offices, tmp_path):
    """Every byte position of a package, one at a time: refused, or read exactly as written; never
    anything else, never a crash, and the office's database unchanged. Prints the counts (README)."""
    import random

    from lcapp.intake.incoming import open_incoming

    _ward, city, package = offices
    original = package.read_bytes()
    expected = check_package(city, package)
    chance = random.Random(19)
    counts = {"tried": 0, "refused": 0, "identical": 0, "different": 0, "crashed": 0}
    crashes = []
    digest = file_digest(city.path)
    copy = tmp_path / "mutated.lcgoi"
    for number in range(MUTATIONS):
        where = number * len(original) // MUTATIONS + chance.randrange(len(original) // MUTATIONS)
        mutated = bytearray(original)
        mutated[where] ^= chance.randrange(1, 256)
        copy.write_bytes(bytes(mutated))
        counts["tried"] += 1
        try:
            found = open_incoming(city, copy).package
        except InputError:
            counts["refused"] += 1
            continue
        except Exception as error:  # noqa: BLE001 - what this test counts
            counts["crashed"] += 1
            crashes.append(f"{where}: {type(error).__name__}: {error}")
            continue
        same = found.sha256 == expected.sha256 and found.rows == expected.rows
        counts["identical" if same else "different"] += 1
    print(f"\nsingle-byte flips over {len(original)} bytes: {counts}")
    assert counts["tried"] >= 1000
    assert counts["crashed"] == 0, crashes[:10]
    assert counts["different"] == 0
    assert counts["refused"] + counts["identical"] == counts["tried"]
    assert file_digest(city.path) == digest
