"""Fixtures: every test gets its own database file (never the user's)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lcapp.models.catalogue import load_catalogue
from lcapp.models.documents import load_documents, read_documents_file
from lcapp.models.organisation import load_organisation, read_organisation_file
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from lcapp.paths import resource

# A small catalogue with one indicator of every shape the core must handle.
MINI_CATALOGUE = {
    "source": [
        {"code": "tinh", "name": "Kế hoạch tỉnh giao", "short": "KH tỉnh", "phrase": "kế hoạch tỉnh giao"},
        {"code": "hdnd", "name": "Nghị quyết HĐND thành phố giao", "short": "NQ HĐND",
         "phrase": "Nghị quyết HĐND thành phố giao"},
        {"code": "daihoi", "name": "Nghị quyết Đại hội", "short": "NQ Đại hội", "phrase": "chỉ tiêu Nghị quyết Đại hội"},
        {"code": "kh_von", "name": "Kế hoạch vốn giao", "short": "KH vốn", "phrase": "kế hoạch vốn giao"},
    ],
    "sector": [
        {"code": "kinh_te", "name": "Về phát triển kinh tế", "short": "Kinh tế", "outline": "1"},
        {"code": "thuong_mai", "name": "Thương mại, dịch vụ và du lịch", "short": "Thương mại",
         "parent": "kinh_te", "outline": "a"},
        {"code": "ngan_sach", "name": "Thu, chi ngân sách", "short": "Ngân sách", "parent": "kinh_te", "outline": "d"},
        {"code": "y_te", "name": "Y tế", "short": "Y tế", "outline": "c"},
    ],
    "indicator": [
        {"code": "ban_le", "name": "Tổng mức bán lẻ", "unit": "tỷ đồng", "sector": "thuong_mai", "kind": "flow"},
        {"code": "ban_le_hang_hoa", "name": "Bán lẻ hàng hóa", "unit": "tỷ đồng", "sector": "thuong_mai",
         "kind": "flow", "parent": "ban_le"},
        {"code": "khach", "name": "Lượt khách du lịch", "unit": "lượt người", "sector": "thuong_mai", "kind": "flow"},
        {"code": "thu_nsdp", "name": "Tổng thu NSĐP", "unit": "triệu đồng", "sector": "ngan_sach", "kind": "flow",
         "entry": "ytd", "measured_by": "thu_tru_cn", "parts": "partial"},
        {"code": "thu_chuyen_nguon", "name": "Thu chuyển nguồn", "unit": "triệu đồng", "sector": "ngan_sach",
         "kind": "flow", "entry": "ytd", "parent": "thu_nsdp"},
        {"code": "thu_tru_cn", "name": "Tổng thu NSĐP trừ chuyển nguồn", "unit": "triệu đồng",
         "sector": "ngan_sach", "kind": "flow", "formula": "thu_nsdp - thu_chuyen_nguon"},
        {"code": "kh_von", "name": "Kế hoạch vốn đầu tư công", "unit": "triệu đồng", "sector": "ngan_sach",
         "kind": "stock"},
        {"code": "giai_ngan", "name": "Giải ngân vốn đầu tư công", "unit": "triệu đồng", "sector": "ngan_sach",
         "kind": "flow", "entry": "ytd", "plan_indicator": "kh_von"},
        {"code": "dien_tich_che", "name": "Diện tích chè", "unit": "ha", "sector": "kinh_te", "kind": "stock",
         "decimals": 2},
        {"code": "suy_dinh_duong", "name": "Tỷ lệ trẻ suy dinh dưỡng", "unit": "%", "sector": "y_te",
         "kind": "rate", "direction": "down", "decimals": 1},
        {"code": "tang_dan_so", "name": "Tỷ lệ tăng dân số tự nhiên", "unit": "‰", "sector": "y_te",
         "kind": "rate", "direction": "range", "decimals": 2},
        {"code": "don_nhan", "name": "Số đơn tiếp nhận", "unit": "đơn", "sector": "y_te", "kind": "flow"},
        {"code": "don_xong", "name": "Số đơn đã giải quyết", "unit": "đơn", "sector": "y_te", "kind": "flow"},
        {"code": "ty_le_don", "name": "Tỷ lệ giải quyết đơn", "unit": "%", "sector": "y_te", "kind": "rate",
         "formula": "don_xong / don_nhan * 100", "decimals": 1},
    ],
}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lcapp.sqlite"


@pytest.fixture
def store(db_path: Path):
    """A database made by `init`: the bundled catalogue, organisation and settings."""
    s = create_database(db_path)
    yield s
    s.close()


@pytest.fixture
def mini(tmp_path: Path):
    """A database with the small test catalogue and the bundled organisation."""
    s = Store(tmp_path / "mini.sqlite", create=True)
    load_catalogue(s, MINI_CATALOGUE)
    sectors = {row["code"] for row in MINI_CATALOGUE["sector"]}
    data = read_organisation_file(resource("organisation.toml"))
    for unit in data["unit"]:
        unit["sectors"] = [code for code in unit.get("sectors", []) if code in sectors]
    load_organisation(s, data, sectors)
    load_documents(s, read_documents_file(resource("documents.toml")))
    yield s
    s.close()


def file_digest(path: Path) -> str:
    """Hash of a database file and its WAL, to prove nothing was written."""
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(str(path) + suffix)
        if part.exists():
            digest.update(part.read_bytes())
    return digest.hexdigest()


def table_rows(store: Store) -> dict[str, list]:
    """Every row of every table, to compare a database before and after."""
    result = {}
    for table in store.db.table_names():
        rows = store.conn.execute(f"SELECT * FROM [{table}]").fetchall()
        result[table] = sorted((tuple(r) for r in rows), key=repr)
    return result


def run_cli(capsys, *argv) -> tuple[int, str, str]:
    """Run the command line in-process: (exit status, stdout, stderr)."""
    from lcapp.cli import main
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
