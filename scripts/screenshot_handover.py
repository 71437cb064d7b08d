"""Render the import preview (Tệp → Nhập gói dữ liệu) of a ward's second package to docs/ui-nhap-goi.png.

Usage: python scripts/screenshot_handover.py [OUT_DIR]   (runs offscreen; needs no display)

Two offices: the ward sends May and June; the city takes the first package, then both change
figures, the city locks June, and the ward sends again: new, changed, conflicting, refused and
identical rows in one preview.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lcapp.intake.incoming import open_incoming  # noqa: E402
from lcapp.models.figures import enter  # noqa: E402
from lcapp.models.handover import export_package  # noqa: E402
from lcapp.models.locks import lock  # noqa: E402
from lcapp.models.setup import create_database  # noqa: E402
from lcapp.models.store import set_settings  # noqa: E402

WARD = "p_tan_phong"
MAY = {"tm_ban_le": 120.5, "tm_ban_le_hang_hoa": 80, "tm_doanh_thu_dich_vu": 40.5, "tm_khach_du_lich": 1500,
       "tm_doanh_thu_du_lich": 12.3, "nn_dt_lua": 212.4}


def office(path: Path, unit: str):
    store = create_database(path)
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": unit})
    return store


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ward, city = office(folder / "ward.sqlite", WARD), office(folder / "city.sqlite", "tp_lai_chau")
        for code, value in MAY.items():
            enter(ward, WARD, "202405", code, value, user="Lò Thị Mai")
        enter(ward, WARD, "202406", "tm_ban_le", 131, user="Lò Thị Mai")
        export_package(ward, WARD, ["202405", "202406"], folder / "1.lcpkg")
        first = open_incoming(city, folder / "1.lcpkg")
        first.apply(city, accept_sender=True)
        enter(ward, WARD, "202405", "tm_ban_le", 125, user="Lò Thị Mai")
        enter(ward, WARD, "202405", "tm_khach_du_lich", 1620, user="Lò Thị Mai")
        enter(city, WARD, "202405", "tm_khach_du_lich", 1580, user="Trần Văn Bình")
        enter(ward, WARD, "202405", "tm_vi_pham", 3, user="Lò Thị Mai")
        enter(ward, WARD, "202405", "nn_dt_che", 86.25, user="Lò Thị Mai")
        enter(ward, WARD, "202406", "tm_ban_le", 133.5, user="Lò Thị Mai")
        lock(city, WARD, "202406")
        export_package(ward, WARD, ["202405", "202406"], folder / f"{WARD}-202405-202406.lcpkg")
        incoming = open_incoming(city, folder / f"{WARD}-202405-202406.lcpkg")

        from lcapp.ui.app import make_application
        from lcapp.ui.package_import import ImportDialog

        app = make_application()
        dialog = ImportDialog(city, incoming)
        dialog.resize(1180, 470)
        dialog.show()
        app.processEvents()
        conflict = dialog.model.row_of("figure", [WARD, 202405, "tm_khach_du_lich"])
        dialog.model.setData(dialog.model.index(conflict, 8), "theirs")
        app.processEvents()
        dialog.grab().save(str(out / "ui-nhap-goi.png"))
        dialog.close()
        ward.close()
        city.close()
        print(f"wrote {out / 'ui-nhap-goi.png'}")


if __name__ == "__main__":
    main()
