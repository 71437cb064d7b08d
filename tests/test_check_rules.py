"""Each built-in rule: figures that trigger it and figures that must not."""

import copy
from datetime import date

import pytest

from lcapp.models.catalogue import catalogue, load_catalogue
from lcapp.models.checks import check_progress, run_checks
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.organisation import organisation
from lcapp.models.periods import parse_period
from lcapp.models.progress import progress
from lcapp.models.store import set_settings
from lcapp.models.targets import set_target
from tests.conftest import MINI_CATALOGUE, table_rows

CITY = "tp_lai_chau"


def found(store, period, indicator, today=None):
    """rule -> finding, for one indicator."""
    return {f.rule: f for f in run_checks(store, CITY, period, today=today) if f.indicator == indicator}


def put(store, period, indicator, value, **kw):
    enter(store, CITY, period, indicator, value, user="t", **kw)


def reload_with(store, change):
    data = copy.deepcopy(MINI_CATALOGUE)
    change(data)
    load_catalogue(store, data)


def indicator_entry(data, code):
    return next(i for i in data["indicator"] if i["code"] == code)


# -- against targets ---------------------------------------------------------------------
def test_pace_tolerance_is_a_setting(mini):
    put(mini, "202406", "khach", 90000, basis="ytd")  # 40% of the target at 6/12 = 50%
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    assert found(mini, "202406", "khach")["behind_pace"].values["tolerance"] == 5.0
    with mini.write() as conn:
        set_settings(conn, {"check_pace_tolerance": 12.0})
    assert "behind_pace" not in found(mini, "202406", "khach")


def test_ceiling_is_a_setting(mini):
    put(mini, "202406", "khach", 300000, basis="ytd")  # 133%
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    assert "above_ceiling" not in found(mini, "202406", "khach")
    with mini.write() as conn:
        set_settings(conn, {"check_ceiling_percent": 120.0})
    assert found(mini, "202406", "khach")["above_ceiling"].values["ceiling"] == 120.0


def test_a_cumulative_term_target_is_checked_against_the_term_to_date(mini):
    set_target(mini, "tp_lai_chau", "khach", "2021-2025", "daihoi", 1000000, cumulative=True, user="t")
    put(mini, "202406", "khach", 300000, basis="term")  # 30% after 42 of 60 months (70%)
    finding = found(mini, "202406", "khach")["term_behind_pace"]
    assert finding.values["expected_pace"] == pytest.approx(70.0)
    assert "lũy kế giai đoạn 2021-2025 (300.000 lượt người) đạt 30%" in finding.message
    assert "(42/60 tháng của nhiệm kỳ)" in finding.message
    put(mini, "202406", "khach", 690000, basis="term")
    assert "term_behind_pace" not in found(mini, "202406", "khach")


def test_less_is_better_level_above_its_target_is_noted(mini):
    set_target(mini, "tp_lai_chau", "suy_dinh_duong", "2024", "tinh", 10.5, user="t")
    put(mini, "202406", "suy_dinh_duong", 12.0)
    finding = found(mini, "202406", "suy_dinh_duong")["target_missed"]
    assert finding.severity == "note" and "12%" in finding.message and "10,5%" in finding.message
    put(mini, "202406", "suy_dinh_duong", 9.2)  # below the target: achieved (114%), nothing to say
    assert "target_missed" not in found(mini, "202406", "suy_dinh_duong")


def test_a_level_outside_its_range_target_is_noted(mini):
    set_target(mini, "tp_lai_chau", "tang_dan_so", "2024", "tinh", low=9.5, high=10.0, user="t")
    put(mini, "202406", "tang_dan_so", 11.0)
    finding = found(mini, "202406", "tang_dan_so")["target_missed"]
    assert "cao hơn khoảng" in finding.message and "9,5-10‰" in finding.message
    assert "above_ceiling" not in found(mini, "202406", "tang_dan_so")
    put(mini, "202406", "tang_dan_so", 9.8)
    assert "target_missed" not in found(mini, "202406", "tang_dan_so")


# -- arithmetic --------------------------------------------------------------------------
def test_a_year_to_date_that_went_down_is_an_error(mini):
    put(mini, "202404", "thu_nsdp", 2010, basis="ytd")
    put(mini, "202405", "thu_nsdp", 1931, basis="ytd")
    finding = found(mini, "202405", "thu_nsdp")["ytd_decreased"]
    assert finding.severity == "error"
    assert finding.message == ("Tổng thu NSĐP: lũy kế tháng 5/2024 (1.931 triệu đồng) nhỏ hơn lũy kế "
                               "tháng 4/2024 (2.010 triệu đồng).")
    put(mini, "202405", "thu_nsdp", 2100, basis="ytd")
    assert "ytd_decreased" not in found(mini, "202405", "thu_nsdp")


