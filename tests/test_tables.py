from lcapp.export.tables import table_01
from lcapp.models.demo import load_demo


def test_table_01_on_the_may_2024_demo(store):
    load_demo(store)
    table = table_01(store, "tp_lai_chau", "202405")
    assert [s.code for s in table.sources][:2] == ["tinh", "hdnd"]
    sections = [r for r in table.rows if r.kind == "section"]
    assert sections[0].stt == "I" and sections[1].stt == "II"
    retail = next(r for r in table.rows if r.indicator == "tm_ban_le")
    assert retail.stt.isdigit() and retail.value == 339 and retail.ytd == 1931
    assert round(retail.percents["tinh"]) == 43
    assert "Số ước" in retail.note
    budget = next(r for r in table.rows if r.indicator == "ns_thu_nsdp")
    parts = [r for r in table.rows if r.progress and r.progress.parent == "ns_thu_nsdp"]
    assert parts[0].name.startswith("Trong đó: ") and parts[0].stt == "-" and parts[0].depth == 1
    assert not parts[1].name.startswith("Trong đó")
    assert round(budget.percents["hdnd"], 1) == 40.4
    disbursement = next(r for r in table.rows if r.indicator == "dtc_giai_ngan")
    assert round(disbursement.percents["kh_von"], 1) == 17.9
    # indicators with neither a figure nor a target of the year are left out
    assert all(r.kind != "indicator" or r.value is not None or r.ytd is not None or "2024" in r.progress.target_periods.values()
               or any(c.progress and c.progress.parent == r.indicator for c in table.rows) for r in table.rows)
    assert "kt_thu_nhap_binh_quan" not in {r.indicator for r in table.rows}  # a term target only
