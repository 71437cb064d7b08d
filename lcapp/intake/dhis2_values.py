"""DHIS2 dataValueSets JSON in: values named by our uids (as `export --format dhis2` writes
them) or by our codes (`idScheme=code`), month periods only.

A DHIS2 file holds month values, so each value is read as the month's own figure
(basis "month"), whatever the catalogue says officials type. Category and attribute option
combos are the instance's defaults (our metadata has no other) and are not read; nor are
`storedBy` and `followup` (the import is recorded under the importing user, with history).
`period` and `orgUnit` given once at the top of the file apply to values without their own.

LCApp's own JSON (`export --format lcapp-json`: basis as categoryOptionCombo, status as
attributeOptionCombo) is recognised by those codes and read as before. Either way every
value then goes through `interchange`'s checks and `prepare_change`, like a typed figure.
"""

from __future__ import annotations

from ..models.dhis2_ids import uid_lookup
from .interchange import lcapp_json_records
from ..models.figures import BASES, STATUSES
from ..models.limits import parse_json
from ..models.store import Store


def is_lcapp_json(records: list[tuple[str, dict]]) -> bool:
    """True when some value names an LCApp basis or status where DHIS2 has option combos."""
    return any(r.get("basis") in BASES or r.get("status") in STATUSES for _where, r in records)


def json_records(store: Store, text: str, name: str) -> list[tuple[str, dict]]:
    """(where, record) per value of a JSON file, records as `interchange` validates them."""
    records = lcapp_json_records(text, name)  # refuses what is not JSON with a dataValues list
    if is_lcapp_json(records):
        return records
    root = parse_json(text, f"Tệp {name}")
    elements, units = uid_lookup(store)
    result = []
    for (where, record), item in zip(records, root["dataValues"]):
        if "_error" in record:
            result.append((where, record))
            continue
        if item.get("deleted") is True:
            result.append((where, {"_error": "giá trị đã bị xóa trên DHIS2 (deleted)"}))
            continue
        element = str(item.get("dataElement") or "").strip()
        unit = str(item.get("orgUnit") or root.get("orgUnit") or "").strip()
        result.append((where, {
            "indicator": elements.get(element, element), "unit": units.get(unit, unit),
            "period": item.get("period") or root.get("period"), "value": item.get("value"),
            "comment": item.get("comment"), "basis": "month", "status": None}))
    return result
