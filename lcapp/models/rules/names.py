"""Names of the built-in check rules, as a catalogue's `checks_off` and a finding's `rule` use them."""

from __future__ import annotations

# rule -> what it checks (Vietnamese, shown in help and in the catalogue documentation)
BUILTIN_RULES = {
    "below_minimum": "số liệu nhỏ hơn mức tối thiểu (số âm)",
    "above_ceiling": "vượt quá xa kế hoạch năm",
    "behind_pace": "chậm so với tiến độ kế hoạch năm",
    "term_behind_pace": "chậm so với tiến độ kế hoạch cả nhiệm kỳ",
    "target_missed": "chưa đạt mức kế hoạch (chỉ tiêu càng thấp càng tốt hoặc trong khoảng)",
    "ytd_decreased": "lũy kế giảm so với tháng trước",
    "ytd_below_month": "lũy kế nhỏ hơn số của chính tháng đó",
    "decimals_beyond_maximum": "số ghi nhiều chữ số thập phân hơn chỉ tiêu in ra",
    "term_below_ytd": "lũy kế giai đoạn nhỏ hơn lũy kế năm",
    "parts_sum": "tổng các phần “trong đó” không khớp với chỉ tiêu cha",
    "formula_mismatch": "số đã nhập không khớp công thức",
    "rate_bounds": "tỷ lệ vượt giới hạn",
    "children_sum": "số của đơn vị khác tổng các đơn vị trực thuộc",
    "history_outlier": "khác thường so với các tháng trước",
    "unit_slip": "gấp hoặc bằng một phần mười (một phần nghìn) so với thường lệ: nhầm đơn vị?",
    "copied_value": "giống hệt tháng trước",
    "missing_value": "chưa có số liệu",
    "estimate_not_replaced": "số ước chưa được thay bằng số chính thức",
    "percent_missing_input": "chưa tính được tỷ lệ so với kế hoạch vì thiếu số liệu",
    "other_period_date": "văn bản ghi ngày, tháng, năm của kỳ khác",
    "month_words": "văn bản viết “trong tháng” trong báo cáo quý, 6 tháng, 9 tháng hoặc năm",
    "repeated_sentence": "văn bản lặp lại nguyên văn một câu",
    "text_figure_mismatch": "số liệu hoặc tỷ lệ ghi trong văn bản khác số liệu đã nhập",
    "text_rounding": "cùng một số được làm tròn hai cách",
    "placeholder_left": "còn phần báo cáo chưa viết",
    "units_missing": "chưa nhận đủ số liệu của các đơn vị trực thuộc (cả báo cáo, không theo chỉ tiêu)",
}