def test_a_year_to_date_below_its_own_months_value_is_an_error(mini):
    put(mini, "202406", "ban_le", 500)
    put(mini, "202406", "ban_le", 430, basis="ytd")  # a unit starting mid-year typed its lũy kế too
    finding = found(mini, "202406", "ban_le")["ytd_below_month"]
    assert finding.severity == "error"
    assert finding.message == ("Tổng mức bán lẻ: lũy kế đến tháng 6/2024 (430 tỷ đồng) nhỏ hơn số của "
                               "tháng 6/2024 (500 tỷ đồng) — lũy kế phải gồm cả tháng này.")
    assert finding.values == {"ytd": 430, "month": 500}
    put(mini, "202406", "ban_le", 930, basis="ytd")
    assert "ytd_below_month" not in found(mini, "202406", "ban_le")
    put(mini, "202401", "ban_le", 80)  # January: both typed, the year-to-date smaller
    put(mini, "202401", "ban_le", 70, basis="ytd")
    assert "ytd_below_month" in found(mini, "202401", "ban_le")


def test_a_term_to_date_below_the_year_to_date_is_an_error(mini):
    put(mini, "202406", "khach", 50000, basis="ytd")
    put(mini, "202406", "khach", 40000, basis="term")
    assert found(mini, "202406", "khach")["term_below_ytd"].severity == "error"
    put(mini, "202406", "khach", 90000, basis="term")
    assert "term_below_ytd" not in found(mini, "202406", "khach")


def test_parts_larger_than_their_total_are_an_error(mini):
    put(mini, "202406", "ban_le", 100)
    put(mini, "202406", "ban_le_hang_hoa", 130)
    finding = found(mini, "202406", "ban_le")["parts_sum"]
    assert finding.severity == "error" and "(130 tỷ đồng) lớn hơn tổng (100 tỷ đồng)" in finding.message
    put(mini, "202406", "ban_le_hang_hoa", 90)  # partial parts: less than the total is fine
    assert "parts_sum" not in found(mini, "202406", "ban_le")


def test_complete_parts_must_add_up_with_a_rounding_tolerance(store):
    def parts(total, goods, services):
        for code, value in (("tm_ban_le", total), ("tm_ban_le_hang_hoa", goods), ("tm_doanh_thu_dich_vu", services)):
            put(store, "202405", code, value)
        return found(store, "202405", "tm_ban_le").get("parts_sum")

    assert parts(339, 200, 100).severity == "error"  # 39 missing from complete parts
    assert parts(339, 200, 138.6) is None  # 338,6 shows as 339
    rounding = parts(339, 200, 138)
    assert rounding.severity == "warning" and "có thể do làm tròn" in rounding.message
    assert parts(339, 200, 139) is None


def test_an_entered_figure_that_disagrees_with_its_formula_is_an_error(mini):
    reload_with(mini, lambda d: indicator_entry(d, "ty_le_don").pop("formula"))
    for code, value in (("don_nhan", 10), ("don_xong", 5), ("ty_le_don", 80)):
        put(mini, "202406", code, value)
    load_catalogue(mini, MINI_CATALOGUE)  # the catalogue now computes it: 5 / 10 = 50%
    finding = found(mini, "202406", "ty_le_don")["formula_mismatch"]
    assert finding.values == {"entered": 80.0, "computed": 50.0}
    assert "đã nhập 80% khác số tính theo công thức" in finding.message


def test_an_entered_figure_that_agrees_with_its_formula_is_fine(mini):
    reload_with(mini, lambda d: indicator_entry(d, "ty_le_don").pop("formula"))
    for code, value in (("don_nhan", 10), ("don_xong", 5), ("ty_le_don", 50)):
        put(mini, "202406", code, value)
    load_catalogue(mini, MINI_CATALOGUE)
    assert "formula_mismatch" not in found(mini, "202406", "ty_le_don")


