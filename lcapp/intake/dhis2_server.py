"""Talking to a DHIS2 server's Web API: push month values to `/api/dataValueSets` (a dry run
first) and pull them back, with httpx and a personal access token
(`Authorization: ApiToken d2pat_...`).

The server answers an import with an import summary: `status`, `importCount` {imported,
updated, ignored, deleted} and `conflicts` [{object, value}]; since DHIS2 2.38 the summary
sits in the `response` field of a WebMessage (`httpStatus`, `httpStatusCode`, `status`,
`message`), and a summary with conflicts may come with HTTP 409. Both shapes are read. A
network failure, a refused token (401/403), a missing resource (404), a server error or an
answer that is not a summary raises InputError with one Vietnamese line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from ..models.errors import InputError

TIMEOUT_SECONDS = 120.0
IMPORT_PARAMETERS = {"importStrategy": "CREATE_AND_UPDATE", "idScheme": "UID"}
STATUS_LABELS = {"SUCCESS": "thành công", "OK": "thành công", "WARNING": "có cảnh báo", "ERROR": "lỗi"}
COUNT_KEYS = ("imported", "updated", "ignored", "deleted")


@dataclass
class ImportSummary:
    """What a DHIS2 server says about an import (or a dry run of it)."""

    status: str
    counts: dict[str, int]
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (object, value)
    description: str = ""
    http_status: int = 200

    @property
    def ok(self) -> bool:
        return self.status in ("SUCCESS", "OK") and not self.conflicts and self.http_status < 300


def default_transport() -> httpx.BaseTransport | None:
    """The transport of real requests (None: httpx's own); tests put a MockTransport here."""
    return None


def api_root(url: str) -> str:
    """The instance's base URL without a trailing "/" or "/api"; InputError if it is not http(s)."""
    url = (url or "").strip().rstrip("/")
    if url.endswith("/api"):
        url = url[:-4]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"Địa chỉ máy chủ DHIS2 “{url}” không hợp lệ (ví dụ https://play.dhis2.org/40.4.0).")
    return url


def _client(url: str, token: str) -> httpx.Client:
    if not token or not token.strip():
        raise InputError("Thiếu mã truy cập DHIS2 (--token hoặc biến môi trường LCAPP_DHIS2_TOKEN).")
    return httpx.Client(base_url=api_root(url), transport=default_transport(), timeout=TIMEOUT_SECONDS,
                        headers={"Authorization": f"ApiToken {token.strip()}", "Accept": "application/json"})


def _send(url: str, token: str, method: str, path: str, **kwargs) -> httpx.Response:
    host = urlsplit(api_root(url)).netloc
    try:
        with _client(url, token) as client:
            return client.request(method, path, **kwargs)
    except httpx.TimeoutException:
        raise InputError(f"Máy chủ DHIS2 {host} không trả lời trong {TIMEOUT_SECONDS:.0f} giây.") from None
    except httpx.HTTPError as error:
        raise InputError(f"Không kết nối được máy chủ DHIS2 {host}: {error}.") from None


def _refused(response: httpx.Response) -> InputError | None:
    """The one-line complaint for an HTTP status that carries no import summary."""
    code = response.status_code
    if code == 401:
        return InputError("Máy chủ DHIS2 không nhận mã truy cập (401): mã sai, hết hạn hoặc bị thu hồi.")
    if code == 403:
        return InputError("Tài khoản của mã truy cập không có quyền này trên máy chủ DHIS2 (403).")
    if code == 404:
        return InputError(f"Không tìm thấy {response.request.url.path} trên máy chủ (404): kiểm tra địa chỉ.")
    if code >= 500:
        return InputError(f"Máy chủ DHIS2 gặp lỗi ({code}); chưa có gì được ghi, hãy thử lại sau.")
    return None


def _message(body) -> str:
    return str(body.get("message") or "").strip() if isinstance(body, dict) else ""


def parse_summary(body, http_status: int = 200) -> ImportSummary:
    """Read an import summary, bare or inside a WebMessage's `response`; InputError if it is neither."""
    inner = body.get("response") if isinstance(body, dict) and isinstance(body.get("response"), dict) else body
    if not isinstance(inner, dict) or not isinstance(inner.get("importCount"), dict):
        detail = _message(body)
        raise InputError("Máy chủ DHIS2 trả lời không đúng dạng báo cáo nhập dữ liệu (import summary)"
                         + (f": {detail[:200]}" if detail else "") + f" (HTTP {http_status}).")
    counts = {}
    for key in COUNT_KEYS:
        value = inner["importCount"].get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"Báo cáo nhập của máy chủ DHIS2 có số “{key}” không hợp lệ ({value!r}).")
        counts[key] = value
    conflicts = []
    raw_conflicts = inner.get("conflicts") or []
    if not isinstance(raw_conflicts, list):
        raise InputError("Báo cáo nhập của máy chủ DHIS2 có danh sách xung đột (conflicts) không hợp lệ.")
    for conflict in raw_conflicts:
        if not isinstance(conflict, dict):
            raise InputError("Báo cáo nhập của máy chủ DHIS2 có xung đột không đúng dạng {object, value}.")
        conflicts.append((str(conflict.get("object") or ""), str(conflict.get("value") or "")))
    status = str(inner.get("status") or (body.get("status") if isinstance(body, dict) else "") or "")
    if status not in STATUS_LABELS:
        raise InputError(f"Báo cáo nhập của máy chủ DHIS2 có trạng thái lạ “{status[:20]}”.")
    return ImportSummary(status, counts, conflicts, str(inner.get("description") or _message(body)), http_status)


def _json(response: httpx.Response):
    try:
        return response.json()
    except ValueError:
        raise InputError(f"Máy chủ DHIS2 trả lời không phải JSON (HTTP {response.status_code}); "
                         "kiểm tra địa chỉ máy chủ.") from None


def push_values(url: str, token: str, payload: dict, *, dry_run: bool) -> ImportSummary:
    """POST a dataValueSets payload; with `dry_run` the server only says what it would do."""
    params = dict(IMPORT_PARAMETERS, dryRun="true" if dry_run else "false")
    response = _send(url, token, "POST", "/api/dataValueSets", params=params, json=payload)
    refused = _refused(response)
    if refused is not None:
        raise refused
    body = _json(response)
    if response.status_code >= 400 and not (isinstance(body, dict) and
                                            (isinstance(body.get("response"), dict) or "importCount" in body)):
        detail = _message(body)
        raise InputError(f"Máy chủ DHIS2 từ chối dữ liệu ({response.status_code})"
                         + (f": {detail[:200]}" if detail else "") + ".")
    return parse_summary(body, response.status_code)


def pull_values(url: str, token: str, *, data_set: str, start: str, end: str, org_unit: str,
                children: bool) -> dict:
    """GET the values of a data set, an org unit (and its children) and a span of dates."""
    params = {"dataSet": data_set, "startDate": start, "endDate": end, "orgUnit": org_unit,
              "children": "true" if children else "false", "idScheme": "UID"}
    response = _send(url, token, "GET", "/api/dataValueSets.json", params=params)
    refused = _refused(response)
    if refused is not None:
        raise refused
    body = _json(response)
    if response.status_code >= 400:
        detail = _message(body)
        raise InputError(f"Máy chủ DHIS2 không trả số liệu ({response.status_code})"
                         + (f": {detail[:200]}" if detail else "") + ".")
    if not isinstance(body, dict) or not isinstance(body.get("dataValues", []), list):
        raise InputError("Máy chủ DHIS2 trả lời không đúng dạng dataValueSets.")
    body.setdefault("dataValues", [])
    return body
