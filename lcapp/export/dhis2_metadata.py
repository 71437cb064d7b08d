"""A DHIS2 metadata file (`POST /api/metadata`) for LCApp's catalogue, organisation and rules.

Every object gets a DHIS2 uid (11 characters from [a-zA-Z0-9], a letter first) derived from
"lcapp:<kind>:<code>", so importing a second export updates the objects of the first instead
of duplicating them. Our codes travel as DHIS2 `code`, so data can also be matched by code.

What goes in:
- `dataElements`: one per indicator that is entered (derived ones become indicators), domain
  AGGREGATE, a value type and an aggregation type from the catalogue (see `value_type`,
  `aggregation_type`), `zeroIsSignificant` (a zero figure is a figure), no category combo, so
  DHIS2 gives each the default one; and one per target source and indicator that has yearly
  targets of that source (code "kh.<source>.<indicator>").
- `dataSets`: the Monthly report with one section per sector in the catalogue's order, and
  one Yearly data set per target source.
- `organisationUnits`: the geographic tree (departments enter figures for their unit, so they
  are not DHIS2 units) with openingDate and closedDate from the units' validity (the 2025
  reform closes the city and its wards on 30/06/2025 and opens the new wards on 01/07/2025).
- `indicatorTypes` (one, factor 1) and `indicators` for the derived formulas.
- `validationRules` from the catalogue's `[[rule]]` entries.

Field names and enumerations follow DHIS2's documentation; tests/test_dhis2_metadata.py
names the pages.
"""

from __future__ import annotations

import json
import re

from ..models.catalogue import Catalogue, Indicator, catalogue
from ..models.organisation import Organisation, Unit, organisation
from ..models.setup import default_settings
from ..models.dhis2_ids import dhis2_uid, geographic_units
from ..models.store import Store

SHORT_NAME_LENGTH = 50
NAME_LENGTH = 230
UNKNOWN_OPENING_DATE = "1970-01-01"  # DHIS2's documented default opening date
MONTHLY_DATA_SET = "lcapp_bao_cao_thang"
INDICATOR_TYPE = "lcapp_he_so_1"
# How LCApp's rule operators and importances read in DHIS2.
OPERATORS = {"==": "equal_to", "!=": "not_equal_to", ">": "greater_than", ">=": "greater_than_or_equal_to",
             "<": "less_than", "<=": "less_than_or_equal_to"}
IMPORTANCES = {"error": "HIGH", "warning": "MEDIUM", "note": "LOW"}
RULE_PERIOD_TYPES = {"value": "Monthly", "ytd": "Yearly"}
_NAME_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def target_code(source: str, indicator: str) -> str:
    return f"kh.{source}.{indicator}"


def count_units(store: Store) -> set[str]:
    """Units of measure that count things (người, hồ sơ...): whole numbers in DHIS2.

    The setting `dhis2_count_units`; a database made before it existed uses the default in
    resources/settings.toml.
    """
    units = store.setting("dhis2_count_units")
    if units is None:
        units = default_settings().get("dhis2_count_units", [])
    return set(units)


def value_type(ind: Indicator, counts: set[str]) -> str:
    """PERCENTAGE for whole-number percents within 0-100; INTEGER_ZERO_OR_POSITIVE for counts; else NUMBER.

    DHIS2's PERCENTAGE takes whole numbers 0-100 only, so a percent with decimals (97,1%) or
    allowed above 100 (vaccination coverage) is a NUMBER.
    """
    low = 0.0 if ind.min_value is None else ind.min_value
    if ind.unit == "%":
        high = 100.0 if ind.max_value is None else ind.max_value
        whole = ind.decimals == 0 and low >= 0 and high <= 100
        return "PERCENTAGE" if whole else "NUMBER"
    if ind.unit in counts and ind.decimals == 0 and low >= 0:
        return "INTEGER_ZERO_OR_POSITIVE"
    return "NUMBER"


def aggregation_type(ind: Indicator) -> str:
    """Flows add up over months (SUM); stocks are levels (LAST: the latest, summed over units).

    Rates are levels that do not add up over units: LAST_AVERAGE_ORG_UNIT (the latest value,
    averaged in the organisation unit hierarchy), as DHIS2 documents for such data; so is a
    stock the catalogue marks as not summable.
    """
    if ind.kind == "flow":
        return "SUM"
    if ind.kind == "stock" and ind.summable:
        return "LAST"
    return "LAST_AVERAGE_ORG_UNIT"