def test_a_percent_above_100_is_an_error_unless_the_catalogue_allows_more(mini):
    put(mini, "202406", "don_nhan", 10)
    put(mini, "202406", "don_xong", 12)  # 120% solved
    assert found(mini, "202406", "ty_le_don")["rate_bounds"].values["maximum"] == 100.0
    put(mini, "202406", "suy_dinh_duong", 104)
    assert "rate_bounds" in found(mini, "202406", "suy_dinh_duong")
    reload_with(mini, lambda d: indicator_entry(d, "suy_dinh_duong").update(max=110.0))
    assert "rate_bounds" not in found(mini, "202406", "suy_dinh_duong")
    put(mini, "202406", "don_xong", 8)
    assert "rate_bounds" not in found(mini, "202406", "ty_le_don")


def test_a_city_figure_against_the_sum_of_its_wards(mini):
    period = parse_period("202406")
    wards = [u.code for u in organisation(mini).children(CITY, period)]
    for ward in wards:
        enter(mini, ward, "202406", "khach", 100, user="t")
    put(mini, "202406", "khach", 100 * len(wards) + 5)
    finding = found(mini, "202406", "khach")["children_sum"]
    assert finding.values["gap"] == 5 and "lớn hơn tổng các đơn vị trực thuộc" in finding.message
    put(mini, "202406", "khach", 100 * len(wards))
    assert "children_sum" not in found(mini, "202406", "khach")


# -- history -----------------------------------------------------------------------------
def history(store, indicator, until="202405", months=18, base=1000.0):
    key = parse_period(until)
    year, month = key.year, key.last
    for n in range(months):
        m = month - n
        y = year + (m - 1) // 12
        m = (m - 1) % 12 + 1
        put(store, f"{y}{m:02d}", indicator, base * (1 + ((n % 5) - 2) * 0.02) if base >= 100 else base + n % 3 - 1)


def test_a_value_far_from_its_history_is_flagged(mini):
    history(mini, "ban_le")
    put(mini, "202406", "ban_le", 3000)
    finding = found(mini, "202406", "ban_le")["history_outlier"]
    assert finding.severity == "warning" and "cao bất thường so với 18 tháng trước" in finding.message
    put(mini, "202406", "ban_le", 1040)
    assert "history_outlier" not in found(mini, "202406", "ban_le")


def test_a_seasonal_month_like_the_same_month_of_earlier_years_is_not_flagged(mini):
    history(mini, "ban_le")
    for year, value in ((2021, 2800), (2022, 3100), (2023, 2950)):
        put(mini, f"{year}06", "ban_le", value)
    put(mini, "202406", "ban_le", 3000)
    assert "history_outlier" not in found(mini, "202406", "ban_le")


@pytest.mark.parametrize("value, factor", [(10000, 10), (100, 0.1), (1000000, 1000)])
def test_a_jump_of_ten_or_a_thousand_times_is_a_probable_unit_slip(mini, value, factor):
    history(mini, "ban_le")
    put(mini, "202406", "ban_le", value)
    rules = found(mini, "202406", "ban_le")
    assert rules["unit_slip"].values["factor"] == pytest.approx(factor)
    assert rules["unit_slip"].message.endswith("nhầm đơn vị?")
    assert "history_outlier" not in rules  # one finding for one slip


def test_a_double_is_not_a_unit_slip(mini):
    history(mini, "ban_le")
    put(mini, "202406", "ban_le", 2000)
    assert "unit_slip" not in found(mini, "202406", "ban_le")


def test_a_flow_copied_from_last_month_is_flagged(mini):
    put(mini, "202405", "ban_le", 339)
    put(mini, "202406", "ban_le", 339)
    assert found(mini, "202406", "ban_le")["copied_value"].severity == "warning"
    put(mini, "202406", "ban_le", 340)
    assert "copied_value" not in found(mini, "202406", "ban_le")


def test_a_stock_unchanged_from_last_month_is_not_a_copy(mini):
    put(mini, "202405", "dien_tich_che", 500)
    put(mini, "202406", "dien_tich_che", 500)
    assert "copied_value" not in found(mini, "202406", "dien_tich_che")


# -- completeness ------------------------------------------------------------------------
def test_a_figure_reported_last_month_but_missing_now_is_noted(mini):
    put(mini, "202405", "khach", 100)
    assert found(mini, "202406", "khach")["missing_value"].severity == "note"
    assert "missing_value" not in found(mini, "202406", "ban_le")  # never reported
    put(mini, "202406", "khach", 120)
    assert "missing_value" not in found(mini, "202406", "khach")


def test_a_missing_key_indicator_is_a_warning(store):
    assert found(store, "202406", "tm_ban_le")["missing_value"].severity == "warning"
    put(store, "202406", "tm_ban_le", 339)
    assert "missing_value" not in found(store, "202406", "tm_ban_le")


