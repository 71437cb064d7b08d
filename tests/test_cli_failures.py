"""Every command ends with one Vietnamese line and exit 2 when its database or its input is bad:
never a traceback, and the database's bytes unchanged."""

import shutil
import sqlite3

import pytest

from lcapp import cli
from lcapp.models import store as store_module
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from tests.conftest import file_digest, run_cli

UNEXPECTED = "không lường trước"
WARD, MONTH = "p_tan_phong", "202405"

# One line per command of `lcapp --help` (41), with arguments that would work on a healthy database.
COMMANDS = {
    "init": [],
    "catalog": [],
    "catalog-load": ["{catalogue}"],
    "catalog-add": ["{addition}"],
    "catalog-retire": ["tm_khach_du_lich", "--after", "2025-06"],
    "catalog-export": ["--out", "{out}/danh-muc.toml"],
    "catalog-history": [],
    "catalog-package": ["--out", "{out}/danh-muc.lcpkg"],
    "units": [],
    "enter": [WARD, MONTH, "tm_ban_le", "12"],
    "clear": [WARD, MONTH, "tm_ban_le"],
    "target": [WARD, "tm_ban_le", "2024", "tinh", "4.490"],
    "target-delete": [WARD, "tm_ban_le", "2024", "tinh"],
    "target-history": [WARD, "tm_ban_le", "2024", "tinh"],
    "targets": [],
    "import": ["{csv}"],
    "export": [],
    "dhis2-metadata": ["--out", "{out}/metadata.json"],
    "dhis2-push": ["http://127.0.0.1:9", "--token", "d2p_x", "--org-unit", WARD, "--period", MONTH],
    "dhis2-pull": ["http://127.0.0.1:9", "--token", "d2p_x", "--period", MONTH, "--org-unit", WARD],
    "progress": [WARD, MONTH],
    "history": [WARD, MONTH, "tm_ban_le"],
    "demo": [],
    "settings": [],
    "documents": [WARD],
    "narrative": [WARD, MONTH],
    "check": [WARD, MONTH],
    "acknowledge": [WARD, MONTH, "missing_value", "tm_ban_le", "--reason", "lý do"],
    "complete": [WARD, MONTH],
    "draft": [WARD, MONTH],
    "report": [WARD, MONTH, "--out", "{out}/bao-cao.pdf"],
    "annex": [WARD, MONTH, "--out", "{out}/bieu.xlsx"],
    "template": [WARD, MONTH, "--out", "{out}/mau.xlsx"],
    "template-import": ["{out}/khong-co.xlsx"],
    "targets-template": [WARD, "2024", "--out", "{out}/kh.xlsx"],
    "targets-import": ["{out}/khong-co.xlsx"],
    "handover-export": [WARD, MONTH, "--out", "{out}/goi.lcgoi"],
    "handover-import": ["{csv}"],
    "lock": [WARD, MONTH],
    "unlock": [WARD, MONTH, "--reason", "sửa"],
    "backup": ["--out", "{out}/sao-luu"],
    "restore": ["{out}/khong-co.sqlite"],
}


def test_the_list_names_every_command():
    parser = cli.build_parser()
    names = set(next(a for a in parser._actions if a.dest == "command").choices)
    assert names == set(COMMANDS)


def _flip_schema_byte(path):
    """A byte of sqlite_master's SQL text made invalid UTF-8 (the mutation test's UnicodeDecodeError)."""
    data = bytearray(path.read_bytes())
    where = data.index(b"CREATE TABLE figures")
    data[where + 7] = 0xFF
    path.write_bytes(bytes(data))


def _zero_pages(path):
    """Pages 2.. overwritten with zeros: the schema survives, the tables do not."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes(len(data) - page)
    path.write_bytes(bytes(data))


def _garble_schema_page(path):
    """The first page's b-tree after the header turned to noise."""
    data = bytearray(path.read_bytes())
    data[100:600] = bytes((i * 37 + 11) % 256 for i in range(500))
    path.write_bytes(bytes(data))


def _garble_table(table):
    """A table's root page turned to noise, the schema left readable (the program opens the file)."""
    def garble(path):
        conn = sqlite3.connect(path)
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.close()
        data = bytearray(path.read_bytes())
        start = (root - 1) * page
        data[start + 8:start + page] = bytes((i * 131 + 7) % 256 for i in range(page - 8))
        path.write_bytes(bytes(data))
    return garble


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


CORRUPTIONS = {"schema byte": _flip_schema_byte, "zeroed pages": _zero_pages, "garbled schema page": _garble_schema_page,
               "truncated": _truncate, "garbled settings": _garble_table("settings"),
               "garbled units": _garble_table("units"), "garbled indicators": _garble_table("indicators"),
               "garbled meta": _garble_table("meta")}