def _short_names(items: list[tuple[str, str]]) -> dict[str, str]:
    """code -> a short name of at most 50 characters, unique among `items` (code, name)."""
    result, used = {}, set()
    for code, name in items:
        short = name if len(name) <= SHORT_NAME_LENGTH else name[:SHORT_NAME_LENGTH - 1].rstrip() + "…"
        if short in used:
            suffix = f" ({dhis2_uid('short', code)[:5]})"
            short = short[:SHORT_NAME_LENGTH - len(suffix)].rstrip() + suffix
        used.add(short)
        result[code] = short
    return result


def _unique_names(items: list[tuple[str, str]], qualifier) -> dict[str, str]:
    """code -> name, with `qualifier(code)` added to names that several items share."""
    counts: dict[str, int] = {}
    for _code, name in items:
        counts[name] = counts.get(name, 0) + 1
    return {code: (f"{name} ({qualifier(code)})" if counts[name] > 1 else name)[:NAME_LENGTH]
            for code, name in items}


def expression(cat: Catalogue, text: str) -> str:
    """A catalogue formula with each code as #{uid}; derived indicators are expanded in brackets."""
    def replace(match: re.Match) -> str:
        code = match.group(0)
        ind = cat.indicators.get(code)
        if ind is None:
            return code
        if ind.derived:
            return f"({expression(cat, ind.formula)})"
        return "#{" + dhis2_uid("dataElement", code) + "}"
    return _NAME_TOKEN.sub(replace, text)


def _ref(kind: str, code: str) -> dict:
    return {"id": dhis2_uid(kind, code)}


def _data_elements(cat: Catalogue, entered: list[Indicator], counts: set[str],
                   target_pairs: list[tuple[str, str]]) -> list[dict]:
    names = _unique_names([(i.code, i.name) for i in entered], lambda code: code)
    target_names = {target_code(s, i): f"{cat.sources[s].short}: {names[i]}"[:NAME_LENGTH] for s, i in target_pairs}
    all_names = [(i.code, names[i.code]) for i in entered] + list(target_names.items())
    shorts = _short_names(all_names)
    elements = []
    for ind in entered:
        elements.append({
            "id": dhis2_uid("dataElement", ind.code), "code": ind.code, "name": names[ind.code],
            "shortName": shorts[ind.code], "formName": ind.name, "description": f"ĐVT: {ind.unit}",
            "domainType": "AGGREGATE", "valueType": value_type(ind, counts),
            "aggregationType": aggregation_type(ind), "zeroIsSignificant": True})
    for source, code in target_pairs:
        ind, key = cat.indicators[code], target_code(source, code)
        elements.append({
            "id": dhis2_uid("dataElement", key), "code": key, "name": target_names[key], "shortName": shorts[key],
            "description": f"{cat.sources[source].name}, ĐVT: {ind.unit}", "domainType": "AGGREGATE",
            "valueType": value_type(ind, counts), "aggregationType": aggregation_type(ind),
            "zeroIsSignificant": True})
    return elements


def _validity(unit: Unit) -> str:
    """What tells apart two units of one name: "đến 30/06/2025", "từ 01/07/2025"."""
    if unit.valid_to:
        return f"đến {unit.valid_to.strftime('%d/%m/%Y')}"
    if unit.valid_from:
        return f"từ {unit.valid_from.strftime('%d/%m/%Y')}"
    return unit.code


def _organisation_units(org: Organisation) -> list[dict]:
    units = geographic_units(org)
    names = _unique_names([(u.code, u.name) for u in units], lambda code: _validity(org.units[code]))
    shorts = _short_names([(u.code, names[u.code]) for u in units])
    result = []
    for unit in units:
        item = {"id": dhis2_uid("organisationUnit", unit.code), "code": unit.code, "name": names[unit.code],
                "shortName": shorts[unit.code],
                "openingDate": unit.valid_from.isoformat() if unit.valid_from else UNKNOWN_OPENING_DATE}
        if unit.valid_to:
            item["closedDate"] = unit.valid_to.isoformat()
        if unit.parent:
            item["parent"] = _ref("organisationUnit", unit.parent)
        result.append(item)
    return result


def _data_set(code: str, name: str, period_type: str, element_codes: list[str], units: list[Unit]) -> dict:
    uid = dhis2_uid("dataSet", code)
    return {"id": uid, "code": code, "name": name, "shortName": name[:SHORT_NAME_LENGTH], "periodType": period_type,
            "dataSetElements": [{"dataSet": {"id": uid}, "dataElement": _ref("dataElement", c)}
                                for c in element_codes],
            "organisationUnits": [_ref("organisationUnit", u.code) for u in units]}