def test_an_estimate_not_replaced_after_the_next_cut_off_is_flagged(mini):
    put(mini, "202405", "ban_le", 339, status="estimate")
    assert "estimate_not_replaced" not in found(mini, "202405", "ban_le", today=date(2024, 6, 14))
    finding = found(mini, "202405", "ban_le", today=date(2024, 6, 15))["estimate_not_replaced"]
    assert "kỳ tháng 6/2024 đã khóa sổ ngày 14/06/2024" in finding.message
    put(mini, "202405", "ban_le", 339, status="official")
    assert "estimate_not_replaced" not in found(mini, "202405", "ban_le", today=date(2024, 6, 15))


# -- rules as data and switches ------------------------------------------------------------
RULE = {"code": "don_xong_toi_da", "left": "don_xong", "op": "<=", "right": "don_nhan", "importance": "error",
        "message": "Số đơn đã giải quyết không thể nhiều hơn số đơn tiếp nhận"}


def test_a_catalogue_rule_is_checked(mini):
    reload_with(mini, lambda d: d.setdefault("rule", []).append(dict(RULE)))
    put(mini, "202406", "don_nhan", 10)
    put(mini, "202406", "don_xong", 11)
    finding = found(mini, "202406", "don_xong")["don_xong_toi_da"]
    assert finding.severity == "error"
    assert finding.message == ("Số đơn đã giải quyết không thể nhiều hơn số đơn tiếp nhận "
                               "(don_xong = 11; don_nhan = 10).")
    put(mini, "202406", "don_xong", 10)
    assert "don_xong_toi_da" not in found(mini, "202406", "don_xong")


def test_a_catalogue_rule_over_expressions_and_year_to_date(mini):
    rule = dict(RULE, code="chuyen_nguon_nho", left="thu_chuyen_nguon * 10", op="<=", right="thu_nsdp",
                importance="note", quantity="ytd", message="Thu chuyển nguồn thường dưới một phần mười tổng thu")
    reload_with(mini, lambda d: d.setdefault("rule", []).append(rule))
    put(mini, "202406", "thu_nsdp", 1000, basis="ytd")
    put(mini, "202406", "thu_chuyen_nguon", 150, basis="ytd")
    finding = found(mini, "202406", "thu_chuyen_nguon")["chuyen_nguon_nho"]
    assert finding.severity == "note" and finding.values["left"] == 1500
    put(mini, "202406", "thu_chuyen_nguon", 90, basis="ytd")
    assert "chuyen_nguon_nho" not in found(mini, "202406", "thu_chuyen_nguon")


@pytest.mark.parametrize("change, words", [
    ({"op": "=>"}, "phép so sánh"),
    ({"left": "don_xong + __import__('os')"}, "Công thức"),
    ({"right": "khong_co"}, "không có trong danh mục"),
    ({"importance": "lỗi nặng"}, "mức độ"),
    ({"message": " "}, "thiếu lời nhắn"),
    ({"code": "behind_pace"}, "trùng"),
])
def test_a_bad_catalogue_rule_is_refused_and_nothing_changes(mini, change, words):
    before = table_rows(mini)
    with pytest.raises(InputError, match=words):
        reload_with(mini, lambda d: d.setdefault("rule", []).append(dict(RULE, **change)))
    assert table_rows(mini) == before


def test_a_built_in_rule_can_be_switched_off_per_indicator(mini):
    put(mini, "202406", "khach", 50000, basis="ytd")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    assert "behind_pace" in found(mini, "202406", "khach")
    reload_with(mini, lambda d: indicator_entry(d, "khach").update(checks_off=["behind_pace"]))
    assert "behind_pace" not in found(mini, "202406", "khach")
    assert mini.query("SELECT checks_off FROM indicators WHERE code = 'khach'")[0]["checks_off"] == '["behind_pace"]'


def test_an_unknown_rule_in_checks_off_is_refused_and_nothing_changes(mini):
    before = table_rows(mini)
    with pytest.raises(InputError, match="không phải quy tắc có sẵn"):
        reload_with(mini, lambda d: indicator_entry(d, "khach").update(checks_off=["behind_schedule"]))
    assert table_rows(mini) == before


def test_a_catalogue_rule_with_a_figure_missing_says_nothing(mini):
    reload_with(mini, lambda d: d.setdefault("rule", []).append(dict(RULE)))
    put(mini, "202406", "don_xong", 11)
    assert "don_xong_toi_da" not in found(mini, "202406", "don_xong")


