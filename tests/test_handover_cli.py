"""Command line: handover-export / handover-import, lock / unlock, backup / restore."""

import json

from lcapp.models.figures import enter
from lcapp.models.store import Store
from tests.conftest import file_digest, run_cli
from tests.handover_helpers import MONTH, RETAIL, WARD, figure, office


run = run_cli


def make_offices(tmp_path):
    ward = office(tmp_path / "ward.sqlite", WARD)
    enter(ward, WARD, MONTH, RETAIL, 120.5)
    ward.close()
    office(tmp_path / "city.sqlite", "tp_lai_chau").close()
    return tmp_path / "ward.sqlite", tmp_path / "city.sqlite"


def test_export_then_dry_run_then_import(tmp_path, capsys):
    ward, city = make_offices(tmp_path)
    package = tmp_path / "goi.lcgoi"
    code, out, _ = run(capsys, "--db", ward, "handover-export", WARD, MONTH, "--out", package)
    assert code == 0 and "Đã xuất gói" in out and package.exists()
    digest = file_digest(city)
    code, out, _ = run(capsys, "--db", city, "handover-import", package, "--dry-run", "--json")
    data = json.loads(out)
    assert code == 0 and data["dry_run"] and data["counts"]["new"] == 1 and data["sender_status"] == "unknown"
    assert data["rows"][0]["key"] == [WARD, 202405, RETAIL] and data["rows"][0]["new"]["month_value"] == 120.5
    assert file_digest(city) == digest
    code, _, err = run(capsys, "--db", city, "handover-import", package)
    assert code == 2 and "chưa từng gửi" in err and file_digest(city) == digest
    code, out, _ = run(capsys, "--db", city, "handover-import", package, "--accept-sender")
    assert code == 0 and "mới 1" in out
    store = Store(city)
    assert figure(store)["month_value"] == 120.5
    store.close()


def test_conflicts_without_take_exit_1_and_stay_as_they_are(tmp_path, capsys):
    ward, city = make_offices(tmp_path)
    package = tmp_path / "goi.lcgoi"
    run(capsys, "--db", ward, "handover-export", WARD, MONTH, "--out", package)
    run(capsys, "--db", city, "handover-import", package, "--accept-sender")
    run(capsys, "--db", city, "enter", WARD, MONTH, RETAIL, "121")
    run(capsys, "--db", ward, "enter", WARD, MONTH, RETAIL, "122")
    package.unlink()
    run(capsys, "--db", ward, "handover-export", WARD, MONTH, "--out", package)
    code, out, _ = run(capsys, "--db", city, "handover-import", package)
    assert code == 1 and "Còn 1 xung đột" in out and "121 → " in out
    code, out, _ = run(capsys, "--db", city, "handover-import", package, "--json", "--take", "theirs")
    assert code == 0 and json.loads(out)["written"]["theirs"] == 1
    code, out, _ = run(capsys, "--db", city, "history", WARD, MONTH, RETAIL, "--json")
    assert [h["month_value"] for h in json.loads(out)][-2:] == [121, 122]


def test_lock_and_unlock(tmp_path, capsys):
    _ward, city = make_offices(tmp_path)
    assert run(capsys, "--db", city, "lock", WARD, MONTH)[0] == 0
    code, _, err = run(capsys, "--db", city, "enter", WARD, MONTH, RETAIL, "5")
    assert code == 2 and "đã khóa" in err
    code, _, err = run(capsys, "--db", city, "unlock", WARD, MONTH)
    assert code == 2 and "--reason" in err
    code, out, _ = run(capsys, "--db", city, "unlock", WARD, MONTH, "--reason", "Sửa số bán lẻ")
    assert code == 0 and "Đã mở khóa 1 tháng" in out
    assert run(capsys, "--db", city, "enter", WARD, MONTH, RETAIL, "5")[0] == 0


def test_backup_and_restore(tmp_path, capsys):
    _ward, city = make_offices(tmp_path)
    run(capsys, "--db", city, "enter", WARD, MONTH, RETAIL, "100")
    code, out, _ = run(capsys, "--db", city, "backup", "--out", tmp_path / "backups")
    assert code == 0
    saved = next((tmp_path / "backups").glob("*.sqlite"))
    run(capsys, "--db", city, "enter", WARD, MONTH, RETAIL, "200")
    digest = file_digest(city)
    code, out, _ = run(capsys, "--db", city, "restore", saved, "--dry-run")
    assert code == 0 and "figures: hiện có 1, bản sao lưu có 1" in out and file_digest(city) == digest
    code, out, _ = run(capsys, "--db", city, "restore", saved)
    assert code == 0 and "Đã phục hồi" in out
    store = Store(city)
    assert figure(store)["month_value"] == 100
    store.close()
