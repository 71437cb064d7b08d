import pytest

from lcapp.models.drafting import (change_words, drafts, new_sentences, part_texts, report_outline, resolve_part,
                                   save_part, split_footnotes, subject_line)
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.narrative import narratives, set_narrative
from lcapp.models.periods import parse_period
from lcapp.models.targets import set_target
from lcapp.models.schema import SCHEMA_VERSION
from tests.conftest import table_rows

UNIT = "tp_lai_chau"


def put(store, period, indicator, value, **kwargs):
    enter(store, UNIT, period, indicator, value, user="t", **kwargs)


def sentence(store, period, indicator_start):
    lines = [line for text in drafts(store, UNIT, period).values() for line in text.splitlines()]
    found = [line for line in lines if line.startswith(indicator_start)]
    assert len(found) == 1, lines
    return found[0]


def test_a_flow_reads_like_seed_000_with_estimate_year_to_date_and_target(mini):
    for month, value in enumerate([400, 380, 420, 392, 339], start=1):
        put(mini, f"2024{month:02d}", "ban_le", value, status="estimate")
    set_target(mini, "tp_lai_chau", "ban_le", "2024", "tinh", 4491, user="t")
    assert sentence(mini, "202405", "Tổng mức bán lẻ") == (
        "Tổng mức bán lẻ trong tháng ước đạt 339 tỷ đồng (giảm 13,5% so với tháng 4/2024), "
        "lũy kế 5 tháng ước đạt 1.931 tỷ đồng, đạt 43% kế hoạch tỉnh giao.")


def test_official_figures_drop_the_word_estimate_and_compare_with_last_year(mini):
    put(mini, "202305", "ban_le", 1636.4, basis="ytd", status="official")
    put(mini, "202405", "ban_le", 1931, basis="ytd", status="official")
    text = sentence(mini, "202405", "Tổng mức bán lẻ")
    assert "ước" not in text
    assert "lũy kế 5 tháng là 1.931 tỷ đồng (tăng 18% so với cùng kỳ)" in text


def test_two_sources_the_measured_note_and_parts(mini):
    put(mini, "202405", "thu_nsdp", 265772, basis="ytd", status="estimate")
    put(mini, "202405", "thu_chuyen_nguon", 71283, basis="ytd", status="estimate")
    set_target(mini, "tp_lai_chau", "thu_nsdp", "2024", "tinh", 477860, user="t")
    set_target(mini, "tp_lai_chau", "thu_nsdp", "2024", "hdnd", 481400, user="t")
    mini.conn.execute("UPDATE indicators SET measured_note = 'Tỷ lệ phần trăm đã loại trừ phần thu chuyển "
                      "nguồn năm trước sang' WHERE code = 'thu_nsdp'")
    text = sentence(mini, "202405", "Tổng thu NSĐP")
    assert text == (
        "Tổng thu NSĐP lũy kế 5 tháng ước đạt 265.772 triệu đồng, đạt 40,7% so với kế hoạch tỉnh giao và "
        "40,4% so với Nghị quyết HĐND thành phố giao^[Tỷ lệ phần trăm đã loại trừ phần thu chuyển nguồn năm "
        "trước sang (71.283 triệu đồng)]. Trong đó: Thu chuyển nguồn lũy kế 5 tháng ước đạt 71.283 triệu đồng.")


def test_comments_become_footnotes_and_stocks_and_rates_read_as_levels(mini):
    put(mini, "202405", "dien_tich_che", 954.95, status="official", comment="Chăm sóc 954,95 ha chè")
    put(mini, "202405", "suy_dinh_duong", 9.2, status="official")
    set_target(mini, "tp_lai_chau", "suy_dinh_duong", "2024", "tinh", 10.5, user="t")
    assert sentence(mini, "202405", "Diện tích chè") == "Diện tích chè là 954,95 ha^[Chăm sóc 954,95 ha chè]."
    assert sentence(mini, "202405", "Tỷ lệ trẻ") == "Tỷ lệ trẻ suy dinh dưỡng đạt 9,2%, đạt 114,1% kế hoạch tỉnh giao."


@pytest.mark.parametrize("period, words", [
    ("2024Q2", "Tổng mức bán lẻ trong quý ước đạt 900 tỷ đồng (tăng 200% so với quý I/2024), "
               "lũy kế 6 tháng ước đạt 1.200 tỷ đồng."),
    ("2024S1", "Tổng mức bán lẻ 6 tháng đầu năm ước đạt 1.200 tỷ đồng."),
    ("2024S2", "Tổng mức bán lẻ 6 tháng cuối năm ước đạt 1.800 tỷ đồng (tăng 50% so với 6 tháng đầu năm 2024), "
               "lũy kế 12 tháng ước đạt 3.000 tỷ đồng."),
    ("2024", "Tổng mức bán lẻ năm 2024 ước đạt 3.000 tỷ đồng."),
])
def test_quarter_half_and_year_wording(mini, period, words):
    for month in range(1, 13):
        put(mini, f"2024{month:02d}", "ban_le", 100 if month <= 3 else 300, status="estimate")
    assert sentence(mini, period, "Tổng mức bán lẻ") == words


def test_one_rounding_rule_for_every_percent():
    assert change_words(112.185, "tháng 4/2024") == "tăng 12,2% so với tháng 4/2024"
    assert change_words(97.0, "cùng kỳ") == "giảm 3% so với cùng kỳ"
    assert change_words(100.04, "cùng kỳ") == "bằng cùng kỳ"