def test_the_bundled_catalogue_has_rules_and_switches(store):
    put(store, "202406", "gd_so_truong", 20)
    put(store, "202406", "gd_truong_chuan", 21)
    assert found(store, "202406", "gd_truong_chuan")["gd_truong_chuan_toi_da"].severity == "error"
    put(store, "202406", "gd_truong_chuan", 18)
    assert "gd_truong_chuan_toi_da" not in found(store, "202406", "gd_truong_chuan")
    for period in ("202405", "202406"):  # carry-over revenue is booked once a year
        put(store, period, "ns_thu_chuyen_nguon", 43344, basis="ytd")
    assert "copied_value" not in found(store, "202406", "ns_thu_chuyen_nguon")


def test_small_counts_swinging_tenfold_are_no_unit_slip(mini):
    history(mini, "don_nhan", base=3)  # 2 to 4 a month
    put(mini, "202406", "don_nhan", 30)
    assert "unit_slip" not in found(mini, "202406", "don_nhan")
    history(mini, "ban_le", base=30)  # 29 to 31 tỷ đồng a month (decimals matter less than size)
    put(mini, "202406", "ban_le", 300)
    assert "unit_slip" in found(mini, "202406", "ban_le")


def test_parts_of_a_term_to_date_are_checked_too(mini):
    put(mini, "202406", "ban_le", 3000, basis="term")
    put(mini, "202406", "ban_le_hang_hoa", 3100, basis="term")
    finding = found(mini, "202406", "ban_le")["parts_sum"]
    assert finding.values["quantity"] == "term" and "lũy kế giai đoạn" in finding.message
    put(mini, "202406", "ban_le_hang_hoa", 2900, basis="term")
    assert "parts_sum" not in found(mini, "202406", "ban_le")


def test_check_progress_keeps_working_on_progress_rows_alone(mini):
    put(mini, "202406", "khach", 50000, basis="ytd")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    period = parse_period("202406")
    rules = {f.rule for f in check_progress(catalogue(mini), period, progress(mini, CITY, period))}
    assert rules == {"behind_pace"}


def test_a_department_checks_the_indicators_of_its_sectors(store):
    put(store, "202404", "ns_thu_nsdp", 2010, basis="ytd")
    put(store, "202405", "ns_thu_nsdp", 1931, basis="ytd")
    department = run_checks(store, "tp_tckh", "202405")
    assert {f.indicator for f in department if f.rule == "ytd_decreased"} == {"ns_thu_nsdp"}
    assert {f.unit for f in department} == {CITY}
    sectors = set(organisation(store).unit("tp_tckh").sectors)
    assert {catalogue(store).indicators[f.indicator].sector for f in department if f.indicator} <= sectors
    # the text checks read the department's own parts only
    unwritten = next(f for f in department if f.rule == "placeholder_left").values["parts"]
    assert set(unwritten) - {"ket_qua", "han_che", "nguyen_nhan", "nhiem_vu"} <= sectors


def test_a_unit_slip_against_the_same_month_last_year_when_there_is_no_other_history(mini):
    put(mini, "202306", "ban_le", 100)
    put(mini, "202406", "ban_le", 1000)
    assert found(mini, "202406", "ban_le")["unit_slip"].values["reference"] == 100
    put(mini, "202406", "ban_le", 130)
    assert found(mini, "202406", "ban_le").keys().isdisjoint({"unit_slip", "history_outlier"})


def test_a_figure_typed_with_more_decimals_than_the_indicator_prints_is_a_note(mini):
    put(mini, "202405", "khach", 144.86)  # lượt người: 0 decimals
    finding = found(mini, "202405", "khach")["decimals_beyond_maximum"]
    assert finding.severity == "note"
    assert finding.message == ("Lượt khách du lịch: tháng 5/2024 ghi 144,86 (2 chữ số thập phân) nhưng chỉ tiêu "
                               "chỉ in 0 chữ số thập phân (145). Hãy tăng số chữ số thập phân trong Danh mục chỉ "
                               "tiêu hoặc ghi lại số.")
    put(mini, "202405", "khach", 145)
    assert "decimals_beyond_maximum" not in found(mini, "202405", "khach")
    put(mini, "202405", "dien_tich_che", 12.25)  # ha, 2 decimals: as typed, nothing to say
    assert "decimals_beyond_maximum" not in found(mini, "202405", "dien_tich_che")
