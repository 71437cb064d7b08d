"""The other models and the pieces around the window, without widgets where possible."""

import csv
import io
from datetime import date

import pytest

from lcapp.export.figures_file import write_figures_csv
from lcapp.export.interchange import export_csv
from lcapp.models.catalogue import catalogue
from lcapp.models.checks import run_checks
from lcapp.models.documents import document_profile
from lcapp.models.errors import InputError
from lcapp.models.figures import enter
from lcapp.models.periods import parse_period
from lcapp.models.store import Store
from lcapp.ui.details import history_lines, last_months
from lcapp.ui.findings import FindingsModel, from_input_error
from lcapp.ui.ops import CANCELLED, QueryOp
from lcapp.ui.overview import KeyIndicatorModel, expected_level, traffic_light
from lcapp.ui.settings_dialog import configure_new_database, discard_new_database
from lcapp.ui.worker import DbWorker
from tests.conftest import table_rows


@pytest.fixture
def demo(demo_path):
    store = Store(demo_path)
    yield store
    store.close()


def test_overview_lists_key_indicators_with_traffic_lights(demo, qtmodeltester):
    model = KeyIndicatorModel(demo)
    model.load("tp_lai_chau", parse_period("202405"))
    qtmodeltester.check(model)
    cat = catalogue(demo)
    assert [r.indicator for r in model.rows] == [c for c, i in cat.indicators.items() if i.key]
    by_code = {r.indicator: r for r in model.rows}
    retail = by_code["tm_ban_le"]
    _source, percent = model.percent(retail)
    assert model.light(retail) == traffic_light(percent, expected_level(retail))
    assert model.data(model.index(model.rows.index(retail), 3)) == "43%"


@pytest.mark.parametrize("percent, expected, light", [
    (50.0, 41.7, "green"), (41.7, 41.7, "green"), (35.0, 41.7, "amber"), (31.0, 41.7, "red"),
    (None, 41.7, "none"), (95.0, 100.0, "amber"), (100.0, 100.0, "green")])
def test_traffic_light(percent, expected, light):
    assert traffic_light(percent, expected) == light


def test_findings_model_joins_checks_and_refused_entries(demo, qtmodeltester):
    model = FindingsModel()
    findings = run_checks(demo, "tp_lai_chau", "202405")
    model.set_checks(findings)
    model.set_inputs([from_input_error("Tổng mức bán lẻ", "tm_ban_le", "value", "12.5", "sai")])
    qtmodeltester.check(model)
    assert model.rowCount() == len(findings) + 1
    assert model.finding(0).rule == "unparseable_input" and model.finding(0).column == "value"
    assert model.data(model.index(0, 0)) == "Lỗi"
    assert model.finding(1).message == findings[0].message


def export_op(db_path, unit, period, target):
    """The CSV export as the window runs it: on its own read connection, with progress."""
    op = QueryOp(None, lambda store, report: write_figures_csv(store, unit, period, target, report),
                 own_connection=True, db_path=db_path)
    return op.with_progress("Xuất số liệu", cancellable=True)


def test_an_export_op_writes_the_csv_with_progress(demo_path, demo, qtbot, tmp_path):
    target = tmp_path / "so-lieu.csv"
    op = export_op(demo_path, "tp_lai_chau", "202405", target)
    steps, results = [], []
    op.progressed.connect(lambda done, total, _text: steps.append((done, total)))
    op.success(results.append)
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert results == [target]
    assert target.read_text(encoding="utf-8") == export_csv(demo)
    total = len(list(csv.reader(io.StringIO(export_csv(demo))))) - 1
    assert steps and steps[-1] == (total, total)
    assert [d for d, _ in steps] == sorted(d for d, _ in steps)


def test_a_cancelled_export_leaves_no_file(demo_path, qtbot, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "so-lieu.csv"
    op = export_op(demo_path, None, None, target)
    messages = []
    op.failure(messages.append)
    op.cancel()
    with qtbot.waitSignal(op.finished, timeout=10000):
        op.run()
    assert messages == [CANCELLED] and "hủy" in messages[0]
    assert list(out.iterdir()) == []


def test_first_start_stores_settings_and_optionally_demo(store, db_path):
    values = {"reporting_unit": "p_doan_ket_2025", "documents": {"signer_name": "Nguyễn Văn A"},
              "day": date(2026, 12, 1)}
    configure_new_database(store, values, demo=True)
    assert store.setting("reporting_unit") == "p_doan_ket_2025"
    assert document_profile(store, "p_doan_ket_2025", date(2026, 12, 1))["signer_name"] == "Nguyễn Văn A"
    assert store.query("SELECT count(*) AS n FROM figures")[0]["n"] > 0
    before = table_rows(store)
    with pytest.raises(InputError):
        configure_new_database(store, dict(values, documents={"signer_name": "A\x00B"}), demo=False)
    with pytest.raises(InputError):
        configure_new_database(store, dict(values, reporting_unit="khong_co"), demo=False)
    assert table_rows(store) == before
    discard_new_database(store)
    assert not db_path.exists()


def test_details_history_and_last_months(demo):
    enter(demo, "tp_lai_chau", "202406", "tm_ban_le", 400, user="a")
    enter(demo, "tp_lai_chau", "202406", "tm_ban_le", 410, user="b")
    enter(demo, "tp_lai_chau", "202406", "tm_ban_le", clear=True, user="c")
    lines = history_lines(demo, "tp_lai_chau", parse_period("202406"), "tm_ban_le")
    assert [(l["who"], l["action"], l["change"]) for l in lines] == [
        ("a", "nhập", "(trống) → 400"), ("b", "nhập", "400 → 410"), ("c", "xóa", "410 → (trống)")]
    months = last_months(demo, "tp_lai_chau", "tm_ban_le", parse_period("202405"))
    assert len(months) == 12 and months[0][0] == "06/2023" and months[-1] == ("05/2024", 339.0)


def test_worker_hands_core_refusals_to_the_ui_thread(demo_path, qtbot):
    worker = DbWorker(demo_path)
    messages = []
    QueryOp(None, lambda s: enter(s, "tp_lai_chau", "202406", "khong_co", 1), worker=worker).failure(
        messages.append).run()
    qtbot.waitUntil(lambda: worker.pending == 0)
    worker.close()
    assert messages and "khong_co" in messages[0]
    with pytest.raises(RuntimeError):
        worker.submit(lambda s: None, lambda _outcome: None)