def test_subject_line_and_footnote_markup():
    assert subject_line(parse_period("202405"), True) == (
        "Tình hình thực hiện Nghị quyết 01/NQ-CP; tình hình thực hiện Kế hoạch phát triển kinh tế - xã hội "
        "tháng 5; nhiệm vụ trọng tâm tháng 6 năm 2024")
    december = subject_line(parse_period("202412"), False)
    assert december.endswith("tháng 12 năm 2024; nhiệm vụ trọng tâm tháng 1 năm 2025")
    assert subject_line(parse_period("2024M9"), False).endswith("9 tháng năm 2024; nhiệm vụ trọng tâm quý IV/2024")
    assert subject_line(parse_period("2024S1"), False).endswith("nhiệm vụ trọng tâm 6 tháng cuối năm 2024")
    assert subject_line(parse_period("2024"), False).endswith("năm 2024; nhiệm vụ trọng tâm năm 2025")
    assert split_footnotes("a^[b]c") == [("a", None), ("b", "fn"), ("c", None)]


def test_an_untouched_draft_follows_the_figures_but_edited_text_is_kept(mini):
    put(mini, "202405", "khach", 21930, status="estimate")
    first = drafts(mini, UNIT, "202405")["thuong_mai"]
    save_part(mini, UNIT, "202405", "thuong_mai", first)  # accepted as drafted
    put(mini, "202405", "khach", 22000, status="estimate")
    texts = part_texts(mini, UNIT, "202405")
    assert texts["thuong_mai"].origin == "draft" and "22.000 lượt người" in texts["thuong_mai"].text
    edited = "Hoạt động thương mại ổn định; lượt khách du lịch ước đạt 22.000 lượt người."
    save_part(mini, UNIT, "202405", "thuong_mai", edited)
    put(mini, "202405", "ban_le", 339, status="estimate")
    texts = part_texts(mini, UNIT, "202405")
    assert texts["thuong_mai"].text == edited and texts["thuong_mai"].origin == "official"
    new = new_sentences(mini, UNIT, "202405", "thuong_mai")
    assert new == ["Tổng mức bán lẻ trong tháng ước đạt 339 tỷ đồng."]
    assert narratives(mini, UNIT, "202405")["thuong_mai"] == edited


def test_text_typed_without_a_draft_is_kept_and_sentences_it_already_has_are_not_offered():
    drafted = "Câu A.\nCâu B."
    result = resolve_part("y_te", drafted, "Viết tay. Câu A.", None)
    assert result.text == "Viết tay. Câu A." and result.new == ["Câu B."]
    assert resolve_part("y_te", "", None, None).origin == "empty"
    untouched_but_figures_cleared = resolve_part("y_te", "", "Câu A.", "Câu A.")
    assert untouched_but_figures_cleared.text == "" and untouched_but_figures_cleared.origin == "empty"


def test_sections_without_figures_keep_the_official_text_in_the_outline(store):
    set_narrative(store, UNIT, "202405", "dan_toc_ton_giao", "Tình hình tôn giáo ổn định.", user="t")
    enter(store, UNIT, "202405", "tm_ban_le", 339, user="t", status="estimate")
    items = report_outline(store, UNIT, "202405")
    labels = [i.label for i in items if i.kind == "heading"]
    assert labels == ["I. VỀ TÌNH HÌNH KINH TẾ - XÃ HỘI THÁNG 5/2024", "1. Về phát triển kinh tế",
                      "a) Phát triển thương mại, dịch vụ và du lịch", "2. Về Văn hóa - xã hội",
                      "đ) Công tác dân tộc và tôn giáo", "II. ĐÁNH GIÁ CHUNG", "1. Kết quả đạt được"]
    texts = {i.part: i for i in items if i.kind == "text"}
    assert texts["dan_toc_ton_giao"].text == "Tình hình tôn giáo ổn định."
    assert texts["dan_toc_ton_giao"].origin == "official"


def test_saving_text_for_an_unknown_part_changes_nothing(mini):
    before = table_rows(mini)
    with pytest.raises(InputError, match="Không có phần báo cáo"):
        save_part(mini, UNIT, "202405", "khong_co", "x")
    assert table_rows(mini) == before


def test_the_drafts_table_comes_from_a_migration(mini):
    versions = [m["version"] for m in mini.applied_migrations()]
    assert versions[-1] == SCHEMA_VERSION
    assert "narrative_drafts" in mini.db.table_names()


def test_a_monthly_report_states_only_the_years_targets(store):
    """A term goal (4.832 tỷ đồng by 2025) against five months' sales would mislead."""
    from lcapp.models.demo import load_demo
    from lcapp.models.drafting import report_outline
    load_demo(store)
    text = "\n".join(item.text for item in report_outline(store, "tp_lai_chau", "202405") if item.text)
    assert "đạt 43% kế hoạch tỉnh giao" in text
    assert "01-NQ/ThU" not in text


def test_results_sum_up_the_key_indicators_as_seed_001_does(store):
    from lcapp.models.demo import load_demo
    from lcapp.models.drafting import drafts
    load_demo(store)
    line = drafts(store, "tp_lai_chau", "202210")["ket_qua"]
    assert line.startswith("Một số kết quả chủ yếu: ")
    assert ("Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng lũy kế 10 tháng ước đạt 2.850 tỷ đồng, "
            "đạt 83% kế hoạch tỉnh giao;") in line
    assert "lũy kế 10 tháng ước đạt 435 tỷ đồng, đạt 79,5% kế hoạch tỉnh giao" in line
    assert "diện tích lúa" not in line.lower()  # only the catalogue's key indicators
