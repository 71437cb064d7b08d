"""Progress once per version of the data: one `PeriodState` per unit and period, shared by the
checks, the drafted text and every export; a write makes the next call build a new one."""

import pytest

from lcapp.export.annex_xlsx import write_annex_workbook
from lcapp.export.report_file import write_report
from lcapp.models.checks import run_checks
from lcapp.models.demo import load_demo
from lcapp.models.drafting import report_outline
from lcapp.models.figures import enter
from lcapp.models.period_state import period_state
from lcapp.models.setup import create_database
from lcapp.models.store import Store
from progress_counter import ProgressCounter


@pytest.fixture
def demo(tmp_path):
    store = create_database(tmp_path / "demo.sqlite")
    load_demo(store)
    yield store
    store.close()


@pytest.fixture
def counter(monkeypatch):
    return ProgressCounter(monkeypatch)


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_one_report_computes_the_progress_of_its_unit_once(demo, counter, tmp_path, suffix):
    write_report(demo, "tp_lai_chau", "202405", tmp_path / f"bao-cao{suffix}")
    assert counter.of("tp_lai_chau", "202405") == 1
    assert sum(counter.calls.values()) == 1


def test_one_annex_computes_the_progress_of_each_unit_once(demo, counter, tmp_path):
    write_annex_workbook(demo, "tp_lai_chau", "202405", tmp_path / "bieu.xlsx")
    assert counter.of("tp_lai_chau", "202405") == 1
    assert set(counter.calls.values()) == {1}  # Biểu 05: each child unit once too


def test_checks_draft_and_exports_share_one_state_until_the_data_changes(demo, counter, tmp_path):
    first = period_state(demo, "p_doan_ket", "202405")
    run_checks(demo, "p_doan_ket", "202405")
    report_outline(demo, "p_doan_ket", "202405")
    write_report(demo, "p_doan_ket", "202405", tmp_path / "a.pdf")
    assert period_state(demo, "p_doan_ket", "202405") is first
    assert counter.of("p_doan_ket", "202405") == 1
    enter(demo, "p_doan_ket", "202405", "tm_ban_le", 12.5)  # this connection's write
    second = period_state(demo, "p_doan_ket", "202405")
    assert second is not first and counter.of("p_doan_ket", "202405") == 2


def test_a_write_by_another_connection_is_a_new_version(demo, counter):
    first = period_state(demo, "p_doan_ket", "202405")
    other = Store(demo.path)
    enter(other, "p_doan_ket", "202405", "tm_ban_le", 99)
    other.close()
    second = period_state(demo, "p_doan_ket", "202405")
    assert second is not first
    assert second.by_code["tm_ban_le"].value == 99
