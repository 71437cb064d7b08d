"""Checks over the report's own text (lcapp/models/rules/text.py), through `run_checks` as the
program and the command line show them, with the seeds' own slips."""

import pytest

from lcapp.models.check_status import acknowledge
from lcapp.models.checks import run_checks
from lcapp.models.demo import load_demo
from lcapp.models.drafting import drafts, save_part
from lcapp.models.figures import enter
from lcapp.models.narrative import set_narrative
from lcapp.models.rules.text import figures_in, sentences
from lcapp.models.targets import set_target
from tests.conftest import table_rows

UNIT = "tp_lai_chau"
TEXT_RULES = {"other_period_date", "month_words", "repeated_sentence", "text_figure_mismatch", "text_rounding"}


def text_findings(store, period, rule=None):
    return [f for f in run_checks(store, UNIT, period) if f.rule in TEXT_RULES and rule in (None, f.rule)]


@pytest.fixture
def demo(store):
    load_demo(store)
    return store


def test_numbers_as_typed_and_what_is_not_a_quantity():
    typed = figures_in("Lũy kế 5 tháng ước đạt 1.931 tỷ đồng, đạt 16,5 % kế hoạch; ngày 05/01/2024, năm 2024, "
                       "giai đoạn 2021-2025, Nghị quyết số 01/NQ-CP, 02/09 đơn, tháng 4, 508ha, 10,04‰")
    assert [(str(f.value), f.decimals, f.percent) for f in typed] == [
        ("1931", 0, False), ("16.5", 1, True), ("508", 0, False), ("10.04", 2, False)]
    assert typed[0].unit.startswith("tỷ đồng") and typed[-1].unit == "‰"
    assert sentences("- Câu một 1.931 tỷ đồng. Câu hai^[chú thích. dài].\n3. Câu ba") == [
        "Câu một 1.931 tỷ đồng.", "Câu hai.", "Câu ba"]


def test_the_demo_reports_have_no_false_alarm_about_dates_or_repeats(demo):
    """Seed 000 mentions 2023 rightly ("chỉ số cải cách hành chính năm 2023"), seed 001 prepares
    next year's plan ("kế hoạch phát triển kinh tế - xã hội năm 2023"): neither is a slip."""
    for period in ("202405", "202210", "202302"):
        assert [f.message for f in text_findings(demo, period, "other_period_date")] == []
        assert [f.message for f in text_findings(demo, period, "repeated_sentence")] == []


def test_last_years_resolution_and_plan_copied_into_this_years_report(store):
    set_narrative(store, UNIT, "202505", "nq01", "Thực hiện Nghị quyết số 01/NQ-CP ngày 05/01/2024 của Chính phủ về "
                  "nhiệm vụ, giải pháp chủ yếu thực hiện kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách "
                  "nhà nước năm 2024, UBND thành phố đã ban hành Kế hoạch số 548/KH-UBND.", user="t")
    set_narrative(store, UNIT, "202505", "thuong_mai", "Trong tháng 4/2025, tổng lượt khách du lịch tăng so với "
                  "cùng kỳ năm 2023. Kế hoạch phát triển thương mại năm 2025 được triển khai.", user="t")
    (nq01,) = text_findings(store, "202505", "other_period_date")[:1]
    findings = {f.part: f for f in text_findings(store, "202505", "other_period_date")}
    assert set(findings) == {"nq01", "thuong_mai"}
    nq01 = findings["nq01"]
    assert nq01.indicator == "" and nq01.subject == "nq01" and nq01.severity == "warning"
    assert "01/NQ-CP ngày 05/01/2024" in nq01.quote
    assert "dự toán ngân sách nhà nước năm 2024" in nq01.message
    trade = findings["thuong_mai"]
    assert "Trong tháng 4/2025" in trade.message and "cùng kỳ năm 2023" in trade.message
    assert "năm 2025 được triển khai" not in trade.message
    assert trade.message.startswith("Phần “Phát triển thương mại, dịch vụ và du lịch” ghi ngày, tháng hoặc năm "
                                    "của kỳ khác (báo cáo tháng 5/2025)")


