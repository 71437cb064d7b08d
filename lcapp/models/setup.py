"""Creating a database: schema, then the bundled catalogue, organisation, terms, document defaults and settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..paths import resource
from .catalogue import load_catalogue, read_catalogue_file
from .documents import load_documents, read_documents_file
from .errors import InputError
from .organisation import load_organisation, read_organisation_file
from .store import Store, set_settings
from .terms import load_terms, read_terms_file


def default_settings() -> dict:
    with open(resource("settings.toml"), "rb") as handle:
        return tomllib.load(handle)


def create_database(path: str | Path) -> Store:
    """Create `path` with the bundled catalogue, organisation and settings; refuse an existing one."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        raise InputError(f"Tệp {path} đã có; không khởi tạo đè lên dữ liệu. Hãy chọn tên tệp khác.")
    store = Store(path, create=True)
    try:
        catalogue_data = read_catalogue_file(resource("catalogue.toml"))
        load_catalogue(store, catalogue_data)
        sectors = {s["code"] for s in catalogue_data.get("sector", [])}
        load_organisation(store, read_organisation_file(resource("organisation.toml")), sectors)
        load_terms(store, read_terms_file(resource("terms.toml")))
        load_documents(store, read_documents_file(resource("documents.toml")))
        with store.write() as conn:
            set_settings(conn, default_settings())
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    return store
