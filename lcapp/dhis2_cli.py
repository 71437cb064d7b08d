"""Command-line side of DHIS2: the metadata file, the values file, push and pull (kept out of
cli.py, which holds the parser)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from argparse import Namespace
from pathlib import Path

from .export.dhis2_metadata import MONTHLY_DATA_SET, export_metadata
from .models.dhis2_ids import dhis2_uid, uid_lookup
from .export.dhis2_values import ValuesExport, data_values
from .intake.dhis2_server import STATUS_LABELS, ImportSummary, pull_values, push_values
from .models.errors import InputError
from .models.numbers import format_number
from .models.organisation import organisation
from .models.periods import parse_period
from .models.store import Store

EXIT_OK, EXIT_REFUSED = 0, 2
COUNT_LABELS = {"imported": "nhập mới", "updated": "cập nhật", "ignored": "bỏ qua", "deleted": "xóa"}
TOKEN_VARIABLE = "LCAPP_DHIS2_TOKEN"


def values_export(store: Store, args: Namespace) -> ValuesExport:
    """The month values to write or push, with the months left out listed on stderr."""
    units = months = None
    if getattr(args, "org_unit", None):
        org = organisation(store)
        units = {org.unit(args.org_unit).code}
    if getattr(args, "period", None):
        months = set(parse_period(args.period).months)
    result = data_values(store, units=units, months=months)
    if result.left_out:
        print(f"Không xuất {len(result.left_out)} số liệu (DHIS2 chỉ nhận số của từng tháng):", file=sys.stderr)
        for line in result.left_out:
            print("  " + line, file=sys.stderr)
    return result


def write_metadata(store: Store, path: Path, write_file) -> None:
    text = export_metadata(store)
    write_file(path, text)
    print(f"Đã xuất siêu dữ liệu DHIS2 ra {path}: nhập vào DHIS2 trước (Import/Export → Metadata import, "
          "hoặc POST /api/metadata), rồi mới gửi số liệu.")


def _token(args: Namespace) -> str:
    return args.token or os.environ.get(TOKEN_VARIABLE, "")


def print_summary(store: Store, summary: ImportSummary, *, dry_run: bool) -> None:
    head = "Chạy thử trên máy chủ (dryRun, chưa ghi gì)" if dry_run else "Đã nhập lên máy chủ"
    counts = ", ".join(f"{COUNT_LABELS[k]} {format_number(v, 0)}" for k, v in summary.counts.items())
    print(f"{head}: {STATUS_LABELS[summary.status]}; {counts}.")
    if summary.conflicts:
        elements, units = uid_lookup(store)
        print(f"Xung đột ({format_number(len(summary.conflicts), 0)}):")
        for obj, value in summary.conflicts:
            code = elements.get(obj) or units.get(obj)  # the object as our code when it is one of our uids
            print(f"  - {f'{code} ({obj})' if code else obj}: {value}")


def run_push(store: Store, args: Namespace) -> int:
    """Dry run first; the real import only with --apply and only when the dry run was clean."""
    values = values_export(store, args).values
    if not values:
        raise InputError("Không có số liệu tháng nào để gửi lên DHIS2.")
    payload = {"dataValues": values}
    token = _token(args)
    summary = push_values(args.url, token, payload, dry_run=True)
    print_summary(store, summary, dry_run=True)
    if not summary.ok:
        print("Không nhập thật vì máy chủ báo lỗi hoặc xung đột: hãy sửa (thường là nhập siêu dữ liệu "
              "bằng “dhis2-metadata” trước) rồi chạy lại.", file=sys.stderr)
        return EXIT_REFUSED
    if not args.apply:
        print("Chưa ghi gì lên máy chủ. Chạy lại với --apply để nhập thật.")
        return EXIT_OK
    summary = push_values(args.url, token, payload, dry_run=False)
    print_summary(store, summary, dry_run=False)
    return EXIT_OK if summary.ok else EXIT_REFUSED


def run_pull(store: Store, args: Namespace, run_import) -> int:
    """Fetch a period's values from the server into a file, then preview (and with --apply import) it."""
    org = organisation(store)
    unit = org.unit(args.org_unit)
    period = parse_period(args.period)
    body = pull_values(args.url, _token(args), data_set=dhis2_uid("dataSet", MONTHLY_DATA_SET),
                       start=period.first_day().isoformat(), end=period.last_day().isoformat(),
                       org_unit=dhis2_uid("organisationUnit", unit.code), children=args.children)
    if not body["dataValues"]:
        print(f"Máy chủ không có số liệu của {unit.name} trong {period.label}.")
        return EXIT_OK
    with tempfile.TemporaryDirectory(prefix="lcapp-dhis2-") as folder:
        path = Path(folder) / "dhis2-pull.json"
        path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        return run_import(store, Namespace(file=path, dry_run=not args.apply, json=args.json, take=None,
                                           accept_sender=False, accept_new_key=False, units=[]))
