"""The DHIS2 metadata file: field names and enumerations from DHIS2's documentation (the pages
are named in tests/dhis2_docs.py: METADATA "Metadata import" and its CSV tables of data
elements, organisation units and validation rules; VALIDATION operators and missing value
strategies; CONFIGURE aggregation types; INTRO period format), uids stable and valid."""

import json
import re

import pytest

from lcapp.cli import main
from lcapp.export.dhis2_metadata import aggregation_type, dhis2_uid, metadata, value_type
from lcapp.models.catalogue import catalogue
from lcapp.models.demo import load_demo
from lcapp.models.targets import set_target
from tests import dhis2_docs as docs


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


def by_code(items):
    return {item["code"]: item for item in items}


def all_ids(meta):
    return [item["id"] for collection in meta.values() for item in collection]


def test_every_collection_field_and_enumeration_is_documented(demo):
    """METADATA / VALIDATION / CONFIGURE: only documented collections, properties and values."""
    meta = metadata(demo)
    assert set(meta) <= docs.METADATA_COLLECTIONS
    for element in meta["dataElements"]:
        assert set(element) <= docs.DATA_ELEMENT_FIELDS
        assert element["valueType"] in docs.VALUE_TYPES
        assert element["aggregationType"] in docs.AGGREGATION_TYPES
        assert element["domainType"] == "AGGREGATE" and element["domainType"] in docs.DOMAIN_TYPES
        assert "categoryCombo" not in element  # "will default to default category combination"
        assert element["zeroIsSignificant"] is True  # DHIS2 drops zeros otherwise
    for unit in meta["organisationUnits"]:
        assert set(unit) <= docs.ORG_UNIT_FIELDS
    for data_set in meta["dataSets"]:
        assert set(data_set) <= docs.DATA_SET_FIELDS and data_set["periodType"] in docs.PERIOD_TYPES
    for section in meta["sections"]:
        assert set(section) <= docs.SECTION_FIELDS
    for indicator in meta["indicators"]:
        assert set(indicator) <= docs.INDICATOR_FIELDS
    for indicator_type in meta["indicatorTypes"]:
        assert set(indicator_type) <= docs.INDICATOR_TYPE_FIELDS
    for rule in meta["validationRules"]:
        assert set(rule) <= docs.VALIDATION_RULE_FIELDS
        assert rule["operator"] in docs.OPERATORS and rule["importance"] in docs.IMPORTANCES
        assert rule["periodType"] in docs.PERIOD_TYPES
        for side in (rule["leftSide"], rule["rightSide"]):
            assert set(side) <= docs.EXPRESSION_FIELDS
            assert side["missingValueStrategy"] in docs.MISSING_VALUE_STRATEGIES


