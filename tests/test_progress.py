import pytest

from lcapp.models.figures import enter
from lcapp.models.organisation import organisation
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.targets import set_target


def by_code(store, unit, period, codes=None):
    return {row.indicator: row for row in progress(store, unit, period, codes)}


def enter_months(store, unit, indicator, year, values, basis=None):
    for month, value in enumerate(values, start=1):
        if value is not None:
            enter(store, unit, f"{year}{month:02d}", indicator, value, basis=basis, user="t")


def test_flows_add_up_over_months_and_periods(mini):
    enter_months(mini, "tp_lai_chau", "ban_le", 2024, [100, 110, 120, 130, 140, 150])
    rows = by_code(mini, "tp_lai_chau", "202405")
    assert rows["ban_le"].value == 140 and rows["ban_le"].ytd == 600
    assert by_code(mini, "tp_lai_chau", "2024Q2")["ban_le"].value == 420
    assert by_code(mini, "tp_lai_chau", "2024S1")["ban_le"].value == 750
    assert rows["ban_le"].previous_value == 130
    assert rows["ban_le"].change_vs_previous == pytest.approx(140 / 130 * 100 - 100)


def test_a_missing_month_makes_the_year_to_date_unknown_not_partial(mini):
    enter_months(mini, "tp_lai_chau", "ban_le", 2024, [100, None, 120])
    assert by_code(mini, "tp_lai_chau", "202403")["ban_le"].ytd is None
    assert by_code(mini, "tp_lai_chau", "202403")["ban_le"].value == 120


def test_month_values_are_derived_from_year_to_date_entries(mini):
    enter_months(mini, "tp_lai_chau", "thu_nsdp", 2024, [40000, 90000, 150000], basis="ytd")
    rows = by_code(mini, "tp_lai_chau", "202403")
    assert rows["thu_nsdp"].value == 60000 and rows["thu_nsdp"].ytd == 150000
    assert by_code(mini, "tp_lai_chau", "2024Q1")["thu_nsdp"].value == 150000


def test_stocks_take_the_last_value(mini):
    enter_months(mini, "tp_lai_chau", "dien_tich_che", 2024, [954.95, None, 963.45])
    assert by_code(mini, "tp_lai_chau", "2024Q1")["dien_tich_che"].value == 963.45
    assert by_code(mini, "tp_lai_chau", "202402")["dien_tich_che"].value is None
    assert by_code(mini, "tp_lai_chau", "202402")["dien_tich_che"].ytd == 954.95


