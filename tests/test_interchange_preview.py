"""CSV and DHIS2 files go through the same preview as packages."""

import json

from lcapp.cli import main
from lcapp.intake.interchange import apply_file, preview_file
from lcapp.models.figures import enter
from lcapp.models.locks import lock
from lcapp.models.merge import CHANGED, IDENTICAL, NEW, REFUSED
from tests.conftest import file_digest, table_rows
from tests.handover_helpers import GOODS, MONTH, RETAIL, TOURISTS, WARD, figure


def _csv(tmp_path, text):
    path = tmp_path / "so-lieu.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_preview_then_apply(store, tmp_path):
    enter(store, WARD, MONTH, RETAIL, 100)
    enter(store, WARD, MONTH, GOODS, 50)
    path = _csv(tmp_path, f"indicator,unit,period,value\n{RETAIL},{WARD},{MONTH},100\n"
                          f"{GOODS},{WARD},{MONTH},55\n{TOURISTS},{WARD},{MONTH},900\n")
    rows = table_rows(store)
    shown, _changes = preview_file(store, path)
    assert [r.status for r in shown.rows] == [IDENTICAL, CHANGED, NEW]
    assert shown.rows[1].old["month_value"] == 50 and shown.rows[1].new["month_value"] == 55
    assert table_rows(store) == rows
    result = apply_file(store, path)
    assert result.written["written"] == 2 and figure(store, indicator=GOODS)["month_value"] == 55


def test_dhis2_values_of_a_locked_month_are_refused_and_the_rest_taken(store, tmp_path):
    lock(store, WARD, MONTH)
    path = tmp_path / "dhis2.json"
    path.write_text(json.dumps({"dataValues": [
        {"dataElement": RETAIL, "orgUnit": WARD, "period": MONTH, "value": "10"},
        {"dataElement": RETAIL, "orgUnit": WARD, "period": "202406", "value": "11"}]}), encoding="utf-8")
    shown, _ = preview_file(store, path)
    assert [r.status for r in shown.rows] == [REFUSED, NEW]
    apply_file(store, path)
    assert figure(store) is None and figure(store, month=202406)["month_value"] == 11


def test_cli_dry_run_of_a_csv_writes_nothing(store, tmp_path, capsys):
    path = _csv(tmp_path, f"{RETAIL},{WARD},{MONTH},100\n")
    store.close()
    digest = file_digest(store.path)
    assert main(["--db", str(store.path), "handover-import", str(path), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["new"] == 1
    assert file_digest(store.path) == digest


def test_a_write_between_preview_and_import_is_seen(store, tmp_path):
    """The preview is reused only when nothing was written since: a month locked meanwhile (by
    another program) is left out, a value entered meanwhile on the same connection is compared."""
    from lcapp.intake.incoming import open_figures_file
    from lcapp.models.store import Store

    path = _csv(tmp_path, f"indicator,unit,period,value\n{RETAIL},{WARD},{MONTH},100\n"
                          f"{RETAIL},{WARD},202406,110\n")
    incoming = open_figures_file(store, path)
    assert [r.status for r in incoming.preview.rows] == [NEW, NEW]
    other = Store(store.path)
    lock(other, WARD, MONTH)
    other.close()
    enter(store, WARD, "202406", RETAIL, 110)
    result = incoming.apply(store)
    assert [r.status for r in result.preview.rows] == [REFUSED, IDENTICAL]
    assert result.written["written"] == 0 and figure(store) is None

    unchanged = open_figures_file(store, _csv(tmp_path, f"{TOURISTS},{WARD},202406,7\n"))
    assert unchanged.apply(store).preview is unchanged.preview  # nothing written since: read once
    assert figure(store, month=202406, indicator=TOURISTS)["month_value"] == 7
