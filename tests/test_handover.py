"""Handover between offices: export, preview, merge, conflicts, locks, senders."""

import shutil
import sqlite3

import pytest

from lcapp.models.errors import InputError
from lcapp.models.figures import enter, history
from lcapp.models.handover import export_package
from lcapp.models.locks import lock, lock_history, unlock
from lcapp.models.merge import CHANGED, CONFLICT, IDENTICAL, NEW, OLDER, REFUSED, apply_package, known_senders, preview
from lcapp.models.narrative import narratives, set_narrative
from lcapp.models.package_check import check_package, expected_schema
from lcapp.models.schema import SCHEMA_VERSION
from lcapp.models.targets import set_target
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import GOODS, MONTH, RETAIL, TOURISTS, WARD, figure, office


@pytest.fixture
def ward(tmp_path):
    store = office(tmp_path / "ward.sqlite", WARD)
    enter(store, WARD, MONTH, RETAIL, 120.5, comment="ước tính", user="Lò Thị Mai")
    enter(store, WARD, MONTH, GOODS, 80, user="Lò Thị Mai")
    enter(store, WARD, "202404", TOURISTS, 1500, user="Lò Thị Mai")
    set_narrative(store, WARD, MONTH, "ket_qua", "Phường hoàn thành các chỉ tiêu tháng.", user="Lò Thị Mai")
    set_target(store, WARD, RETAIL, "2024", "tinh", 1500, user="Lò Thị Mai")
    set_target(store, WARD, "ns_thu_nsdp_tru_cn", "2024", "tinh", 300000, user="Lò Thị Mai")  # a derived indicator
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    store = office(tmp_path / "city.sqlite", "tp_lai_chau")
    yield store
    store.close()


def send(ward, city, tmp_path, name="goi.lcgoi", periods=("202404", "202405"), **options):
    path = tmp_path / name
    if path.exists():
        path.unlink()
    export_package(ward, WARD, list(periods), path)
    package = check_package(city, path)
    return apply_package(city, package, accept_sender=True, **options)


def test_the_schema_check_expects_exactly_what_a_new_database_has(city):
    actual = {tuple(r) for r in city.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}
    assert actual == expected_schema(SCHEMA_VERSION)


def test_round_trip_brings_figures_narratives_targets_and_history(ward, city, tmp_path):
    result = send(ward, city, tmp_path)
    assert result.written[NEW] == 6 and not result.conflicts_left  # 3 figures, 1 text, 2 targets
    for indicator, month in ((RETAIL, 202405), (GOODS, 202405), (TOURISTS, 202404)):
        mine, theirs = figure(city, WARD, month, indicator), figure(ward, WARD, month, indicator)
        for column in ("month_value", "ytd_value", "status", "comment", "entered_by", "entered_at", "origin"):
            assert mine[column] == theirs[column]
    assert figure(city)["origin"] == ward.installation_id
    assert history(city, WARD, MONTH, RETAIL)[-1]["action"] == "import"
    assert narratives(city, WARD, MONTH)["ket_qua"] == "Phường hoàn thành các chỉ tiêu tháng."
    assert city.query("SELECT value FROM targets WHERE indicator = ?", (RETAIL,))[0]["value"] == 1500
    received = city.query("SELECT kind, count(*) AS n FROM received_history WHERE sender = ? GROUP BY kind",
                          (ward.installation_id,))
    assert {r["kind"]: r["n"] for r in received} == {"figure": 3, "narrative": 1, "target": 2}
    assert [(s["unit"], s["installation"]) for s in known_senders(city)] == [(WARD, ward.installation_id)]


def test_history_in_a_package_is_only_what_came_since_the_last_package(ward, tmp_path):
    first = export_package(ward, WARD, [MONTH], tmp_path / "a.lcgoi")
    assert first.counts["figure_history"] == 2
    enter(ward, WARD, MONTH, RETAIL, 125)
    second = export_package(ward, WARD, [MONTH], tmp_path / "b.lcgoi")
    assert second.counts["figure_history"] == 1 and second.counts["figures"] == 2


def test_a_whole_database_file_imports_like_a_package(ward, city, tmp_path):
    ward_path = ward.path
    ward.close()
    copied = tmp_path / "USB" / "du-lieu-phuong"  # no extension: known by content
    copied.parent.mkdir()
    shutil.copyfile(ward_path, copied)
    package = check_package(city, copied)
    assert package.kind == "database" and package.unit == WARD
    result = apply_package(city, package, accept_sender=True)
    assert result.written[NEW] == 6
    assert figure(city)["month_value"] == 120.5