def test_trong_thang_in_a_quarter_or_year_report(store):
    set_narrative(store, UNIT, "2024Q2", "do_thi", "Trong tháng đã cấp phép xây dựng cho 40 hồ sơ. Trong tháng 5 "
                  "kiểm tra 49 lượt.", user="t")
    (finding,) = text_findings(store, "2024Q2", "month_words")
    assert finding.part == "do_thi" and finding.quote.startswith("Trong tháng đã cấp phép")
    assert "quý II/2024" in finding.message and "Trong tháng 5" not in finding.message
    set_narrative(store, UNIT, "202405", "do_thi", "Trong tháng đã cấp phép xây dựng cho 40 hồ sơ.", user="t")
    assert text_findings(store, "202405", "month_words") == []


def test_a_sentence_repeated_word_for_word(store):
    sentence = "Công tác tiếp công dân, giải quyết đơn thư tiếp tục được quan tâm chỉ đạo thực hiện."
    set_narrative(store, UNIT, "202405", "thanh_tra_tu_phap", sentence, user="t")
    set_narrative(store, UNIT, "202405", "ket_qua", "Một câu khác hẳn. " + sentence, user="t")
    (finding,) = text_findings(store, "202405", "repeated_sentence")
    assert finding.part == "ket_qua" and finding.quote == sentence
    assert "“Công tác thanh tra, tư pháp, phòng chống tham nhũng”" in finding.message


def test_a_sentence_drafted_from_earlier_figures_is_found(store):
    enter(store, UNIT, "202405", "tm_ban_le", 339, user="t", status="estimate")
    drafted = drafts(store, UNIT, "202405")["thuong_mai"]
    save_part(store, UNIT, "202405", "thuong_mai", drafted + " Thị trường ổn định.")
    assert text_findings(store, "202405", "text_figure_mismatch") == []
    enter(store, UNIT, "202405", "tm_ban_le", 341, user="t", status="estimate")
    (finding,) = text_findings(store, "202405", "text_figure_mismatch")
    assert finding.part == "thuong_mai" and finding.indicator == "tm_ban_le"
    assert "còn câu soạn từ số liệu cũ" in finding.message and "ước đạt 339 tỷ đồng" in finding.message
    assert "(nay: “Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng trong tháng ước đạt 341 tỷ đồng.”)" in (
        finding.message)


def test_seed_002s_percents_that_do_not_follow_from_its_figures(demo):
    """"Tỷ lệ người dân tham gia bảo hiểm y tế đạt 97,1%, đạt 108%" of 96%: 101,1%."""
    set_narrative(demo, UNIT, "202412", "y_te", "Tỷ lệ người dân tham gia bảo hiểm y tế đạt 97,1%, đạt 108%, vượt chỉ "
                  "tiêu Nghị quyết đại hội.", user="t")
    (finding,) = [f for f in text_findings(demo, "202412", "text_figure_mismatch") if f.indicator == "yt_bhyt"]
    assert "văn bản ghi 108%" in finding.message and "101,1%" in finding.message
    assert finding.part == "y_te" and "đạt 108%" in finding.quote


def test_a_wrong_figure_after_an_indicators_name(store):
    enter(store, UNIT, "202405", "dt_giay_phep_xd", 40, user="t", status="official")
    set_narrative(store, UNIT, "202405", "do_thi", "Trong tháng, hồ sơ được cấp giấy phép xây dựng đã lên tới 44 hồ "
                  "sơ, đảm bảo quy định.", user="t")
    (finding,) = text_findings(store, "202405", "text_figure_mismatch")
    assert finding.indicator == "dt_giay_phep_xd" and finding.part == "do_thi"
    assert finding.message.startswith("Hồ sơ được cấp giấy phép xây dựng: văn bản ghi 44 nhưng số liệu cho 40 hồ sơ")
    # a drafted sentence retyped with another number is the same slip, said as such
    set_narrative(store, UNIT, "202405", "do_thi", "Hồ sơ được cấp giấy phép xây dựng trong tháng là 44 hồ sơ.",
                  user="t")
    (finding,) = text_findings(store, "202405", "text_figure_mismatch")
    assert "44 hồ sơ" in finding.message and "(nay: “Hồ sơ được cấp giấy phép xây dựng trong tháng là 40 hồ sơ.”)" in (
        finding.message)