def test_percent_of_target_pace_and_last_year(mini):
    enter(mini, "tp_lai_chau", "202405", "ban_le", 1931, basis="ytd", user="t")
    enter(mini, "tp_lai_chau", "202305", "ban_le", 1636.4, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "ban_le", "2024", "tinh", 4491, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["ban_le"]
    assert row.targets == {"tinh": 4491}
    assert row.percent_of_target["tinh"] == pytest.approx(42.997, abs=1e-3)
    assert row.as_json()["percent_of_target"] == {"tinh": 43.0}
    assert row.expected_pace == pytest.approx(5 / 12 * 100)
    assert row.behind_pace == {"tinh": False}
    assert row.ytd_percent_vs_last_year == pytest.approx(118.0, abs=0.01)


def test_behind_pace(mini):
    enter(mini, "tp_lai_chau", "202405", "khach", 50000, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["khach"]
    assert row.percent_of_target["tinh"] == pytest.approx(22.22, abs=0.01)
    assert row.behind_pace == {"tinh": True}


def test_less_is_better_and_range_targets_read_the_right_way_round(mini):
    enter(mini, "tp_lai_chau", "202412", "suy_dinh_duong", 9.2, user="t")
    enter(mini, "tp_lai_chau", "202412", "tang_dan_so", 10.04, user="t")
    set_target(mini, "tp_lai_chau", "suy_dinh_duong", "2021-2025", "daihoi", 10.5, user="t")
    set_target(mini, "tp_lai_chau", "tang_dan_so", "2021-2025", "daihoi", low=9.5, high=10, user="t")
    rows = by_code(mini, "tp_lai_chau", "2024")
    assert round(rows["suy_dinh_duong"].percent_of_target["daihoi"]) == 114  # seed 002: "đạt 114%"
    assert rows["tang_dan_so"].percent_of_target["daihoi"] == pytest.approx(99.6, abs=0.05)  # "đạt 99,6%"
    assert rows["tang_dan_so"].range_position == {"daihoi": "above"}
    assert rows["tang_dan_so"].targets == {"daihoi": [9.5, 10]}
    enter(mini, "tp_lai_chau", "202412", "tang_dan_so", 9.8, user="t")
    assert by_code(mini, "tp_lai_chau", "2024")["tang_dan_so"].percent_of_target["daihoi"] == 100


def test_measured_by_applies_the_reports_rule_excluding_carry_over(mini):
    enter(mini, "tp_lai_chau", "202405", "thu_nsdp", 265772, user="t")
    enter(mini, "tp_lai_chau", "202405", "thu_chuyen_nguon", 71283, user="t")
    set_target(mini, "tp_lai_chau", "thu_nsdp", "2024", "tinh", 478000, user="t")
    rows = by_code(mini, "tp_lai_chau", "202405")
    assert rows["thu_tru_cn"].ytd == 194489
    assert rows["thu_nsdp"].percent_of_target["tinh"] == pytest.approx(194489 / 478000 * 100)
    assert rows["thu_nsdp"].measured_by == "thu_tru_cn"


def test_the_capital_plan_is_the_target_of_disbursement(mini):
    enter(mini, "tp_lai_chau", "202405", "kh_von", 111521, user="t")
    enter(mini, "tp_lai_chau", "202405", "giai_ngan", 19986, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["giai_ngan"]
    assert row.targets == {"kh_von": 111521}
    assert round(row.percent_of_target["kh_von"], 1) == 17.9  # seed 000: "đạt 17,9% kế hoạch vốn giao"


def test_derived_ratio_over_months_and_year_to_date(mini):
    enter_months(mini, "tp_lai_chau", "don_nhan", 2024, [10, 9])
    enter_months(mini, "tp_lai_chau", "don_xong", 2024, [5, 2])
    row = by_code(mini, "tp_lai_chau", "202402")["ty_le_don"]
    assert row.value == pytest.approx(2 / 9 * 100)
    assert row.ytd == pytest.approx(7 / 19 * 100)


def test_term_target_against_the_terms_cumulative_figure(mini):
    for year, total in [(2021, 100000), (2022, 150000), (2023, 180000)]:
        enter(mini, "tp_lai_chau", f"{year}12", "khach", total, basis="ytd", user="t")
    enter(mini, "tp_lai_chau", "202405", "khach", 104235, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "khach", "2021-2025", "daihoi", 915000, cumulative=True, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["khach"]
    assert row.term_to_date == {"daihoi": 534235}
    assert row.percent_of_target["daihoi"] == pytest.approx(534235 / 915000 * 100)
    assert "daihoi" not in row.behind_pace  # pace is for annual targets
    enter(mini, "tp_lai_chau", "202405", "khach", 600000, basis="term", user="t")  # an entered term figure wins
    assert by_code(mini, "tp_lai_chau", "202405")["khach"].term_to_date == {"daihoi": 600000}


def test_the_unit_total_is_the_sum_of_its_child_units(mini):
    wards = ["p_doan_ket", "p_quyet_thang", "p_tan_phong", "p_dong_phong", "p_quyet_tien", "x_san_thang",
             "x_sung_phai"]
    for number, ward in enumerate(wards, start=1):
        enter(mini, ward, "202405", "ban_le", 10 * number, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["ban_le"]
    assert row.value == 280 and row.value_from_children
    assert row.children_value == 280 and row.difference_vs_children is None
    enter(mini, "tp_lai_chau", "202405", "ban_le", 300, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["ban_le"]
    assert row.value == 300 and not row.value_from_children
    assert row.difference_vs_children == 20
    # a rate is never summed
    enter(mini, "p_doan_ket", "202405", "suy_dinh_duong", 8, user="t")
    assert by_code(mini, "tp_lai_chau", "202405")["suy_dinh_duong"].value is None


def test_missing_child_unit_means_no_total(mini):
    enter(mini, "p_doan_ket", "202405", "ban_le", 10, user="t")
    row = by_code(mini, "tp_lai_chau", "202405")["ban_le"]
    assert row.value is None and row.children_value is None


def test_after_july_2025_the_province_sums_its_38_units(mini):
    units = [u.code for u in organisation(mini).children("lai_chau", parse_period("202508"))]
    assert len(units) == 38
    for number, unit in enumerate(units):
        enter(mini, unit, "202508", "ban_le", number, user="t")
    row = by_code(mini, "lai_chau", "202508")["ban_le"]
    assert row.value == sum(range(38)) and row.value_from_children and row.children_value == row.value
    enter(mini, units[-1], "202508", "ban_le", clear=True, user="t")
    assert by_code(mini, "lai_chau", "202508")["ban_le"].value is None  # 37 of 38 is no total


def test_status_of_a_period_is_estimate_while_any_month_is(mini):
    enter(mini, "tp_lai_chau", "202401", "ban_le", 1, status="official", user="t")
    enter(mini, "tp_lai_chau", "202402", "ban_le", 1, status="estimate", user="t")
    assert by_code(mini, "tp_lai_chau", "2024Q1")["ban_le"].status == "estimate"
    assert by_code(mini, "tp_lai_chau", "202401")["ban_le"].status == "official"