def test_the_same_package_twice_changes_nothing(ward, city, tmp_path):
    send(ward, city, tmp_path)
    package = check_package(city, tmp_path / "goi.lcgoi")
    rows, digest = table_rows(city), file_digest(city.path)
    result = apply_package(city, package)
    assert result.preview.counts()[IDENTICAL] == 6 and not any(result.written.values())
    assert table_rows(city) == rows and file_digest(city.path) == digest


def test_an_older_package_never_overwrites_newer_figures(ward, city, tmp_path):
    export_package(ward, WARD, [MONTH], tmp_path / "old.lcgoi")
    enter(ward, WARD, MONTH, RETAIL, 130)
    export_package(ward, WARD, [MONTH], tmp_path / "new.lcgoi")
    apply_package(city, check_package(city, tmp_path / "new.lcgoi"), accept_sender=True)
    result = apply_package(city, check_package(city, tmp_path / "old.lcgoi"))
    statuses = {tuple(r.key): r.status for r in result.preview.rows if r.kind == "figure"}
    assert statuses[(WARD, 202405, RETAIL)] == OLDER
    assert figure(city)["month_value"] == 130


def test_a_change_there_after_an_exchange_is_taken(ward, city, tmp_path):
    send(ward, city, tmp_path)
    enter(ward, WARD, MONTH, RETAIL, 140)
    result = send(ward, city, tmp_path, "b.lcgoi")
    row = next(r for r in result.preview.rows if r.key == [WARD, 202405, RETAIL])
    assert row.status == CHANGED and row.old["month_value"] == 120.5 and row.new["month_value"] == 140
    assert figure(city)["month_value"] == 140


def _conflict(ward, city, tmp_path):
    send(ward, city, tmp_path)
    enter(city, WARD, MONTH, RETAIL, 121, user="Phòng TCKH")
    enter(ward, WARD, MONTH, RETAIL, 122, user="Lò Thị Mai")
    path = tmp_path / "b.lcgoi"
    export_package(ward, WARD, [MONTH], path)
    return check_package(city, path)


def test_a_conflict_is_not_decided_silently(ward, city, tmp_path):
    package = _conflict(ward, city, tmp_path)
    shown = preview(city, package)
    assert [r.key for r in shown.conflicts] == [[WARD, 202405, RETAIL]]
    result = apply_package(city, package)
    assert [r.key for r in result.conflicts_left] == [[WARD, 202405, RETAIL]]
    assert figure(city)["month_value"] == 121


def test_a_conflict_taken_theirs_keeps_both_versions_in_history(ward, city, tmp_path):
    package = _conflict(ward, city, tmp_path)
    apply_package(city, package, take="theirs")
    assert figure(city)["month_value"] == 122
    versions = [(h["month_value"], h["action"]) for h in history(city, WARD, MONTH, RETAIL)]
    assert versions[-2:] == [(121, "set"), (122, "import-theirs")]
    again = apply_package(city, check_package(city, tmp_path / "b.lcgoi"))
    assert not again.conflicts_left and not any(again.written.values())


def test_a_conflict_kept_ours_records_theirs_and_is_not_asked_again(ward, city, tmp_path):
    package = _conflict(ward, city, tmp_path)
    key = f"figure:{preview(city, package).conflicts[0].key_text}"
    apply_package(city, package, decisions={key: "ours"})
    assert figure(city)["month_value"] == 121
    assert (122, "import-not-taken") in [(h["month_value"], h["action"]) for h in history(city, WARD, MONTH, RETAIL)]
    assert not apply_package(city, check_package(city, tmp_path / "b.lcgoi")).conflicts_left


def test_the_ward_gets_the_city_correction_back_as_a_conflict_too(ward, city, tmp_path):
    send(ward, city, tmp_path)
    enter(city, WARD, MONTH, RETAIL, 121)
    export_package(city, WARD, [MONTH], tmp_path / "back.lcgoi")
    enter(ward, WARD, MONTH, RETAIL, 119)
    back = check_package(ward, tmp_path / "back.lcgoi")
    assert [r.key for r in preview(ward, back).conflicts] == [[WARD, 202405, RETAIL]]
    apply_package(ward, back, take="theirs", accept_sender=True)
    assert figure(ward)["month_value"] == 121


