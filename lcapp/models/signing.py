"""Who sent a package: every installation signs its packages with its own Ed25519 key.

The SHA-256 of a package proves it is whole, not who made it: anyone can edit a package and
recompute it. So each installation has a private key, made when its database is created (or,
for a database made by an older LCApp, when it is first opened by this one), kept in the
database's `meta` table beside the installation id, and never exported in a package. A
package's manifest carries the sender's public key and a signature over its SHA-256. The
receiving office pins each sender's key on first contact, when a person accepts the sender
(as SSH does with a host key); from then on a package under that installation id must be
signed by that key, and a changed key is refused with a message saying so.

Decisions: the private key lives in the database, so a copy of the database (a backup, or the
whole file taken to the consolidating office) carries it too; whoever holds a copy of an
office's database can sign as that office, as they could already change its figures. The key
is never printed, logged or put in a package. `cryptography` (pyca, OpenSSL-backed, with
wheels for Windows) is imported only when signing or verifying, to keep the program's start fast.
"""

from __future__ import annotations

import hashlib
import sqlite3

KEY_META = "signing_key"  # meta row: the installation's Ed25519 private key, 32 bytes in hex
DOMAIN = b"LCApp handover package v1\n"  # signatures of packages only, never of anything else
KEY_HEX_CHARS = 64
SIGNATURE_HEX_CHARS = 128


def new_private_key() -> str:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()).hex()


def _private(private_hex: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))


def public_key_of(private_hex: str) -> str:
    """The public key (hex) of a private key (hex); ValueError when it is not one."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if not is_hex(private_hex, KEY_HEX_CHARS):
        raise ValueError("not an Ed25519 private key")
    return _private(private_hex).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def ensure_key(conn: sqlite3.Connection) -> str:
    """The installation's private key, made now if it has none; call inside a write transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY_META,)).fetchone()
    if row is not None:
        return row[0]
    private = new_private_key()
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (KEY_META, private))
    return private


def own_key(store) -> str:
    """This installation's private key; a database made by an older LCApp gets one now (one write)."""
    found = store.meta(KEY_META)
    if found:
        return found
    with store.write() as conn:
        return ensure_key(conn)


def sign(private_hex: str, sha256: str) -> str:
    """The signature (hex) of a package's SHA-256."""
    return _private(private_hex).sign(DOMAIN + sha256.encode("ascii")).hex()


def verify(public_hex: str, sha256: str, signature_hex: str) -> bool:
    """True when `signature_hex` is `public_hex`'s signature of `sha256`; False for anything else."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not (is_hex(public_hex, KEY_HEX_CHARS) and is_hex(signature_hex, SIGNATURE_HEX_CHARS)
            and isinstance(sha256, str) and sha256.isascii()):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(
            bytes.fromhex(signature_hex), DOMAIN + sha256.encode("ascii"))
    except (InvalidSignature, ValueError):
        return False
    return True


def is_hex(value, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and all(c in "0123456789abcdef" for c in value)


def fingerprint(public_hex: str) -> str:
    """A short form of a public key for people to compare by phone: "3f2a-91c0-5b7e-d4a8"."""
    digest = hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))