def test_uids_are_valid_unique_and_the_same_in_a_second_export(demo, tmp_path):
    """METADATA: "Exactly 11 alpha-numeric characters, beginning with a letter"."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert main(["--db", str(demo.path), "dhis2-metadata", "--out", str(first)]) == 0
    assert main(["--db", str(demo.path), "dhis2-metadata", "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    meta = json.loads(first.read_text(encoding="utf-8"))
    ids = all_ids(meta)
    assert all(docs.UID.match(uid) for uid in ids) and len(ids) == len(set(ids))
    assert by_code(meta["dataElements"])["tm_ban_le"]["id"] == dhis2_uid("dataElement", "tm_ban_le")
    assert dhis2_uid("dataElement", "tm_ban_le") != dhis2_uid("organisationUnit", "tm_ban_le")


def test_every_reference_points_at_an_object_of_the_file(demo):
    meta = metadata(demo)
    ids = set(all_ids(meta))
    refs = [e["dataElement"]["id"] for d in meta["dataSets"] for e in d["dataSetElements"]]
    refs += [u["id"] for d in meta["dataSets"] for u in d["organisationUnits"]]
    refs += [e["id"] for s in meta["sections"] for e in s["dataElements"]]
    refs += [s["dataSet"]["id"] for s in meta["sections"]]
    refs += [u["parent"]["id"] for u in meta["organisationUnits"] if "parent" in u]
    refs += [i["indicatorType"]["id"] for i in meta["indicators"]]
    assert refs and set(refs) <= ids
    expressions = [i["numerator"] for i in meta["indicators"]]
    expressions += [r[side]["expression"] for r in meta["validationRules"] for side in ("leftSide", "rightSide")]
    element_ids = {e["id"] for e in meta["dataElements"]}
    for text in expressions:  # METADATA "Indicators": #{<data-element-id>}
        used = set(re.findall(r"#\{([A-Za-z0-9]{11})\}", text))
        assert used and used <= element_ids, text


def test_names_and_short_names_are_unique_and_short_names_at_most_50(demo):
    """METADATA, CSV tables: name unique (max 230), short name unique (max 50)."""
    meta = metadata(demo)
    for collection in ("dataElements", "organisationUnits", "indicators"):
        names = [item["name"] for item in meta[collection]]
        shorts = [item["shortName"] for item in meta[collection]]
        assert len(set(names)) == len(names) and len(set(shorts)) == len(shorts)
        assert max(map(len, shorts)) <= 50 and max(map(len, names)) <= 230
    assert all(len(item["code"]) <= 50 for collection in meta.values() for item in collection)


def test_value_and_aggregation_types_follow_the_kind(store):
    """CONFIGURE: SUM for flows, LAST for levels (stocks), LAST_AVERAGE_ORG_UNIT for rates."""
    cat = catalogue(store)
    counts = {"người", "lượt người"}
    retail, tourists = cat.indicators["tm_ban_le"], cat.indicators["tm_khach_du_lich"]
    assert (aggregation_type(retail), value_type(retail, counts)) == ("SUM", "NUMBER")  # tỷ đồng: money
    assert value_type(tourists, counts) == "INTEGER_ZERO_OR_POSITIVE"
    stock = next(i for i in cat.indicators.values() if i.kind == "stock" and i.summable)
    assert aggregation_type(stock) == "LAST"
    rate = next(i for i in cat.indicators.values() if i.kind == "rate" and i.unit == "%" and i.decimals == 1)
    assert aggregation_type(rate) == "LAST_AVERAGE_ORG_UNIT"
    assert value_type(rate, counts) == "NUMBER"  # PERCENTAGE takes whole numbers 0-100 only
    whole = next(i for i in cat.indicators.values() if i.unit == "%" and i.decimals == 0
                 and (i.max_value or 100) <= 100)
    assert value_type(whole, counts) == "PERCENTAGE"
    over = next(i for i in cat.indicators.values() if i.unit == "%" and (i.max_value or 100) > 100)
    assert value_type(over, counts) == "NUMBER"  # vaccination coverage may pass 100%


def test_monthly_data_set_has_a_section_per_sector_in_catalogue_order(store):
    meta = metadata(store)
    cat = catalogue(store)
    monthly = meta["dataSets"][0]
    assert monthly["periodType"] == "Monthly"
    entered = [i.code for i in cat.indicators.values() if not i.derived]
    assert [e["dataElement"]["id"] for e in monthly["dataSetElements"]] == \
        [dhis2_uid("dataElement", c) for c in entered]
    sectors = [s.code for s in cat.sectors.values() if any(i.sector == s.code for i in cat.indicators.values()
                                                            if not i.derived)]
    assert [s["code"] for s in meta["sections"]] == sectors
    assert [s["sortOrder"] for s in meta["sections"]] == list(range(1, len(sectors) + 1))
    assert sorted(e["id"] for s in meta["sections"] for e in s["dataElements"]) == \
        sorted(dhis2_uid("dataElement", c) for c in entered)


def test_organisation_units_carry_the_2025_reform(store):
    """METADATA, CSV table of organisation units: parent, opening date (default 1970-01-01), closed date."""
    units = by_code(metadata(store)["organisationUnits"])
    assert units["tp_lai_chau"]["closedDate"] == "2025-06-30"
    assert units["tp_lai_chau"]["openingDate"] == "1970-01-01"
    assert units["p_tan_phong"]["parent"] == {"id": dhis2_uid("organisationUnit", "tp_lai_chau")}
    new = units["p_tan_phong_2025"]
    assert new["openingDate"] == "2025-07-01" and "closedDate" not in new
    assert new["parent"] == {"id": dhis2_uid("organisationUnit", "lai_chau")}
    assert {units["p_tan_phong"]["name"], new["name"]} == {"Phường Tân Phong (đến 30/06/2025)",
                                                            "Phường Tân Phong (từ 01/07/2025)"}
    assert "tp_tckh" not in units  # departments enter figures for the city: no DHIS2 unit of their own


def test_targets_become_yearly_data_sets_one_per_source(store):
    set_target(store, "tp_lai_chau", "tm_ban_le", "2024", "tinh", 4500)
    set_target(store, "tp_lai_chau", "tm_ban_le", "2024", "hdnd", 4600)
    set_target(store, "tp_lai_chau", "tm_khach_du_lich", "2021-2025", "daihoi", 915000, cumulative=True)
    meta = metadata(store)
    yearly = {d["code"]: d for d in meta["dataSets"] if d["periodType"] == "Yearly"}
    assert set(yearly) == {"lcapp_ke_hoach_tinh", "lcapp_ke_hoach_hdnd"}  # a term is no DHIS2 period
    element = by_code(meta["dataElements"])["kh.tinh.tm_ban_le"]
    assert element["name"].startswith("KH tỉnh: ") and element["aggregationType"] == "SUM"
    assert yearly["lcapp_ke_hoach_tinh"]["dataSetElements"][0]["dataElement"] == {"id": element["id"]}


def test_derived_formulas_and_rules_as_dhis2_expressions(store):
    meta = metadata(store)
    share = by_code(meta["indicators"])["nq01_ty_le"]
    done, all_ = dhis2_uid("dataElement", "nq01_hoan_thanh"), dhis2_uid("dataElement", "nq01_cong_viec")
    assert share["numerator"] == f"#{{{done}}} / #{{{all_}}} * 100" and share["denominator"] == "1"
    rule = by_code(meta["validationRules"])["nq01_hoan_thanh_toi_da"]
    assert (rule["operator"], rule["importance"], rule["periodType"]) == ("less_than_or_equal_to", "HIGH", "Monthly")
    assert rule["leftSide"]["expression"] == f"#{{{done}}}" and rule["rightSide"]["expression"] == f"#{{{all_}}}"


def test_a_derived_indicator_inside_an_expression_is_expanded(store):
    """Validation rules take data elements only (VALIDATION), so a derived code becomes its formula."""
    from lcapp.export.dhis2_metadata import expression
    total, carried = dhis2_uid("dataElement", "ns_thu_nsdp"), dhis2_uid("dataElement", "ns_thu_chuyen_nguon")
    assert expression(catalogue(store), "ns_thu_nsdp_tru_cn * 2") == f"(#{{{total}}} - #{{{carried}}}) * 2"