def test_a_locked_period_refuses_packages_and_typing_until_unlocked_with_a_reason(ward, city, tmp_path):
    send(ward, city, tmp_path)
    assert lock(city, WARD, MONTH, user="Trưởng phòng") == 1
    with pytest.raises(InputError, match="đã khóa"):
        enter(city, WARD, MONTH, RETAIL, 1)
    enter(ward, WARD, MONTH, RETAIL, 150)
    rows = table_rows(city)
    result = send(ward, city, tmp_path, "b.lcgoi", periods=[MONTH])
    assert {r.status for r in result.preview.rows if r.key == [WARD, 202405, RETAIL]} == {REFUSED}
    assert table_rows(city)["figures"] == rows["figures"]
    with pytest.raises(InputError, match="lý do"):
        unlock(city, WARD, MONTH, "  ")
    assert unlock(city, WARD, MONTH, "Phường báo sai số bán lẻ") == 1
    enter(city, WARD, MONTH, RETAIL, 151)
    lock(city, WARD, MONTH)
    with pytest.raises(InputError, match="đã khóa"):
        set_narrative(city, WARD, MONTH, "ket_qua", "Sửa nội dung đã duyệt.")
    assert [(h["action"], h["reason"]) for h in lock_history(city, WARD)] == [
        ("lock", ""), ("unlock", "Phường báo sai số bán lẻ"), ("lock", "")]


def test_an_export_with_nothing_in_it_is_refused_and_writes_no_file(ward, tmp_path):
    with pytest.raises(InputError, match="chưa có số liệu"):
        export_package(ward, WARD, ["202301"], tmp_path / "empty.lcgoi")
    assert list(tmp_path.glob("*.lcgoi*")) == [] and list(tmp_path.glob(".empty*")) == []


def test_a_package_from_another_installation_needs_acceptance(ward, city, tmp_path):
    send(ward, city, tmp_path)
    impostor = office(tmp_path / "other.sqlite", WARD)
    enter(impostor, WARD, MONTH, RETAIL, 999)
    export_package(impostor, WARD, [MONTH], tmp_path / "other.lcgoi")
    package = check_package(city, tmp_path / "other.lcgoi")
    shown = preview(city, package)
    assert shown.sender_status == "different" and shown.known_sender == ward.installation_id
    digest = file_digest(city.path)
    with pytest.raises(InputError, match="máy khác"):
        apply_package(city, package)
    assert file_digest(city.path) == digest
    result = apply_package(city, package, accept_sender=True)
    assert [r.status for r in result.preview.rows if r.key == [WARD, 202405, RETAIL]] == [CONFLICT]
    impostor.close()


def test_a_database_copied_while_open_is_read_with_its_wal(ward, city, tmp_path):
    ward.conn.execute("PRAGMA wal_autocheckpoint = 0")
    enter(ward, WARD, MONTH, RETAIL, 777)  # stays in ward.sqlite-wal
    stick = tmp_path / "stick"
    stick.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(str(ward.path) + suffix, str(stick / "phuong.db") + suffix)
    package = check_package(city, stick / "phuong.db")
    assert next(r for r in package.rows["figures"] if r["indicator"] == RETAIL)["month_value"] == 777
    assert sorted(p.name for p in stick.iterdir()) == ["phuong.db", "phuong.db-wal"]


def test_the_ui_entry_point_knows_files_by_content_and_reports_progress(ward, city, tmp_path):
    from lcapp.intake.incoming import open_incoming
    package = tmp_path / "goi.csv"  # a package whatever its name says
    export_package(ward, WARD, [MONTH], package)
    digest = file_digest(city.path)
    incoming = open_incoming(city, package)
    assert incoming.package is not None and incoming.preview.counts()[NEW] == 5  # 2 figures, text, 2 targets
    assert file_digest(city.path) == digest
    steps = []
    result = incoming.apply(city, accept_sender=True, progress=lambda done, total, text: steps.append((done, total)))
    assert result.written[NEW] == 5 and steps[-1][0] == steps[-1][1] == 5


def test_a_whole_database_of_the_previous_schema_imports(city, tmp_path):
    from lcapp.models.package_check import create_schema
    path = tmp_path / "older.sqlite"
    conn = sqlite3.connect(path)
    create_schema(conn, SCHEMA_VERSION - 1)
    conn.execute("INSERT INTO meta VALUES ('installation_id', 'older-office')")
    conn.execute("INSERT INTO settings VALUES ('reporting_unit', '\"p_tan_phong\"')")
    conn.execute("INSERT INTO figures VALUES (?, 202405, ?, 33.5, NULL, NULL, 'official', '', 'Mai', "
                 "'2024-06-01T08:00:00', ?, 'older-office', 1)", (WARD, RETAIL, WARD))
    conn.commit()
    conn.close()
    package = check_package(city, path)
    assert package.kind == "database" and package.schema_version == SCHEMA_VERSION - 1
    apply_package(city, package, accept_sender=True)
    assert figure(city)["month_value"] == 33.5 and figure(city)["origin"] == "older-office"
