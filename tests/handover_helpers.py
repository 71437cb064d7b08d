"""Helpers shared by the handover tests: two offices, and hand-editing a package."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from lcapp.models import signing
from lcapp.models.package_check import MANIFEST_COLUMNS, PACKAGE_TABLES, canonical_sha256
from lcapp.models.setup import create_database
from lcapp.models.store import set_settings

WARD = "p_tan_phong"
MONTH = "202405"
RETAIL, GOODS, TOURISTS = "tm_ban_le", "tm_ban_le_hang_hoa", "tm_khach_du_lich"


def office(path: Path, unit: str):
    """A database made by init whose office reports for `unit`."""
    store = create_database(path)
    with store.write() as conn:
        set_settings(conn, {"reporting_unit": unit})
    return store


def figure(store, unit=WARD, month=202405, indicator=RETAIL):
    row = store.conn.execute("SELECT * FROM figures WHERE unit = ? AND month = ? AND indicator = ?",
                             (unit, month, indicator)).fetchone()
    return dict(row) if row else None


def edit_package(path: Path, *statements: str, resign: bool = True, sign_with: str | None = None) -> None:
    """Change a package by hand; with `resign`, recompute counts and SHA-256 as a forger would, and
    drop the signature (a forger has not the sender's key) or sign with the private key `sign_with`."""
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    for statement in statements:
        conn.execute(statement)
    if resign:
        rows = {}
        for table, (columns, key) in PACKAGE_TABLES.items():
            rows[table] = [dict(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")]
        manifest = dict(conn.execute("SELECT * FROM handover_manifest").fetchone())
        manifest["row_counts"] = json.dumps({t: len(r) for t, r in rows.items()})
        sha256 = canonical_sha256({c: manifest[c] for c in MANIFEST_COLUMNS}, rows)
        public_key, signature = "", ""
        if sign_with is not None:
            public_key, signature = signing.public_key_of(sign_with), signing.sign(sign_with, sha256)
        conn.execute("UPDATE handover_manifest SET row_counts = ?, sha256 = ?, public_key = ?, signature = ?",
                     (manifest["row_counts"], sha256, public_key, signature))
    conn.commit()
    conn.close()
