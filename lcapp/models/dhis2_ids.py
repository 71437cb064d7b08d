"""DHIS2 identifiers of LCApp's objects: what the metadata and values files write and what the
DHIS2 readers look up, kept in the core so that both sides compute the same uids.

Every object's uid is computed from "lcapp:<kind>:<code>" (SHA-256 mapped onto DHIS2's uid
alphabet: a letter, then 10 of [a-zA-Z0-9]), so a second export names the same objects.
"""

from __future__ import annotations

import functools
import hashlib
import re

from .catalogue import catalogue
from .organisation import Organisation, Unit, organisation
from .store import Store

UID_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
UID_CHARACTERS = UID_LETTERS + "0123456789"
UID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


@functools.lru_cache(maxsize=65536)
def dhis2_uid(kind: str, code: str) -> str:
    """The fixed DHIS2 uid of one of our objects: a letter, then 10 of [a-zA-Z0-9]."""
    number = int.from_bytes(hashlib.sha256(f"lcapp:{kind}:{code}".encode()).digest(), "big")
    number, first = divmod(number, len(UID_LETTERS))
    chars = [UID_LETTERS[first]]
    for _ in range(10):
        number, index = divmod(number, len(UID_CHARACTERS))
        chars.append(UID_CHARACTERS[index])
    return "".join(chars)


def geographic_units(org: Organisation) -> list[Unit]:
    """The units figures are stored under (departments report for one of them)."""
    return [u for u in org.units.values() if not u.is_department]


def uid_lookup(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """(data element uid -> indicator code, org unit uid -> unit code) for reading DHIS2 files."""
    cat, org = catalogue(store), organisation(store)
    elements = {dhis2_uid("dataElement", code): code for code in cat.indicators}
    units = {dhis2_uid("organisationUnit", u.code): u.code for u in geographic_units(org)}
    return elements, units
