import pytest

from lcapp.models.demo import derive_target, load_demo, roundest_between
from lcapp.models.numbers import round_percent
from lcapp.models.progress import progress
from lcapp.models.targets import all_targets


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


def percents(store, period):
    return {row.indicator: {k: round_percent(v) for k, v in row.percent_of_target.items()}
            for row in progress(store, "tp_lai_chau", period)}


def test_the_demo_reproduces_the_percents_the_may_2024_report_states(demo):
    p = percents(demo, "202405")
    assert p["tm_ban_le"]["tinh"] == 43
    assert p["ns_thu_nsdp"] == {"tinh": 40.7, "hdnd": 40.4}  # excluding carry-over (footnote 4)
    assert p["ns_thu_can_doi"] == {"tinh": 45.9, "hdnd": 44.3}
    assert p["ns_chi_nsdp"] == {"tinh": 28.3, "hdnd": 28.1}
    assert p["dtc_giai_ngan"]["kh_von"] == 17.9
    assert round(p["mtqg_giai_ngan"]["kh_von"]) == 17


def test_the_demo_reproduces_the_term_percents_of_the_mid_term_report(demo):
    p = percents(demo, "2024")
    assert round(p["yt_suy_dinh_duong"]["daihoi"]) == 114
    assert p["yt_tang_dan_so"]["daihoi"] == 99.6
    assert round(p["as_viec_lam"]["daihoi"]) == 158
    assert round(p["kt_thu_nhap_binh_quan"]["daihoi"]) == 95


def test_october_2022_and_february_2023(demo):
    assert percents(demo, "202210")["tm_ban_le"]["tinh"] == 83
    assert percents(demo, "202302")["tm_ban_le"]["tinh"] == 16.5


def test_loading_the_demo_twice_changes_nothing(demo):
    assert load_demo(demo) == {"figures": 0, "targets": 0, "narratives": 0}


def test_derived_targets_say_where_they_come_from(demo):
    notes = [t["note"] for t in all_targets(demo) if t["indicator"] == "tm_ban_le" and t["period"] == "2024"]
    assert notes and "Suy ra từ “đạt 43%”" in notes[0]


def test_roundest_target():
    assert float(roundest_between(__import__("decimal").Decimal("4439.1"), __import__("decimal").Decimal("4543.5"))) == 4500
    target = derive_target(1931, "43", "up")
    assert round_percent(1931 / target * 100) == 43
    assert derive_target(9.2, "114", "down") == pytest.approx(10.5, abs=0.05)


def test_the_demo_report_has_the_officials_prose_and_the_drafted_figures(demo):
    from lcapp.models.drafting import part_texts
    texts = part_texts(demo, "tp_lai_chau", "202405")
    trade = texts["thuong_mai"].text
    assert "lũy kế 5 tháng ước đạt 1.931 tỷ đồng, đạt 43% kế hoạch tỉnh giao" in trade
    assert "Công tác kiểm tra, kiểm soát thị trường" in trade
    assert "công tác dân tộc" in texts["dan_toc_ton_giao"].text.lower() or texts["dan_toc_ton_giao"].text
    assert texts["nhiem_vu"].text.count("\n") >= 10  # the 13 tasks of seed 000 section IV
