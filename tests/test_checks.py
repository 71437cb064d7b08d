from lcapp.models.checks import run_checks
from lcapp.models.figures import enter
from lcapp.models.targets import set_target


def rules(findings, indicator):
    return {f.rule: f for f in findings if f.indicator == indicator}


def test_behind_pace_is_flagged_with_the_numbers(mini):
    enter(mini, "tp_lai_chau", "202406", "khach", 50000, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    finding = rules(run_checks(mini, "tp_lai_chau", "202406"), "khach")["behind_pace"]
    assert finding.severity == "warning"
    assert finding.message == ("Lượt khách du lịch: lũy kế đạt 22,2% kế hoạch tỉnh giao, chậm so với tiến độ "
                               "50% (6/12 tháng).")


def test_on_pace_is_not_flagged(mini):
    enter(mini, "tp_lai_chau", "202406", "khach", 110000, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    assert "behind_pace" not in rules(run_checks(mini, "tp_lai_chau", "202406"), "khach")


def test_far_above_the_annual_target_is_flagged(mini):
    enter(mini, "tp_lai_chau", "202406", "khach", 400000, basis="ytd", user="t")
    set_target(mini, "tp_lai_chau", "khach", "2024", "tinh", 225000, user="t")
    found = rules(run_checks(mini, "tp_lai_chau", "202406"), "khach")
    assert found["above_ceiling"].values["percent"] > 150
    enter(mini, "tp_lai_chau", "202406", "khach", 300000, basis="ytd", user="t")
    assert "above_ceiling" not in rules(run_checks(mini, "tp_lai_chau", "202406"), "khach")


def test_a_negative_figure_is_an_error(mini):
    enter(mini, "tp_lai_chau", "202406", "ban_le", -5, user="t")
    finding = rules(run_checks(mini, "tp_lai_chau", "202406"), "ban_le")["below_minimum"]
    assert finding.severity == "error" and "-5 tỷ đồng" in finding.message
    enter(mini, "tp_lai_chau", "202406", "ban_le", 0, user="t")
    assert "below_minimum" not in rules(run_checks(mini, "tp_lai_chau", "202406"), "ban_le")
