"""Packages are signed by their installation; the receiving office pins each sender's key on first
contact, refuses a changed key, an unsigned package from a sender that signed before, and its own
installation id coming back from outside."""

import json
import shutil
import sqlite3

import pytest

from lcapp.intake.incoming import open_incoming
from lcapp.models import signing
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.handover import export_package
from lcapp.models.merge import apply_package, preview
from lcapp.models.package_check import check_package, create_schema
from lcapp.models.schema import MIGRATIONS, SCHEMA_VERSION
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from tests.conftest import file_digest, run_cli, table_rows
from tests.handover_helpers import MONTH, RETAIL, WARD, edit_package, figure, office


@pytest.fixture
def ward(tmp_path):
    store = office(tmp_path / "ward.sqlite", WARD)
    enter(store, WARD, MONTH, RETAIL, 120.5)
    yield store
    store.close()


@pytest.fixture
def city(tmp_path):
    store = office(tmp_path / "city.sqlite", "tp_lai_chau")
    yield store
    store.close()


def package_of(ward, tmp_path, name="goi.lcgoi"):
    path = tmp_path / name
    path.unlink(missing_ok=True)
    export_package(ward, WARD, [MONTH], path)
    return path


def refused(city, path, words):
    rows, digest = table_rows(city), file_digest(city.path)
    with pytest.raises(InputError, match=words):
        incoming = open_incoming(city, path)
        incoming.apply(city, accept_sender=True, take="theirs")
    assert table_rows(city) == rows and file_digest(city.path) == digest


def test_every_database_has_its_own_key_and_packages_carry_it_signed(ward, city, tmp_path):
    own = signing.public_key_of(ward.meta(signing.KEY_META))
    assert own != signing.public_key_of(city.meta(signing.KEY_META))
    package = check_package(city, package_of(ward, tmp_path))
    assert package.public_key == own
    assert signing.KEY_META not in package_of(ward, tmp_path).read_bytes().decode("latin-1")
    assert ward.meta(signing.KEY_META) not in package_of(ward, tmp_path).read_bytes().decode("latin-1")


def test_the_first_package_pins_the_key_and_the_next_needs_no_confirmation(ward, city, tmp_path):
    first = open_incoming(city, package_of(ward, tmp_path))
    assert first.preview.sender_status == "unknown" and first.preview.needs_sender_acceptance
    first.apply(city, accept_sender=True)
    pinned = city.query("SELECT installation, public_key FROM sender_keys")
    assert pinned == [{"installation": ward.installation_id, "public_key": check_package(
        city, package_of(ward, tmp_path)).public_key}]
    enter(ward, WARD, MONTH, RETAIL, 130)
    second = open_incoming(city, package_of(ward, tmp_path))
    assert second.preview.sender_status == "known" and not second.preview.needs_sender_acceptance
    second.apply(city)
    assert figure(city)["month_value"] == 130


def test_a_package_edited_and_resummed_by_hand_is_refused(ward, city, tmp_path):
    open_incoming(city, package_of(ward, tmp_path)).apply(city, accept_sender=True)
    forged = package_of(ward, tmp_path, "gia.lcgoi")
    edit_package(forged, "UPDATE figures SET month_value = 999, version = version + 5")  # SHA recomputed, no key
    refused(city, forged, "không có chữ ký")


def test_a_package_signed_with_another_key_is_refused_as_a_changed_key(ward, city, tmp_path):
    open_incoming(city, package_of(ward, tmp_path)).apply(city, accept_sender=True)
    forged = package_of(ward, tmp_path, "gia.lcgoi")
    edit_package(forged, "UPDATE figures SET month_value = 999, version = version + 5",
                 sign_with=signing.new_private_key())
    refused(city, forged, "khóa ký của máy gửi .* đã thay đổi")


def test_a_changed_key_confirmed_by_its_office_is_taken_and_pinned(ward, city, tmp_path, capsys):
    open_incoming(city, package_of(ward, tmp_path)).apply(city, accept_sender=True)
    new_key = signing.new_private_key()
    with ward.write() as conn:  # the ward's computer was reinstalled: a new key, the same installation id
        conn.execute("UPDATE meta SET value = ? WHERE key = ?", (new_key, signing.KEY_META))
    enter(ward, WARD, MONTH, RETAIL, 140)
    path = package_of(ward, tmp_path, "cai-lai.lcgoi")
    city.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    code, _, err = run_cli(capsys, "--db", city.path, "handover-import", path)
    assert code == 2 and "đã thay đổi" in err and "--accept-new-key" in err
    code, out, _ = run_cli(capsys, "--db", city.path, "handover-import", path, "--accept-new-key")
    assert code == 0, out
    assert city.query("SELECT public_key FROM sender_keys")[0]["public_key"] == signing.public_key_of(new_key)
    assert figure(city)["month_value"] == 140


