"""Push to and pull from a DHIS2 server, tested with httpx.MockTransport: the exact requests,
and the documented answers fed back (no DHIS2 server can run here).

Documented shapes (pages in tests/dhis2_docs.py): DATA `POST /api/dataValueSets` with the
import parameters dryRun, importStrategy, idScheme, and `GET /api/dataValueSets` with
dataSet, startDate, endDate, orgUnit, children; INTRO `Authorization: ApiToken ...`, the
WebMessage (httpStatus, httpStatusCode, status, message, response) and "401 Unauthorized";
MAINTENANCE the import summary (status, importCount {imported, updated, ignored, deleted});
dhis2-core ImportConflict.java: conflicts [{object, value}]."""

import json

import httpx
import pytest

from lcapp.cli import main
from lcapp.export.dhis2_metadata import MONTHLY_DATA_SET, dhis2_uid
from lcapp.intake import dhis2_server
from lcapp.models.figures import enter
from tests import dhis2_docs as docs
from tests.conftest import file_digest

URL = "https://dhis2.example.org/hmis"
TOKEN = "d2pat_5xVA12xyUbWNedQxy4ohH77WlxRGVvZZ1151814092"  # INTRO's example token
WARD = "p_doan_ket"


class Server:
    """A MockTransport that records requests and answers from a list."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def server(monkeypatch):
    def install(*answers):
        fake = Server(*answers)
        monkeypatch.setattr(dhis2_server, "default_transport", lambda: httpx.MockTransport(fake))
        return fake
    return install


@pytest.fixture
def ward(store):
    enter(store, WARD, "202405", "tm_ban_le", 339, comment="ước")
    enter(store, WARD, "202405", "tm_khach_du_lich", 21930)
    store.close()
    return store.path


def run(db, *args):
    return main(["--db", str(db), *args])


def summary(**counts):
    return dict(docs.IMPORT_SUMMARY, importCount=dict(docs.IMPORT_SUMMARY["importCount"], **counts))


def test_push_sends_a_dry_run_with_the_token_and_stops_there(ward, server, capsys):
    fake = server(httpx.Response(200, json=summary(imported=2, updated=0)))
    assert run(ward, "dhis2-push", URL + "/api/", "--token", TOKEN) == 0
    (request,) = fake.requests
    assert request.method == "POST" and request.url.path == "/hmis/api/dataValueSets"
    assert dict(request.url.params) == {"dryRun": "true", "importStrategy": "CREATE_AND_UPDATE", "idScheme": "UID"}
    assert request.url.params["importStrategy"] in docs.IMPORT_STRATEGIES
    assert request.url.params["idScheme"] in docs.ID_SCHEMES
    assert request.headers["Authorization"] == f"ApiToken {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.content)
    assert {(v["dataElement"], v["value"]) for v in body["dataValues"]} == {
        (dhis2_uid("dataElement", "tm_ban_le"), "339"), (dhis2_uid("dataElement", "tm_khach_du_lich"), "21930")}
    out = capsys.readouterr().out
    assert "Chạy thử trên máy chủ (dryRun, chưa ghi gì): thành công; nhập mới 2, cập nhật 0, bỏ qua 0, xóa 0." in out
    assert "--apply" in out


def test_push_with_apply_imports_after_a_clean_dry_run(ward, server, capsys, monkeypatch):
    wrapped = docs.web_message(summary(imported=2), http_status="OK", code=200, status="OK",
                               message="Import was successful.")
    fake = server(httpx.Response(200, json=summary(imported=2)), httpx.Response(200, json=wrapped))
    monkeypatch.setenv("LCAPP_DHIS2_TOKEN", TOKEN)
    assert run(ward, "dhis2-push", URL, "--apply") == 0
    assert [r.url.params["dryRun"] for r in fake.requests] == ["true", "false"]
    assert fake.requests[0].content == fake.requests[1].content
    assert "Đã nhập lên máy chủ: thành công; nhập mới 2" in capsys.readouterr().out


def test_conflicts_of_the_dry_run_are_shown_and_nothing_is_imported(ward, server, capsys):
    """DHIS2 2.38+ answers a summary with conflicts as HTTP 409 with a WebMessage around it."""
    element = dhis2_uid("dataElement", "tm_ban_le")
    conflicted = summary(imported=1, updated=0, ignored=1)
    conflicted.update(status="WARNING", conflicts=[
        {"object": element, "value": "Data element not found or not accessible", "errorCode": "E7610"}])
    fake = server(httpx.Response(409, json=docs.web_message(
        conflicted, http_status="Conflict", code=409, status="WARNING", message="One more conflicts encountered")))
    assert run(ward, "dhis2-push", URL, "--token", TOKEN, "--apply") == 2
    assert len(fake.requests) == 1  # the real import is never sent
    captured = capsys.readouterr()
    assert "có cảnh báo; nhập mới 1, cập nhật 0, bỏ qua 1, xóa 0." in captured.out
    assert f"  - tm_ban_le ({element}): Data element not found or not accessible" in captured.out
    assert "Không nhập thật" in captured.err


@pytest.mark.parametrize("answer, message", [
    (httpx.Response(401, json={"httpStatus": "Unauthorized", "httpStatusCode": 401, "status": "ERROR"}), "(401)"),
    (httpx.Response(403, json={"httpStatus": "Forbidden", "httpStatusCode": 403, "status": "ERROR",
                               "message": "You don't have the proper permissions"}), "(403)"),
    (httpx.Response(404, text="<html>Not Found</html>"), "(404)"),
    (httpx.Response(500, text="Internal Server Error"), "gặp lỗi (500)"),
    (httpx.Response(409, json={"httpStatus": "Conflict", "httpStatusCode": 409, "status": "ERROR",
                               "message": "Invalid org unit ID"}), "từ chối dữ liệu (409): Invalid org unit ID"),
    (httpx.ConnectError("Name or service not known"), "Không kết nối được máy chủ DHIS2 dhis2.example.org"),
    (httpx.ReadTimeout("timed out"), "không trả lời"),
    (httpx.Response(200, text="<html>login</html>"), "không phải JSON"),
    (httpx.Response(200, json={"status": "OK"}), "không đúng dạng báo cáo nhập"),
    (httpx.Response(200, json=summary(imported="2")), "“imported” không hợp lệ"),
    (httpx.Response(200, json=dict(summary(), conflicts={"object": "x"})), "conflicts"),
])
def test_server_failures_give_one_vietnamese_line_and_exit_2(ward, server, capsys, answer, message):
    server(answer)
    digest = file_digest(ward)
    assert run(ward, "dhis2-push", URL, "--token", TOKEN) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.startswith("lỗi:")]
    assert len(lines) == 1 and message in lines[0]
    assert file_digest(ward) == digest


@pytest.mark.parametrize("args, message", [
    (["ftp://x"], "không hợp lệ"),
    ([URL], "Thiếu mã truy cập"),
])
def test_bad_address_or_missing_token_is_refused_before_any_request(ward, server, capsys, monkeypatch, args, message):
    monkeypatch.delenv("LCAPP_DHIS2_TOKEN", raising=False)
    fake = server()
    assert run(ward, "dhis2-push", *args) == 2
    assert message in capsys.readouterr().err and fake.requests == []


def pulled_values():
    """DATA "Reading data values": the JSON a GET of dataValueSets answers (default option combos)."""
    return {"dataValues": [
        {"dataElement": dhis2_uid("dataElement", "tm_ban_le"), "period": "202406",
         "orgUnit": dhis2_uid("organisationUnit", WARD), "categoryOptionCombo": "HllvX50cXC0",
         "attributeOptionCombo": "HllvX50cXC0", "value": "350", "storedBy": "admin",
         "created": "2024-07-02T10:00:00.000", "lastUpdated": "2024-07-02T10:00:00.000", "followup": False}]}


def test_pull_asks_for_the_data_set_unit_and_dates_and_previews_without_writing(store, server, capsys):
    store.close()
    digest = file_digest(store.path)
    fake = server(httpx.Response(200, json=pulled_values()))
    assert run(store.path, "dhis2-pull", URL, "--token", TOKEN, "--period", "2024Q2", "--org-unit", WARD,
               "--children") == 0
    (request,) = fake.requests
    assert request.method == "GET" and request.url.path == "/hmis/api/dataValueSets.json"
    assert dict(request.url.params) == {
        "dataSet": dhis2_uid("dataSet", MONTHLY_DATA_SET), "startDate": "2024-04-01", "endDate": "2024-06-30",
        "orgUnit": dhis2_uid("organisationUnit", WARD), "children": "true", "idScheme": "UID"}
    assert request.headers["Authorization"] == f"ApiToken {TOKEN}"
    out = capsys.readouterr().out
    assert "Xem trước (chưa ghi gì)" in out and "mới 1" in out
    assert file_digest(store.path) == digest


def test_pull_with_apply_writes_through_the_import_preview(store, server):
    store.close()
    server(httpx.Response(200, json=pulled_values()))
    assert run(store.path, "dhis2-pull", URL, "--token", TOKEN, "--period", "202406", "--org-unit", WARD,
               "--apply") == 0
    from lcapp.models.store import Store
    with_data = Store(store.path)
    assert with_data.query("SELECT unit, month, indicator, month_value FROM figures") == [
        {"unit": WARD, "month": 202406, "indicator": "tm_ban_le", "month_value": 350.0}]
    with_data.close()


def test_pull_of_nothing_says_so(store, server, capsys):
    store.close()
    server(httpx.Response(200, json={}))
    assert run(store.path, "dhis2-pull", URL, "--token", TOKEN, "--period", "202406", "--org-unit", WARD) == 0
    assert "không có số liệu" in capsys.readouterr().out