def test_seed_004s_two_roundings_of_one_percent(demo):
    """Retail 16,5% in the sector and 17% in "Kết quả"; industry 14,2% and 14% (seed 004)."""
    set_narrative(demo, UNIT, "202302", "thuong_mai", "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng trong "
                  "tháng ước đạt 260 tỷ đồng (lũy kế 2 tháng ước đạt 611 tỷ đồng, đạt 16,5 % kế hoạch).", user="t")
    set_narrative(demo, UNIT, "202302", "cong_nghiep", "Tổng giá trị sản xuất CN-TTCN (theo giá hiện hành) ước đạt 38 "
                  "tỷ đồng (lũy kế 2 tháng ước đạt 81,6 tỷ đồng, đạt 14,2% kế hoạch).", user="t")
    set_narrative(demo, UNIT, "202302", "ket_qua", "Tổng mức bán lẻ hàng hóa đạt 260 tỷ đồng (lũy kế 02 tháng ước đạt "
                  "611 tỷ đồng đạt 17% kế hoạch); Tổng giá giá trị SXCN và TTCN đạt 38 tỷ đồng (lũy kế 02 tháng ước "
                  "đạt 81,6 tỷ đồng, đạt 14% kế hoạch).", user="t")
    rounding = {f.indicator: f for f in text_findings(demo, "202302", "text_rounding")}
    assert set(rounding) == {"tm_ban_le", "cn_gia_tri_sx"}
    assert "“16,5 %” (phần “Phát triển thương mại, dịch vụ và du lịch”) và “17%” (phần “Kết quả đạt được”)" in (
        rounding["tm_ban_le"].message)
    assert "“14,2%”" in rounding["cn_gia_tri_sx"].message and "“14%”" in rounding["cn_gia_tri_sx"].message
    assert text_findings(demo, "202302", "text_figure_mismatch") == []  # each rounding is right on its own


def test_a_text_finding_is_explained_by_its_part(store, db_path):
    set_narrative(store, UNIT, "2024Q2", "do_thi", "Trong tháng đã cấp phép xây dựng cho 40 hồ sơ.", user="t")
    explained = acknowledge(store, UNIT, "2024Q2", "month_words", "do_thi", "Câu nói về tháng 6.", user="t")
    assert explained.status == "explained"
    (finding,) = text_findings(store, "2024Q2", "month_words")
    assert finding.status == "explained" and finding.explanation == "Câu nói về tháng 6."


def test_unwritten_parts_are_one_warning_before_export(store):
    from lcapp.models.drafting import report_outline
    (finding,) = [f for f in run_checks(store, UNIT, "202405") if f.rule == "placeholder_left"]
    waiting = [i.part for i in report_outline(store, UNIT, "202405") if i.origin == "placeholder"]
    assert finding.severity == "warning" and finding.values["parts"] == waiting
    assert finding.message.startswith(f"Còn {len(waiting)} phần chưa có nội dung: “Về triển khai thực hiện")


def test_the_checks_read_the_text_and_write_nothing(store):
    set_narrative(store, UNIT, "2024Q2", "do_thi", "Trong tháng đã cấp phép xây dựng cho 40 hồ sơ.", user="t")
    before = table_rows(store)
    assert text_findings(store, "2024Q2")
    assert table_rows(store) == before


def test_explaining_a_text_finding_that_is_not_there_changes_nothing(store):
    before = table_rows(store)
    with pytest.raises(Exception, match="Không có phát hiện"):
        acknowledge(store, UNIT, "202405", "month_words", "do_thi", "lý do", user="t")
    assert table_rows(store) == before


def test_set_targets_are_read_for_the_typed_percent(store):
    enter(store, UNIT, "202302", "tm_ban_le", 611, basis="ytd", user="t", status="estimate")
    set_target(store, UNIT, "tm_ban_le", "2023", "tinh", 3703, user="t")
    set_narrative(store, UNIT, "202302", "ket_qua", "Tổng mức bán lẻ hàng hóa lũy kế ước đạt 611 tỷ đồng, đạt 18% "
                  "kế hoạch.", user="t")
    (finding,) = text_findings(store, "202302", "text_figure_mismatch")
    assert finding.indicator == "tm_ban_le" and "ghi 18%" in finding.message and "16,5%" in finding.message