def test_a_flipped_signature_is_refused(ward, city, tmp_path):
    path = package_of(ward, tmp_path)
    edit_package(path, "UPDATE handover_manifest SET signature = "
                       "substr(signature, 1, 10) || (CASE substr(signature, 11, 1) WHEN 'a' THEN 'b' ELSE 'a' END)"
                       " || substr(signature, 12)", resign=False)
    with pytest.raises(InputError, match="chữ ký"):
        check_package(city, path)


def test_a_package_claiming_to_come_from_this_office_is_refused(ward, city, tmp_path):
    forged = package_of(ward, tmp_path)
    edit_package(forged, f"UPDATE handover_manifest SET sender = '{city.installation_id}'",
                 f"UPDATE figures SET origin = '{city.installation_id}'")
    refused(city, forged, "chính máy này")
    signed = package_of(ward, tmp_path, "ky.lcgoi")
    edit_package(signed, f"UPDATE handover_manifest SET sender = '{city.installation_id}'",
                 sign_with=signing.new_private_key())
    refused(city, signed, "chính máy này")


def test_this_office_may_read_back_its_own_package(ward, tmp_path):
    shown = open_incoming(ward, package_of(ward, tmp_path))
    assert shown.preview.sender_status == "self" and not shown.preview.needs_sender_acceptance


def test_an_unsigned_package_of_an_older_version_needs_confirmation(ward, city, tmp_path, capsys):
    path = package_of(ward, tmp_path)
    edit_package(path, "UPDATE handover_manifest SET public_key = '', signature = ''", resign=False)
    incoming = open_incoming(city, path)
    assert incoming.preview.sender_status == "unsigned" and incoming.preview.needs_sender_acceptance
    city.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    digest = file_digest(city.path)
    code, _, err = run_cli(capsys, "--db", city.path, "handover-import", path)
    assert code == 2 and "không có chữ ký" in err and file_digest(city.path) == digest
    incoming.apply(city, accept_sender=True)
    assert figure(city)["month_value"] == 120.5
    assert city.query("SELECT count(*) AS n FROM sender_keys")[0]["n"] == 0  # nothing to pin


def test_a_whole_database_proves_its_origin_by_its_key(ward, city, tmp_path):
    ward.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "ward-copy.sqlite"
    shutil.copyfile(ward.path, copy)
    first = open_incoming(city, copy)
    assert first.package.public_key == signing.public_key_of(ward.meta(signing.KEY_META))
    first.apply(city, accept_sender=True)
    impostor = create_database(tmp_path / "impostor.sqlite")  # same installation id, its own key
    with impostor.write() as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'installation_id'", (ward.installation_id,))
        conn.execute("INSERT INTO settings VALUES ('reporting_unit', ?) ON CONFLICT (key) DO UPDATE SET "
                     "value = excluded.value", (json.dumps(WARD),))
    enter(impostor, WARD, MONTH, RETAIL, 5)
    impostor.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    impostor.close()
    refused(city, tmp_path / "impostor.sqlite", "đã thay đổi")


def test_an_older_database_gets_a_key_when_it_is_opened(tmp_path):
    """A file of the schema before signed packages: opening it migrates it and makes its key."""
    before_signatures = next(n for n, name, _ in MIGRATIONS if name.startswith("signed packages")) - 1
    conn = sqlite3.connect(tmp_path / "cu.sqlite")
    create_schema(conn, before_signatures)
    conn.execute("INSERT INTO meta VALUES ('installation_id', 'cu-1')")
    conn.commit()
    conn.close()
    again = Store(tmp_path / "cu.sqlite")
    assert signing.is_hex(again.meta(signing.KEY_META), signing.KEY_HEX_CHARS)
    assert again.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again.close()


def test_preview_of_a_forged_sender_in_the_window_path_is_refused_too(ward, city, tmp_path):
    open_incoming(city, package_of(ward, tmp_path)).apply(city, accept_sender=True)
    forged = package_of(ward, tmp_path, "gia.lcgoi")
    edit_package(forged, "UPDATE figures SET month_value = 1", sign_with=signing.new_private_key())
    package = check_package(city, forged)
    with pytest.raises(InputError, match="đã thay đổi"):
        preview(city, package)
    with pytest.raises(InputError, match="đã thay đổi"):
        apply_package(city, package, accept_sender=True)