WHOLE_FILE = ("schema byte", "zeroed pages", "garbled schema page", "truncated")


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("healthy")
    path = folder / "lcapp.sqlite"
    store = create_database(path)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_on_a_corrupted_database_ends_with_one_line(healthy, tmp_path, capsys, command, corruption):
    db = tmp_path / "lcapp.sqlite"
    shutil.copyfile(healthy, db)
    CORRUPTIONS[corruption](db)
    (tmp_path / "out").mkdir()
    csv = tmp_path / "so-lieu.csv"
    csv.write_text("indicator,unit,period,value\ntm_ban_le,p_tan_phong,202405,12\n", encoding="utf-8")
    catalogue = tmp_path / "danh-muc.toml"
    catalogue.write_text("", encoding="utf-8")
    addition = tmp_path / "them.toml"
    addition.write_text('[[indicator]]\ncode = "tm_cho_phien"\nname = "Số phiên chợ"\nunit = "phiên"\n'
                        'sector = "thuong_mai"\n', encoding="utf-8")
    arguments = [a.format(out=tmp_path / "out", csv=csv, catalogue=catalogue, addition=addition)
                 for a in COMMANDS[command]]
    digest = file_digest(db)
    code, _out, err = run_cli(capsys, "--db", db, command, *arguments)
    assert "Traceback" not in err and UNEXPECTED not in err, err
    if corruption in WHOLE_FILE or code != 0:  # a damaged table the command never reads may not matter to it
        assert code == 2, err
        assert err.startswith("lỗi: ") and err.count("\n") == 1
        assert file_digest(db) == digest


def test_a_write_while_another_program_holds_the_lock_says_so(tmp_path, capsys, monkeypatch):
    db = tmp_path / "lcapp.sqlite"
    create_database(db).close()
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        digest = file_digest(db)
        code, _, err = run_cli(capsys, "--db", db, "enter", WARD, MONTH, "tm_ban_le", "12")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 2 and "đang bận" in err and err.count("\n") == 1
    assert file_digest(db) == digest


def test_a_full_disk_names_the_real_cause(tmp_path, capsys):
    db = tmp_path / "lcapp.sqlite"
    store = create_database(db)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    before = store.conn.execute("SELECT count(*) FROM narratives").fetchone()[0]
    from lcapp.models.errors import DatabaseError
    from lcapp.models.narrative import set_narrative
    with pytest.raises(DatabaseError, match="đã đầy") as raised:
        set_narrative(store, WARD, MONTH, "ket_qua", "x" * 150_000)
    assert "rollback" not in str(raised.value)
    assert store.conn.execute("SELECT count(*) FROM narratives").fetchone()[0] == before
    assert not store.conn.in_transaction
    store.close()


def test_a_database_on_a_read_only_medium_is_read_and_refuses_writes(tmp_path, capsys, monkeypatch):
    db = tmp_path / "lcapp.sqlite"
    store = create_database(db)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"lcapp.sqlite{suffix}").unlink(missing_ok=True)
    # As on a locked USB stick: nothing beside the file may be written (the tests run as root,
    # for whom file modes mean nothing, so the medium's answer is given here).
    monkeypatch.setattr(store_module.os, "access", lambda path, mode: mode != store_module.os.W_OK)
    digest = file_digest(db)
    code, out, _ = run_cli(capsys, "--db", db, "units")
    assert code == 0 and "p_tan_phong" in out
    code, _, err = run_cli(capsys, "--db", db, "enter", WARD, MONTH, "tm_ban_le", "12")
    assert code == 2 and "chỉ đọc" in err and err.count("\n") == 1
    assert file_digest(db) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lcapp.sqlite"]
    assert Store(db).read_only


def test_a_folder_as_the_database_is_refused(tmp_path, capsys):
    code, _, err = run_cli(capsys, "--db", tmp_path, "units")
    assert code == 2 and "không phải tệp dữ liệu" in err


def test_the_catch_all_logs_the_traceback_and_says_one_line(tmp_path, capsys, monkeypatch):
    from lcapp import app_log
    monkeypatch.setattr(app_log, "data_dir", lambda: tmp_path)

    def broken(_args):
        raise KeyError("boom")

    import logging
    logger = logging.getLogger("lcapp")
    old_handlers = list(logger.handlers)
    db = tmp_path / "lcapp.sqlite"
    create_database(db).close()
    monkeypatch.setattr(cli, "cmd_units", broken)
    try:
        code, _, err = run_cli(capsys, "--db", db, "units")
    finally:
        for handler in list(logger.handlers):
            if handler not in old_handlers:
                handler.close()
                logger.removeHandler(handler)
    assert code == 2 and UNEXPECTED in err and err.count("\n") == 1 and "Traceback" not in err
    log = (tmp_path / "logs" / "lcapp.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "KeyError: 'boom'" in log