def _sections(cat: Catalogue, entered: list[Indicator]) -> list[dict]:
    sections = []
    for sector in cat.sectors.values():
        codes = [i.code for i in entered if i.sector == sector.code]
        if not codes:
            continue
        sections.append({"id": dhis2_uid("section", sector.code), "code": sector.code,
                         "name": f"{sector.outline}. {sector.name}"[:NAME_LENGTH], "sortOrder": len(sections) + 1,
                         "dataSet": _ref("dataSet", MONTHLY_DATA_SET),
                         "dataElements": [_ref("dataElement", c) for c in codes]})
    return sections


def _indicators(cat: Catalogue) -> list[dict]:
    derived = [i for i in cat.indicators.values() if i.derived]
    names = _unique_names([(i.code, i.name) for i in derived], lambda code: code)
    shorts = _short_names([(i.code, names[i.code]) for i in derived])
    return [{"id": dhis2_uid("indicator", ind.code), "code": ind.code, "name": names[ind.code],
             "shortName": shorts[ind.code], "description": f"ĐVT: {ind.unit}",
             "numerator": expression(cat, ind.formula), "numeratorDescription": ind.formula,
             "denominator": "1", "denominatorDescription": "1", "annualized": False, "decimals": ind.decimals,
             "indicatorType": _ref("indicatorType", INDICATOR_TYPE)} for ind in derived]


def _validation_rules(cat: Catalogue) -> list[dict]:
    rules = []
    for rule in cat.rules:
        rules.append({
            "id": dhis2_uid("validationRule", rule.code), "code": rule.code, "name": rule.message[:NAME_LENGTH],
            "description": rule.message, "instruction": rule.message,
            "importance": IMPORTANCES[rule.importance], "operator": OPERATORS[rule.operator],
            "periodType": RULE_PERIOD_TYPES[rule.quantity],
            "leftSide": {"expression": expression(cat, rule.left_side), "description": rule.left_side,
                         "missingValueStrategy": "SKIP_IF_ANY_VALUE_MISSING"},
            "rightSide": {"expression": expression(cat, rule.right_side), "description": rule.right_side,
                          "missingValueStrategy": "SKIP_IF_ANY_VALUE_MISSING"}})
    return rules


def _target_pairs(store: Store, cat: Catalogue) -> list[tuple[str, str]]:
    """(source, indicator) of every yearly target, in the catalogue's order."""
    rows = store.query("SELECT DISTINCT source, indicator FROM targets WHERE length(period) = 4")
    present = {(r["source"], r["indicator"]) for r in rows}
    return [(s, i) for s in cat.sources for i in cat.indicators if (s, i) in present and not cat.indicators[i].derived]


def metadata(store: Store) -> dict:
    """The whole metadata payload, in a stable order."""
    cat, org = catalogue(store), organisation(store)
    entered = [i for i in cat.indicators.values() if not i.derived]
    units = geographic_units(org)
    pairs = _target_pairs(store, cat)
    data_sets = [_data_set(MONTHLY_DATA_SET, "LCApp - Báo cáo kinh tế - xã hội hằng tháng", "Monthly",
                           [i.code for i in entered], units)]
    for source in cat.sources.values():
        codes = [target_code(s, i) for s, i in pairs if s == source.code]
        if codes:
            data_sets.append(_data_set(f"lcapp_ke_hoach_{source.code}", f"LCApp - {source.name}"[:NAME_LENGTH],
                                       "Yearly", codes, units))
    return {
        "dataElements": _data_elements(cat, entered, count_units(store), pairs),
        "dataSets": data_sets,
        "sections": _sections(cat, entered),
        "organisationUnits": _organisation_units(org),
        "indicatorTypes": [{"id": dhis2_uid("indicatorType", INDICATOR_TYPE), "code": INDICATOR_TYPE,
                            "name": "LCApp - Số (hệ số 1)", "factor": 1, "number": True}],
        "indicators": _indicators(cat),
        "validationRules": _validation_rules(cat),
    }


def export_metadata(store: Store) -> str:
    """The metadata file's text (JSON, UTF-8 without escapes)."""
    return json.dumps(metadata(store), ensure_ascii=False, indent=1) + "\n"
